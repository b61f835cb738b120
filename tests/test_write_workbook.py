"""The audit workbook as an auditor opens it: each test writes a tiny workbook and reads it back
with openpyxl, the way a different program would, and checks the cells by value and type."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.figures import results_json
from pipeline.model import SHEET_LINES, SHEET_SERVICES, SHEET_TECKAL, StackedFrames
from pipeline.write.workbook import (
    EXCEL_MAX_DATA_ROWS,
    SHEET_COLUMNS,
    SHEET_SUMMARY,
    plan_sheets,
    rows_ahead,
    write_workbook,
)
from pipeline.write.workbook_summary import column_descriptions
from pipeline.write.workbook_values import visible_text
from pipeline.write.workbook_words import header_keys
from tests.factories import figures_with


def tiny_figures() -> dict:
    # Three window years: 2023 from history, 2024 and 2025 from the ledger.
    # Window: controlling 900 000.00 + 1 150 000.00 + 1 150 000.01 = 3 200 000.01,
    # total 1 000 000.00 + 1 260 000.00 + 1 260 000.00 = 3 520 000.00; share 0.9090909119...
    return {
        "organisation": "Samverkansförbundet",
        "organisation_orgnr": "222000-0000",
        "year": 2025,
        "teckal": {
            "threshold": "0.80",
            "years": [
                {"year": 2023, "controlling_sek": "900000.00", "total_sek": "1000000.00",
                 "share": "0.9000000000", "source": "history"},
                {"year": 2024, "controlling_sek": "1150000.00", "total_sek": "1260000.00",
                 "share": "0.9126984127", "source": "ledger"},
                {"year": 2025, "controlling_sek": "1150000.01", "total_sek": "1260000.00",
                 "share": "0.9126984206", "source": "ledger"},
            ],
            "years_count": 3,
            "window_controlling_sek": "3200000.01",
            "window_total_sek": "3520000.00",
            "window_share": "0.9090909119",
            "met": True,
            "review": False,
            # 3 200 000.01 / 0.80 - 3 520 000.00 = 480 000.0125 -> floor to öre
            "headroom_sek": "480000.01",
        },
        "activities": {"cost_sharing": {"revenue_sek": "1150000.01", "full_cost_sek": "690082.65",
                                        "coverage": "1.6664670674"},
                       "sales": {"revenue_sek": "60000.00", "full_cost_sek": "99917.35", "coverage": None}},
        "open_market": {"share": "0.0476190476", "threshold": "0.20", "met": True},
        "suppliers": {"source": "ledger", "spend_sek": "790000.00", "count": 2, "flagged": 1},
        "flags": [{"id": "sales_below_full_cost"}, {"id": "revenue_without_service"}],
        "rows": {"ledger_read": 3, "ledger_used": 3, "ledger_rejected": 0},
    }


def tiny_tables() -> dict[str, pd.DataFrame]:
    teckal = pd.DataFrame({
        "year": [2023, 2024, 2025, "window"],
        "source": ["history", "ledger", "ledger", ""],
        "controlling_ore": [90_000_000, 115_000_000, 115_000_001, 320_000_001],
        "total_ore": [100_000_000, 126_000_000, 126_000_000, 352_000_000],
        "share": ["0.9000000000", "0.9126984127", "0.9126984206", "0.9090909119"],
    })
    # The 2025 revenue lines: 1 150 000.01 + 50 000.00 + 59 999.99 = 1 260 000.00 kr.
    lines = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-31", "2025-06-30", "2025-12-31"]).astype("datetime64[us]"),
        "voucher": ["A 1", "A 2", "B 7"],
        "account": pd.Series([3011, 3011, 3012], dtype="int64"),
        "revenue_ore": pd.Series([115_000_001, 5_000_000, 5_999_999], dtype="int64"),
        "category": pd.Series(["controlling", "other_public", "private"], dtype="str"),
        "service_known": [True, True, False],
        "source_id": pd.Series(["2025/ledger.xlsx:Huvudbok:2", "2025/ledger.xlsx:Huvudbok:3",
                                "2025/ledger.xlsx:Huvudbok:4"], dtype="str"),
    })
    services = pd.DataFrame({"code": pd.Series(["T01"], dtype="str"), "revenue_ore": [115_000_001]})
    return {SHEET_TECKAL: teckal, SHEET_SERVICES: services, SHEET_LINES: lines}


def summary_by_key(workbook: openpyxl.Workbook) -> dict[str, tuple]:
    sheet = workbook[SHEET_SUMMARY]
    return {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}


def header_and_rows(workbook: openpyxl.Workbook, name: str) -> tuple[list, list[tuple]]:
    """The sheet's header read back as results.json keys (as the Kolumner sheet pairs them), and its rows."""
    rows = list(workbook[name].iter_rows(values_only=True))
    return [as_key(header) for header in rows[0]], rows[1:]


def as_key(header: str) -> str:
    return {**header_keys("en"), **header_keys("sv")}.get(header, header)


