"""The read stage's frames of known folders are what they were (`tests/frame_digests.py`):
values, dtypes, column order, rejections, read notes and file totals. A deliberate change is
written anew with `python -m tests.frame_digests --write` and said in the commit."""

from __future__ import annotations

import json

import pytest

from tests.frame_digests import DIGESTS, current, folders

EXPECTED = json.loads(DIGESTS.read_text(encoding="utf-8"))["folders"]


def test_every_folder_has_its_recorded_digests():
    assert sorted(EXPECTED) == sorted(folders())


@pytest.mark.parametrize("name", sorted(folders()))
def test_the_read_frames_are_unchanged(name):
    got = current([name]).get(name)
    if got is None:
        pytest.skip("the real data folder (../shared/data/real) is not present")
    assert_as_recorded(name, got)


def assert_as_recorded(name: str, got: dict) -> None:
    expected = EXPECTED[name]
    assert list(got["frames"]) == list(expected["frames"]), f"{name}: other frames"
    for frame, record in expected["frames"].items():
        now = got["frames"][frame]
        assert (now["rows"], now["columns"]) == (record["rows"], record["columns"]), f"{name}/{frame}: rows or dtypes"
        changed = [c for c, digest in record["digests"].items() if now["digests"][c] != digest]
        assert not changed, f"{name}/{frame}: the values of {changed} changed"
    for part in ("rejected", "read_notes", "totals"):
        assert got[part] == expected[part], f"{name}: {part} changed"



@pytest.mark.parametrize("name", ["example", "sie", "erp", "csv"])
def test_compacting_the_ledgers_leaves_the_frames_as_they_were(name, monkeypatch):
    # Only years of COMPACT_FROM_LINES lines or more are compacted, more than any folder here
    # holds: with the bar at 0 the same folders must give the same digests.
    import pipeline.read.folder as folder

    monkeypatch.setattr(folder, "COMPACT_FROM_LINES", 0)
    compacted = []
    original = folder.compact
    monkeypatch.setattr(folder, "compact", lambda ledgers: compacted.append(len(ledgers)) or original(ledgers))
    got = current([name]).get(name)
    if got is None:
        pytest.skip("the real data folder (../shared/data/real) is not present")
    assert compacted and compacted[0] > 0, "no ledger was compacted"
    assert_as_recorded(name, got)


def test_without_room_for_the_temporary_file_the_ledgers_stay_as_they_are(monkeypatch):
    import pipeline.read.folder as folder

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folder, "COMPACT_FROM_LINES", 0)
    monkeypatch.setattr(folder.tempfile, "TemporaryFile", no_room)
    assert_as_recorded("example", current(["example"])["example"])
