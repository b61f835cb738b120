"""Write the audit workbook (LOS-underlag-<year>.xlsx) from computed figures and their tables.

The first sheet, "Sammanfattning", lists every headline figure of results.json with the name of
the sheet that holds its rows; "Kolumner" explains each column name; then comes one sheet per
table, in the order given. Long tables are streamed (XlsxWriter constant-memory mode) and split
over several sheets when they exceed Excel's row limit. Two writes of the same input give the
same bytes: the document dates come from the report year (or SOURCE_DATE_EPOCH).

This module only writes what the compute and run stages hand it; it never recomputes a figure.
Money arrives as integer öre (tables) or two-decimal SEK text (figures) and is written as a
number of kronor; text is always written as text, never as a formula, URL or number.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import xlsxwriter

from pipeline.compute import (
    SHEET_FLAGS, SHEET_REVENUE_BY_COUNTERPARTY, SHEET_SERVICES, SHEET_SUPPLIER_FLAGS, SHEET_SUPPLIERS,
    SHEET_TECKAL,
)

SHEET_SUMMARY = "Sammanfattning"
SHEET_COLUMNS = "Kolumner"
COLUMNS_FILE = Path(__file__).parent / "data" / "workbook_columns.toml"
EXCEL_MAX_DATA_ROWS = 1_048_575  # 1 048 576 rows per sheet, one of them the header
SHEET_NAME_MAX = 31
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
BLOCK_ROWS = 50_000  # rows turned into Python values at a time: bounds memory on long tables
WIDTH_SAMPLE_ROWS = 2_000  # column widths are judged on the first rows only: long sheets stay streamed

MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0000%"
RATIO_FORMAT = "0.0000"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"

_EXCEL_EPOCH = np.datetime64("1899-12-30", "us")  # Excel's day 0 in the 1900 date system
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot hold (tab and line feed it can). Carriage return is replaced too:
# XML readers turn a raw CR into LF, and Excel's own _x000D_ escape is not read back by every tool.
_UNWRITABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")

WORDS = {
    "sv": {"yes": "ja", "no": "nej", "no_share": "ingen andel (total 0)", "missing": "–",
           "key": "nyckel (results.json)", "figure": "uppgift", "value": "värde", "sheet": "flik med rader",
           "column": "kolumn", "sheets": "flikar", "description": "beskrivning", "not_written": "(ingen flik)"},
    "en": {"yes": "yes", "no": "no", "no_share": "no share (total 0)", "missing": "–",
           "key": "key (results.json)", "figure": "figure", "value": "value", "sheet": "sheet with the rows",
           "column": "column", "sheets": "sheets", "description": "beskrivning (sv)", "not_written": "(no sheet)"},
}


def write_workbook(path: Path, figures: dict, tables: dict[str, pd.DataFrame], language: str = "sv",
                   max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS) -> None:
    """Write the audit workbook to `path` (overwritten). `max_rows_per_sheet` is the number of
    data rows a sheet takes before a table continues on "<name> (2)"; Excel's limit by default."""
    if language not in WORDS:
        raise ValueError(f"language must be one of {sorted(WORDS)}, not {language!r}")
    if not 1 <= max_rows_per_sheet <= EXCEL_MAX_DATA_ROWS:
        raise ValueError(f"max_rows_per_sheet must be 1..{EXCEL_MAX_DATA_ROWS}")
    words = WORDS[language]
    layout = plan_sheets({name: len(frame) for name, frame in tables.items()}, max_rows_per_sheet)
    first_sheet_of = {name: parts[0][0] for name, parts in layout.items()}
    total_rows = sum(len(frame) for frame in tables.values())

    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True,  # rows go to a temporary file as written: memory stays flat
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        # Sheet XML beyond 4 GiB needs zip64; only very long ledgers get there, so small files keep
        # the plain zip format every reader accepts.
        "use_zip64": total_rows > EXCEL_MAX_DATA_ROWS,
    })
    workbook.set_properties({
        "title": f"LOS-underlag {figures.get('year', '')}".strip(),
        "subject": "Underlag till LOS-utvärderingen (Teckal, särredovisning, leverantörer)",
        "author": str(figures.get("organisation", "")),
        "company": str(figures.get("organisation", "")),
        "created": document_date(figures.get("year")),
    })
    formats = _Formats(workbook)

    summary = summary_rows(figures, first_sheet_of)
    _write_summary(workbook.add_worksheet(SHEET_SUMMARY), summary, words, formats, language)
    _write_column_sheet(workbook.add_worksheet(SHEET_COLUMNS), tables, first_sheet_of, words, formats, language)
    for name, frame in tables.items():
        for sheet_name, start, stop in layout[name]:
            _write_table(workbook.add_worksheet(sheet_name), frame, start, stop, words, formats)
    workbook.close()


