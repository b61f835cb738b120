"""A workbook's cells are taken from calamine a block of rows at a time, with repeated texts and
dates of a column made one object (`pipeline.read.sheets._cells`): the values must be exactly
those of `to_python`, types included."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

import pipeline.read.sheets as sheets
from tests.workbooks import save_rows


def workbook(tmp_path, rows, first_row=1, first_column=1):
    path = save_rows(tmp_path, rows, first_row, first_column)
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Huvudbok")


def lines(n):
    """A header and n lines: a date per five lines, a voucher per two, a counterparty of three,
    and a column of 1.0, 1, True and "1" (equal in Python, not the same cell)."""
    rows = [["Datum", "Verifikation", "Motpart", "Blandat", "Text"]]
    mixed = [1.0, 1, True, "1"]
    for i in range(n):
        rows.append([dt.date(2025, 1, 1 + i // 5), f"A {i // 2}", ["212000-0142", "556000-0001", ""][i % 3],
                     mixed[i % 4], f"rad {i}"])
    return rows


@pytest.mark.parametrize("block", [3, 7, 65_536])
@pytest.mark.parametrize("first_row", [1, 4])
def test_the_cells_are_those_of_to_python_types_included(tmp_path, monkeypatch, block, first_row):
    monkeypatch.setattr(sheets, "BLOCK_ROWS", block)
    sheet = workbook(tmp_path, lines(40), first_row=first_row, first_column=2)
    expected = sheet.to_python()
    got = sheets._cells(sheet).tolist()
    assert got == expected
    assert [[type(c) for c in row] for row in got] == [[type(c) for c in row] for row in expected]


def test_repeated_texts_and_dates_are_one_object_and_mixed_columns_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "BLOCK_ROWS", 16)
    cells = sheets._cells(workbook(tmp_path, lines(40)))
    body = cells[1:]
    # The counterparty column holds three texts: three objects in all, across blocks.
    assert len({id(c) for c in body[:, 2]}) == 3
    # The first block's dates stand under the header's text: a block of two types waits; the
    # dates of the later blocks are one object per day.
    assert len({id(c) for c in body[15:, 0]}) == len(set(body[15:, 0])) == 5
    # The mixed column keeps each cell's own type; the text of each line is its own.
    assert [type(c) for c in body[:4, 3]] == [float, float, bool, str]
    assert len({id(c) for c in body[:, 4]}) == 40


def test_a_sheet_without_cells_gives_no_rows(tmp_path):
    assert sheets._cells(workbook(tmp_path, [])).shape == (0, 0)