def exact(number: float) -> Decimal:
    """The decimal a cell's number was written as (repr gives the shortest round-trip form)."""
    return Decimal(repr(number))


@pytest.fixture()
def written(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "LOS-underlag-2025.xlsx"
    write_workbook(path, figures_with(tiny_figures()), tiny_tables())
    return openpyxl.load_workbook(path)


def test_sheets_come_in_order_summary_columns_then_tables(written):
    assert written.sheetnames == [SHEET_SUMMARY, SHEET_COLUMNS, SHEET_TECKAL, SHEET_SERVICES, SHEET_LINES]


def test_summary_holds_window_share_and_each_year_exactly_as_in_figures(written):
    summary = summary_by_key(written)
    figures = tiny_figures()
    label, value, sheet = summary["teckal.window_share"]
    assert exact(value) == Decimal("0.9090909119")
    assert sheet == SHEET_TECKAL
    for i, year in enumerate(figures["teckal"]["years"]):
        for field in ("controlling_sek", "total_sek", "share"):
            _, value, sheet = summary[f"teckal.years.{i}.{field}"]
            assert exact(value) == Decimal(year[field]), (year["year"], field)
            assert sheet == SHEET_TECKAL
        assert summary[f"teckal.years.{i}.source"][1] == {"history": "historik", "ledger": "huvudbok"}[year["source"]]
    assert exact(summary["teckal.headroom_sek"][1]) == Decimal("480000.01")
    assert summary["teckal.met"][1] == "ja"
    assert summary["teckal.review"][1] == "nej"
    # A figure that is None is shown as "no share", never as 0 %.
    assert summary["activities.sales.coverage"][1] == "ingen andel (total 0)"
    assert summary["flags"][1:] == (2, "–")  # Flaggor table not written in this tiny run
    assert summary["rows.ledger_read"][1] == 3
    assert summary["organisation"][1] == "Samverkansförbundet"


def test_summary_sheet_cells_link_to_the_sheet_of_the_rows(written):
    sheet = written[SHEET_SUMMARY]
    keys = [row[0].value for row in sheet.iter_rows(min_row=2)]
    cell = sheet.cell(row=keys.index("teckal.window_share") + 2, column=4)
    assert cell.hyperlink.location == f"'{SHEET_TECKAL}'!A1"


def test_money_column_is_kronor_and_its_total_equals_the_figure(written):
    header, rows = header_and_rows(written, SHEET_LINES)
    assert "revenue_ore" not in header
    col = header.index("revenue_sek")
    values = [row[col] for row in rows]
    # 1 150 000.01 + 50 000.00 + 59 999.99 = 1 260 000.00, the 2025 total in figures.
    assert values == [1150000.01, 50000.0, 59999.99]
    assert sum(exact(v) for v in values) == Decimal(tiny_figures()["teckal"]["years"][2]["total_sek"])
    cell = written[SHEET_LINES].cell(row=2, column=col + 1)
    assert cell.number_format == "#,##0.00"
    assert cell.data_type == "n"


def test_every_ore_amount_reads_back_as_the_exact_kronor_amount(tmp_path):
    # Random amounts up to ±10^13 kr, plus the awkward ones: XlsxWriter writes 16 significant
    # digits, e.g. 9183837.310000001 for 918 383 731 öre, which must read back as 9 183 837.31.
    import random

    generator = random.Random(20250101)
    amounts_ore = [918_383_731, -864_479_128, 1, -1, 0, 99, 10**15 - 1] + \
        [generator.randint(-10**15, 10**15) for _ in range(3000)]
    path = tmp_path / "amounts.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"Belopp": pd.DataFrame({"amount_ore": pd.Series(amounts_ore, dtype="int64")})})
    _, rows = header_and_rows(openpyxl.load_workbook(path), "Belopp")
    assert [exact(row[0]) for row in rows] == [Decimal(ore) / 100 for ore in amounts_ore]

def test_dates_bools_shares_and_integers_are_typed(written):
    header, rows = header_and_rows(written, SHEET_LINES)
    assert [row[header.index("date")] for row in rows] == [datetime(2025, 1, 31), datetime(2025, 6, 30),
                                                           datetime(2025, 12, 31)]
    assert written[SHEET_LINES].cell(row=2, column=header.index("date") + 1).number_format == "yyyy-mm-dd"
    assert [row[header.index("service_known")] for row in rows] == ["ja", "ja", "nej"]
    assert [row[header.index("account")] for row in rows] == [3011, 3011, 3012]
    teckal_header, teckal_rows = header_and_rows(written, SHEET_TECKAL)
    shares = [row[teckal_header.index("share")] for row in teckal_rows]
    assert [exact(s) for s in shares] == [Decimal("0.9"), Decimal("0.9126984127"), Decimal("0.9126984206"),
                                          Decimal("0.9090909119")]
    assert written[SHEET_TECKAL].cell(row=2, column=teckal_header.index("share") + 1).number_format == "0.0000%"
    # The window row is told apart by its scope, not by a text in the year column.
    assert [row[teckal_header.index("year")] for row in teckal_rows] == [2023, 2024, 2025, None]
    assert [row[teckal_header.index("scope")] for row in teckal_rows] == ["år", "år", "år", "treårsfönstret 2023–2025"]


def test_header_is_bold_frozen_and_filtered(written):
    sheet = written[SHEET_LINES]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    assert sheet.cell(row=1, column=1).font.b is True
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
    assert all(8 <= w <= 61 for w in widths)


def test_english_writes_yes_no_and_english_descriptions(tmp_path):
    path = tmp_path / "en.xlsx"
    write_workbook(path, figures_with(tiny_figures()), tiny_tables(), language="en")
    book = openpyxl.load_workbook(path)
    assert summary_by_key(book)["teckal.met"][1] == "yes"
    header, rows = header_and_rows(book, SHEET_LINES)
    assert [row[header.index("service_known")] for row in rows] == ["yes", "yes", "no"]
    columns = {row[1]: row for row in book[SHEET_COLUMNS].iter_rows(min_row=2, values_only=True)}
    shown, _, english, swedish, sheets = columns["revenue_sek"]
    assert shown == "Revenue, SEK"
    assert english == column_descriptions()["revenue_sek"]["en"]
    assert swedish == column_descriptions()["revenue_sek"]["sv"]
    assert sheets == f"{SHEET_SERVICES}, {SHEET_LINES}"


def test_column_sheet_explains_every_column_in_swedish(written):
    # Header as shown, the results.json key, the description, the sheets.
    columns = {row[1]: (row[0], *row[2:]) for row in written[SHEET_COLUMNS].iter_rows(min_row=2, values_only=True)}
    assert set(columns) == {"scope", "year", "source", "controlling_sek", "total_sek", "share", "code", "revenue_sek",
                            "date", "voucher", "account", "category", "service_known", "source_id"}
    assert all(description for _, description, _ in columns.values())
    assert columns["controlling_sek"][0] == "Intäkter från medlemmar, kr"
    assert columns["controlling_sek"][2] == SHEET_TECKAL


@pytest.mark.parametrize("block_rows", [2, 50_000])
def test_long_table_is_split_with_the_header_on_every_sheet(tmp_path, monkeypatch, block_rows):
    # 7 rows at 3 rows per sheet: "Huvudbok klassificerad" 1-3, "(2)" 4-6, "(3)" row 7; prepared
    # 2 rows at a time, the blocks cross the sheet boundaries and nothing may be lost or repeated.
    monkeypatch.setattr("pipeline.write.workbook_rows.BLOCK_ROWS", block_rows)
    lines = pd.DataFrame({"voucher": pd.Series([f"A {n}" for n in range(1, 8)], dtype="str"),
                          "amount_ore": pd.Series(range(100, 800, 100), dtype="int64")})
    path = tmp_path / "split.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {SHEET_LINES: lines}, max_rows_per_sheet=3)
    book = openpyxl.load_workbook(path)
    parts = [SHEET_LINES, f"{SHEET_LINES} (2)", f"{SHEET_LINES} (3)"]
    assert book.sheetnames == [SHEET_SUMMARY, SHEET_COLUMNS, *parts]
    seen = []
    for name, expected_rows in zip(parts, (3, 3, 1)):
        header, rows = header_and_rows(book, name)
        assert header == ["voucher", "amount_sek"]
        assert len(rows) == expected_rows
        seen.extend(rows)
    assert seen == [(f"A {n}", float(n)) for n in range(1, 8)]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_rows_built_ahead_give_the_same_bytes_and_are_each_taken_once(tmp_path, language):
    # The run builds the rows of the tables it has while it waits for the validation, and adds
    # tables after (rejected rows, validation): those are built as the workbook is written.
    tables = tiny_tables()
    long_lines = pd.concat([tables[SHEET_LINES]] * 3, ignore_index=True)  # 9 rows: 3 sheets of 3
    tables = {**tables, SHEET_LINES: long_lines}
    ahead = rows_ahead(tables, language, max_rows_per_sheet=3)
    # The Teckal table is written as shown (its window row apart), made anew when written.
    assert sorted(ahead.parts) == [(SHEET_LINES, 0, 3), (SHEET_LINES, 3, 6), (SHEET_LINES, 6, 9),
                                   (SHEET_SERVICES, 0, 1)]
    later = {**tables, "Avvisade rader": pd.DataFrame({"reason": pd.Series(["tomt belopp"], dtype="str")})}
    plain, built = tmp_path / "plain.xlsx", tmp_path / "ahead.xlsx"
    write_workbook(plain, figures_with(tiny_figures()), later, language, max_rows_per_sheet=3)
    write_workbook(built, figures_with(tiny_figures()), later, language, max_rows_per_sheet=3, ahead=ahead)
    assert built.read_bytes() == plain.read_bytes()
    assert ahead.parts == {}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_table_of_stacked_frames_is_written_as_the_frames_concatenated(tmp_path, monkeypatch, language):
    # The run's table of lines is the years' frames stacked, not copied (model.StackedFrames).
    # Years of 2, 4 and 3 rows, 4 rows a sheet, 3 rows a block: sheets and blocks cross years.
    monkeypatch.setattr("pipeline.write.workbook_rows.BLOCK_ROWS", 3)
    lines = tiny_tables()[SHEET_LINES]
    years = [lines.iloc[:2], pd.concat([lines, lines.iloc[:1]]), lines]
    years = [frame.reset_index(drop=True) for frame in years]
    stacked, whole = StackedFrames(years), pd.concat(years, ignore_index=True)
    written = {}
    for name, table in (("whole", whole), ("stacked", stacked)):
        tables = {**tiny_tables(), SHEET_LINES: table}
        for ahead in (None, rows_ahead(tables, language, max_rows_per_sheet=4)):
            path = tmp_path / f"{name}-{ahead is not None}.xlsx"
            write_workbook(path, figures_with(tiny_figures()), tables, language, max_rows_per_sheet=4, ahead=ahead)
            written[path.name] = path.read_bytes()
    assert len(set(written.values())) == 1
    book = openpyxl.load_workbook(tmp_path / "stacked-True.xlsx")
    assert [len(header_and_rows(book, name)[1]) for name in (SHEET_LINES, f"{SHEET_LINES} (2)",
                                                             f"{SHEET_LINES} (3)")] == [4, 4, 1]


def test_rows_built_ahead_are_not_taken_where_they_no_longer_hold(tmp_path):
    tables = tiny_tables()
    plain = tmp_path / "plain.xlsx"
    write_workbook(plain, figures_with(tiny_figures()), tables, "sv")
    # The same table's rows built from another frame (a changed amount), in another language,
    # or with sheets of another length: each is left, and the rows are built from the tables.
    changed = tables[SHEET_LINES].assign(revenue_ore=tables[SHEET_LINES]["revenue_ore"] + 1)
    for ahead in (rows_ahead({**tables, SHEET_LINES: changed}, "sv"), rows_ahead(tables, "en"),
                  rows_ahead(tables, "sv", max_rows_per_sheet=2)):
        path = tmp_path / "written.xlsx"
        write_workbook(path, figures_with(tiny_figures()), tables, "sv", ahead=ahead)
        assert path.read_bytes() == plain.read_bytes()
    # And rows that hold are what is written (a stand-in row shows it).
    ahead = rows_ahead(tables, "sv")
    frame, part = ahead.parts[(SHEET_SERVICES, 0, 1)]
    ahead.parts[(SHEET_SERVICES, 0, 1)] = (frame, type(part)(part.used_range, lambda: iter([b'<row r="2"/>'])))
    path = tmp_path / "stand-in.xlsx"
    write_workbook(path, figures_with(tiny_figures()), tables, "sv", ahead=ahead)
    assert header_and_rows(openpyxl.load_workbook(path), SHEET_SERVICES)[1] == []


def test_sheet_names_are_valid_unique_and_short():
    layout = plan_sheets({"Intäkter/motpart [2025]": 1, "A" * 40: 5, "a" * 40: 0, "Sammanfattning": 2},
                         max_rows_per_sheet=2)
    names = [sheet for parts in layout.values() for sheet, _, _ in parts]
    assert names[0] == "Intäkter_motpart _2025_"
    assert names[1:4] == ["A" * 31, "A" * 27 + " (2)", "A" * 27 + " (3)"]
    assert layout["A" * 40][2] == ("A" * 27 + " (3)", 4, 5)
    # Excel compares sheet names without case: the lower-case twin gets the next number.
    assert layout["a" * 40] == [("a" * 27 + " (4)", 0, 0)]
    assert layout["Sammanfattning"][0][0] == "Sammanfattning (2)"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert plan_sheets({"x": EXCEL_MAX_DATA_ROWS + 1})["x"] == [("x", 0, EXCEL_MAX_DATA_ROWS),
                                                                ("x (2)", EXCEL_MAX_DATA_ROWS, EXCEL_MAX_DATA_ROWS + 1)]


def test_two_writes_give_identical_bytes_with_the_year_end_as_creation_date(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    write_workbook(first, figures_with(tiny_figures()), tiny_tables())
    write_workbook(second, figures_with(tiny_figures()), tiny_tables())
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 31, 0, 0, 0)}
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-12-31T00:00:00Z</dcterms:created>" in core


