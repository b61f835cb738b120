"""One input file to raw sheets: the cells of each sheet as the file holds them.

`read_sheets` recognises a workbook by its first bytes, not its name; an .xlsx/.xlsm passes
`pipeline.read.safety.inspect_workbook` before calamine opens it, and an old .xls has its error
cells named by xlrd. A large export's sheet is read into columns by fastexcel where it has an
export's shape (`pipeline.read.fast_xlsx`), with the same cells as a result; its error cells
and formulas without a value are looked for in a second thread meanwhile. CSV and SIE files
have their own readers (`csv_text`, `sie`). `Prefetch` reads the next files in threads while the
caller builds tables from the one in hand.

This module knows nothing of headers, fields or rejections (`pipeline.read.table`).
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError

import pipeline.read.parse as parse
from pipeline.errors import InputError
from pipeline.messages import Text, messages
from pipeline.model import INSTRUCTION_SHEETS, RawSheet
from pipeline.priority import lower_this_thread
from pipeline.read.fast_xlsx import FAST_FROM_BYTES, fast_cells

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .xlsx is an OLE container holding a stream of this name (UTF-16 in the directory).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class Prefetch:
    """Reads files in a pool of `ahead` threads, at most `ahead` files beyond the one in hand,
    in the order of `paths`, and hands each result back through `take`, in any order. A file
    taken before the pool has reached it is read by the caller, and the pool skips it.

    calamine parses a sheet without holding the GIL (so do zlib and hashlib on large
    buffers), so on two cores the next file is parsed while this thread builds tables. One
    file ahead by default: a second one gains nothing on two cores, and a parsed million-line
    file holds about 250 MB of cells until its tables are built.
    An error of a file is raised by `take`, where a serial read would have raised it; a file
    never taken is never reported. Leaving the `with` block cancels what has not started and
    waits for what has, so no thread outlives the read.

    `while_waiting`, if given, is called once, by the caller's thread, the first time `take`
    would wait for the pool: work of the caller's own that can be done then instead of later.
    """

    def __init__(self, paths: list[Path], read: Callable[[Path], Any], ahead: int = 1,
                 while_waiting: Callable[[], None] | None = None):
        self._paths = list(paths)
        self._read = read
        self._ahead = ahead
        self._while_waiting = while_waiting
        self._pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="read") if len(self._paths) > 1 else None
        self._futures: dict[Path, Future] = {}
        self._taken: set[Path] = set()
        self._next = 0
        self._top_up()

    def _top_up(self) -> None:
        while self._pool is not None and self._next < len(self._paths) and len(self._futures) < self._ahead:
            path = self._paths[self._next]
            self._next += 1
            if path not in self._taken:
                self._futures[path] = self._pool.submit(self._read, path)

    def take(self, path: Path) -> Any:
        self._taken.add(path)
        future = self._futures.pop(path, None)
        if future is None:  # one file only, not among the paths, or not reached yet: read it here
            return self._read(path)
        self._top_up()
        if self._while_waiting is not None and not future.done():
            waiting, self._while_waiting = self._while_waiting, None
            waiting()
        return future.result()

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)



def has_cells(sheet: RawSheet) -> bool:
    return any(not parse.is_blank(cell) for row in sheet.rows for cell in row)


def read_sheets(path: Path, relative: str, msg: Text | None = None) -> list[RawSheet]:
    """All sheets of a workbook (or the one table of a CSV or SIE file) as raw cells.

    A workbook is recognised by its first bytes, not its name, and an .xlsx/.xlsm passes
    `pipeline.read.safety.inspect_workbook` before calamine opens it; Excel error cells and formulas
    without a saved result come back as `parse.CellError` markers, not as "".
    """
    msg = msg or messages("en")
    suffix = path.suffix.lower()
    size = _openable_size(path, relative, msg)
    if size == 0:
        raise InputError(msg("read.zero_bytes", file=relative))
    if suffix == ".csv":
        from pipeline.read.csv_text import read_csv_sheet

        return [read_csv_sheet(path, relative, msg)]
    if suffix in (".se", ".si"):
        from pipeline.read.sie import read_sie_sheet

        return [read_sie_sheet(path, relative, msg)]
    with path.open("rb") as handle:
        start = handle.read(8)
        if start == _CFB_MAGIC and suffix in (".xlsx", ".xlsm"):
            # The directory of a small OLE file is near its start; an encrypted package names
            # its "EncryptedPackage" stream there.
            encrypted = _ENCRYPTED_STREAM in start + handle.read(1 << 16)
            raise InputError(msg("read.encrypted" if encrypted else "read.old_xls", file=relative))
    if start.startswith(b"%PDF"):
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.is_pdf")))
    odd_cells: dict[str, dict[tuple[int, int], str]] = {}
    sheet_ends: dict[str, bytes] = {}
    # A large workbook's sheets are read into columns, its odd cells looked for meanwhile
    # (`_read_by_columns`); a small one's are found by `inspect_workbook` in its one pass.
    by_columns = suffix in (".xlsx", ".xlsm") and size >= FAST_FROM_BYTES
    if suffix in (".xlsx", ".xlsm"):
        if not start.startswith(_ZIP_MAGIC):
            raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.unknown_format")))
        from pipeline.read.safety import inspect_workbook

        scan = inspect_workbook(path, relative, msg, odd_cells=not by_columns)
        odd_cells, sheet_ends = scan.odd_cells, scan.sheet_ends
    elif suffix == ".xls":
        odd_cells = _xls_error_cells(path, relative, msg)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        # The templates' help sheet is text for people, not data.
        names = [name for name in workbook.sheet_names if name not in INSTRUCTION_SHEETS.values()]
        fast: dict[str, Any] = {}
        if by_columns:
            fast, odd_cells = _read_by_columns(path, relative, msg, names, sheet_ends)
        sheets = []
        for name in names:
            cells = fast.pop(name, None)
            if odd_cells.get(name):
                cells = None  # read the plain way, which marks them: fastexcel's parse is let go
            column_codes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            read_by_columns = cells is not None
            if cells is not None:
                rows, first_row, first_column, column_codes = cells
            else:
                sheet = workbook.get_sheet_by_name(name)
                # calamine starts at the first used cell: blank rows above it still count in
                # Excel's row numbers, which are what an auditor looks up.
                first_row, first_column = (sheet.start[0] + 1, sheet.start[1]) if sheet.start else (1, 0)
                rows = _cells(sheet)
                # calamine's own copy of the cells (about 300 MB at a million lines) goes now,
                # not after the last sheet: the tables are built without it.
                del sheet
            del cells
            marked = _mark_odd_cells(rows, odd_cells.get(name, {}), first_row - 1, first_column)
            sheets.append(RawSheet(relative, name, rows, first_row=first_row, first_column=first_column,
                                   has_odd_cells=marked, read_by_columns=read_by_columns,
                                   column_codes=column_codes))
        return sheets
    except InputError:  # the odd-cell search's own message (a damaged archive)
        raise
    except PasswordError:
        raise InputError(msg("read.password", file=relative)) from None
    except Exception as exc:  # calamine raises several kinds (zip, xml, format): all mean "unreadable"
        raise InputError(msg("read.not_workbook", file=relative, detail=exc)) from None


# The odd-cell search's niceness beside the parse (`_read_by_columns`).
ODD_CELLS_NICENESS = 10


def _read_by_columns(path: Path, relative: str, msg: Text, names: list[str], sheet_ends: dict[str, bytes]
                     ) -> tuple[dict[str, Any], dict[str, dict[tuple[int, int], str]]]:
    """Each sheet's `fast_cells` (None where that path does not serve it), and the workbook's
    odd cells (`safety.find_odd_cells`), looked for in a second thread meanwhile: calamine's
    parse does not hold the GIL, and the odd cells are no safety matter (the file has passed
    `inspect_workbook`). No thread outlives the call.

    The search runs at a lower priority (`ODD_CELLS_NICENESS`): it is needed only once the
    parse is done, which takes longer. Beside a million-line sheet parsed in halves it had
    taken a share of the cores from the second half's process, which then ended 1.3 s after the
    first; now they end together and the search after them (ten interleaved pairs of whole runs:
    the read 5.10 and 5.25 s against 5.49 and 5.44, medians of four and six; at 19 it was no
    faster than at 10). At 100 000 lines it made no difference (six pairs: 4.27 s against 4.23)."""
    from pipeline.read.safety import find_odd_cells

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="odd-cells",
                            initializer=lower_this_thread, initargs=(ODD_CELLS_NICENESS,)) as pool:
        looking = pool.submit(find_odd_cells, path, relative, msg)
        fast = {name: fast_cells(path, name, sheet_ends.get(name, b"")) for name in names}
        return fast, looking.result()


# Rows taken from calamine at a time: about 10 MB of new cell objects at a ledger's width.
BLOCK_ROWS = 65_536


def _cells(sheet: Any) -> np.ndarray:
    """A calamine sheet's cells as a 2-D object array (rows x columns), the same values as
    `to_python` gives, read a block of rows at a time with the repeated texts and dates of a
    column made one object (`_Sharing`).

    calamine makes a new object per cell: a million lines are 8 million objects, and a ledger's
    dates, counterparties and codes repeat on most lines. Shared a block at a time, the repeats
    are freed while the next block reuses their memory: the read holds a fraction of them."""
    grid = np.empty((sheet.height, sheet.width), dtype=object)
    sharing = _Sharing(sheet.width)
    rows = sheet.iter_rows()
    # Unlike `to_python`, `iter_rows` also gives the blank rows above the first used cell.
    for row in islice(rows, sheet.start[0] if sheet.start else 0):
        if any(cell != "" for cell in row):
            raise ValueError("calamine's rows do not start where its used range says")
    at, width = 0, grid.shape[1]
    while block := list(islice(rows, BLOCK_ROWS)):
        if at + len(block) > len(grid) or set(map(len, block)) != {width}:
            raise ValueError("calamine gave more rows or other widths than the sheet's size")
        part = grid[at:at + len(block)]
        # Cell by cell in one C loop: numpy's assignment of nested lists first works out their
        # shape, which took a third longer.
        part[:] = np.fromiter(chain.from_iterable(block), dtype=object, count=len(block) * width).reshape(-1, width)
        del block
        sharing.share(part)
        at += len(part)
    if at != len(grid):
        raise ValueError("calamine gave fewer rows than the sheet's size")
    return grid


class _Sharing:
    """Makes equal cells of a column one object, block after block, where that pays.

    Only a block's column of only texts (or only dates) is shared: 1.0, 1 and True are equal in
    Python but are not the same cell. The first block that shares a column decides whether it
    pays: a value must repeat on at least three lines of four, so vouchers and free text, nearly
    one value per line, are left as they are after it at no further cost. (A block of several
    types, such as the first with the header's text above a column of dates, only waits.)"""

    # Distinct values of a block kept for the next blocks up to this many: dates, account
    # names, codes and counterparties.
    ACROSS_BLOCKS = 4_096

    def __init__(self, width: int):
        self._seen: list[dict[Any, Any] | None] = [{} for _ in range(width)]
        self._tried = [False] * width

    def share(self, part: np.ndarray) -> None:
        for index, seen in enumerate(self._seen):
            if seen is None:
                continue
            column = part[:, index]
            if type(column[0]) not in (str, dt.date) or pd.api.types.infer_dtype(column, skipna=False) not in (
                    "string", "date"):
                continue
            codes, uniques = pd.factorize(column)
            if not self._tried[index]:
                if len(uniques) * 4 > len(column):
                    self._seen[index] = None
                    continue
                self._tried[index] = True
            uniques = np.asarray(uniques, dtype=object)
            if len(uniques) <= self.ACROSS_BLOCKS:
                uniques = np.fromiter((seen.setdefault(value, value) for value in uniques), dtype=object,
                                      count=len(uniques))
            part[:, index] = uniques.take(codes)


def _openable_size(path: Path, relative: str, msg: Text) -> int:
    """The file's size in bytes, once it is known that it can be opened; else an InputError
    that says why not: a link to a file that is not there, no right to read it, or what the
    system said."""
    try:
        with path.open("rb"):
            pass
        return path.stat().st_size
    except OSError as exc:
        if path.is_symlink() and not path.exists():
            raise InputError(msg("read.dangling_link", file=relative, target=os.readlink(path))) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise InputError(msg("read.no_access", file=relative)) from None
        raise InputError(msg("read.unreadable", file=relative, detail=exc.strerror or exc)) from None


def _xls_error_cells(path: Path, relative: str, msg: Text) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells (#REF!, #DIV/0!, ...) of an old .xls workbook, per sheet, by 0-based row and
    column. calamine reads them as "" (as it reads a formula whose saved result is an error), so
    xlrd, which keeps each cell's type, names them. Excel saves every formula's result in an .xls,
    so, unlike .xlsx, there are no formulas without a value to look for."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises several kinds for a damaged file: all mean "unreadable"
        raise InputError(msg("read.not_workbook", file=relative, detail=exc)) from None
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            errors = {(row, column): xlrd.error_text_from_code.get(sheet.cell_value(row, column), "#ERROR")
                      for row in range(sheet.nrows)
                      for column, kind in enumerate(sheet.row_types(row)) if kind == xlrd.XL_CELL_ERROR}
            if errors:
                found[name] = errors
            book.unload_sheet(name)
    finally:
        book.release_resources()
    return found


def _mark_odd_cells(rows: list[list[Any]], odd: dict[tuple[int, int], str], row0: int, column0: int) -> bool:
    """Put CellError markers where calamine gave "" for an error cell or an unsaved formula."""
    marked = False
    for (row, column), code in odd.items():
        r, c = row - row0, column - column0
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            rows[r][c] = parse.CellError(code or parse.FORMULA_WITHOUT_VALUE)
            marked = True
    return marked


def column_letter(index: int) -> str:
    """0-based column index -> Excel's letters: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters

