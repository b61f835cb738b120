"""A large workbook sheet's cells read into columns by fastexcel: the same cells as calamine's,
without a Python object made per cell on the way.

python-calamine hands a sheet over one cell at a time (`sheets._cells`): at a million lines its
parse and hand-over took 5.9 s of the run's 17. fastexcel runs calamine's own parse into typed
Arrow columns, and a column of texts or dates becomes Python objects once per distinct value.

This is a fenced fast path (STYLE.md). It serves a sheet only in the shape of an export: one
row of texts at the top (the headers), and under it columns of one kind each (numbers, texts,
dates at midnight, true/false). For anything else it returns None before fastexcel parses, or
once fastexcel says a column mixes kinds, and the caller reads the sheet with python-calamine as
before. What it returns is what `sheets._cells` would give, cell for cell and type for type:
- the header row comes from the sheet's XML, read only as far as its first two rows, with the
  texts from the shared-strings table;
- the cells under it come from fastexcel, whose columns start at the same used range (both
  libraries are calamine 0.36.1 inside: `_WRITTEN_AGAINST`, tested).
An empty cell is "" as calamine gives it; a date at midnight is a `datetime.date` as
python-calamine gives it; a number is a float.

A sheet of SPLIT_FROM_BYTES of XML or more (about 200 000 ledger lines) is parsed in two halves
at once on a machine of two cores or more that can fork (`_parsed_in_halves`): calamine parses a
sheet on one core. At a million lines the sheet's cells took 4.6 s against 7.8 s whole (alone,
the same cells and codes).

The workbook has passed `safety.inspect_workbook` before this runs (no DOCTYPE or entity, no
zip bomb). Its error cells and formulas without a value are looked for while this runs
(`safety.find_odd_cells`): a sheet that has any is then read the plain way, and what this gave
for it is let go (its parse, 2 to 5 s a million lines, is then spent for nothing). ISO date
cells (`t="d"`), which python-calamine gives its own way, are looked for in the first data row
and the sheet's last rows: a writer that uses them uses them for its dates.

Three differences are known and left, all outside what an export holds: a date serial with a
fraction below a millisecond (a computed date), and an ISO date cell only between the first
data row and the last rows, come back as dates where python-calamine gives datetimes at
midnight, which the parse reads as the same day (tested); and rows written out of order in the
XML (the format asks for ascending rows) would lose those above the header.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError, XMLPullParser

import numpy as np

from pipeline.errors import InputError
from pipeline.forked import SideTask
from pipeline.messages import messages
from pipeline.read.safety import _NS_PKG_REL, _REFERENCE, _local, _sheet_paths, column_of

# The versions this module was written and tested against: both hold calamine 0.36.1, so the
# header row this module finds and the columns fastexcel gives lie on the same used range.
# `tests/test_fast_xlsx.py` fails when either changes.
_WRITTEN_AGAINST = {"fastexcel": "0.21.0", "python-calamine": "0.9.0"}

# Files from this size are read this way: about 15 000 ledger lines. The sheet of a year of
# 19 000 lines (630 kB) took 0.21-0.26 s this way against 0.26-0.34 s the plain way (five reads
# each), one month's sheet of 1 700 lines (70 kB) 0.034-0.055 s against 0.015-0.027: this way
# costs some 25 ms a file whatever its size. (fastexcel's import takes 5 ms: pyarrow, which it
# needs, is imported by every run for the workbook.)
FAST_FROM_BYTES = 512 << 10

# What a damaged archive member raises while it is read and parsed.
_DAMAGED = (ParseError, KeyError, OSError, EOFError, zipfile.BadZipFile, zlib.error)
_PEEK_CHUNK = 1 << 16
_MS_PER_DAY = 86_400_000
# python-calamine gives values before 1900-03-01 as times or by Excel's leap-year rule: never here.
_FIRST_DAY = np.datetime64("1900-03-01", "ms")
_PAST_LAST_DAY = np.datetime64("10000-01-01", "ms")  # Python's dates end with 9999


def fast_cells(path: Path, sheet_name: str, ending: bytes = b""
               ) -> tuple[np.ndarray, int, int, dict[int, tuple[np.ndarray, np.ndarray]]] | None:
    """The sheet's cells as `sheets._cells` gives them (a 2-D object array from the first used
    row and column), with that row's number (1-based), that column's index (0-based) and each
    column's cells under the first row as codes into its distinct values (`RawSheet.column_codes`);
    None when the sheet is not in the shape this path serves, so that the caller reads it as
    before. `ending` is the last bytes of the sheet's XML (`safety.WorkbookScan.sheet_ends`)."""
    head = _head_row(path, sheet_name)
    if head is None:
        return None
    first_row, cells, kinds = head
    if not _ending_agrees(ending, kinds, first_row):
        # A totals row ("Summa" under the dates): fastexcel's strict typing would refuse the
        # column only after its whole parse, about 2 s a million lines for nothing.
        return None
    import pyarrow  # only here, with fastexcel (`_parsed`): a run of small files never loads them

    # fastexcel logs, in English, each column it finds empty: not for the finance staff's terminal.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)

    # Arrow's own allocator (mimalloc) kept about 115 MiB of a million-line sheet's freed
    # columns for the rest of the run; the C library's gives them back (`pipeline.memory`).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    try:
        parsed = _parsed_in_halves(path, sheet_name, first_row)
        if parsed is None:
            parsed = _parsed(str(path), sheet_name, first_row + 1)
    except _Refused:
        return None
    columns = parsed.columns
    body_rows = parsed.height - first_row - 1
    if not columns or columns != list(range(columns[0], columns[0] + len(columns))) \
            or parsed.rows != body_rows \
            or any(not columns[0] <= column < columns[0] + len(columns) for column in cells):
        return None
    grid = np.empty((body_rows + 1, len(columns)), dtype=object)
    grid[0, :] = ""
    for column, text in cells.items():
        grid[0, column - columns[0]] = text
    arrays = parsed.arrays
    del parsed
    coded: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for index in range(len(arrays)):
        # Each Arrow column is let go once its values are in the grid.
        try:
            encoded = _python_values(arrays[index])
        except Exception:  # noqa: BLE001 - a value Python cannot hold (a year past 9999): not this way
            return None
        arrays[index] = None
        if encoded is None:
            return None
        codes, uniques = encoded
        grid[1:, index] = uniques.take(codes)
        coded[index] = encoded
    return grid, first_row + 1, columns[0], coded


