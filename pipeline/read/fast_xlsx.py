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
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError, XMLPullParser

import numpy as np

from pipeline.errors import InputError
from pipeline.messages import messages
from pipeline.read.safety import _NS_PKG_REL, _REFERENCE, _local, _sheet_paths, column_of

# The versions this module was written and tested against: both hold calamine 0.36.1, so the
# header row this module finds and the columns fastexcel gives lie on the same used range.
# `tests/test_fast_xlsx.py` fails when either changes.
_WRITTEN_AGAINST = {"fastexcel": "0.21.0", "python-calamine": "0.9.0"}

# Files from this size are read this way: about 30 000 ledger lines. A smaller file is read in
# a moment either way, and the import of fastexcel and pyarrow (0.1 s) would not pay.
FAST_FROM_BYTES = 1 << 20

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
    import fastexcel  # only here: a run of small files never loads it or pyarrow
    import pyarrow

    # fastexcel logs, in English, each column it finds empty: not for the finance staff's terminal.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)

    # Arrow's own allocator (mimalloc) kept about 115 MiB of a million-line sheet's freed
    # columns for the rest of the run; the C library's gives them back (`pipeline.memory`).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    # Any failure (strict typing refuses a column of several kinds; anything else fastexcel or
    # Arrow will not do) means only "not this way": the plain read then reads the sheet, or says
    # what is wrong with it.
    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(
            sheet_name, header_row=None, skip_rows=first_row + 1, schema_sample_rows=None,
            dtype_coercion="strict")
        # A cell it could not make a value of its column's kind is an error, not a gap: a number
        # in a date format that is no day (an org. no. formatted as a date) would otherwise come
        # back empty, where python-calamine gives the number.
        table, errors = sheet.to_arrow_with_errors()
    except Exception:  # noqa: BLE001 - see above
        return None
    if errors is not None and errors.errors:
        return None
    columns = [info.absolute_index for info in sheet.available_columns()]
    body_rows = sheet.total_height - first_row - 1
    del sheet  # fastexcel's own copy of the cells
    if not columns or columns != list(range(columns[0], columns[0] + len(columns))) \
            or table.num_rows != body_rows \
            or any(not columns[0] <= column < columns[0] + len(columns) for column in cells):
        return None
    grid = np.empty((body_rows + 1, len(columns)), dtype=object)
    grid[0, :] = ""
    for column, text in cells.items():
        grid[0, column - columns[0]] = text
    arrays = table.columns
    del table
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