def document_date(year: Any) -> datetime:
    """The workbook's creation date: SOURCE_DATE_EPOCH if set, else Dec 31 of the report year, so a
    re-run gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return datetime(int(year), 12, 31) if year else datetime(1980, 1, 1)


def plan_sheets(row_counts: dict[str, int], max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS,
                reserved: tuple[str, ...] = (SHEET_SUMMARY, SHEET_COLUMNS)) -> dict[str, list[tuple[str, int, int]]]:
    """Table name -> [(sheet name, first row, end row)]: valid, unique sheet names, a table longer
    than `max_rows_per_sheet` continued on "<name> (2)", "<name> (3)", ... An empty table still
    gets one sheet (its header), so the auditor sees that nothing was there."""
    taken = {name.lower() for name in reserved}
    layout: dict[str, list[tuple[str, int, int]]] = {}
    for name, rows in row_counts.items():
        base = _clean_sheet_name(name)
        starts = list(range(0, rows, max_rows_per_sheet)) or [0]
        parts = []
        for part, start in enumerate(starts, start=1):
            sheet = _unique_sheet_name(base, part, taken)
            taken.add(sheet.lower())
            parts.append((sheet, start, min(start + max_rows_per_sheet, rows)))
        layout[name] = parts
    return layout


def _clean_sheet_name(name: str) -> str:
    cleaned = _FORBIDDEN_IN_SHEET_NAME.sub("_", str(name)).strip().strip("'")
    return cleaned or "Blad"


def _unique_sheet_name(base: str, part: int, taken: set[str]) -> str:
    """`base` for part 1, "base (n)" after; shortened to fit 31 characters; Excel compares sheet
    names case-insensitively, so uniqueness is checked that way too."""
    suffix_number = part
    while True:
        suffix = "" if suffix_number == 1 else f" ({suffix_number})"
        candidate = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        if candidate.lower() not in taken:
            return candidate
        suffix_number += 1


def visible_text(text: str) -> str:
    """Text with the characters XML cannot hold replaced by their visible Unicode pictures
    (U+0001 -> U+2401 "␁"), so nothing is silently dropped and the file stays valid."""
    return _UNWRITABLE_CHARACTERS.sub(_picture_of, text)


def _picture_of(match: re.Match) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


# ---------------------------------------------------------------------------------------------
# Columns: each table column is turned once, vectorised, into a list of Python values and the
# XlsxWriter call that writes them, so the row loop does no type decisions.

@dataclass
class _Column:
    header: str
    kind: str  # money, share, ratio, date, integer, number, text, mixed
    values: list
    width: int


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.share = workbook.add_format({"num_format": SHARE_FORMAT})
        self.ratio = workbook.add_format({"num_format": RATIO_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.integer = workbook.add_format({"num_format": INTEGER_FORMAT})
        self.bold = workbook.add_format({"bold": True})

    def of(self, kind: str):
        return getattr(self, kind, None)


def column_header(name: str) -> str:
    """The header as written: money columns are in kronor, so `amount_ore` becomes `amount_sek`."""
    return f"{name[:-4]}_sek" if name.endswith("_ore") else name


def _is_share(name: str) -> bool:
    return name == "share" or name.endswith("_share") or name.startswith("share_")


def _is_money_text(name: str) -> bool:
    return name.endswith("_sek")


def _is_ratio(name: str) -> bool:
    return name in ("coverage", "herfindahl") or name.endswith("_coverage")


def _prepare_column(series: pd.Series, name: str, words: dict[str, str]) -> _Column:
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if name.endswith("_ore") and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)):
        kind = "money"
        # Öre / 100 is the double nearest the exact kronor amount (the öre stay exact in the
        # source tables). XlsxWriter prints it with 16 significant digits ("9183837.310000001"),
        # which parses back to that same double, whose shortest form is the exact amount
        # (9183837.31); Excel shows 15 digits. Re-read and rounded to öre, every cell is exact
        # (tested on random amounts up to 10^13 kronor). A Decimal would be written the same way.
        values = _with_blanks((series.to_numpy(dtype="float64", na_value=np.nan) / 100), missing)
    elif pd.api.types.is_bool_dtype(dtype):
        kind = "text"
        values = np.where(series.to_numpy(dtype=bool), words["yes"], words["no"]).tolist()
    elif pd.api.types.is_datetime64_dtype(dtype):
        kind = "date"
        days = (series.to_numpy().astype("datetime64[us]") - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        values = _with_blanks(days, missing)
    elif pd.api.types.is_integer_dtype(dtype):
        kind = "integer"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing, as_int=True)
    elif pd.api.types.is_float_dtype(dtype):
        kind = "share" if _is_share(name) else "ratio" if _is_ratio(name) else "number"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing)
    elif pd.api.types.is_string_dtype(dtype) and dtype != object \
            and not (_is_share(name) or _is_ratio(name) or _is_money_text(name)):
        kind = "text"
        values = _text_values(series)
    else:
        # Object columns and decimal text (shares, SEK amounts): decided cell by cell.
        kind = ("mixed_share" if _is_share(name) else "mixed_ratio" if _is_ratio(name)
                else "mixed_money" if _is_money_text(name) else "mixed")
        values = [_plain_cell(v, words, name) for v in series.tolist()]
    header = column_header(name)
    return _Column(header, kind, values, _column_width(header, values[:WIDTH_SAMPLE_ROWS], kind))


def _with_blanks(numbers: np.ndarray, missing: np.ndarray, as_int: bool = False) -> list:
    values = numbers.astype("int64").tolist() if as_int and not missing.any() else numbers.tolist()
    if missing.any():
        values = [None if gone else (int(v) if as_int else v) for v, gone in zip(values, missing.tolist())]
    return values


def _text_values(series: pd.Series) -> list:
    text = series.astype("str")
    needs_fix = text.str.contains(_UNWRITABLE_CHARACTERS, regex=True, na=False)
    if needs_fix.any():
        text = text.where(~needs_fix, text[needs_fix].map(visible_text))
    values = text.tolist()
    missing = series.isna().to_numpy()
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing.tolist())]
    return values


def _plain_cell(value: Any, words: dict[str, str], name: str) -> Any:
    """One cell of an object column as None, bool text, int, float, datetime serial or text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return words["yes"] if value else words["no"]
    if isinstance(value, (int, np.integer)):
        return int(value) / 100 if name.endswith("_ore") else int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) / 100 if name.endswith("_ore") else float(value)
    if isinstance(value, Decimal):
        return float(value / 100) if name.endswith("_ore") else float(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return _DateSerial((np.datetime64(pd.Timestamp(value).to_datetime64(), "us") - _EXCEL_EPOCH)
                           / np.timedelta64(1, "D"))
    if (_is_share(name) or _is_ratio(name) or _is_money_text(name)) and isinstance(value, str):
        try:
            return float(Decimal(value))
        except ArithmeticError:
            return visible_text(value)
    return visible_text(str(value))


class _DateSerial(float):
    """An Excel date serial found in an object column: written as a number in date format."""


def _column_width(header: str, sample: list, kind: str) -> int:
    if kind == "money":
        longest = max((len(f"{v:,.2f}") for v in sample if v is not None), default=0)
    elif kind == "date":
        longest = 10
    else:
        longest = max((len(v) if isinstance(v, str) else len(str(v)) for v in sample if v is not None), default=0)
    return max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, max(len(header), longest) + 2))