class _Refused(Exception):
    """fastexcel will not give this sheet's cells as columns: the plain read reads it."""


@dataclass
class _Parsed:
    """fastexcel's columns of a sheet's rows from the one it was told to start at: `arrays`
    (Arrow arrays or chunked arrays, one per column), their sheet columns (0-based), the rows
    they hold and the sheet's height (its last row's number, 1-based) as fastexcel counts it."""

    arrays: list[Any]
    columns: list[int]
    rows: int
    height: int


def _parsed(source: str, sheet_name: str, skip_rows: int) -> _Parsed:
    """fastexcel's strictly typed columns of the sheet below its first `skip_rows` rows.

    Any failure (strict typing refuses a column of several kinds; anything else fastexcel or
    Arrow will not do) means only "not this way" (`_Refused`): the plain read then reads the
    sheet, or says what is wrong with it."""
    import fastexcel

    try:
        sheet = fastexcel.read_excel(source).load_sheet(
            sheet_name, header_row=None, skip_rows=skip_rows, schema_sample_rows=None, dtype_coercion="strict")
        # A cell it could not make a value of its column's kind is an error, not a gap: a number
        # in a date format that is no day (an org. no. formatted as a date) would otherwise come
        # back empty, where python-calamine gives the number.
        table, errors = sheet.to_arrow_with_errors()
    except Exception:  # noqa: BLE001 - see above
        raise _Refused from None
    if errors is not None and errors.errors:
        raise _Refused
    columns = [info.absolute_index for info in sheet.available_columns()]
    return _Parsed(list(table.columns), columns, table.num_rows, sheet.total_height)


