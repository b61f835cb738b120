"""The audit workbook's first two sheets: the summary of every headline figure with the sheet
of its rows, and the column key (`pipeline.write.workbook`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.figures import Figures
from pipeline.model import (
    SHEET_FLAGS,
    SHEET_GOVERNANCE,
    SHEET_REVENUE_BY_COUNTERPARTY,
    SHEET_SERVICES,
    SHEET_SUPPLIER_FLAGS,
    SHEET_SUPPLIERS,
    SHEET_TECKAL,
    Table,
)
from pipeline.write.workbook_rows import written_columns
from pipeline.write.workbook_values import Formats, column_header, visible_text, write_text
from pipeline.write.workbook_words import header as shown_header
from pipeline.write.workbook_words import shown_value, value_names

COLUMNS_FILE = Path(__file__).resolve().parents[1] / "data" / "workbook_columns.toml"


# ---------------------------------------------------------------------------------------------
# Summary sheet: one row per headline figure, with the sheet that holds its rows.

@dataclass(frozen=True)
class SummaryRow:
    key: str  # dotted path in results.json
    label_sv: str
    label_en: str
    value: Any
    kind: str  # money, share, ratio, integer, text, bool
    sheet: str  # sheet name as written, or "" when the figure has no rows of its own


def _kind_of(key: str, value: Any) -> str:
    last = key.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return "bool"
    if last.endswith("_sek"):
        return "money"
    if last in ("share", "window_share", "window_private_share", "mean_share", "threshold", "top_share") or last.startswith("window_share_"):
        return "share"
    if last in ("coverage", "herfindahl"):
        return "ratio"
    if isinstance(value, int):
        return "integer"
    return "text"


ACTIVITY_NAMES = {"cost_sharing": ("samverkan", "cost sharing"), "sales": ("säljverksamhet", "sales activity"),
                  "unassigned": ("ej tilldelad", "unassigned")}


def summary_rows(figures: Figures, sheet_of: dict[str, str]) -> list[SummaryRow]:
    """The summary sheet's rows, in reading order. Each value is read from the figures by
    attribute; its key is where results.json holds it (a test checks the two agree). `sheet_of`
    maps a table name to the sheet it was written to; a table not written gives an empty name."""
    rows: list[SummaryRow] = []

    def add(key: str, value: Any, sv: str, en: str, sheet_table: str = "") -> None:
        rows.append(SummaryRow(key, sv, en, value, _kind_of(key, value), sheet_of.get(sheet_table, "")))

    f, teckal = figures, figures.teckal
    add("organisation", f.organisation, "Organisation", "Organisation")
    add("organisation_orgnr", f.organisation_orgnr, "Organisationsnummer", "Organisation number")
    add("year", f.year, "Redovisningsår", "Report year")
    if teckal.criteria is not None:
        criteria = teckal.criteria
        add("teckal.exemption_holds", teckal.exemption_holds, "Teckal-undantaget håller (alla tre kriterierna)",
            "Teckal exemption holds (all three criteria)", SHEET_TECKAL)
        add("teckal.criteria.activity.status", criteria.activity.status, "Teckal: verksamhetskriteriet",
            "Teckal: activity criterion", SHEET_TECKAL)
        add("teckal.criteria.control.status", criteria.control.status, "Teckal: kontrollkriteriet",
            "Teckal: control criterion", SHEET_GOVERNANCE)
        add("teckal.criteria.private_capital.status", criteria.private_capital.status, "Teckal: privat kapital",
            "Teckal: private capital", SHEET_GOVERNANCE)
    add("teckal.met", teckal.met, "Teckal: mer än 80 % för kontrollerande medlemmar", "Teckal: more than 80 % for controlling members", SHEET_TECKAL)
    add("teckal.review", teckal.review, "Teckal: inom granskningsmarginalen", "Teckal: within the review band", SHEET_TECKAL)
    add("teckal.threshold", teckal.threshold, "Teckal: tröskel", "Teckal: threshold")
    add("teckal.window_share", teckal.window_share, "Teckal: andel över treårsfönstret", "Teckal: three-year window share", SHEET_TECKAL)
    add("teckal.mean_share", teckal.mean_share, "Teckal: medelvärde av årsandelarna", "Teckal: mean of the yearly shares", SHEET_TECKAL)
    add("teckal.years_count", teckal.years_count, "Teckal: antal år i fönstret", "Teckal: years in the window", SHEET_TECKAL)
    for i, year in enumerate(teckal.years):
        y = year.year
        add(f"teckal.years.{i}.controlling_sek", year.controlling_sek, f"{y}: intäkter från kontrollerande", f"{y}: controlling revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.total_sek", year.total_sek, f"{y}: totala verksamhetsintäkter", f"{y}: total activity revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.share", year.share, f"{y}: andel", f"{y}: share", SHEET_TECKAL)
        add(f"teckal.years.{i}.source", year.source, f"{y}: källa", f"{y}: source", SHEET_TECKAL)
    add("teckal.window_controlling_sek", teckal.window_controlling_sek, "Fönstret: intäkter från kontrollerande", "Window: controlling revenue", SHEET_TECKAL)
    add("teckal.window_total_sek", teckal.window_total_sek, "Fönstret: totala verksamhetsintäkter", "Window: total activity revenue", SHEET_TECKAL)
    add("teckal.headroom_sek", teckal.headroom_sek, "Teckal: utrymme för annan försäljning", "Teckal: headroom for other revenue", SHEET_TECKAL)
    add("teckal.next_year_headroom_sek", teckal.next_year_headroom_sek, "Teckal: utrymme nästa år", "Teckal: headroom next year", SHEET_TECKAL)
    add("teckal.controlling_needed_sek", teckal.controlling_needed_sek, "Teckal: minsta ytterligare medlemsintäkt som behövs",
        "Teckal: smallest extra member revenue needed", SHEET_TECKAL)
    add("teckal.provisional", teckal.provisional, "Teckal: preliminär (färre än tre år)",
        "Teckal: provisional (fewer than three years)", SHEET_TECKAL)
    add("teckal.cost_based.share", teckal.cost_based.share, "Teckal: kostnadsbaserad andel", "Teckal: cost-based share", SHEET_SERVICES)
    add("teckal.cost_based.window_share", teckal.cost_based.window_share, "Teckal: kostnadsbaserad andel, treårsfönstret",
        "Teckal: cost-based share, three-year window", SHEET_SERVICES)
    for activity, (sv, en) in ACTIVITY_NAMES.items():
        totals = f.activities.of(activity)
        add(f"activities.{activity}.revenue_sek", totals.revenue_sek, f"{sv.capitalize()}: intäkter", f"{en.capitalize()}: revenue", SHEET_SERVICES)
        add(f"activities.{activity}.full_cost_sek", totals.full_cost_sek, f"{sv.capitalize()}: självkostnad", f"{en.capitalize()}: full cost", SHEET_SERVICES)
        add(f"activities.{activity}.result_sek", totals.result_sek, f"{sv.capitalize()}: resultat", f"{en.capitalize()}: result", SHEET_SERVICES)
        add(f"activities.{activity}.coverage", totals.coverage, f"{sv.capitalize()}: kostnadstäckning", f"{en.capitalize()}: cost coverage", SHEET_SERVICES)
    by_cause = f.activities.unassigned.by_cause or {}
    for cause, sv, en in (("no_service_code", "utan tjänstekod", "no service code"),
                          ("not_in_catalogue", "kod saknas i katalogen", "code not in the catalogue"),
                          ("undecided", "tjänst utan beslut", "service without a decision")):
        if cause in by_cause:
            add(f"activities.unassigned.by_cause.{cause}.revenue_sek", by_cause[cause].revenue_sek,
                f"Utan verksamhet, {sv}: intäkter", f"No activity, {en}: revenue", SHEET_SERVICES)
    market = f.open_market
    add("open_market.share", market.share, "Andel från privata motparter (rapportåret)", "Private share (report year)",
        SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.window_share", market.window_share, "Hamburg: andel utanför samarbetet, treårsfönstret",
        "Hamburg: share outside the cooperation, three-year window", SHEET_TECKAL)
    add("open_market.window_private_share", market.window_private_share, "Hamburg: därav privata, treårsfönstret",
        "Hamburg: of which private, three-year window", SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.threshold", market.threshold, "Hamburg: tröskel (under)", "Hamburg: threshold (below)")
    add("open_market.met", market.met, "Hamburg: andelen utanför samarbetet är under tröskeln",
        "Hamburg: the share outside the cooperation is below the threshold", SHEET_TECKAL)
    add("open_market.private_sek", market.private_sek, "Intäkter från privata motparter", "Revenue from private counterparties", SHEET_REVENUE_BY_COUNTERPARTY)
    s = f.suppliers
    add("suppliers.source", s.source, "Leverantörer: källa", "Suppliers: source", SHEET_SUPPLIERS)
    add("suppliers.spend_sek", s.spend_sek, "Leverantörer: inköp totalt", "Suppliers: total spend", SHEET_SUPPLIERS)
    add("suppliers.market_spend_sek", s.market_spend_sek, "Leverantörer: inköp från marknaden", "Suppliers: market spend", SHEET_SUPPLIERS)
    add("suppliers.member_spend_sek", s.member_spend_sek, "Leverantörer: inköp från medlemmar", "Suppliers: spend with members", SHEET_SUPPLIERS)
    add("suppliers.count", s.count, "Leverantörer: antal", "Suppliers: count", SHEET_SUPPLIERS)
    add("suppliers.flagged", s.flagged, "Leverantörer: flaggade", "Suppliers: flagged", SHEET_SUPPLIER_FLAGS)
    rows.append(SummaryRow("flags", "Flaggor: antal", "Flags: count", len(f.flags), "integer", sheet_of.get(SHEET_FLAGS, "")))
    quality = f.data_quality
    totals_table = quality.control_totals_sheet if quality else ""
    for key, sv, en in (("ledger_read", "Huvudbok: rader lästa", "Ledger: rows read"),
                        ("ledger_used", "Huvudbok: rader använda", "Ledger: rows used"),
                        ("ledger_rejected", "Huvudbok: rader avvisade", "Ledger: rows rejected"),
                        ("purchases_read", "Leverantörsreskontra: rader lästa", "Purchases: rows read"),
                        ("purchases_used", "Leverantörsreskontra: rader använda", "Purchases: rows used"),
                        ("purchases_rejected", "Leverantörsreskontra: rader avvisade", "Purchases: rows rejected")):
        add(f"rows.{key}", getattr(f.rows, key), sv, en, totals_table)
    if quality:
        add("data_quality.rejected.total", quality.rejected.total, "Avvisade rader totalt", "Rejected rows in total",
            quality.rejected.sheet)
    return rows


def write_summary(worksheet, rows: list[SummaryRow], words: dict[str, str], formats: Formats,
                   language: str) -> None:
    worksheet.set_column(0, 0, 34)
    worksheet.set_column(1, 1, 52)
    worksheet.set_column(2, 2, 20)
    worksheet.set_column(3, 3, 28)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(rows), 1), 3)
    for col, header in enumerate((words["key"], words["figure"], words["value"], words["sheet"])):
        worksheet.write_string(0, col, header, formats.header)
    for r, row in enumerate(rows, start=1):
        worksheet.write_string(r, 0, row.key)
        worksheet.write_string(r, 1, row.label_en if language == "en" else row.label_sv)
        _write_figure(worksheet, r, 2, row, words, formats)
        if row.sheet:
            # An internal link takes the auditor to the rows; the sheet name stays readable text.
            quoted = row.sheet.replace("'", "''")
            worksheet.write_url(r, 3, f"internal:'{quoted}'!A1", string=row.sheet)
        else:
            worksheet.write_string(r, 3, words["missing"])


def _write_figure(worksheet, row: int, col: int, figure: SummaryRow, words: dict[str, str],
                  formats: Formats) -> None:
    value = figure.value
    if value is None:
        text = words["no_share"] if figure.kind in ("share", "ratio") else words["missing"]
        worksheet.write_string(row, col, text)
    elif figure.kind == "bool":
        worksheet.write_string(row, col, words["yes"] if value else words["no"])
    elif figure.kind in ("money", "share", "ratio"):
        # Figures arrive as exact decimal text; the number written is that text's nearest double,
        # which XlsxWriter prints back as the same decimal.
        worksheet.write_number(row, col, float(Decimal(str(value))), formats.of(figure.kind))
    elif figure.kind == "integer":
        worksheet.write_number(row, col, int(value), formats.integer)
    else:
        names = value_names(figure.key.rsplit(".", 1)[-1], words["language"])
        write_text(worksheet, row, col, visible_text(shown_value(str(value), names, words["language"])))


# ---------------------------------------------------------------------------------------------
# Column sheet: every column name written, what it holds, and on which sheets it appears.

def column_descriptions() -> dict[str, dict[str, str]]:
    """Column name (as written) -> {"sv": ..., "en": ...}, from the shipped data file."""
    text = COLUMNS_FILE.read_text(encoding="utf-8")
    return tomllib.loads(text)["columns"]


def describe_column(header: str, descriptions: dict[str, dict[str, str]]) -> dict[str, str]:
    """The column's description; a money column not listed is described from its base name."""
    if header in descriptions:
        return descriptions[header]
    if header.endswith("_sek"):
        base = header[:-4].replace("_", " ")
        return {"sv": f"Belopp i kronor: {base}", "en": f"Amount in SEK: {base}"}
    return {"sv": "", "en": ""}