def _cell_writer(worksheet, kind: str, formats: _Formats) -> Callable[[int, int, Any], Any]:
    """The XlsxWriter call for one column kind, with its format bound."""
    if kind in ("money", "share", "ratio", "date", "integer", "number"):
        number_format = formats.of(kind)
        write_number = worksheet.write_number
        return lambda row, col, value: write_number(row, col, value, number_format)
    if kind == "text":
        return lambda row, col, value: _write_text(worksheet, row, col, value)
    number_kind = {"mixed_share": "share", "mixed_ratio": "ratio", "mixed_money": "money"}.get(kind)

    def write_mixed(row: int, col: int, value: Any) -> None:
        if isinstance(value, str):
            _write_text(worksheet, row, col, value)
        elif isinstance(value, _DateSerial):
            worksheet.write_number(row, col, value, formats.date)
        elif isinstance(value, float) and number_kind:
            worksheet.write_number(row, col, value, formats.of(number_kind))
        else:
            worksheet.write_number(row, col, value)
    return write_mixed


def _write_text(worksheet, row: int, col: int, text: str) -> None:
    # In constant-memory mode XlsxWriter copies a string that looks like "<r>...</r>" into the XML
    # unescaped (it takes it for its own rich-text markup). Written as three plain fragments,
    # the same text is escaped like any other.
    if text.startswith("<r>") and text.endswith("</r>"):
        worksheet.write_rich_string(row, col, text[:1], text[1:-1], text[-1:])
    else:
        worksheet.write_string(row, col, text)


