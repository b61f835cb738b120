"""The audit workbook written in two steps: prepare_sheets builds the rows of some tables' sheets
first (the run does it while it waits for validation), write_workbook then copies them. The file
must be byte for byte the one written in one step."""

from __future__ import annotations

import pandas as pd
import pytest

import pipeline.write.workbook as workbook_module
from pipeline.model import SHEET_LINES, SHEET_TECKAL
from pipeline.write.workbook import prepare_sheets, write_workbook
from tests.factories import figures_with
from tests.test_write_workbook import awkward_table, calamine_rows, tiny_figures, tiny_tables


def all_tables() -> dict[str, pd.DataFrame]:
    return {**tiny_tables(), "Data": awkward_table(), "Tom": pd.DataFrame({"source_id": pd.Series([], dtype="str")})}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("prepared_names", [[SHEET_LINES], [SHEET_LINES, "Data", "Tom"], "all"])
def test_prepared_sheets_give_the_same_bytes(tmp_path, monkeypatch, language, prepared_names):
    # Blocks of 2 rows and 2 rows a sheet: the ledger lines' 3 rows go over two sheets and the
    # awkward table's 4 rows over two, so prepared blocks cross sheet boundaries too.
    monkeypatch.setattr("pipeline.write.workbook.BLOCK_ROWS", 2)
    tables = all_tables()
    names = list(tables) if prepared_names == "all" else prepared_names
    prepared = prepare_sheets({name: tables[name] for name in names}, language, max_rows_per_sheet=2)
    write_workbook(tmp_path / "one.xlsx", figures_with(tiny_figures()), tables, language, max_rows_per_sheet=2)
    write_workbook(tmp_path / "two.xlsx", figures_with(tiny_figures()), tables, language, max_rows_per_sheet=2, prepared=prepared)
    assert (tmp_path / "two.xlsx").read_bytes() == (tmp_path / "one.xlsx").read_bytes()


def test_a_prepared_table_is_not_built_again(tmp_path, monkeypatch):
    tables = tiny_tables()
    prepared = prepare_sheets({SHEET_LINES: tables[SHEET_LINES]})
    built = []

    def recording_column_cells(series, *rest):
        built.append(series.name)
        return original_column_cells(series, *rest)

    original_column_cells = workbook_module.column_cells
    monkeypatch.setattr(workbook_module, "column_cells", recording_column_cells)
    write_workbook(tmp_path / "x.xlsx", figures_with(tiny_figures()), tables, prepared=prepared)
    # Only the other tables' columns were turned into cells while writing.
    assert "voucher" not in built and "source_id" not in built
    assert "code" in built  # the services table was not prepared
    assert calamine_rows(tmp_path / "x.xlsx", SHEET_LINES)[1][1:3] == ["A 1", 3011.0]


def test_prepared_rows_of_another_frame_or_setting_are_not_used(tmp_path):
    # The run may change a table after preparing it, or write in another language or sheet
    # size: the prepared rows no longer match and the table is built from what is written.
    tables = tiny_tables()
    prepared = prepare_sheets({SHEET_LINES: tables[SHEET_LINES], SHEET_TECKAL: tables[SHEET_TECKAL]})
    changed = dict(tables)
    changed[SHEET_LINES] = tables[SHEET_LINES].assign(voucher=["X 1", "X 2", "X 3"])
    write_workbook(tmp_path / "one.xlsx", figures_with(tiny_figures()), changed)
    write_workbook(tmp_path / "two.xlsx", figures_with(tiny_figures()), changed, prepared=prepared)
    assert (tmp_path / "two.xlsx").read_bytes() == (tmp_path / "one.xlsx").read_bytes()
    assert [row[1] for row in calamine_rows(tmp_path / "two.xlsx", SHEET_LINES)[1:]] == ["X 1", "X 2", "X 3"]
    for language, rows in (("en", 1_048_575), ("sv", 2)):
        write_workbook(tmp_path / "one.xlsx", figures_with(tiny_figures()), tables, language, max_rows_per_sheet=rows)
        write_workbook(tmp_path / "two.xlsx", figures_with(tiny_figures()), tables, language, max_rows_per_sheet=rows,
                       prepared=prepared)
        assert (tmp_path / "two.xlsx").read_bytes() == (tmp_path / "one.xlsx").read_bytes()


def test_prepare_refuses_an_unknown_language():
    with pytest.raises(ValueError):
        prepare_sheets(tiny_tables(), "de")