def _parsed_in_halves(path: Path, sheet_name: str, first_row: int) -> _Parsed | None:
    """The sheet's columns under its header row (0-based `first_row`) as `_parsed` gives them,
    parsed as two halves at once, one per core; None for a sheet below SPLIT_FROM_BYTES, or one
    whose halves do not join into the whole (then the caller parses it whole).

    calamine parses a sheet on one core. The sheet's XML is cut at the first row from its middle
    into two workbooks of the same parts, kept uncompressed in a temporary folder, by a forked
    child (`_write_halves`); the first ends where the cut is, the second has no header and
    starts there. This thread parses the first while a forked child parses the second and hands
    its columns back as an Arrow stream. Each column of the two is then the column of the whole,
    as fastexcel types a column by all its cells (`schema_sample_rows=None`, strict): a column
    of one kind in each half is of that kind in the whole (a half without any cell in it gives
    nulls of that kind), and a column of different kinds in the two is refused by the whole too.
    The row numbers stay the sheet's, so fastexcel skips the same rows as in the whole."""
    # Where a system keeps an open file from being removed (Windows), a half left behind is left
    # for the system to clear, not reported as the read failing.
    with tempfile.TemporaryDirectory(prefix="los-sheet-", ignore_cleanup_errors=True) as folder:
        # The cut by a forked child too: in a thread of this process it shares the interpreter
        # lock with the read of the other files, and took 1.95 s of a million-line run where a
        # child takes 0.7 s (the read 8.75 s against 9.54 s, medians of twenty interleaved
        # pairs). A child that failed leaves the cut to this process; one that found nothing to
        # cut (a small sheet, rows without numbers) does not.
        with SideTask(_write_halves, path, sheet_name, Path(folder), when=_to_be_cut(path, sheet_name)) as cutter:
            halves = cutter.result()
        if halves is None and cutter.failure is not None:
            halves = _write_halves(path, sheet_name, Path(folder))
        if halves is None:
            return None
        first_path, second_path, cut = halves
        # The second half in a forked process: parsed by a second thread of this one, it left
        # the C library holding 15-70 MB more after the read, and the run's peak rose to
        # 983-1 067 MiB. Leaving the block ends the child if this half is refused; with no
        # child (or a failed one), the half is parsed here.
        with SideTask(_parsed_shipped, str(second_path), sheet_name, cut) as elsewhere:
            first = _parsed(str(first_path), sheet_name, first_row + 1)
            shipped = elsewhere.result()
        second = _unshipped(shipped) if shipped is not None else _parsed(str(second_path), sheet_name, cut)
    if first.columns != second.columns or first.height != cut \
            or first.rows != cut - first_row - 1 or second.rows != second.height - cut:
        return None  # a column or rows empty in one half: the whole says what they hold
    arrays = []
    for one, two in zip(first.arrays, second.arrays):
        # A half without a cell in the column gives it a kind of its own (fastexcel says text).
        kind = two.type if _empty(one) else one.type
        if not _empty(two) and two.type != kind:
            raise _Refused  # two kinds in one column: strict typing refuses the whole too
        arrays.append(_chunked([one, two], kind))
    return _Parsed(arrays, first.columns, first.rows + second.rows, second.height)


def _parsed_shipped(source: str, sheet_name: str, skip_rows: int) -> tuple[bytes, list[int], int, int]:
    """`_parsed`, its columns as an Arrow IPC stream: what a forked child hands back. The child's
    memory goes with it, whatever its allocator kept."""
    import pyarrow as pa

    parsed = _parsed(source, sheet_name, skip_rows)
    table = pa.table(parsed.arrays, names=[str(index) for index in range(len(parsed.arrays))])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes(), parsed.columns, parsed.rows, parsed.height


def _unshipped(shipped: tuple[bytes, list[int], int, int]) -> _Parsed:
    import pyarrow as pa

    stream, columns, rows, height = shipped
    table = pa.ipc.open_stream(pa.py_buffer(stream)).read_all()
    return _Parsed(list(table.columns), columns, rows, height)


def _empty(column: Any) -> bool:
    return column.null_count == len(column)


def _chunked(parts: list[Any], kind: Any) -> Any:
    """The parts as one column of `kind`; a part without a value becomes nulls of that kind."""
    import pyarrow as pa

    chunks = []
    for part in parts:
        for chunk in (part.chunks if isinstance(part, pa.ChunkedArray) else [part]):
            chunks.append(pa.nulls(len(chunk), kind) if chunk.type != kind and _empty(chunk) else chunk)
    return pa.chunked_array(chunks, kind)


