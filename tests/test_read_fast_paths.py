"""The fast paths of the read stage give exactly what the plain ways give (issue 7)."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.messages import messages
from pipeline.read import parse, safety
from pipeline.read.sheets import Prefetch
from pipeline.model import RawSheet
from pipeline.read.table import object_grid

ODD_TEXTS = ["", "plain", " padded ", "zero\u200bwidth", "bell\x07", "line\nbreak", "\u202eevil", "tab\tkept",
             "\ufeffbom", "end\x1f", "ÅÄÖ åäö", "\x7f", "a\u2066b\u2069", "x" * 300]


@pytest.mark.parametrize("pattern", [parse._IDENTIFIER_CHANGES, parse._FREE_TEXT_CHANGES])
def test_contains_any_is_a_search_per_text(pattern):
    rng = np.random.default_rng(7)
    texts = [ODD_TEXTS[i] for i in rng.integers(0, len(ODD_TEXTS), 500)] + ODD_TEXTS
    expected = np.array([pattern.search(t) is not None for t in texts])
    assert (parse.contains_any(texts, pattern) == expected).all()
    assert parse.contains_any([], pattern).shape == (0,)
    plain = ["a", "", "b\nc"]
    assert not parse.contains_any(plain, pattern).any()


@pytest.mark.parametrize("cells", [
    [1.5, -0.0, 0.0, float("nan"), 1.5, 2.25, -0.0, 1e20, float("inf")],
    [0.0, -0.0, 3.0],
    [float("nan"), float("nan")],
    [1.0],
    [1.0, 2, "3", None, 1.0],  # mixed: the object hash
    ["a", "b", "a", parse.CellError("#REF!"), "a"],
    [],
])
def test_factorize_gives_the_codes_and_first_objects_of_the_object_hash(cells):
    array = np.empty(len(cells), dtype=object)
    array[:] = cells
    codes, uniques = parse.factorize(array)
    expected_codes, expected_uniques = pd.factorize(array, use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert len(uniques) == len(expected_uniques)
    for got, want in zip(uniques, expected_uniques):
        assert type(got) is type(want) and (got == want or got != got and want != want)
    # The very cell objects, at their first position (a float -0.0 stays -0.0, say).
    for code, got in enumerate(uniques):
        first = array[int(np.flatnonzero(codes == code)[0])]
        assert got is first


def test_known_codes_answer_for_their_array_only_and_go_with_it():
    values = np.array(["A 1", "A 2", ""], dtype=object)
    codes = np.array([1, 0, 1, 2], dtype=np.int32)
    cells = values.take(codes)
    parse.know_codes(cells, codes, values)
    got_codes, got_values = parse.factorize(cells)
    assert got_codes is codes and got_values is values
    # Texts parsed from the known codes: "A 2", "A 1", "A 2", "" (empty).
    parsed = parse.parse_text(cells)
    assert parsed.values.tolist() == ["A 2", "A 1", "A 2", ""] and parsed.empty.tolist() == [False] * 3 + [True]
    # An equal array of its own is hashed: codes in order of first appearance.
    assert parse.factorize(cells.copy())[0].tolist() == [0, 1, 0, 2]
    key = id(cells)
    del cells
    assert key not in parse._KNOWN_CODES


def test_an_absent_column_is_parsed_without_hashing_its_empty_cells(monkeypatch):
    from pipeline.read.headers import HeaderMatch
    from pipeline.read.table import Table

    raw = RawSheet("ledger-2025.xlsx", "Huvudbok", [["Belopp"], [1.0], [2.0], [3.0]])
    table = Table(raw, HeaderMatch(0, ("Belopp",), {"amount": 0}, ()), {"amount": np.array([1.0, 2.0, 3.0], dtype=object)},
                  np.array([2, 3, 4]), str)
    monkeypatch.setattr(pd, "factorize", lambda *a, **k: pytest.fail("an absent column was hashed"))
    text = parse.parse_free_text(table.get("text"))
    assert text.values.tolist() == ["", "", ""] and text.empty.all() and not text.bad.any()
    dates = parse.parse_dates(table.get("registration_date"), "bokföringsdag")
    assert np.isnat(dates.values).all() and dates.empty.all() and not dates.bad.any()


def test_a_ledger_read_the_fast_way_is_parsed_from_fastexcel_s_codes(tmp_path, monkeypatch):
    from pipeline.read import sheets
    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings
    from tests.workbooks import write_folder

    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", 0)
    answered = []
    original = parse.factorize
    monkeypatch.setattr(parse, "factorize", lambda cells: answered.append(id(cells) in parse._KNOWN_CODES)
                        or original(cells))
    folder = write_folder(tmp_path / "org")
    inputs = read_inputs(folder, 2025, load_settings(folder))
    assert len(inputs.ledgers[2025]) > 0
    # Each of the ledger's columns, date, voucher, account, amount and the texts, came with its codes.
    assert sum(answered) >= 5, answered


def test_parsed_amounts_accounts_and_texts_of_a_float_column_are_unchanged():
    values = [1234.5, 0.1 + 0.2, 12.345, -0.0, 3011.0, 1e16, float("nan"), 99.99]
    cells = np.empty(len(values) * 3, dtype=object)
    cells[:] = values * 3
    amounts = parse.parse_amounts_ore(cells)
    assert amounts.values[:8].tolist() == [123450, 30, 0, 0, 301100, 0, 0, 9999]
    assert amounts.bad[:8].tolist() == [False, False, True, False, False, True, False, False]
    assert amounts.empty[:8].tolist() == [False] * 6 + [True, False]
    accounts, names = parse.parse_accounts(cells)
    assert accounts.values[:8].tolist() == [0, 0, 0, 0, 3011, 0, 0, 0]
    assert names.tolist() == [""] * 24


def test_object_grid_keeps_the_cell_objects_and_pads_ragged_rows():
    date = pd.Timestamp("2025-01-02").date()
    body = [[date, "A 1", 1510.0], [None, parse.CellError("#N/A"), 2.0]]
    grid = object_grid(body, 3)
    assert grid.shape == (2, 3) and all(grid[r, c] is body[r][c] for r in range(2) for c in range(3))
    ragged = object_grid([["a", "b", "c"], ["d"]], 3)
    assert ragged.tolist() == [["a", "b", "c"], ["d", "", ""]]
    assert object_grid([], 4).shape == (0, 4)


def test_prefetch_hands_results_back_in_order_and_errors_where_taken():
    paths = [Path(f"ledger-{i}.xlsx") for i in range(6)]
    started = []

    def read(path: Path) -> str:
        started.append(path)
        time.sleep(0.01 * (len(paths) - int(path.stem[-1])))  # later files finish first
        if path.stem.endswith("3"):
            raise ValueError(path.name)
        return path.name

    with Prefetch(paths, read) as prefetch:
        for index, path in enumerate(paths[:3]):
            assert prefetch.take(path) == path.name
            assert len(started) <= index + 3  # never more than two files beyond the one in hand
        with pytest.raises(ValueError, match="ledger-3"):
            prefetch.take(paths[3])
    # No thread outlives the block.
    assert not [t for t in threading.enumerate() if t.name.startswith("read")]


def test_prefetch_reads_the_first_path_ahead_and_a_file_taken_before_its_turn_only_once():
    # The folder reader puts the largest ledger first: it is parsed in the pool while the caller
    # takes the smaller ones, which the caller reads itself; the pool must not read them again.
    reads: list[tuple[str, str]] = []

    def read(path: Path) -> str:
        reads.append((path.name, threading.current_thread().name))
        return path.name

    big, small, other = Path("ledger-2025.xlsx"), Path("ledger-2023.xlsx"), Path("ledger-2024.xlsx")
    with Prefetch([big, small, other], read) as prefetch:
        assert [prefetch.take(p) for p in (small, other, big)] == [small.name, other.name, big.name]
    assert sorted(name for name, _ in reads) == sorted([big.name, small.name, other.name])  # each once
    threads = dict(reads)
    assert threads[big.name].startswith("read") and threads[small.name] == threads[other.name] == "MainThread"


def test_prefetch_of_an_untaken_file_never_reports_its_error():
    def read(path: Path) -> str:
        if path.name == "bad":
            raise ValueError("bad")
        return path.name

    with Prefetch([Path("good"), Path("bad")], read) as prefetch:
        assert prefetch.take(Path("good")) == "good"
    with Prefetch([Path("only")], read) as prefetch:  # one file: read in this thread
        assert prefetch.take(Path("only")) == "only"


def test_prefetch_does_the_callers_work_once_while_it_would_wait_for_a_parse():
    # The run prepares its later stages while the read waits for the report year's ledger. Here
    # the parse of "big" waits until that work is done: the work must run while `take` would
    # wait, in the caller's thread, and only once.
    release = threading.Event()
    calls: list[str] = []

    def read(path: Path) -> str:
        if path.name == "big":
            assert release.wait(10), "the caller's work never ran while the parse was pending"
        return path.name

    def waiting() -> None:
        calls.append(threading.current_thread().name)
        release.set()

    with Prefetch([Path("big"), Path("next")], read, while_waiting=waiting) as prefetch:
        assert prefetch.take(Path("big")) == "big"
        assert prefetch.take(Path("next")) == "next"  # pending or not: never a second time
    assert calls == ["MainThread"]


def test_prefetch_does_not_do_the_callers_work_when_nothing_is_waited_for():
    calls: list[str] = []
    with Prefetch([Path("big"), Path("next")], lambda path: path.name,
                  while_waiting=lambda: calls.append("work")) as prefetch:
        deadline = time.monotonic() + 10
        while not all(f.done() for f in prefetch._futures.values()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert prefetch.take(Path("big")) == "big"  # parsed already
    with Prefetch([Path("only")], lambda path: path.name, while_waiting=lambda: calls.append("work")) as prefetch:
        assert prefetch.take(Path("only")) == "only"  # one file: read in this thread, no wait
    assert calls == []


def _odd_workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Huvudbok"
    sheet.append(["Datum", "Verifikation", "Konto", "Belopp", "Text"])
    for row in range(2, 400):
        amount: object = row * 1.25
        if row % 97 == 0:
            amount = "#REF!"  # openpyxl writes an error cell (t="e")
        elif row % 89 == 0:
            amount = "=D2*2"  # a formula without a saved result
        sheet.append(["2025-01-02", f"A {row}", 3011, amount, "<c r=\"Z1\" t=\"e\"> in a text"])
    second = workbook.create_sheet("Bilaga")
    second.append(["#DIV/0!", "=1+1", "ok"])
    workbook.save(path)
    return path


@pytest.mark.parametrize("chunk", [64, 100, 1000, 4096])
def test_odd_cells_are_found_whatever_the_piece_size(tmp_path, monkeypatch, chunk):
    # Pieces at least a cell long (the scan cuts between cells; a real piece is 1 MiB, and
    # Excel caps a cell at 32 767 characters).
    path = _odd_workbook(tmp_path / "ledger.xlsx")
    msg = messages("en")
    expected = safety.inspect_workbook(path, "ledger.xlsx", msg).odd_cells
    assert len(expected["Huvudbok"]) == 4 + 4 and len(expected["Bilaga"]) == 2
    monkeypatch.setattr(safety, "CHUNK", chunk)
    assert safety.inspect_workbook(path, "ledger.xlsx", msg).odd_cells == expected


def test_a_large_workbook_s_odd_cells_are_found_while_it_is_parsed_and_its_sheets_read_the_plain_way(
        tmp_path, monkeypatch):
    # Read as a large file (by columns): the safety checks first, the odd cells looked for beside
    # fastexcel's parse; a sheet with odd cells is then read the plain way, its cells marked as
    # a small file's are.
    from pipeline.read import sheets

    path = _odd_workbook(tmp_path / "ledger.xlsx")
    msg = messages("en")
    small = sheets.read_sheets(path, "ledger.xlsx", msg)
    assert safety.find_odd_cells(path, "ledger.xlsx", msg) == safety.inspect_workbook(path, "ledger.xlsx", msg).odd_cells
    assert safety.inspect_workbook(path, "ledger.xlsx", msg, odd_cells=False).odd_cells == {}
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", 0)
    beside = []
    original = sheets.fast_cells
    monkeypatch.setattr(sheets, "fast_cells", lambda *args: beside.append(
        any(t.name.startswith("odd-cells") for t in threading.enumerate())) or original(*args))
    large = sheets.read_sheets(path, "ledger.xlsx", msg)
    assert beside == [True, True]  # each sheet's parse ran with the search's thread beside it
    assert not any(t.name.startswith("odd-cells") for t in threading.enumerate())  # and none outlives the read
    assert [s.sheet for s in large] == ["Huvudbok", "Bilaga"]
    for plain, by_columns in zip(small, large):
        assert not by_columns.read_by_columns and by_columns.has_odd_cells
        assert np.array_equal(plain.rows, by_columns.rows)
    markers = [cell for cell in large[0].rows.ravel() if isinstance(cell, parse.CellError)]
    assert len(markers) == 8  # 4 errors and 4 formulas without a value, as counted in the first test


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_the_odd_cell_search_beside_the_parse_runs_at_a_lower_priority_and_the_reader_keeps_its_own(
        tmp_path, monkeypatch):
    from pipeline.read import sheets

    def own_priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    path = _odd_workbook(tmp_path / "ledger.xlsx")
    msg = messages("en")
    expected = safety.find_odd_cells(path, "ledger.xlsx", msg)
    searched = []
    original = safety.find_odd_cells
    monkeypatch.setattr(safety, "find_odd_cells", lambda *args: searched.append(own_priority()) or original(*args))
    before = own_priority()
    fast, odd_cells = sheets._read_by_columns(path, "ledger.xlsx", msg, ["Huvudbok", "Bilaga"], {})
    assert searched == [max(before, sheets.ODD_CELLS_NICENESS)] == [max(before, 10)]
    assert odd_cells == expected  # the same cells found
    assert own_priority() == before  # the reading thread keeps its priority


@pytest.mark.parametrize("fast_from_bytes", [0, 1 << 40])
def test_a_sheet_whose_xml_breaks_after_an_odd_cell_is_a_damaged_workbook_either_way(tmp_path, monkeypatch,
                                                                                      fast_from_bytes):
    # The odd cells' XML parse meets the break: read as a large file, that search runs beside
    # fastexcel and its error is the one reported, as it is for a small file.
    import zipfile

    from pipeline.errors import InputError
    from pipeline.read import sheets

    path = _odd_workbook(tmp_path / "source.xlsx")
    broken = tmp_path / "ledger.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row><c r=\"A999\"><v>1</v></sheetData>")
            target.writestr(item, data)
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", fast_from_bytes)
    with pytest.raises(InputError, match="the zip archive is damaged or incomplete"):
        sheets.read_sheets(broken, "ledger.xlsx", messages("en"))


@pytest.mark.parametrize("chunk", [7, 1000, 1 << 20])
def test_unpacked_chunks_are_the_members_bytes_and_a_bad_checksum_is_refused(tmp_path, monkeypatch, chunk):
    import zipfile

    path = tmp_path / "parts.zip"
    text = b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (i, i * i) for i in range(5000))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("deflated.xml", text, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("stored.xml", text[:999], compress_type=zipfile.ZIP_STORED)
        archive.writestr("empty.xml", b"", compress_type=zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(safety, "CHUNK", chunk)
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        for member in archive.infolist():
            pieces = list(safety.unpacked_chunks(archive, raw, member))
            assert b"".join(pieces) == archive.read(member)
            assert all(0 < len(piece) <= chunk for piece in pieces)
        member = archive.getinfo("deflated.xml")
        member.CRC ^= 1
        with pytest.raises(zipfile.BadZipFile):
            list(safety.unpacked_chunks(archive, raw, member))
        member.CRC ^= 1
        member.compress_size -= 10  # the data ends inside the deflate stream
        with pytest.raises(EOFError):
            list(safety.unpacked_chunks(archive, raw, member))


@pytest.mark.parametrize("fast_from_bytes", [0, 1 << 40])
def test_a_member_that_unpacks_larger_than_stated_is_refused_before_any_parser_opens_the_file(
        tmp_path, monkeypatch, fast_from_bytes):
    from pipeline.errors import InputError
    from pipeline.read import sheets
    from tests import corpus

    path = tmp_path / "ledger-2025.xlsx"
    corpus.size_lie_workbook(path)
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", fast_from_bytes)

    def no_parser(*args, **kwargs):
        raise AssertionError("a parser saw the file")

    monkeypatch.setattr(sheets, "fast_cells", no_parser)
    monkeypatch.setattr(sheets, "CalamineWorkbook", type("NoCalamine", (), {"from_path": staticmethod(no_parser)}))
    with pytest.raises(InputError, match="unpacks larger than the archive states"):
        sheets.read_sheets(path, path.name, messages("en"))


def test_the_odd_cell_markers_are_found_across_the_seam():
    for carry, chunk in [(b'<c r="A1" t=', b'"e"><v>#N/A</v></c>'), (b"<c r=\"A1\"><", b"f>A2</f></c>"),
                         (b'x t="e"', b"y"), (b"", b"<f>"), (b"<x:", b"f>A2</x:f>")]:
        assert safety._may_hold_odd_cells(carry, chunk)
        assert re.search(rb'<(x:)?f|t="e"', carry + chunk)
    assert not safety._may_hold_odd_cells(b'<c r="A1"><v>1</v></c>', b'<c r="A2"><v>2</v></c>')


def test_the_literal_prefilter_never_hides_a_marker_the_pattern_finds():
    # Pieces built from the pattern's own parts, in every spacing and prefix, plus noise: the
    # fast check (literals first) and the pattern alone agree on every one.
    rng = np.random.default_rng(19)
    parts = [b"t", b"=", b" ", b"\t", b'"', b"'", b"e", b"<", b"f", b">", b"/", b"x:", b"ab.c-d:", b"\n",
             b"<c r=\"A1\">", b"<v>1</v>", b"s", b"n", b"formula", b"of"]
    pieces = [b"".join(parts[i] for i in rng.integers(0, len(parts), rng.integers(1, 12))) for _ in range(20_000)]
    pieces += [b't = "e"', b"t\t=\t'e'", b"<f/>", b"<ab.c-d:f\n>", b"<c t=\"s\">", b"xt=\"e\""]
    found = 0
    for piece in pieces:
        expected = safety._ODD_MARKER.search(piece) is not None
        found += expected
        assert safety._may_hold_odd_cells(b"", piece) == expected, piece
    assert 50 < found < len(pieces)  # both answers occur (65 markers with this seed)


def test_filled_and_choose_refer_to_their_values_without_copies():
    from pipeline.model import choose, filled

    names = filled(4, "ledger-2025.xlsx")
    assert names.dtype == object and names.tolist() == ["ledger-2025.xlsx"] * 4
    assert len({id(name) for name in names}) == 1
    assert filled(0, "x").tolist() == []
    groups = choose(np.array([True, False, False, True]), "member", "market")
    assert groups.tolist() == ["member", "market", "market", "member"]
    assert len({id(group) for group in groups}) == 2


class _Text(str):
    """A str subclass (as `parse.CellError` is one)."""


@pytest.mark.parametrize("cells", [["a", "", " b "], ["a", None], ["a", np.nan], [], ["x"] * 3,
                                   ["a", _Text("b")], ["a", 1], [1.5, "a"], ["a", pd.NA]])
def test_a_text_column_without_its_copy_is_the_column_the_plain_way_gives(cells):
    from pipeline.read.builders import _str_series

    values = np.array(cells, dtype=object)
    plain = pd.Series(values.copy(), dtype="str")
    taken: set[int] = set()
    column = _str_series(values, taken)
    pd.testing.assert_series_equal(column, plain)
    only_str = len(cells) > 0 and all(isinstance(c, str) for c in cells)
    assert np.shares_memory(column.array._ndarray, values) is only_str
    # The array wrapped without StringArray's own check passes that check, and is what the
    # checked constructor makes of the same values.
    column.array._validate(column.dtype)
    if only_str:
        checked = pd.Series(pd.arrays.StringArray(values.copy(), dtype=column.dtype), copy=False)
        pd.testing.assert_series_equal(column, checked)
        assert type(column.array) is type(checked.array) and column.dtype == checked.dtype
    # The same array as a second column of the frame is copied: two columns never share one array.
    second = _str_series(values, taken)
    pd.testing.assert_series_equal(second, plain)
    assert not np.shares_memory(second.array._ndarray, values)


@pytest.mark.parametrize("errors", [["", "", ""], ["", "bad value", ""]])
def test_cell_errors_read_as_the_distinct_values_errors_spread_by_code(errors):
    per_value = np.array(errors + [""], dtype=object)  # the last slot: code -1, an empty cell
    codes = np.array([0, 1, 2, -1, 1, 0])
    spread = parse.spread_errors(per_value, codes)
    assert spread.tolist() == per_value[codes].tolist()
    assert (spread != "").tolist() == [e != "" for e in per_value[codes]]
    # Without any error, one read-only "" serves every cell.
    assert spread.flags.writeable is (any(errors))


def test_the_read_does_the_runs_work_once_while_it_waits_for_the_report_ledgers_parse(tmp_path, monkeypatch):
    from pipeline.read import folder as folder_module
    from pipeline.settings import load_settings
    from tests.workbooks import write_folder

    inputs_folder = write_folder(tmp_path / "in")
    report_ledger = next((inputs_folder / "2025").glob("ledger*"))
    parsed = threading.Event()
    plain_read_raw = folder_module._FolderReader.read_raw

    def slow_read_raw(self, path):  # the report year's parse lasts until the run's work is done
        if path == report_ledger:
            assert parsed.wait(10), "the run's work never ran while the read waited"
        return plain_read_raw(self, path)

    calls: list[str] = []

    def work() -> None:
        calls.append(threading.current_thread().name)
        parsed.set()

    monkeypatch.setattr(folder_module._FolderReader, "read_raw", slow_read_raw)
    inputs = folder_module.read_inputs(inputs_folder, 2025, load_settings(inputs_folder), while_waiting=work)
    assert calls == ["MainThread"]
    # small_ledger: two invoices of two lines each and a cost voucher of two lines.
    assert sorted(inputs.ledgers) == [2023, 2024, 2025] and len(inputs.ledgers[2025]) == 6


def test_the_runs_preparation_never_raises_what_the_writer_would_report(monkeypatch):
    from pipeline import run

    def no_fonts() -> None:
        raise OSError("font file missing")

    monkeypatch.setattr("pipeline.write.pdf.document.register_fonts", no_fonts)
    # Past the once-per-process cache, so that the failing fonts are really met here.
    assert run._prepare_later_stages.__wrapped__() is None  # the PDF writer meets it and says so


def test_the_runs_preparation_loads_the_writers_and_the_calendars():
    # It swallows what fails (above), so that a mistake in it would go unseen but for the time
    # it costs: in a fresh process, each module it is there to load is loaded by it.
    import subprocess
    import sys

    script = ("import sys\nfrom pipeline import run\n"
              "wanted = ('pipeline.write.workbook', 'pipeline.write.html', 'holidays.countries')\n"
              "before = [m in sys.modules for m in wanted]\nrun._prepare_later_stages()\n"
              "from reportlab.pdfbase import pdfmetrics\n"
              "print(before, [m in sys.modules for m in wanted], len(pdfmetrics.getRegisteredFontNames()) > 0)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("]", 1)[0] + "]" == "[False, False, False]"
    assert done.stdout.strip().endswith("[True, True, True] True")


@pytest.mark.parametrize("per_value", [["", ""], ["", "bad"], ["bad", "bad"]])
def test_a_parsed_column_is_bad_where_a_cell_has_an_error_whichever_way_its_errors_are_held(per_value):
    errors = np.array(per_value + [""], dtype=object)
    codes = np.array([0, 1, -1, 1, 0])
    spread = parse.spread_errors(errors, codes)
    got = parse.Parsed(np.zeros(5), np.zeros(5, dtype=bool), spread).bad
    assert got.dtype == bool and got.tolist() == [e != "" for e in errors[codes]]
    # One message for every cell, held as a view of one value.
    for message in ("", "bad"):
        view = np.broadcast_to(np.array(message, dtype=object), (4,))
        assert parse.Parsed(np.zeros(4), np.zeros(4, dtype=bool), view).bad.tolist() == [message != ""] * 4
    assert parse.Parsed(np.zeros(0), np.zeros(0, dtype=bool), spread[:0]).bad.tolist() == []


def test_a_column_parsed_from_its_distinct_values_is_known_to_hold_only_text(monkeypatch):
    cells = np.array(["A 1", " A 1 ", None, 12.0, "bell\x07"] * 3, dtype=object)
    parsed = parse.parse_text(cells)
    free = parse.parse_free_text(cells)
    copy = parsed.values.copy()
    assert [parse.only_text(a) for a in (parsed.values, free.values, copy)] == [True, True, True]
    # The parsed columns are answered without a look at their values; their copy is looked at.
    looked = []
    original = pd.api.types.infer_dtype
    monkeypatch.setattr(pd.api.types, "infer_dtype", lambda values, **kw: looked.append(len(values)) or original(values, **kw))
    assert parse.only_text(parsed.values) and parse.only_text(free.values) and looked == []
    assert parse.only_text(copy) and looked == [len(copy)]
    assert not parse.only_text(np.array(["a", None], dtype=object))
    assert not parse.only_text(np.array(["a", 1.0], dtype=object))
    # Parsed values that are not all text (dates) are never taken for text.
    assert not parse.only_text(parse.parse_dates(np.array(["2025-01-02"], dtype=object)).values)
    # Org. nos., their notes and texts, and a sheet's source columns are known too.
    orgnr_columns = parse.parse_orgnrs(np.array(["212000-1355", None, "x", 5561234567.0], dtype=object))
    assert [c.tolist() for c in orgnr_columns] == [["212000-1355", "", "", "556123-4567"], ["", "missing", "invalid", ""],
                                                   ["212000-1355", "", "x", "5561234567"]]
    before = len(looked)
    assert all(parse.only_text(c) for c in orgnr_columns) and len(looked) == before