def test_source_date_epoch_sets_the_creation_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00:00 UTC
    path = tmp_path / "epoch.xlsx"
    write_workbook(path, figures_with(tiny_figures()), tiny_tables())
    with zipfile.ZipFile(path) as archive:
        assert "2026-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()


FORMULA_LIKE = ["=SUM(A1:A2)", "+46 8 123", "-1", "@HYPERLINK(\"x\")", "\tindrag", "=1+1\n=2",
                "<r>fetstil</r>", "  spaces  ", "'quoted", "=cmd|' /C calc'!A0"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    table = pd.DataFrame({"text": pd.Series(FORMULA_LIKE, dtype="str"),
                          "mixed": pd.Series(FORMULA_LIKE, dtype="object")})
    path = tmp_path / "formulas.xlsx"
    write_workbook(path, figures_with({"year": 2025, "organisation": "=HYPERLINK(\"http://x\")"}), {"Data": table})
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    for r, expected in enumerate(FORMULA_LIKE, start=2):
        for col in (1, 2):
            cell = sheet.cell(row=r, column=col)
            assert cell.value == expected
            assert cell.data_type == "s", (expected, cell.data_type)
    organisation = summary_by_key(book)["organisation"][1]
    assert organisation == "=HYPERLINK(\"http://x\")"
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets"))


def test_control_characters_are_replaced_visibly(tmp_path):
    table = pd.DataFrame({"text": pd.Series(["a\x01b", "\rradvagn", "null\x00", "ok\nrad 2"], dtype="str")})
    path = tmp_path / "control.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"Data": table})
    values = [row[0] for row in openpyxl.load_workbook(path)["Data"].iter_rows(min_row=2, values_only=True)]
    assert values == ["a\u2401b", "\u240dradvagn", "null\u2400", "ok\nrad 2"]
    assert visible_text("\x1f") == "\u241f"


def test_empty_table_gets_a_header_only_sheet(tmp_path):
    empty = pd.DataFrame({"source_id": pd.Series([], dtype="str"), "amount_ore": pd.Series([], dtype="int64")})
    path = tmp_path / "empty.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"J-duplicate_lines": empty})
    header, rows = header_and_rows(openpyxl.load_workbook(path), "J-duplicate_lines")
    assert header == ["source_id", "amount_sek"] and rows == []


@pytest.mark.slow
def test_workbook_of_a_real_run_matches_results_json(tmp_path):
    """Read -> validate -> classify -> compute on a small real input folder, then the workbook:
    its totals must be the figures of results.json, and every column it writes is explained."""
    from pipeline import run
    from pipeline.compute.results import classify_window, compute_results, with_lines_table
    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings
    from pipeline.validate.journal import journal_tests
    from pipeline.validate.suites import validate_inputs
    from tests.workbooks import write_folder

    folder = write_folder(tmp_path / "tiny")
    settings = load_settings(folder, None)
    inputs = read_inputs(folder, 2025, settings)
    classified = classify_window(inputs, settings)
    results = with_lines_table(compute_results(inputs, classified, settings), classified)
    results = run._with_data_quality(results, inputs, validate_inputs(inputs, settings, None),
                                     journal_tests(inputs.ledgers[2025], 2025, settings), settings)
    path = tmp_path / "LOS-underlag-2025.xlsx"
    write_workbook(path, results.figures, results.tables)
    book = openpyxl.load_workbook(path, read_only=True)

    columns = list(book[SHEET_COLUMNS].iter_rows(min_row=2, values_only=True))
    assert [key for _, key, description, _ in columns if not description] == []

    header, rows = header_and_rows(book, SHEET_LINES)
    year_col, type_col, revenue_col = header.index("year"), header.index("line_type"), header.index("revenue_sek")
    for year in results_json(results.figures)["teckal"]["years"]:
        # Grants are included by default, so the year's total is every revenue and grant line.
        revenue = sum(exact(row[revenue_col]) for row in rows
                      if row[year_col] == year["year"] and row[type_col] in ("intäkt", "bidrag"))
        assert revenue == Decimal(year["total_sek"]), year["year"]
    summary = summary_by_key(book)
    assert exact(summary["teckal.window_share"][1]) == Decimal(results_json(results.figures)["teckal"]["window_share"])



# ---------------------------------------------------------------------------------------------
# The streamed table sheets against XlsxWriter writing the same cells one by one (the writer's
# earlier way), both read back with calamine and openpyxl.

def awkward_table() -> pd.DataFrame:
    """Every kind of column, with missing values in the middle of rows: the streamed cells carry
    no cell reference, so a lost empty cell would shift the rest of the row left."""
    return pd.DataFrame({
        "date": pd.Series(pd.to_datetime(["2025-01-31", None, "2024-02-29", "2025-12-31"])).astype("datetime64[us]"),
        "voucher": pd.Series(["=SUM(A1:A2)", None, "  indrag ", "a&b<c>\"d\""], dtype="str"),
        "account": pd.Series([3011, 1510, 3012, 5410], dtype="int64"),
        "amount_ore": pd.Series([918_383_731, -1, 0, -864_479_128], dtype="int64"),
        "grants_ore": pd.Series([100.0, None, -250.0, 1.0]),  # öre with a gap: float64 with NaN
        "share": pd.Series([0.9126984127, float("nan"), 1.0, 0.0]),
        "service_known": [True, False, True, True],
        "text": pd.Series(["ok", "", "rad\x01två", "@x"], dtype="str"),
        "year": pd.Series([2023, "window", None, 2025], dtype="object"),
    })


def write_cell_by_cell(path: Path, name: str, table: pd.DataFrame) -> None:
    """The reference: XlsxWriter's own write calls, one cell at a time, with the writer's rules
    (öre / 100 in kronor, ja/nej, control characters as pictures, nothing for a missing value)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                               "strings_to_urls": False})
    sheet = workbook.add_worksheet(name)
    money, date = workbook.add_format({"num_format": "#,##0.00"}), workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.replace("_ore", "_sek"))
        for row, value in enumerate(table[column].tolist(), start=1):
            if value is None or value is pd.NaT or (isinstance(value, float) and value != value) or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_string(row, col, "ja" if value else "nej")
            elif column.endswith("_ore"):
                sheet.write_number(row, col, value / 100, money)
            elif isinstance(value, pd.Timestamp):
                sheet.write_datetime(row, col, value.to_pydatetime(), date)
            elif isinstance(value, str):
                sheet.write_string(row, col, visible_text(value))
            else:
                sheet.write_number(row, col, value)
    workbook.close()


def calamine_rows(path: Path, sheet: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_streamed_sheet_reads_back_like_cells_written_one_by_one(tmp_path):
    table = awkward_table()
    streamed, reference = tmp_path / "streamed.xlsx", tmp_path / "reference.xlsx"
    write_workbook(streamed, figures_with({"year": 2025}), {"Data": table})
    write_cell_by_cell(reference, "Data", table)
    streamed_rows, reference_rows = calamine_rows(streamed, "Data"), calamine_rows(reference, "Data")
    assert [as_key(header) for header in streamed_rows[0]] == reference_rows[0]  # headers in Swedish
    assert streamed_rows[1:] == reference_rows[1:]
    # The same, cell by cell and type by type, through openpyxl.
    mine = [[(c.value, c.data_type) for c in row] for row in openpyxl.load_workbook(streamed)["Data"].iter_rows()]
    theirs = [[(c.value, c.data_type) for c in row] for row in openpyxl.load_workbook(reference)["Data"].iter_rows()]
    assert [(as_key(value), kind) for value, kind in mine[0]] == theirs[0] and mine[1:] == theirs[1:]
    # Spelled out for the second row, where most cells are missing:
    assert mine[2] == [(None, "n"), (None, "n"), (1510, "n"), (-0.01, "n"), (None, "n"), (None, "n"),
                       ("nej", "s"), (None, "n"), ("window", "s")]


def test_money_is_written_as_the_exact_decimal_amount_in_the_sheet_xml(tmp_path):
    path = tmp_path / "money.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"Belopp": pd.DataFrame({"amount_ore": pd.Series([918_383_731, -5, 1000], dtype="int64")})})
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml").decode()
    # 918 383 731 öre = 9 183 837.31 kr; -5 öre = -0.05 kr; 1 000 öre = 10.00 kr.
    assert re.findall(r'<c s="\d+"><v>([^<]*)</v>', sheet) == ["9183837.31", "-0.05", "10.00"]


def test_table_texts_are_written_in_their_cells_and_the_string_table_is_xlsxwriters(tmp_path):
    # A table's texts are inline strings, so a sheet's rows depend on that table alone;
    # XlsxWriter's own texts (summary, headers) stay in its shared-string table, whose counts
    # still match the references. " padded " keeps its blanks; "a < b & c" is escaped.
    table = pd.DataFrame({"category": pd.Series(["controlling", "private", " padded ", "a < b & c"], dtype="str"),
                          "service_known": [True, True, False, True]})
    path = tmp_path / "strings.xlsx"
    write_workbook(path, figures_with({"year": 2025, "teckal": {"met": True}}), {"Data": table})
    with zipfile.ZipFile(path) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
        data = archive.read("xl/worksheets/sheet3.xml").decode()
    items = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", strings)
    # The summary's own words ("nej" for a false figure) are XlsxWriter's; the table's are inline.
    assert "controlling" not in items and " padded " not in items
    count, unique = re.search(r'count="(\d+)" uniqueCount="(\d+)"', strings).groups()
    assert int(unique) == len(items)
    assert int(count) == sum(sheet.count('t="s"') for sheet in sheets)
    assert data.count('t="inlineStr"') == 8
    assert '<c t="inlineStr"><is><t xml:space="preserve"> padded </t></is></c>' in data
    assert '<c t="inlineStr"><is><t>a &lt; b &amp; c</t></is></c>' in data
    header, rows = header_and_rows(openpyxl.load_workbook(path), "Data")
    # Category codes are shown in Swedish; a text that is no code stays as it is.
    assert rows == [("kontrollerande medlem", "ja"), ("privat", "ja"), (" padded ", "nej"), ("a < b & c", "ja")]
    assert calamine_rows(path, "Data")[1:] == [list(row) for row in rows]


def test_source_file_sheet_and_row_are_not_repeated_beside_source_id(tmp_path):
    lines = pd.DataFrame({"voucher": pd.Series(["A 1"], dtype="str"),
                          "source_file": pd.Series(["2025/ledger.xlsx"], dtype="str"),
                          "source_sheet": pd.Series(["Huvudbok"], dtype="str"),
                          "source_row": pd.Series([2], dtype="int64"),
                          "source_id": pd.Series(["2025/ledger.xlsx:Huvudbok:2"], dtype="str")})
    no_id = lines.drop(columns="source_id")
    path = tmp_path / "source.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {SHEET_LINES: lines, "Utan id": no_id})
    book = openpyxl.load_workbook(path)
    assert header_and_rows(book, SHEET_LINES) == (["voucher", "source_id"], [("A 1", "2025/ledger.xlsx:Huvudbok:2")])
    # Without a source_id the three columns are the only provenance and stay.
    assert header_and_rows(book, "Utan id")[0] == ["voucher", "source_file", "source_sheet", "source_row"]
    listed = {row[1] for row in book[SHEET_COLUMNS].iter_rows(min_row=2, values_only=True)}
    assert {"source_file", "source_id"} <= listed


def test_a_table_sheet_has_its_full_used_range(tmp_path):
    path = tmp_path / "range.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"Data": awkward_table()})
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml").decode()
    # 9 columns (A..I), header and 4 rows.
    assert '<dimension ref="A1:I5"/>' in sheet
    assert openpyxl.load_workbook(path)["Data"].auto_filter.ref == "A1:I5"


def test_teckal_sheet_holds_each_years_controlling_revenue_as_in_figures(tmp_path):
    """Read -> classify -> compute on a tiny folder: per year, the member buys 900 kr and an
    outsider 100 kr (tests/workbooks.py), so controlling revenue is 900.00 kr in each ledger year,
    and the window row holds their sum."""
    from pipeline.compute.results import classify_window, compute_results, with_lines_table
    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings
    from tests.workbooks import write_folder

    folder = write_folder(tmp_path / "tiny")
    settings = load_settings(folder, None)
    inputs = read_inputs(folder, 2025, settings)
    results = compute_results(inputs, classify_window(inputs, settings), settings)
    path = tmp_path / "LOS-underlag-2025.xlsx"
    write_workbook(path, results.figures, results.tables)

    rows = calamine_rows(path, SHEET_TECKAL)
    header, body = [as_key(h) for h in rows[0]], rows[1:]
    year_col, controlling_col = header.index("year"), header.index("controlling_sek")
    by_year = {row[year_col] or row[header.index("scope")]: row[controlling_col] for row in body}
    years = results_json(results.figures)["teckal"]["years"]
    assert [y["controlling_sek"] for y in years] == ["900.00", "900.00", "900.00"]
    for year in years:
        assert exact(by_year[year["year"]]) == Decimal(year["controlling_sek"]), year["year"]
    assert exact(by_year["treårsfönstret 2023–2025"]) == Decimal("2700.00")
    # The per-category columns split it; the controlling member alone bought everything here.
    assert exact(body[0][header.index("category_controlling_sek")]) == Decimal("900.00")


def test_rich_text_lookalike_in_the_summary_stays_plain_text(tmp_path):
    path = tmp_path / "rich.xlsx"
    write_workbook(path, figures_with({"year": 2025, "organisation": "<r>fetstil</r>"}), {})
    assert summary_by_key(openpyxl.load_workbook(path))["organisation"][1] == "<r>fetstil</r>"


def test_a_table_without_columns_gets_an_empty_sheet(tmp_path):
    path = tmp_path / "nothing.xlsx"
    write_workbook(path, figures_with({"year": 2025}), {"Inget": pd.DataFrame(index=range(3)), "Tom": pd.DataFrame()})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[2:] == ["Inget", "Tom"]
    assert [list(book[name].iter_rows(values_only=True)) for name in ("Inget", "Tom")] == [[], []]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])  # the read's columns, and pandas' default
def test_a_column_of_distinct_texts_is_written_like_any_other(tmp_path, monkeypatch, storage):
    # 150 distinct ids: built row by row instead of once per distinct text; the cells must be
    # the same, blanks at the edges, escapes, pictures, missing and empty texts included.
    texts = [f"id {n}" for n in range(150)]
    texts[3:11] = [" lead", "trail ", "a<b&c", "ctl\x01", None, "", "=SUM(A1)", "rad\nny"]
    table = pd.DataFrame({"source_id": pd.Series(texts, dtype=pd.StringDtype(storage, na_value=np.nan)),
                          "n": pd.Series(range(150), dtype="int64")})
    write_workbook(tmp_path / "row_by_row.xlsx", figures_with({"year": 2025}), {"Data": table})
    monkeypatch.setattr("pipeline.write.workbook_rows.MOSTLY_DISTINCT_SHARE", 2.0)  # never: once per distinct text
    write_workbook(tmp_path / "distinct.xlsx", figures_with({"year": 2025}), {"Data": table})
    assert (tmp_path / "row_by_row.xlsx").read_bytes() == (tmp_path / "distinct.xlsx").read_bytes()
    values = [row[0] for row in openpyxl.load_workbook(tmp_path / "row_by_row.xlsx")["Data"].iter_rows(
        min_row=2, values_only=True)]
    expected = texts.copy()
    expected[6], expected[8] = "ctl\u2401", None
    assert values == expected


def test_row_blocks_are_sized_by_their_xml_and_give_the_same_bytes(tmp_path, monkeypatch):
    """A block's rows follow the size of the block before: short rows in many per block, long
    ones in few; the sheet's XML, and the workbook, are the same whatever the blocks (for money
    in whole öre; a column with fractions of an öre is written per block as it always was)."""
    from pipeline.write import workbook_rows
    from pipeline.write.workbook import WORDS

    texts = [f"kort {n}" for n in range(200)] + [f"lång text {n} " + "x" * 400 for n in range(100)]
    lines = pd.DataFrame({"text": pd.Series(texts, dtype="str"),
                          "amount_ore": pd.Series(range(300), dtype="int64")})
    sheet = workbook_rows.StreamedSheet(lines, 0, len(lines),
                                        workbook_rows.table_columns(lines, 0, len(lines), WORDS["sv"]))
    whole = b"".join(workbook_rows.sheet_rows_xml(sheet, WORDS["sv"], {"money": 1}))
    written = {}
    for name, block_bytes, first in (("one", 1 << 30, 50_000), ("sized", 4_000, 5)):
        monkeypatch.setattr(workbook_rows, "BLOCK_BYTES", block_bytes)
        monkeypatch.setattr(workbook_rows, "FIRST_BLOCK_ROWS", first)
        chunks = list(workbook_rows.sheet_rows_xml(sheet, WORDS["sv"], {"money": 1}))
        assert b"".join(chunks) == whole
        if name == "sized":
            rows = [bytes(chunk).count(b"<row ") for chunk in chunks]
            assert rows[0] == 5 and sum(rows) == 300
            assert max(rows[:5]) > 20 and min(rows[-3:]) < 10  # many short rows a block, few long ones
            # Each block is judged on the one before: only the block where the rows grow longer exceeds it.
            assert sum(len(chunk) > 2 * 4_000 for chunk in chunks) <= 1
        path = tmp_path / f"{name}.xlsx"
        write_workbook(path, figures_with({"year": 2025}), {SHEET_LINES: lines})
        written[name] = path.read_bytes()
    assert written["one"] == written["sized"]


def test_a_block_goes_out_as_its_rows_bytes_back_to_back_and_never_loses_a_row():
    """Arrow keeps a string array's texts one after the other: a block's rows are written as
    that stretch of bytes, from the first row of the slice to its last. A row built from a
    missing cell would be missing itself, and so absent from those bytes: that stops the run."""
    import pyarrow as pa

    from pipeline.write.workbook_rows import _back_to_back

    rows = pa.array(["<row>å</row>", "<row>b</row>", "<row>c</row>"], type=pa.string())
    assert bytes(_back_to_back(rows)) == "<row>å</row><row>b</row><row>c</row>".encode()
    assert bytes(_back_to_back(rows.slice(1, 1))) == b"<row>b</row>"
    with pytest.raises(ValueError):
        _back_to_back(pa.array(["<row>a</row>", None, "<row>c</row>"], type=pa.string()))
    # 64-bit offsets read as 32-bit ones would give the first row only: refused.
    with pytest.raises(TypeError):
        _back_to_back(pa.array(["<row>a</row>", "<row>b</row>"], type=pa.large_string()))


def test_blanks_at_a_texts_edges_ask_to_be_kept_and_only_there():
    # Printable texts (Arrow finds their edge spaces) and texts with a non-breaking space (each
    # looked at on its own) follow the same rule: a blank at either edge keeps the text's blanks.
    from pipeline.write.workbook_rows import text_cells

    def cell(text: str, kept: bool = False) -> str:
        keep = ' xml:space="preserve"' if kept else ""
        return f'<c t="inlineStr"><is><t{keep}>{text}</t></is></c>'

    printable = ["a", " b", "c ", "d e", "", "  ", "f"]
    assert text_cells(pd.Series(printable, dtype="str")).to_pylist() == [
        cell("a"), cell(" b", True), cell("c ", True), cell("d e"), "<c/>", cell("  ", True), cell("f")]
    assert text_cells(pd.Series(["a", "d e"], dtype="str")).to_pylist() == [cell("a"), cell("d e")]
    other = ["\u00a0x", "y", "z ", "u\u00a0v"]
    assert text_cells(pd.Series(other, dtype="str")).to_pylist() == [
        cell("\u00a0x", True), cell("y"), cell("z ", True), cell("u\u00a0v")]


def test_kronor_texts_are_exact_amounts_worked_by_hand():
    from pipeline.write.workbook_rows import kronor_texts

    ore = np.array([0, 5, -5, 99, 100, -100, -123456, 918_383_731, -90_000_000_000_000_001], dtype=np.int64)
    assert kronor_texts(ore).to_pylist() == ["0.00", "0.05", "-0.05", "0.99", "1.00", "-1.00", "-1234.56",
                                             "9183837.31", "-900000000000000.01"]
    assert kronor_texts(np.zeros(0, dtype=np.int64)).to_pylist() == []