# A sheet of this many bytes of XML or more is parsed in two halves at once (about 200 000
# ledger lines; `_parsed_in_halves`). Below it the parse takes less than a second whole.
SPLIT_FROM_BYTES = 64 << 20
# The sheet's XML up to its rows, and from where they end, fit in this: else it is not cut.
_EDGE_BYTES = 1 << 20
_SHEET_DATA_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData(?:\s[^>]*)?>")
_SHEET_DATA_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_ROW_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*)>")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["']([0-9]+)["']""")


def _write_halves(path: Path, sheet_name: str, folder: Path) -> tuple[Path, Path, int] | None:
    """Two workbooks in `folder`, each with every part of the one at `path`, uncompressed, but
    the sheet's rows cut at the first row from the middle of its XML: the first holds the rows
    above the cut, the second the rows from it. Returns their paths and the cut's row (0-based);
    None for a small sheet, or one whose XML this does not cut (rows without numbers, no rows,
    a damaged part: the parse of the whole, or the plain read, then says what it holds)."""
    from pipeline.read.safety import unpacked_chunks

    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            member = _sheet_member(archive, path, sheet_name)
            if member.file_size < SPLIT_FROM_BYTES or not _can_cut():
                return None
            first, second = folder / "first.xlsx", folder / "second.xlsx"
            with zipfile.ZipFile(first, "w", zipfile.ZIP_STORED, allowZip64=True) as one, \
                    zipfile.ZipFile(second, "w", zipfile.ZIP_STORED, allowZip64=True) as two:
                for other in archive.infolist():
                    if other.filename != member.filename:
                        part = archive.read(other)
                        one.writestr(other.filename, part)
                        two.writestr(other.filename, part)
                with one.open(member.filename, "w", force_zip64=True) as above, \
                        two.open(member.filename, "w", force_zip64=True) as below:
                    cut = _cut(unpacked_chunks(archive, raw, member), member.file_size // 2, above, below)
    except (*_DAMAGED, InputError):
        return None
    return (first, second, cut) if cut is not None else None


def _sheet_member(archive: zipfile.ZipFile, path: Path, sheet_name: str) -> zipfile.ZipInfo:
    members = {name: member for member, name in _sheet_paths(archive, str(path), messages("en")).items()}
    return archive.getinfo(members[sheet_name])


def _to_be_cut(path: Path, sheet_name: str) -> bool:
    """Whether `_write_halves` would cut the sheet (its XML part of SPLIT_FROM_BYTES or more, on
    a machine that cuts): no process is forked for one it would not."""
    if not _can_cut():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return _sheet_member(archive, path, sheet_name).file_size >= SPLIT_FROM_BYTES
    except (*_DAMAGED, InputError):
        return False


def cut_in_halves(path: Path) -> bool:
    """Whether the read will most likely parse a sheet of the workbook at `path` in two halves,
    side by side: a part of SPLIT_FROM_BYTES of XML or more, on a machine where `_write_halves`
    cuts. Judged from the archive's directory alone, before the read (which decides on the
    ledger's own sheet); False for anything that is not a readable archive."""
    if not _can_cut():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(member.file_size >= SPLIT_FROM_BYTES and member.filename.lower().endswith(".xml")
                       for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _can_cut() -> bool:
    """Two halves parse side by side only on two cores or more, and in a forked process."""
    return _cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _cores() -> int:
    """The cores this process may run on: on one, two halves take as long as the whole."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _cut(chunks: Any, middle: int, above: Any, below: Any) -> int | None:
    """Write the sheet's XML (`chunks`) to `above` as far as the first row that starts at or
    after byte `middle`, then the end of the XML from where its rows end; and to `below` the
    XML up to its rows, then everything from that row on. Returns that row's number (0-based),
    or None if there is none or it has no number."""
    start = bytearray()  # the XML up to its rows, while not found yet
    head = b""
    seen = 0  # bytes written to `above` or held in `pending`
    pending = bytearray()  # from the middle, until a row starts
    cut: int | None = None
    last: list[bytes] = []  # the XML's last chunks, at least _EDGE_BYTES of them: where its rows end
    for chunk in chunks:
        if not head:
            start += chunk
            opening = _SHEET_DATA_OPEN.search(start)
            if opening is None:
                if len(start) > _EDGE_BYTES:
                    return None
                continue
            head = bytes(start[:opening.end()])
            chunk = bytes(start)
        if cut is None:
            if seen + len(chunk) <= middle:
                above.write(chunk)
                seen += len(chunk)
                continue
            if not pending:
                split = max(0, middle - seen)
                above.write(chunk[:split])
                seen += split
                chunk = chunk[split:]
            pending += chunk
            row = _ROW_OPEN.search(pending)
            if row is None:
                if len(pending) > _EDGE_BYTES:
                    return None
                continue
            number = _ROW_NUMBER.search(row.group(1))
            if number is None or int(number.group(1)) < 2:
                return None
            cut = int(number.group(1)) - 1
            above.write(pending[:row.start()])
            below.write(head)
            chunk = bytes(pending[row.start():])
            pending = bytearray()
        below.write(chunk)
        last.append(chunk)
        while len(last) > 1 and sum(map(len, last[1:])) >= _EDGE_BYTES:
            del last[0]
    if cut is None:
        return None
    ending = b"".join(last)
    ends = list(_SHEET_DATA_CLOSE.finditer(ending))
    if not ends:
        return None
    above.write(ending[ends[-1].start():])
    return cut


def _python_values(column: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """One Arrow column as python-calamine's values, float, str, date or bool, and "" where a
    cell is empty: (codes, distinct values), each cell being `values[code]`. None for a kind
    python-calamine would give otherwise (a time of day, a duration, an integer)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind = column.type
    if pa.types.is_null(kind):
        return np.zeros(len(column), dtype=np.int32), np.array([""], dtype=object)
    if pa.types.is_timestamp(kind):
        column = column.cast(pa.timestamp("ms"))
        stamps = column.drop_null().to_numpy(zero_copy_only=False).astype("datetime64[ms]")
        if (stamps.astype(np.int64) % _MS_PER_DAY).any() or (stamps < _FIRST_DAY).any() \
                or (stamps >= _PAST_LAST_DAY).any():
            return None  # a time of day, or a day python-calamine gives otherwise
        column = column.cast(pa.date32())
    elif not (pa.types.is_floating(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
              or pa.types.is_boolean(kind)):
        return None  # a date column of ISO dates (date32), an integer, a duration
    # One object per distinct value, as `sheets._Sharing` makes them, and for numbers too (an
    # account's number repeats on most lines). Arrow tells values apart by their bits, so -0.0
    # stays apart from 0.0, as calamine gives them.
    encoded = pc.dictionary_encode(column)
    uniques = np.empty(len(encoded.dictionary) + 1, dtype=object)
    uniques[:-1] = encoded.dictionary.to_pylist()
    uniques[-1] = ""  # an empty cell
    codes = encoded.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)
    return codes, uniques


def _head_row(path: Path, sheet_name: str) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """The 0-based number of the sheet's first row, its texts by 0-based column, and the kind of
    each cell of the next row (`_KINDS`), read from the XML: None unless the first row holds
    only texts (shared or inline, without formatting runs or escapes), nothing lies above it,
    and the next row holds a cell that is not a text (so the columns under the headers have
    kinds fastexcel can check)."""
    with zipfile.ZipFile(path) as archive:
        try:
            members = {name: member for member, name in _sheet_paths(archive, str(path), messages("en")).items()}
        except InputError:
            return None
        member = members.get(sheet_name)
        if member is None:
            return None
        rows = _first_rows(archive, member)
        if rows is None or len(rows) < 2:
            return None
        (first_row, first), (_, second) = rows
        if not first or any(kind not in ("s", "inlineStr") for kind, _ in first.values()):
            return None
        if all(kind in ("s", "inlineStr") for kind, _ in second.values()):
            return None  # a second row of texts: a title above the headers, or a sheet of texts
        if any(kind == "d" for kind, _ in second.values()):
            return None  # ISO dates
        wanted = {int(value) for kind, value in first.values() if kind == "s" and value.isdigit()}
        if len(wanted) != sum(kind == "s" for kind, _ in first.values()):
            return None
        shared = _shared_strings(archive, wanted) if wanted else {}
        if shared is None:
            return None
        cells = {}
        for column, (kind, value) in first.items():
            text = shared.get(int(value)) if kind == "s" else value
            # calamine unescapes "_x000D_", and trims a text the XML does not ask to keep: not here.
            if text is None or not text or "_x" in text or text != text.strip():
                return None
            cells[column] = text
        kinds = {column: _KINDS.get(kind, kind) for column, (kind, _) in second.items()}
        return first_row, cells, kinds


# A cell's type attribute as the kind of value it holds: a date is a number in its format.
_KINDS = {"n": "number", "s": "text", "inlineStr": "text", "str": "text", "b": "bool"}
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?)(/?)>")
_ATTRIBUTE = re.compile(rb"""\b(r|t)\s*=\s*["']([^"']*)["']""")