def write_column_sheet(worksheet, tables: dict[str, Table], sheet_of: dict[str, str],
                        words: dict[str, str], formats: Formats, language: str) -> None:
    descriptions = column_descriptions()
    sheets_of_column: dict[str, list[str]] = {}
    for name, frame in tables.items():
        for column in written_columns(frame):
            sheets_of_column.setdefault(column_header(column), []).append(sheet_of[name])
    # The header people read, then the key it stands for in results.json and the tables.
    headers = [words["column"], words["key"], words["description"], words["sheets"]]
    if language == "en":
        headers.insert(2, "description")
    worksheet.set_column(0, 0, 30)
    worksheet.set_column(1, 1, 26)
    worksheet.set_column(2, len(headers) - 2, 70)
    worksheet.set_column(len(headers) - 1, len(headers) - 1, 60)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(sheets_of_column), 1), len(headers) - 1)
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, formats.header)
    for r, column in enumerate(sorted(sheets_of_column, key=lambda c: (shown_header(c, language).lower(), c)),
                               start=1):
        described = describe_column(column, descriptions)
        cells = [shown_header(column, language), column, described["sv"], ", ".join(sheets_of_column[column])]
        if language == "en":
            cells.insert(2, described["en"])
        for col, text in enumerate(cells):
            write_text(worksheet, r, col, visible_text(text))
