"""The sheet of every ledger line made in a second process (pipeline/write/sheet_ahead.py): the
rows it hands over are the rows the workbook would build, it never hands rows made for another
frame, and a failed or stopped process leaves the workbook to build them itself."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.write import sheet_ahead
from pipeline.write.sheet_ahead import SheetAhead
from pipeline.write.workbook import prepare_rows

REPO = Path(__file__).resolve().parent.parent


def lines(count: int = 5) -> pd.DataFrame:
    return pd.DataFrame({"voucher": pd.Series([f"A {n}" for n in range(count)], dtype="str"),
                         "amount_ore": pd.Series(range(count), dtype="int64") * 125})


def test_the_process_hands_over_the_rows_the_workbook_would_build():
    frame = lines()
    with SheetAhead("sv", min_rows=1) as ahead:
        ahead.start(frame)
        ready = ahead.prepared(frame)
    assert ready == prepare_rows(frame, "sv")
    assert ahead.error is None


def test_a_short_table_and_another_frame_get_no_rows():
    frame = lines()
    with SheetAhead("sv", min_rows=6) as short:
        short.start(frame)
        assert short.prepared(frame) is None
    with SheetAhead("sv", min_rows=1) as ahead:
        ahead.start(frame)
        assert ahead.prepared(frame.copy()) is None  # equal, but not the frame the rows were made of
        assert ahead.prepared(frame) is not None


def test_a_failed_process_leaves_the_rows_to_the_workbook(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("no rows today")

    monkeypatch.setattr("pipeline.write.workbook.prepare_rows", broken)  # the forked process sees it
    frame = lines()
    with SheetAhead("sv", min_rows=1) as ahead:
        ahead.start(frame)
        assert ahead.prepared(frame) is None
    assert "no rows today" in ahead.error


def test_a_stopping_run_ends_a_process_still_at_work(monkeypatch):
    monkeypatch.setattr("pipeline.write.workbook.prepare_rows", lambda *args, **kwargs: time.sleep(120))
    ahead = SheetAhead("sv", min_rows=1)
    ahead.start(lines())
    process = ahead._process
    started = time.perf_counter()
    ahead.close()
    assert not process.is_alive() and time.perf_counter() - started < 10


@pytest.mark.slow
def test_a_run_with_the_sheet_made_ahead_writes_the_same_workbook(tmp_path, monkeypatch):
    # The real command on the example, once as it runs (57 000 lines: below the threshold) and
    # once with every table long enough to go ahead: the same workbook, sheet by sheet.
    handed = []
    prepared = SheetAhead.prepared

    def spy(self, frame):
        rows = prepared(self, frame)
        handed.append(rows is not None)
        return rows

    outputs = {}
    for name, threshold in (("own", sheet_ahead.AHEAD_MIN_ROWS), ("ahead", 1)):
        monkeypatch.setattr(sheet_ahead, "AHEAD_MIN_ROWS", threshold)
        monkeypatch.setattr(SheetAhead, "prepared", spy)
        assert main(["report", "--inputs", str(REPO / "inputs" / "example"), "--outputs", str(tmp_path / name),
                     "--quiet"]) == 0
        with zipfile.ZipFile(tmp_path / name / "example" / "2025" / "LOS-underlag-2025.xlsx") as book:
            assert book.testzip() is None
            outputs[name] = {member: book.read(member) for member in book.namelist()}
    assert handed == [False, True]
    assert outputs["ahead"] == outputs["own"]