def _write_table(worksheet, frame: pd.DataFrame, start: int, stop: int, words: dict[str, str],
                 formats: _Formats) -> None:
    """Rows start..stop of `frame`, prepared a block at a time so that only one block's cells are
    ever held as Python objects (the sheet itself streams to a temporary file)."""
    first_block = frame.iloc[start:min(stop, start + BLOCK_ROWS)]
    columns = [_prepare_column(first_block[name], str(name), words) for name in frame.columns]
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column.width)
    worksheet.freeze_panes(1, 0)
    if columns:
        worksheet.autofilter(0, 0, max(stop - start, 1), len(columns) - 1)
    for col, column in enumerate(columns):
        worksheet.write_string(0, col, column.header, formats.header)
    for block_start in range(start, stop, BLOCK_ROWS):
        block_stop = min(stop, block_start + BLOCK_ROWS)
        if block_start != start:
            block = frame.iloc[block_start:block_stop]
            columns = [_prepare_column(block[name], str(name), words) for name in frame.columns]
        writers = [(col, _cell_writer(worksheet, column.kind, formats), column.values)
                   for col, column in enumerate(columns)]
        for index in range(block_stop - block_start):
            row = block_start - start + index + 1
            for col, write, values in writers:
                value = values[index]
                if value is not None:
                    write(row, col, value)


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
    if last in ("share", "window_share", "mean_share", "threshold", "top_share") or last.startswith("window_share_"):
        return "share"
    if last in ("coverage", "herfindahl"):
        return "ratio"
    if isinstance(value, int):
        return "integer"
    return "text"


ACTIVITY_NAMES = {"cost_sharing": ("samverkan", "cost sharing"), "sales": ("säljverksamhet", "sales activity"),
                  "unassigned": ("ej tilldelad", "unassigned")}


