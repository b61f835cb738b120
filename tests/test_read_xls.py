"""Old .xls workbooks (BIFF8, as older ERP systems export them), written here with xlwt: read
like the same rows in .xlsx, and error cells rejected with their error, never read as blank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlwt

from pipeline.errors import InputError
from pipeline.read.folder import read_inputs
from pipeline.settings import load_settings
from tests.workbooks import LEDGER_HEADER, small_ledger, write_folder

YEAR = 2025
XLSX = Path(str(YEAR)) / f"ledger-{YEAR}.xlsx"
XLS = Path(str(YEAR)) / f"ledger-{YEAR}.xls"
COMPARED = ["date", "voucher", "account", "amount_ore", "counterparty", "service", "cost_centre", "text"]


def write_xls_ledger(path: Path, rows: list[list], errors: dict[tuple[int, int], str] | None = None) -> Path:
    """Rows under the ledger header; `errors` puts Excel error cells at (sheet row, column), 0-based."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Huvudbok")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for column, title in enumerate(LEDGER_HEADER):
        sheet.write(0, column, title)
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if (row_number, column) in (errors or {}):
                continue
            if isinstance(value, dt.date):
                sheet.write(row_number, column, dt.datetime.combine(value, dt.time()), date_style)
            elif value is not None:
                sheet.write(row_number, column, value)
    for (row_number, column), error in (errors or {}).items():
        sheet.row(row_number).set_cell_error(column, error)
    workbook.save(str(path))
    return path


def xls_folder(tmp_path: Path, rows: list[list], errors: dict[tuple[int, int], str] | None = None) -> Path:
    folder = write_folder(tmp_path / "org")
    (folder / XLSX).unlink()
    write_xls_ledger(folder / XLS, rows, errors)
    return folder


def test_an_xls_ledger_reads_as_the_same_rows_in_xlsx(tmp_path):
    xlsx_folder = write_folder(tmp_path / "xlsx")
    xls = xls_folder(tmp_path, small_ledger(YEAR))
    from_xlsx = read_inputs(xlsx_folder, YEAR, load_settings(xlsx_folder, None))
    from_xls = read_inputs(xls, YEAR, load_settings(xls, None))
    assert not from_xls.rejected
    pd.testing.assert_frame_equal(from_xls.ledgers[YEAR][COMPARED], from_xlsx.ledgers[YEAR][COMPARED])
    # Hand-checked: the six lines of small_ledger, 900 + 100 kr invoiced, 400 kr of costs.
    assert from_xls.ledgers[YEAR]["amount_ore"].tolist() == [90_000, -90_000, 10_000, -10_000, 40_000, -40_000]
    assert from_xls.ledgers[YEAR]["source_id"].iloc[0] == f"{YEAR}/ledger-{YEAR}.xls:Huvudbok:2"


def test_error_cells_of_an_xls_are_rejected_with_their_error_not_read_as_blank(tmp_path):
    rows = small_ledger(YEAR) + [[None] * len(LEDGER_HEADER)]  # sheet row 8 holds only an error
    folder = xls_folder(tmp_path, rows, errors={(6, 3): "#DIV/0!", (7, 0): "#REF!"})
    inputs = read_inputs(folder, YEAR, load_settings(folder, None))
    assert len(inputs.ledgers[YEAR]) == 5  # rows 2-6 of 7 used; row 7's amount is an error
    found = {(r.row, r.column): r for r in inputs.rejected}
    assert set(found) == {(7, "Belopp"), (8, "Datum")}  # Excel's row numbers: header on row 1
    assert all(r.critical and r.file == f"{YEAR}/ledger-{YEAR}.xls" for r in inputs.rejected)
    assert found[(7, "Belopp")].reason == ("Belopp: cellen innehåller Excel-felet #DIV/0! (en formel som inte "
                                          "kunde räknas ut); rätta den i källfilen")
    assert found[(8, "Datum")].reason.startswith("Datum: cellen innehåller Excel-felet #REF!")


def test_a_damaged_xls_names_the_file(tmp_path):
    folder = xls_folder(tmp_path, small_ledger(YEAR))
    (folder / XLS).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE header, nothing after
    with pytest.raises(InputError, match=f"{YEAR}/ledger-{YEAR}.xls"):
        read_inputs(folder, YEAR, load_settings(folder, None))
