"""The example's audit workbook as an auditor opens it: LibreOffice (headless) converts every
sheet to CSV, and the sums an auditor would take there are compared with results.json to the
öre. The same workbook read with calamine: every column of a table sheet holds one type, and
every header is a word of the report's language whose results.json key the Kolumner sheet gives.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipeline.write.workbook_words import header_keys
from tests.clients import workbook_as_csv

pytestmark = pytest.mark.slow
WORKBOOK = "LOS-underlag-2025.xlsx"
KEY_VALUE_SHEETS = ("Sammanfattning", "Kolumner")


def kronor(cell: str) -> Decimal:
    """A CSV cell as LibreOffice wrote the number, to the öre (empty cells are 0)."""
    return Decimal(cell or "0").quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def sheets(example_outputs: Path, tmp_path_factory) -> dict[str, list[dict[str, str]]]:
    """Every sheet as LibreOffice reads it, rows keyed by results.json key (via Kolumner)."""
    raw = workbook_as_csv(example_outputs / WORKBOOK, tmp_path_factory.mktemp("libreoffice"))
    keys = {row[0]: row[1] for row in raw["Kolumner"][1:]}
    return {name: [dict(zip([keys.get(h, h) for h in rows[0]], row)) for row in rows[1:]]
            for name, rows in raw.items() if rows and name not in KEY_VALUE_SHEETS}


@pytest.fixture(scope="module")
def results(example_outputs: Path) -> dict:
    return json.loads((example_outputs / "results.json").read_text(encoding="utf-8"))


def test_libreoffice_opens_every_sheet(sheets):
    assert len(sheets) >= 20
    assert len(sheets["Huvudbok klassificerad"]) > 50_000


def test_teckal_years_and_window_row_equal_results_and_the_years_add_up_to_the_window(sheets, results):
    teckal = results["teckal"]
    rows = sheets["Teckal per år"]
    years = [row for row in rows if row["year"]]
    (window,) = [row for row in rows if not row["year"]]
    assert window["scope"] == "treårsfönstret 2023–2025"
    for row, year in zip(years, teckal["years"]):
        assert int(row["year"]) == year["year"]
        assert kronor(row["controlling_sek"]) == Decimal(year["controlling_sek"])
        assert kronor(row["total_sek"]) == Decimal(year["total_sek"])
    assert kronor(window["controlling_sek"]) == Decimal(teckal["window_controlling_sek"])
    assert kronor(window["total_sek"]) == Decimal(teckal["window_total_sek"])
    # The window is the sum of its years (not a mean of shares).
    assert sum(kronor(row["total_sek"]) for row in years) == Decimal(teckal["window_total_sek"])


def test_separate_accounts_rows_add_up_to_each_activity_of_the_year(sheets, results):
    shown = {"cost_sharing": "samverkan", "sales": "säljverksamhet", "unassigned": "utan tjänstekod"}
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in sheets["Särredovisning"]:
        if int(row["year"]) == results["year"]:
            for column in ("revenue_sek", "direct_cost_sek", "allocated_cost_sek", "full_cost_sek", "result_sek"):
                totals[row["activity"]][column] += kronor(row[column])
    for activity, figures in results["activities"].items():
        for column in ("revenue_sek", "direct_cost_sek", "allocated_cost_sek", "full_cost_sek", "result_sek"):
            assert totals[shown[activity]][column] == Decimal(figures[column]), (activity, column)
    # And so the year's rows add up to the year's activity revenue.
    year_total = sum(totals[a]["revenue_sek"] for a in shown.values())
    assert year_total == Decimal(results["teckal"]["years"][-1]["total_sek"])


def test_ledger_lines_add_up_to_each_years_revenue(sheets, results):
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    for row in sheets["Huvudbok klassificerad"]:
        if row["line_type"] in ("intäkt", "bidrag"):  # grants count by default
            revenue[int(row["year"])] += kronor(row["revenue_sek"])
    for year in results["teckal"]["years"]:
        assert revenue[year["year"]] == Decimal(year["total_sek"]), year["year"]


def test_flags_sheet_lists_every_flag_in_swedish(sheets, results):
    rows = sheets["Flaggor"]
    assert len(rows) == len(results["flags"])
    assert {row["severity"] for row in rows} <= {"allvarlig", "varning", "information"}
    assert sum(kronor(row["amount_sek"]) for row in rows) == sum(
        Decimal(flag["amount_sek"]) for flag in results["flags"] if flag.get("amount_sek") is not None)


def test_every_table_column_holds_one_type_and_a_swedish_header(example_outputs: Path):
    book = CalamineWorkbook.from_path(str(example_outputs / WORKBOOK))
    swedish = header_keys("sv")
    mixed, unnamed = [], []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        if name in KEY_VALUE_SHEETS or not rows:
            continue
        for column, header in enumerate(rows[0]):
            types = {type(row[column]).__name__ for row in rows[1:] if column < len(row) and row[column] != ""}
            if len(types) > 1:
                mixed.append((name, header, types))
            if header not in swedish:
                unnamed.append((name, header))
    assert mixed == [] and unnamed == []
    services = book.get_sheet_by_name("Särredovisning").to_python()
    weight = services[0].index("Nyckelvikt")
    assert all(isinstance(row[weight], float) for row in services[1:] if row[weight] != "")