def summary_rows(figures: dict, sheet_of: dict[str, str]) -> list[SummaryRow]:
    """The summary sheet's rows, in reading order. `sheet_of` maps a table name to the sheet it
    was written to; a figure whose table is absent gets an empty sheet name."""
    rows: list[SummaryRow] = []

    def add(key: str, sv: str, en: str, sheet_table: str = "") -> None:
        value: Any = figures
        for part in key.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return  # figure not produced in this run (e.g. no history): nothing to list
        rows.append(SummaryRow(key, sv, en, value, _kind_of(key, value), sheet_of.get(sheet_table, "")))

    add("organisation", "Organisation", "Organisation")
    add("organisation_orgnr", "Organisationsnummer", "Organisation number")
    add("year", "Redovisningsår", "Report year")
    add("teckal.met", "Teckal: mer än 80 % för kontrollerande medlemmar", "Teckal: more than 80 % for controlling members", SHEET_TECKAL)
    add("teckal.review", "Teckal: inom granskningsmarginalen", "Teckal: within the review band", SHEET_TECKAL)
    add("teckal.threshold", "Teckal: tröskel", "Teckal: threshold")
    add("teckal.window_share", "Teckal: andel över treårsfönstret", "Teckal: three-year window share", SHEET_TECKAL)
    add("teckal.mean_share", "Teckal: medelvärde av årsandelarna", "Teckal: mean of the yearly shares", SHEET_TECKAL)
    add("teckal.years_count", "Teckal: antal år i fönstret", "Teckal: years in the window", SHEET_TECKAL)
    for i, year in enumerate(figures.get("teckal", {}).get("years", [])):
        y = year.get("year")
        add(f"teckal.years.{i}.controlling_sek", f"{y}: intäkter från kontrollerande", f"{y}: controlling revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.total_sek", f"{y}: totala verksamhetsintäkter", f"{y}: total activity revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.share", f"{y}: andel", f"{y}: share", SHEET_TECKAL)
        add(f"teckal.years.{i}.source", f"{y}: källa", f"{y}: source", SHEET_TECKAL)
    add("teckal.window_controlling_sek", "Fönstret: intäkter från kontrollerande", "Window: controlling revenue", SHEET_TECKAL)
    add("teckal.window_total_sek", "Fönstret: totala verksamhetsintäkter", "Window: total activity revenue", SHEET_TECKAL)
    add("teckal.headroom_sek", "Teckal: utrymme för annan försäljning", "Teckal: headroom for other revenue", SHEET_TECKAL)
    add("teckal.next_year_headroom_sek", "Teckal: utrymme nästa år", "Teckal: headroom next year", SHEET_TECKAL)
    add("teckal.cost_based.share", "Teckal: kostnadsbaserad andel", "Teckal: cost-based share", SHEET_SERVICES)
    for activity, (sv, en) in ACTIVITY_NAMES.items():
        add(f"activities.{activity}.revenue_sek", f"{sv.capitalize()}: intäkter", f"{en.capitalize()}: revenue", SHEET_SERVICES)
        add(f"activities.{activity}.full_cost_sek", f"{sv.capitalize()}: självkostnad", f"{en.capitalize()}: full cost", SHEET_SERVICES)
        add(f"activities.{activity}.result_sek", f"{sv.capitalize()}: resultat", f"{en.capitalize()}: result", SHEET_SERVICES)
        add(f"activities.{activity}.coverage", f"{sv.capitalize()}: kostnadstäckning", f"{en.capitalize()}: cost coverage", SHEET_SERVICES)
    add("open_market.share", "Andel från privata motparter", "Open-market share", SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.threshold", "Tröskel för privata motparter", "Open-market threshold")
    add("open_market.met", "Under tröskeln för privata motparter", "Below the open-market threshold", SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.private_sek", "Intäkter från privata motparter", "Revenue from private counterparties", SHEET_REVENUE_BY_COUNTERPARTY)
    add("suppliers.source", "Leverantörer: källa", "Suppliers: source", SHEET_SUPPLIERS)
    add("suppliers.spend_sek", "Leverantörer: inköp totalt", "Suppliers: total spend", SHEET_SUPPLIERS)
    add("suppliers.market_spend_sek", "Leverantörer: inköp från marknaden", "Suppliers: market spend", SHEET_SUPPLIERS)
    add("suppliers.member_spend_sek", "Leverantörer: inköp från medlemmar", "Suppliers: spend with members", SHEET_SUPPLIERS)
    add("suppliers.count", "Leverantörer: antal", "Suppliers: count", SHEET_SUPPLIERS)
    add("suppliers.flagged", "Leverantörer: flaggade", "Suppliers: flagged", SHEET_SUPPLIER_FLAGS)
    if "flags" in figures:
        rows.append(SummaryRow("flags", "Flaggor: antal", "Flags: count", len(figures["flags"]), "integer",
                               sheet_of.get(SHEET_FLAGS, "")))
    quality = figures.get("data_quality", {})
    totals_table = quality.get("control_totals_sheet", "")
    for key, sv, en in (("ledger_read", "Huvudbok: rader lästa", "Ledger: rows read"),
                        ("ledger_used", "Huvudbok: rader använda", "Ledger: rows used"),
                        ("ledger_rejected", "Huvudbok: rader avvisade", "Ledger: rows rejected"),
                        ("purchases_read", "Leverantörsreskontra: rader lästa", "Purchases: rows read"),
                        ("purchases_used", "Leverantörsreskontra: rader använda", "Purchases: rows used"),
                        ("purchases_rejected", "Leverantörsreskontra: rader avvisade", "Purchases: rows rejected")):
        add(f"rows.{key}", sv, en, totals_table)
    if "rejected" in quality:
        add("data_quality.rejected.total", "Avvisade rader totalt", "Rejected rows in total",
            quality["rejected"].get("sheet", ""))
    return rows


def _write_summary(worksheet, rows: list[SummaryRow], words: dict[str, str], formats: _Formats,
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
                  formats: _Formats) -> None:
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
        _write_text(worksheet, row, col, visible_text(str(value)))


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


def _write_column_sheet(worksheet, tables: dict[str, pd.DataFrame], sheet_of: dict[str, str],
                        words: dict[str, str], formats: _Formats, language: str) -> None:
    descriptions = column_descriptions()
    sheets_of_column: dict[str, list[str]] = {}
    for name, frame in tables.items():
        for column in frame.columns:
            sheets_of_column.setdefault(column_header(str(column)), []).append(sheet_of[name])
    headers = [words["column"], words["description"], words["sheets"]]
    if language == "en":
        headers.insert(1, "description")
    worksheet.set_column(0, 0, 26)
    worksheet.set_column(1, len(headers) - 2, 70)
    worksheet.set_column(len(headers) - 1, len(headers) - 1, 60)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(sheets_of_column), 1), len(headers) - 1)
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, formats.header)
    for r, column in enumerate(sorted(sheets_of_column), start=1):
        described = describe_column(column, descriptions)
        cells = [column, described["sv"], ", ".join(sheets_of_column[column])]
        if language == "en":
            cells.insert(1, described["en"])
        for col, text in enumerate(cells):
            _write_text(worksheet, r, col, visible_text(text))
