"""The read stage's frames of known folders are what they were (`tests/frame_digests.py`):
values, dtypes, column order, rejections, read notes and file totals. A deliberate change is
written anew with `python -m tests.frame_digests --write` and said in the commit."""

from __future__ import annotations

import io
import json

import pandas as pd
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
    # The ledgers are compacted only after COMPACT_FROM_LINES lines read a cell at a time, more
    # than any folder here holds: with the bar at 0 the same folders must give the same digests.
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



class _FullDisk(io.RawIOBase):
    """A file on a disk with room for `room` bytes: a write beyond it fails, as on a full disk.
    Buffered like a real temporary file, so the last bytes are written only on flush or close."""

    def __init__(self, room: int):
        super().__init__()
        self.data, self.position, self.room = bytearray(), 0, room

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.position + len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.data[self.position:self.position + len(data)] = data
        self.position += len(data)
        return len(data)

    def readinto(self, buffer) -> int:
        chunk = self.data[self.position:self.position + len(buffer)]
        buffer[:len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else (self.position + offset if whence == 1 else len(self.data) + offset)
        return self.position


@pytest.mark.parametrize("failure", ["no temporary file", "full while writing", "full on the last write"])
def test_without_room_for_the_temporary_file_the_ledgers_stay_as_they_are(failure, monkeypatch):
    import pipeline.read.folder as folder

    def temporary_file(*args, **kwargs):
        if failure == "no temporary file":
            raise OSError(28, "No space left on device")
        if failure == "full while writing":  # the dump's own writes fail
            return io.BufferedRandom(_FullDisk(room=4096))
        # Every byte waits in the buffer until it is flushed: only that last write fails.
        return io.BufferedRandom(_FullDisk(room=0), buffer_size=1 << 30)

    monkeypatch.setattr(folder, "COMPACT_FROM_LINES", 0)
    monkeypatch.setattr(folder.tempfile, "TemporaryFile", temporary_file)
    assert_as_recorded("example", current(["example"])["example"])


def test_compacted_ledgers_keep_their_index_attributes_and_flags():
    # The digests compare values and dtypes; this compares whole frames, index and metadata too.
    import pipeline.read.folder as folder
    from pipeline.settings import load_settings
    from tests.frame_digests import ROOT

    example = ROOT / "inputs" / "example"
    plain = folder.read_inputs(example, 2025, load_settings(example)).ledgers
    for frame in plain.values():
        frame.attrs["note"] = "kept"
        frame.flags.allows_duplicate_labels = False
    compacted = {year: frame.copy(deep=True) for year, frame in plain.items()}
    folder.compact(compacted)
    assert list(compacted) == list(plain) == [2023, 2024, 2025]
    for year, frame in plain.items():
        pd.testing.assert_frame_equal(compacted[year], frame, check_exact=True)
        assert type(compacted[year].index) is type(frame.index)
        assert compacted[year].attrs == {"note": "kept"} and not compacted[year].flags.allows_duplicate_labels