def _ending_agrees(ending: bytes, kinds: dict[int, str], header_row: int) -> bool:
    """Whether the cells of the sheet's last rows below the header (0-based `header_row`) hold
    the kinds the first data row holds in their columns (an empty cell, or a column empty in
    that row, says nothing), and none is an ISO date or an error."""
    for attributes, closed in _CELL_TAG.findall(ending):
        if closed:
            continue  # an empty cell
        found = dict(_ATTRIBUTE.findall(attributes))
        reference = _REFERENCE.match(found.get(b"r", b"").decode("ascii", "replace"))
        if reference is None:
            continue
        if int(reference.group(2)) - 1 <= header_row:
            continue  # a small sheet's ending holds its header too
        column = column_of(reference.group(1))
        kind = _KINDS.get(found.get(b"t", b"n").decode("ascii", "replace"), "other")
        if kind == "other" or (column in kinds and kinds[column] != kind):
            return False  # an ISO date or an error anywhere, or a kind the first data row does not have
    return True


def _first_rows(archive: zipfile.ZipFile, member: str) -> list[tuple[int, dict[int, tuple[str, str]]]] | None:
    """The first two rows of a worksheet that hold a cell, as (0-based row, {0-based column:
    (cell type, value or inline text)}); None for anything this path does not read: a cell or
    row without its reference, a formula, rich text, a row of only formatted empty cells above
    the first (whether calamine's used range starts there is its own affair)."""
    parser = XMLPullParser(events=("start", "end"))
    rows: list[tuple[int, dict[int, tuple[str, str]]]] = []
    current: dict[int, tuple[str, str]] | None = None
    formatted_only = False
    row_number = -1
    try:
        with archive.open(member) as stream:
            while len(rows) < 2 and (chunk := stream.read(_PEEK_CHUNK)):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    name = _local(element.tag)
                    if event == "start" and name == "row":
                        number = element.get("r", "")
                        if not number.isdigit():
                            return None
                        row_number, current = int(number) - 1, {}
                    elif event == "end" and name == "c" and current is not None:
                        cell = _cell(element)
                        if cell is None:
                            return None
                        column, kind, value = cell
                        if kind:
                            current[column] = (kind, value)
                        elif not rows:
                            formatted_only = True
                    elif event == "end" and name == "row":
                        if current:
                            rows.append((row_number, current))
                        elif formatted_only and not rows:
                            return None  # formatted empty cells above the first: calamine's range is its own
                        current, formatted_only = None, False
                        element.clear()
                        if len(rows) == 2:
                            break
    except _DAMAGED:  # the plain read says what is wrong
        return None
    return rows


def _cell(element: Any) -> tuple[int, str, str] | None:
    """(0-based column, type, value) of a <c> element; type "" for a cell without a value
    (a formatted empty cell). None for a cell this path does not read."""
    reference = _REFERENCE.match(element.get("r") or "")
    if reference is None:
        return None
    column = column_of(reference.group(1))
    kind = element.get("t", "n")
    value = None
    for child in element:
        name = _local(child.tag)
        if name == "f" or (name == "v") == (kind == "inlineStr"):
            return None  # a formula; a value calamine does not read for the cell's type
        if name == "v":
            value = child.text or ""
        elif name == "is":
            parts = list(child)
            if len(parts) != 1 or _local(parts[0].tag) != "t":
                return None  # rich text or phonetic runs
            value = parts[0].text or ""
    if value is None:
        return column, "", ""
    return column, kind, value


def _shared_strings(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str] | None:
    """The shared strings at the indices `wanted`, read from the start of the table only as far
    as the largest of them; None if one is rich text or the table is not there."""
    member = _shared_strings_member(archive)
    if member is None:
        return None
    found: dict[int, str] = {}
    last = max(wanted)
    index = -1
    parser = XMLPullParser(events=("end",))
    try:
        with archive.open(member) as stream:
            while index < last and (chunk := stream.read(_PEEK_CHUNK)):
                parser.feed(chunk)
                for _, element in parser.read_events():
                    if _local(element.tag) != "si":
                        continue
                    index += 1
                    if index in wanted:
                        parts = list(element)
                        if len(parts) != 1 or _local(parts[0].tag) != "t":
                            return None  # rich text or phonetic runs: calamine's joining is its own
                        found[index] = parts[0].text or ""
                    element.clear()
                    if index >= last:
                        break
    except _DAMAGED:
        return None
    return found if len(found) == len(wanted) else None


def _shared_strings_member(archive: zipfile.ZipFile) -> str | None:
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (*_DAMAGED, ValueError):  # defusedxml's refusals are ValueErrors
        return None
    for relation in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if relation.get("Type", "").endswith("/sharedStrings"):
            target = relation.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None
