"""The read stage: every input file of DATA-CONTRACT.md to canonical tables with provenance.

`read_inputs` opens the registers, the ledgers of the three-year window and the optional
accounts-payable export, finds each sheet's header row, maps headers to canonical fields
(`pipeline.read.headers`), parses values exactly (`pipeline.read.parse`) and returns `Inputs`. Every
non-blank data row ends up in exactly one place: its output frame, or `inputs.rejected` with a
reason. Control totals per file and sheet and the manifest entries ride along.

Control totals (debit, credit, first and last date) are of the rows used: totals rows of an
export are left out, so they cannot double a sum.

Bad files never crash the read: a zero-byte file, a renamed PDF, a damaged zip, an encrypted
workbook, a zip bomb or XML with entity declarations (`pipeline.read.safety`), a file or required
register without data, two columns read as one field: each is an InputError naming the file
(and sheet). Excel error cells (#REF!, #N/A) and formulas without a saved result are critical
rejections naming the cell, never taken for empty cells; the cached value of a formula is what
is read, nothing is evaluated and no macro runs. Input files are opened read-only. Messages
are in the settings' language (`pipeline/data/messages.toml`).

It does not judge the content (dates outside the year, unbalanced vouchers, unknown service
codes: that is validation; only a ledger date more than a year outside its year folder is a
typing error rejected here) and it never classifies or computes figures.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError

import pipeline.read.parse as parse
from pipeline.errors import InputError, Problem
from pipeline.files import sha256_of
from pipeline.messages import Text, messages
from pipeline.model import (
    COUNTERPARTY_FIELDS,
    GOVERNANCE_FIELDS,
    HISTORY_FIELDS,
    INSTRUCTION_SHEETS,
    LEDGER_FIELDS,
    MEMBER_FIELDS,
    PURCHASE_FIELDS,
    SERVICE_FIELDS,
    SOURCE_COLUMNS,
    SUPPLIER_FIELDS,
    FileTotals,
    Inputs,
    RawSheet,
    ReadNote,
    Rejected,
)
from pipeline.progress import steps
from pipeline.read.headers import (
    HeaderMatch,
    find_header_row,
    known_fields,
    money_header_with_unit,
    unknown_mapped_fields,
)
from pipeline.read.numbers import ANY, CUSTOMER, SUPPLIER, NumberRegister
from pipeline.settings import SETTINGS_FILE, Settings
from pipeline.vocabulary import vocabulary

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
LEDGER_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".se", ".si")
PURCHASE_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
# Registers: (file stem, kind, required?). Contract names them .xlsx; .xlsm/.xls/.csv also read.
REGISTERS = (("members", "members", True), ("counterparties", "counterparties", False),
             ("services", "services", True), ("suppliers", "suppliers", True),
             ("history", "history", False), ("governance", "governance", False))
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .xlsx is an OLE container holding a stream of this name (UTF-16 in the directory).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Inputs that must hold data rows: without members or services every figure would be wrong.
KNOWN_CLASSIFICATIONS = ("samverkan", "säljverksamhet")  # the template's words; aliases are accepted too
MUST_HAVE_ROWS = ("members", "services")
_CLASS_ZERO = re.compile(r"^0\d{3}\b")  # "0110", "0110 Antal anställda": an account of class 0
_TOTALS_WORD = re.compile(r"(?i)^\s*(summa|totalt?|total sum|sum|delsumma|subtotal|sluts(umma)?)\b")




@dataclass
class _Table:
    """One sheet's data rows below its header, with the reasons collected per row."""

    raw: RawSheet
    header: HeaderMatch
    cells: dict[str, np.ndarray]  # field -> raw cells of the data rows
    row_numbers: np.ndarray
    text: Callable[[int], str]  # the whole row as text, for rejection records
    msg: Text = field(default_factory=lambda: messages("en"))
    fiscal_year: int | None = None  # the year folder of a ledger file
    credit_positive: bool = False  # a ledger's single amount column is credit positive (settings)
    numbers: NumberRegister | None = None  # customer and supplier numbers of the registers
    date_format: str = "auto"  # settings' [rules] date_format: how "3/4/2025" is read
    reason: np.ndarray = field(init=False)
    column: np.ndarray = field(init=False)
    critical: np.ndarray = field(init=False)
    left_out: np.ndarray = field(init=False)  # rows that are not data (totals, notes, headers)

    def __post_init__(self) -> None:
        n = len(self.row_numbers)
        self.reason = np.full(n, "", dtype=object)
        self.column = np.full(n, "", dtype=object)
        self.critical = np.zeros(n, dtype=bool)
        self.left_out = np.zeros(n, dtype=bool)
        # Cells already rejected for what they are (an Excel error): no further reason on them.
        self.settled: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.row_numbers)

    def has(self, name: str) -> bool:
        return name in self.cells

    def get(self, name: str) -> np.ndarray:
        """The field's raw cells; an absent optional column reads as all empty."""
        cells = self.cells.get(name)  # no default argument: it would be built on every call
        return cells if cells is not None else np.full(len(self), "", dtype=object)

    def header_of(self, name: str) -> str:
        index = self.header.columns.get(name)
        return self.header.headers[index] if index is not None else name

    def leave_out(self, mask: np.ndarray, message: str, name: str) -> None:
        """Rows that are not data rows (a totals row, a footer): rejected, not critical, and
        not checked further, since their cells were never meant as a line."""
        mask = np.asarray(mask, dtype=bool) & ~self.left_out
        self.reject(mask, message, name, critical=False)
        self.left_out |= mask

    def reject(self, mask: np.ndarray, messages: Any, name: str, critical: bool = True) -> None:
        """Record a reason on the rows in `mask`; a row keeps all its reasons."""
        mask = np.asarray(mask, dtype=bool) & ~self.left_out
        if name in self.settled:
            mask = mask & ~self.settled[name]
        if not mask.any():
            return
        messages = np.broadcast_to(np.asarray(messages, dtype=object), mask.shape)
        first = mask & (self.reason == "")
        later = mask & ~first
        self.reason[first] = messages[first]
        self.column[first] = self.header_of(name)
        if later.any():
            self.reason[later] = [f"{r}; {m}" for r, m in zip(self.reason[later], messages[later])]
        self.critical |= mask & critical

    def reject_errors(self, parsed: parse.Parsed, name: str, critical: bool = True) -> None:
        self.reject(parsed.bad, parsed.error, name, critical)

    def reject_empty(self, parsed: parse.Parsed, name: str, what: str) -> None:
        self.reject(parsed.empty, self.msg("read.empty", label=what), name)

    def label(self, name: str) -> str:
        """A field's name in the message language ("belopp", "member from")."""
        return self.msg(f"field.{name}")

    @property
    def kept(self) -> np.ndarray:
        return self.reason == ""


# ---------------------------------------------------------------- the stage entry points


def available_years(folder: Path) -> list[int]:
    """Year folders (four digits) that hold at least one ledger file, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir()
                  if p.is_dir() and re.fullmatch(r"\d{4}", p.name) and _inputs_named(p, "ledger", LEDGER_SUFFIXES))


def read_inputs(folder: Path, year: int, settings: Settings, *, stop_on_critical: bool = False) -> Inputs:
    """Read every input of the folder for report year `year` (ledgers of year-2..year).

    Raises InputError for a missing required file, a missing report-year ledger, a file that
    is not a workbook or a missing required column. Critical row rejections are returned in
    `inputs.rejected` so the run can stop after validation with everything listed at once;
    with `stop_on_critical` they raise InputError here instead, all of them as `problems`.
    """
    folder = Path(folder)
    reader = _FolderReader(folder, settings)
    window = {ledger_year: _inputs_named(folder / str(ledger_year), "ledger", LEDGER_SUFFIXES)
              for ledger_year in vocabulary().window(year)}
    # The ledgers are opened and parsed in threads while this one reads the registers and
    # builds the tables of the ledgers before them; they are still taken in file order.
    with _Prefetch([path for paths in window.values() for path in paths], reader.read_raw) as prefetch:
        return _read_inputs(folder, year, settings, reader, window, prefetch, stop_on_critical)


def _read_inputs(folder: Path, year: int, settings: Settings, reader: _FolderReader,
                 window: dict[int, list[Path]], prefetch: _Prefetch, stop_on_critical: bool) -> Inputs:
    msg = reader.msg
    registers = {}
    present = set()
    for stem, kind, required in REGISTERS:
        path = _register_file(folder, stem)
        present.update([kind] if path is not None else [])
        if path is None:
            if required:
                raise InputError(msg("read.register_missing", file=f"{stem}.xlsx", folder=folder.name))
            registers[kind] = _empty_frame(kind)
        else:
            registers[kind] = reader.read_file(path, kind, required=required)
            if kind in MUST_HAVE_ROWS and registers[kind].empty:
                raise InputError(msg("read.no_rows", file=reader.relative(path)))
    reader.numbers = NumberRegister.from_registers(registers["members"], registers["counterparties"],
                                                   registers["suppliers"], settings, msg)

    ledgers = {}
    for ledger_year, paths in window.items():
        if not paths:
            if ledger_year == year:
                raise InputError(msg("read.ledger_missing", year=year))
            continue
        frames = [reader.read_file(path, "ledger", fiscal_year=ledger_year, raw=prefetch.take(path))
                  for path in steps(paths, msg("read.progress", year=ledger_year), msg("read.files"))]
        ledgers[ledger_year] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if ledgers[ledger_year].empty and not any(r.critical for r in reader.rejected):
            # A ledger year of no lines would enter the window with a total of 0.
            raise InputError(msg("read.no_rows", file=", ".join(reader.relative(p) for p in paths)))

    purchase_paths = _inputs_named(folder / str(year), "purchases", PURCHASE_SUFFIXES)
    purchases = None
    if purchase_paths:
        frames = [reader.read_file(path, "purchases", required=False) for path in purchase_paths]
        purchases = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    settings_path = folder / SETTINGS_FILE
    if settings_path.exists():
        reader.manifest_entry(settings_path, "settings", 0)

    inputs = Inputs(
        folder_name=folder.name, year=year, ledgers=ledgers,
        members=registers["members"], counterparties=registers["counterparties"],
        services=registers["services"], suppliers=registers["suppliers"],
        history=registers["history"], purchases=purchases,
        rejected=reader.rejected, totals=reader.totals,
        files=sorted(reader.files, key=lambda entry: entry["path"]),
        governance=registers["governance"] if "governance" in present else None,
        read_notes=reader.notes,
    )
    critical = [r for r in inputs.rejected if r.critical]
    if stop_on_critical and critical:
        language = settings.organisation.language
        problems = [Problem(r.file, r.sheet, r.row, r.column, r.reason, language=language) for r in critical]
        raise InputError(msg("read.rows_unreadable", count=len(critical)) + "\n"
                         + "\n".join(str(p) for p in problems), problems)
    return inputs


# ---------------------------------------------------------------- finding files


def _inputs_named(directory: Path, stem: str, suffixes: tuple[str, ...]) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.name.lower().startswith(stem) and p.suffix.lower() in suffixes
                  and not p.name.startswith("~$"))  # Excel's lock files while a workbook is open


def _register_file(folder: Path, stem: str) -> Path | None:
    for suffix in (*WORKBOOK_SUFFIXES, ".csv"):
        for candidate in (folder / f"{stem}{suffix}", folder / f"{stem}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


def _empty_frame(kind: str) -> pd.DataFrame:
    return _frame(kind, {}, np.zeros(0, dtype=bool), None)


# ---------------------------------------------------------------- reading files


class _Prefetch:
    """Reads files in a pool of `ahead` threads, at most `ahead` files beyond the one in hand,
    and hands each result back through `take` in the order of `paths`.

    calamine parses a sheet without holding the GIL (so do zlib and hashlib on large
    buffers), so on two cores the next files are parsed while this thread builds tables.
    An error of a file is raised by `take`, where a serial read would have raised it; a file
    never taken is never reported. Leaving the `with` block cancels what has not started and
    waits for what has, so no thread outlives the read.
    """

    def __init__(self, paths: list[Path], read: Callable[[Path], Any], ahead: int = 2):
        self._paths = list(paths)
        self._read = read
        self._ahead = ahead
        self._pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="read") if len(self._paths) > 1 else None
        self._futures: dict[Path, Future] = {}
        self._next = 0
        self._top_up()

    def _top_up(self) -> None:
        while self._pool is not None and self._next < len(self._paths) and len(self._futures) < self._ahead:
            path = self._paths[self._next]
            self._futures[path] = self._pool.submit(self._read, path)
            self._next += 1

    def take(self, path: Path) -> Any:
        future = self._futures.pop(path, None)
        if future is None:  # one file only, or not among the paths: read it here
            return self._read(path)
        self._top_up()
        return future.result()

    def __enter__(self) -> _Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class _FolderReader:
    """Reads files of one input folder, collecting rejections, control totals and manifest."""

    def __init__(self, folder: Path, settings: Settings):
        self.folder = folder
        self.settings = settings
        self.msg = messages(settings.organisation.language)
        self.rejected: list[Rejected] = []
        self.totals: list[FileTotals] = []
        self.files: list[dict] = []
        self.numbers: NumberRegister | None = None  # set once the registers are read
        self.notes: list[ReadNote] = []

    def relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def manifest_entry(self, path: Path, kind: str, rows: int, digest: str | None = None) -> str:
        digest = digest or sha256_of(path)
        self.files.append({"path": self.relative(path), "kind": kind, "sha256": digest,
                           "bytes": path.stat().st_size, "rows": rows})
        return digest

    def read_raw(self, path: Path) -> tuple[list[RawSheet], str]:
        """A file's raw sheets and its SHA-256: the part of reading that may run in a thread
        (no state of the reader is touched)."""
        return read_sheets(path, self.relative(path), self.msg), sha256_of(path)

    def read_file(self, path: Path, kind: str, *, required: bool = True, fiscal_year: int | None = None,
                  raw: tuple[list[RawSheet], str] | None = None) -> pd.DataFrame:
        """One file's sheets to one frame. A required input whose sheets hold no cell at all is
        an InputError: an empty file must not pass as "no rows". `raw` is `read_raw(path)` if
        already done."""
        relative = self.relative(path)
        sheets, digest = raw if raw is not None else self.read_raw(path)
        frames = []
        totals = []
        column_map = self.settings.column_map(kind)
        missing = {id(s): find_header_row(s.rows, kind, column_map).missing for s in sheets if _has_cells(s)}
        has_table = any(not unmet for unmet in missing.values())
        for sheet in sheets:
            if has_table and len(missing.get(id(sheet), ())) >= 2:
                # Beside a sheet that is a table of its kind, a sheet lacking two or more of its
                # columns is no such table (a pivot, a lookup list, notes): skipped, and said so.
                # A sheet lacking one column is a table with a fault: that stays an error.
                found = find_header_row(sheet.rows, kind, column_map).headers or next(
                    (tuple(parse.cell_text(c) for c in row) for row in sheet.rows
                     if any(not parse.is_blank(c) for c in row)), ())
                self.notes.append(ReadNote(kind, relative, sheet.sheet, "skipped_sheet",
                                           header=", ".join(h for h in found if h)[:200]))
                continue
            result = self.read_sheet(sheet, kind, fiscal_year)
            if result is not None:
                frames.append(result[0])
                totals.append(result[1])
        if not totals and required:
            names = ", ".join(s.sheet for s in sheets) or "-"
            raise InputError(self.msg("read.no_data", file=relative, sheets=names))
        digest = self.manifest_entry(path, kind, sum(t.rows_read for t in totals), digest)
        for t in totals:
            t.sha256 = digest
        self.totals.extend(totals)
        if not frames:
            return _empty_frame(kind)
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def read_sheet(self, sheet: RawSheet, kind: str,
                   fiscal_year: int | None = None) -> tuple[pd.DataFrame, FileTotals] | None:
        """One sheet to its frame and control totals; None for a sheet with no cells at all."""
        if not _has_cells(sheet):
            return None
        msg = self.msg
        column_map = self.settings.column_map(kind)
        unknown = unknown_mapped_fields(kind, column_map)
        if unknown:
            raise InputError(msg("read.unknown_mapped", kind=kind, unknown=", ".join(unknown),
                                 known=", ".join(known_fields(kind))))
        header = find_header_row(sheet.rows, kind, column_map)
        where = Problem(sheet.file, sheet.sheet, language=self.settings.organisation.language).where()
        if sheet.rows and header.row_index < len(sheet.rows):
            unit = money_header_with_unit(sheet.rows[header.row_index], kind, column_map)
            if unit is not None:
                index, text, word = unit
                raise InputError(msg("read.amount_unit", where=where, column=_column_letter(sheet.first_column + index),
                                     header=text, unit=word))
        if header.missing:
            found = ", ".join(repr(h) for h in header.headers if h) or msg("read.none_found")
            raise InputError(msg("read.columns_missing", where=where, missing="; ".join(header.missing),
                                 row=_row_number(sheet, header.row_index), found=found, kind=kind))
        if header.duplicates:
            name, indexes = next(iter(header.duplicates.items()))
            columns = ", ".join(f"{_column_letter(sheet.first_column + i)} '{header.headers[i]}'" for i in indexes)
            raise InputError(msg("read.duplicate_columns", where=where, columns=columns, field=name))
        for name, text in sorted(header.fuzzy.items()):
            self.notes.append(ReadNote(kind, sheet.file, sheet.sheet, "fuzzy_header", header=text, field=name))
        table = _table(sheet, header, msg, fiscal_year)
        table.date_format = self.settings.rules.date_format
        # SIE is debit positive by definition; the setting is about spreadsheet exports.
        table.credit_positive = (kind == "ledger" and self.settings.rules.ledger_sign == "credit_positive"
                                 and not sheet.file.lower().endswith((".se", ".si")))
        table.numbers = self.numbers if kind == "ledger" else None
        frame = BUILDERS[kind](table)
        totals = FileTotals(kind=kind, file=sheet.file, sheet=sheet.sheet, sha256="",
                            rows_read=len(table), rows_used=int(table.kept.sum()),
                            rows_rejected=int((~table.kept).sum()))
        # The auditor sees which header was read as which field.
        mapping = ", ".join(f"{header.headers[i]} = {msg(f'field.{name}') if msg.has(f'field.{name}') else name}"
                            for name, i in header.columns.items())
        totals.notes.append(msg("read.header_note", row=_row_number(sheet, header.row_index), mapping=mapping))
        if "amount_ore" in frame:
            amounts = frame["amount_ore"].to_numpy()
            totals.debit_ore = int(amounts[amounts > 0].sum())
            totals.credit_ore = int(-amounts[amounts < 0].sum())
        if "date" in frame and frame["date"].notna().any():
            totals.first_date = frame["date"].min().date().isoformat()
            totals.last_date = frame["date"].max().date().isoformat()
        vouchers = table.get("voucher") if kind == "ledger" else None
        for index in np.flatnonzero(~table.kept):
            self.rejected.append(Rejected(
                file=sheet.file, sheet=sheet.sheet, row=int(table.row_numbers[index]),
                reason=str(table.reason[index]), column=str(table.column[index]),
                raw=table.text(index), critical=bool(table.critical[index]),
                voucher=parse.cell_text(vouchers[index]) if vouchers is not None else ""))
        return frame, totals


def _has_cells(sheet: RawSheet) -> bool:
    return any(not parse.is_blank(cell) for row in sheet.rows for cell in row)


def read_sheets(path: Path, relative: str, msg: Text | None = None) -> list[RawSheet]:
    """All sheets of a workbook (or the one table of a CSV or SIE file) as raw cells.

    A workbook is recognised by its first bytes, not its name, and an .xlsx/.xlsm passes
    `pipeline.read.safety.inspect_workbook` before calamine opens it; Excel error cells and formulas
    without a saved result come back as `parse.CellError` markers, not as "".
    """
    msg = msg or messages("en")
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
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
    if suffix in (".xlsx", ".xlsm"):
        if not start.startswith(_ZIP_MAGIC):
            raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.unknown_format")))
        from pipeline.read.safety import inspect_workbook

        odd_cells = inspect_workbook(path, relative, msg).odd_cells
    elif suffix == ".xls":
        odd_cells = _xls_error_cells(path, relative, msg)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in workbook.sheet_names:
            if name in INSTRUCTION_SHEETS.values():
                continue  # the templates' help sheet: text for people, not data
            sheet = workbook.get_sheet_by_name(name)
            # calamine starts at the first used cell: blank rows above it still count in
            # Excel's row numbers, which are what an auditor looks up.
            first_row, first_column = (sheet.start[0] + 1, sheet.start[1]) if sheet.start else (1, 0)
            rows = sheet.to_python()
            # calamine's own copy of the cells (about 300 MB at a million lines) goes now, not
            # after the last sheet: the tables are built without it.
            del sheet
            marked = _mark_odd_cells(rows, odd_cells.get(name, {}), first_row - 1, first_column)
            sheets.append(RawSheet(relative, name, rows, first_row=first_row, first_column=first_column,
                                   has_odd_cells=marked))
        return sheets
    except PasswordError:
        raise InputError(msg("read.password", file=relative)) from None
    except Exception as exc:  # calamine raises several kinds (zip, xml, format): all mean "unreadable"
        raise InputError(msg("read.not_workbook", file=relative, detail=exc)) from None


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


def _column_letter(index: int) -> str:
    """0-based column index -> Excel's letters: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _object_grid(body: list[list[Any]], header_width: int) -> np.ndarray:
    """Rows of cells as a 2-D object array (rows x columns), cells kept as the same objects.
    Without rows, the header's width keeps every mapped column index valid."""
    width = len(body[0]) if body else header_width
    grid = np.empty((len(body), width), dtype=object)
    if not body:
        return grid
    try:
        grid[:] = body  # one C pass
    except ValueError:  # ragged rows, from no reader of ours: never lose a cell, pad with blanks
        for index in range(width):
            grid[:, index] = [row[index] if index < len(row) else "" for row in body]
    return grid


def _row_number(sheet: RawSheet, index: int) -> int:
    return sheet.row_numbers[index] if sheet.row_numbers else sheet.first_row + index


def _table(sheet: RawSheet, header: HeaderMatch, msg: Text | None = None, fiscal_year: int | None = None) -> _Table:
    body = sheet.rows[header.row_index + 1:]
    numbers = (np.asarray(sheet.row_numbers[header.row_index + 1:], dtype=np.int64) if sheet.row_numbers
               else np.arange(len(body), dtype=np.int64) + sheet.first_row + header.row_index + 1)
    # Every reader delivers rectangular rows (calamine's used range; CSV and SIE rows padded
    # to one width), so the body fills one 2-D object array in a single C pass; only the
    # mapped columns are copied out of it.
    grid = _object_grid(body, len(sheet.rows[header.row_index]))
    mapped = {name: np.ascontiguousarray(grid[:, index]) for name, index in header.columns.items()}
    # A fully blank row (every cell, not just the mapped ones) is not a data row. Each column
    # is only looked at on rows still blank so far, so the cost is about one column's.
    blank = np.ones(len(body), dtype=bool)
    for column in mapped.values():
        still_blank = np.flatnonzero(blank)
        blank[still_blank] = parse.blank_mask(column[still_blank])
    unmapped = [i for i in range(grid.shape[1]) if i not in header.columns.values()]
    for row in np.flatnonzero(blank):
        blank[row] = all(parse.is_blank(grid[row, i]) for i in unmapped)
    if blank.any():
        data_rows = np.flatnonzero(~blank)
        numbers = numbers[data_rows]
        cells = {name: column[data_rows] for name, column in mapped.items()}
    else:  # the usual case: no copy of every column
        data_rows = np.arange(len(body))
        cells = mapped

    def row_text(index: int) -> str:
        return " | ".join(parse.cell_text(c) for c in body[data_rows[index]])

    table = _Table(sheet, header, cells, numbers, row_text, msg or messages("en"), fiscal_year)
    if sheet.has_odd_cells:
        _reject_odd_cells(table)
    # The header repeated after a page break: the very same cell values as the header row.
    header_cells = sheet.rows[header.row_index]
    repeated = np.ones(len(table), dtype=bool)
    for name, index in header.columns.items():
        rows = np.flatnonzero(repeated)
        if not len(rows):
            break
        repeated[rows] = cells[name][rows] == header_cells[index]
    table.leave_out(repeated, table.msg("read.header_repeated"), next(iter(header.columns)))
    return table


def _reject_odd_cells(table: _Table) -> None:
    """Excel error cells and formulas without a saved result in a mapped column: critical,
    named by their code; the column's later checks stay silent on them (one clear reason)."""
    for name, column in table.cells.items():
        odd = np.fromiter((isinstance(c, parse.CellError) for c in column), dtype=bool, count=len(column))
        if not odd.any():
            continue
        label = table.header_of(name)
        reasons = np.array([table.msg("parse.formula_without_value", label=label)
                            if c == parse.FORMULA_WITHOUT_VALUE else table.msg("parse.excel_error", label=label, code=c)
                            for c in column[odd]] + [""], dtype=object)[:-1]
        full = np.full(len(table), "", dtype=object)
        full[odd] = reasons
        table.reject(odd, full, name)
        table.settled[name] = odd


# ---------------------------------------------------------------- one builder per kind


def _rows_left_out(table: _Table, parsed: dict[str, parse.Parsed], texts: dict[str, np.ndarray],
                   amounts: list[parse.Parsed]) -> tuple[np.ndarray, np.ndarray]:
    """(totals rows, note rows) from the parsed identity fields of a ledger or purchases sheet.

    A totals row has an amount and no identity field holding anything but nothing or a
    "Summa"/"Totalt" word. A note row (a footer, a printed-by line) has no identity field and
    no amount: it carries no money, so leaving it out cannot change a figure. Only rows still
    in question are looked at, so this costs little on a million lines.
    """
    blank = np.ones(len(table), dtype=bool)
    blank_or_word = np.ones(len(table), dtype=bool)
    for name, values in parsed.items():
        if table.has(name):
            # "Summa" in a date or account column is a parse error; only those rows can be words.
            rows = np.flatnonzero(values.bad & blank_or_word)
            word = np.zeros(len(table), dtype=bool)
            word[rows] = parse.matches(parse.parse_text(table.get(name)[rows]).values, _TOTALS_WORD)
            blank &= values.empty
            blank_or_word &= values.empty | word
    for name, values in texts.items():
        rows = np.flatnonzero(blank_or_word)
        if table.has(name) and len(rows):
            empty = values[rows] == ""
            blank[rows] &= empty
            blank_or_word[rows] = empty | parse.matches(values[rows], _TOTALS_WORD)
    has_amount = np.zeros(len(table), dtype=bool)
    for amount in amounts:
        has_amount |= ~amount.empty
    return blank_or_word & has_amount, blank & ~has_amount


def _parse_amounts(table: _Table) -> list[parse.Parsed]:
    """[Belopp], or [Debet, Kredit] when the sheet gives two unsigned columns (R1)."""
    if table.has("amount") or not table.has("debit"):
        return [parse.parse_amounts_ore(table.get("amount"), table.label("amount"), table.msg)]
    return [parse.parse_amounts_ore(table.get("debit"), table.label("debit"), table.msg),
            parse.parse_amounts_ore(table.get("credit"), table.label("credit"), table.msg)]


def _signed_amounts(table: _Table, parts: list[parse.Parsed]) -> np.ndarray:
    """amount = Belopp, or Debet - Kredit; a bad or missing amount is a critical rejection."""
    if len(parts) == 1:
        [amount] = parts
        table.reject_errors(amount, "amount")
        table.reject_empty(amount, "amount", table.label("amount"))
        return -amount.values if table.credit_positive else amount.values
    debit, credit = parts
    table.reject_errors(debit, "debit")
    table.reject_errors(credit, "credit")
    table.reject(debit.empty & credit.empty, table.msg("read.debit_credit_empty"), "debit")
    return debit.values - credit.values


def _source(table: _Table, keep: np.ndarray) -> dict[str, Any]:
    """The source columns of the kept rows: file, sheet, row number and "file:sheet:row"."""
    file, sheet = table.raw.file, table.raw.sheet
    rows = table.row_numbers[keep].astype(np.int64)
    prefix = f"{file}:{sheet}:"
    ids = np.array([prefix + str(row) for row in rows.tolist()] or [""], dtype=object)[:len(rows)]
    return {"source_file": np.full(len(rows), file, dtype=object),
            "source_sheet": np.full(len(rows), sheet, dtype=object),
            "source_row": rows, "source_id": ids}


def _far_from_fiscal_year(table: _Table, date: parse.Parsed) -> None:
    """A ledger date more than a year outside its year folder is a typing error (2205 for 2025):
    R3 decides membership on the line's date, so it would be classified on a wrong day. A date
    in a neighbouring year is left to validation (a broken fiscal year is possible)."""
    if table.fiscal_year is None:
        return
    earliest = np.datetime64(f"{table.fiscal_year - 1}-01-01", "ns")
    latest = np.datetime64(f"{table.fiscal_year + 1}-12-31", "ns")
    values = date.values
    far = ~np.isnat(values) & ((values < earliest) | (values > latest))
    if far.any():
        reasons = np.full(len(table), "", dtype=object)
        reasons[far] = [table.msg("read.date_far_outside", label=table.label("date"),
                                  value=str(v)[:10], year=table.fiscal_year) for v in values[far]]
        table.reject(far, reasons, "date")


def _ledger(table: _Table) -> pd.DataFrame:
    msg = table.msg
    # Only a Period column (YYYYMM): each line is read as on its period's first day.
    date_field = "date" if table.has("date") or not table.has("period") else "period"
    if date_field == "date":
        date = parse.parse_dates(table.get("date"), table.label("date"), msg, table.date_format)
    else:
        date = parse.parse_periods(table.get("period"), table.label("period"), msg)
    voucher = parse.parse_text(table.get("voucher"))
    account, account_name = parse.parse_accounts(table.get("account"), table.label("account"), msg)
    amounts = _parse_amounts(table)
    totals, notes = _rows_left_out(table, {date_field: date, "account": account}, {"voucher": voucher.values}, amounts)
    table.leave_out(totals, msg("read.totals_row"), "amount" if table.has("amount") else "debit")
    table.leave_out(notes, msg("read.note_row"), "text")
    table.reject_errors(date, date_field)
    table.reject_empty(date, date_field, table.label(date_field))
    _far_from_fiscal_year(table, date)
    table.reject(voucher.values == "", msg("read.empty", label=table.label("voucher")), "voucher")
    # Class 0 (0000-0999) holds statistical accounts (quantities, head counts: Magenta's SIE
    # files): no bookkeeping line, never balanced. Left out with their reason, and warned about.
    statistical = ~account.bad & ~account.empty & (account.values < 1000) & parse.matches(
        parse.parse_text(table.get("account")).values, _CLASS_ZERO)
    table.leave_out(statistical, msg("read.statistical_account"), "account")
    table.reject_errors(account, "account")
    table.reject_empty(account, "account", table.label("account"))
    amount = _signed_amounts(table, amounts)
    # Optional (the journal tests' late registrations); a cell that is no date stops the run
    # like any other date: it would silently hide a late registration.
    registered = parse.parse_dates(table.get("registration_date"), table.label("registration_date"), msg)
    table.reject_errors(registered, "registration_date")
    name_column = parse.parse_free_text(table.get("account_name")).values
    counterparty, counterparty_note, raw = _counterparties_of_lines(table, account.values)
    columns = {
        "date": date.values, "voucher": voucher.values, "account": account.values,
        "account_name": np.where(name_column != "", name_column, account_name), "amount_ore": amount,
        "counterparty": counterparty, "counterparty_raw": raw, "counterparty_note": counterparty_note,
        "service": parse.parse_text(table.get("service")).values,
        "cost_centre": parse.parse_text(table.get("cost_centre")).values,
        "text": parse.parse_free_text(table.get("text")).values,
        "counterparty_name": parse.parse_free_text(table.get("counterparty_name")).values,
        "registration_date": registered.values,
    }
    return _frame("ledger", columns, table.kept, table)


def _counterparties_of_lines(table: _Table, accounts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(org. no., note, raw text) per line from the counterparty, customer-number and
    supplier-number columns, whichever is filled (in that order), numbers mapped through the
    registers (pipeline.read.numbers)."""
    generic = parse.parse_text(table.get("counterparty")).values
    customer = parse.parse_text(table.get("customer_number")).values
    supplier = parse.parse_text(table.get("supplier_number")).values
    raw = np.where(generic != "", generic, np.where(customer != "", customer, supplier)).astype(object)
    kinds = np.where(generic != "", ANY, np.where(customer != "", CUSTOMER,
                                                  np.where(supplier != "", SUPPLIER, ANY))).astype(object)
    if table.numbers is None:
        orgnr, note, _ = parse.parse_orgnrs(raw)
        return orgnr, note, raw
    orgnr, note = table.numbers.resolve(raw, kinds, accounts)
    return orgnr, note, raw


def _purchases(table: _Table) -> pd.DataFrame:
    msg = table.msg
    date = parse.parse_dates(table.get("date"), table.label("date"), msg, table.date_format)
    account, account_name = parse.parse_accounts(table.get("account"), table.label("account"), msg)
    amounts = _parse_amounts(table)
    orgnr, note, raw = parse.parse_orgnrs(table.get("supplier_orgnr"))
    texts = {"buyer": parse.parse_free_text(table.get("buyer")).values,
             "supplier_name": parse.parse_free_text(table.get("supplier_name")).values,
             "invoice": parse.parse_text(table.get("invoice")).values}
    totals, notes = _rows_left_out(table, {"date": date, "account": account},
                                   {**texts, "supplier_orgnr": raw}, amounts)
    table.leave_out(totals, msg("read.totals_row"), "amount")
    table.leave_out(notes, msg("read.purchase_note_row"), "supplier_name")
    table.reject_errors(date, "date")
    table.reject_errors(account, "account")
    amount = _signed_amounts(table, amounts)
    name_column = parse.parse_free_text(table.get("account_name")).values
    columns = {
        **texts, "date": date.values, "supplier_orgnr": orgnr, "supplier_orgnr_raw": raw,
        "supplier_orgnr_note": note, "account": account.values,
        "account_name": np.where(name_column != "", name_column, account_name), "amount_ore": amount,
    }
    return _frame("purchases", columns, table.kept, table)


def _register_orgnr(table: _Table, name: str, critical: bool) -> np.ndarray:
    orgnr, note, raw = parse.parse_orgnrs(table.get(name))
    msg = table.msg
    reasons = np.array([msg("read.orgnr_missing", value=parse.shown(r)) if n == parse.ORGNR_MISSING
                        else msg("read.orgnr_invalid", value=parse.shown(r), note=msg(f"read.note_{n}")) if n else ""
                        for r, n in zip(raw, note)] + [""], dtype=object)[:-1]
    table.reject(note != "", reasons, name, critical)
    return orgnr


def _members(table: _Table) -> pd.DataFrame:
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    msg = table.msg
    # An empty "member from" stays NaT: validation lists it; a wrong date would misclassify.
    member_from = parse.parse_dates(table.get("member_from"), table.label("member_from"), msg, table.date_format)
    table.reject_errors(member_from, "member_from")
    member_to = parse.parse_dates(table.get("member_to"), table.label("member_to"), msg, table.date_format)
    table.reject_errors(member_to, "member_to")
    controlling = parse.parse_flags(table.get("controlling"), table.label("controlling"), default=True, msg=msg)
    table.reject_errors(controlling, "controlling")
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "type": parse.parse_free_text(table.get("type")).values,
               "member_from": member_from.values, "member_to": member_to.values,
               "controlling": controlling.values,
               "customer_number": parse.parse_text(table.get("customer_number")).values}
    return _frame("members", columns, table.kept, table)


def _counterparties(table: _Table) -> pd.DataFrame:
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    controlled_by, note, raw = parse.parse_orgnrs(table.get("controlled_by"))
    bad = (note != "") & (note != parse.ORGNR_MISSING)
    table.reject(bad, [table.msg("read.controlled_by_invalid", value=parse.shown(r), note=table.msg(f"read.note_{n}") if n else "")
                       for r, n in zip(raw, note)],
                 "controlled_by")
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "sector": parse.parse_text(table.get("sector")).values, "controlled_by": controlled_by,
               "customer_number": parse.parse_text(table.get("customer_number")).values}
    return _frame("counterparties", columns, table.kept, table)


def _services(table: _Table) -> pd.DataFrame:
    msg = table.msg
    code = parse.parse_text(table.get("code")).values
    table.reject(code == "", msg("read.empty", label=table.label("code")), "code")
    # Classification words and sectors stay as finance wrote them: an undecided service ("")
    # or an unknown word is a validation finding, and classify maps the words (R5).
    classification = parse.parse_text(table.get("classification")).values
    # A word that is neither empty (undecided) nor a known classification is a typo: it would
    # otherwise silently make the service undecided (R5). Critical: the run stops and says so.
    words = np.array([str(w).strip().lower() for w in classification], dtype=object)
    typo = (words != "") & ~np.isin(words, list(vocabulary().classification_words))
    table.reject(typo, np.array([msg("read.classification_unknown", value=str(w).strip(),
                                     known=", ".join(KNOWN_CLASSIFICATIONS)) for w in classification], dtype=object),
                 "classification")
    decision_date = parse.parse_dates(table.get("decision_date"), table.label("decision_date"), msg, table.date_format)
    table.reject_errors(decision_date, "decision_date")
    exclusivity = parse.parse_flags(table.get("exclusivity"), table.label("exclusivity"), default=False, msg=msg)
    table.reject_errors(exclusivity, "exclusivity")
    allocation_key = parse.parse_decimals(table.get("allocation_key"), table.label("allocation_key"), msg)
    table.reject_errors(allocation_key, "allocation_key")
    text = {name: parse.parse_free_text(table.get(name)).values
            for name in ("name", "legal_basis", "member_need", "target_group", "pricing", "market_assessment")}
    text["decision_reference"] = parse.parse_text(table.get("decision_reference")).values
    columns = {**text, "code": code, "classification": classification, "decision_date": decision_date.values,
               "exclusivity": exclusivity.values, "allocation_key": allocation_key.values}
    return _frame("services", columns, table.kept, table)


def _dates(table: _Table, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Date columns of a register, each cell that is no date rejected with its reason."""
    dates = {}
    for name in names:
        parsed = parse.parse_dates(table.get(name), table.label(name), table.msg, table.date_format)
        table.reject_errors(parsed, name)
        dates[name] = parsed.values
    return dates


def _suppliers(table: _Table) -> pd.DataFrame:
    # A supplier row with a bad org. no. is left out but does not stop the run: the supplier
    # then shows up as "missing from the supplier list", which R6 flags anyway.
    orgnr = _register_orgnr(table, "orgnr", critical=False)
    dates = _dates(table, ("contract_from", "contract_to"))
    columns = {"orgnr": orgnr, "name": parse.parse_free_text(table.get("name")).values,
               "procurement_form": parse.parse_text(table.get("procurement_form")).values,
               "procurement_reference": parse.parse_text(table.get("procurement_reference")).values,
               "category": parse.parse_free_text(table.get("category")).values, **dates,
               "supplier_number": parse.parse_text(table.get("supplier_number")).values}
    return _frame("suppliers", columns, table.kept, table)


def _history(table: _Table) -> pd.DataFrame:
    year = parse.parse_integers(table.get("year"), table.label("year"), table.msg)
    table.reject_errors(year, "year")
    table.reject_empty(year, "year", table.label("year"))
    money = {}
    for name in ("controlling_sek", "total_sek"):
        parsed = parse.parse_amounts_ore(table.get(name), table.label(name), table.msg)
        table.reject_errors(parsed, name)
        table.reject_empty(parsed, name, table.label(name))
        money[name.replace("_sek", "_ore")] = parsed.values
    columns = {"year": year.values, **money, "source": parse.parse_free_text(table.get("source")).values}
    return _frame("history", columns, table.kept, table)


def _governance(table: _Table) -> pd.DataFrame:
    # An appointment with a bad org. no. or date would count days for the wrong member or period:
    # critical, like the member register's own rows.
    orgnr = _register_orgnr(table, "orgnr", critical=True)
    dates = _dates(table, ("appointed_from", "appointed_to"))
    columns = {"orgnr": orgnr, "representative": parse.parse_free_text(table.get("representative")).values,
               "role": parse.parse_free_text(table.get("role")).values,
               "body": parse.parse_text(table.get("body")).values,
               "decision_reference": parse.parse_text(table.get("decision_reference")).values, **dates}
    return _frame("governance", columns, table.kept, table)


BUILDERS: dict[str, Callable[[_Table], pd.DataFrame]] = {
    "ledger": _ledger, "purchases": _purchases, "members": _members, "counterparties": _counterparties,
    "services": _services, "suppliers": _suppliers, "history": _history, "governance": _governance,
}
FIELDS = {"ledger": LEDGER_FIELDS, "purchases": PURCHASE_FIELDS, "members": MEMBER_FIELDS,
          "counterparties": COUNTERPARTY_FIELDS, "services": SERVICE_FIELDS,
          "suppliers": SUPPLIER_FIELDS, "history": HISTORY_FIELDS, "governance": GOVERNANCE_FIELDS}
_DATE_FIELDS = {"date", "registration_date", "member_from", "member_to", "decision_date", "contract_from",
                "contract_to", "appointed_from", "appointed_to"}
_INT_FIELDS = {"account", "amount_ore", "year", "controlling_ore", "total_ore"}
_BOOL_FIELDS = {"controlling", "exclusivity"}
_OBJECT_FIELDS = {"allocation_key"}  # Decimal or None: a key is exact, like money


def _frame(kind: str, columns: dict[str, np.ndarray], keep: np.ndarray, table: _Table | None) -> pd.DataFrame:
    """The kept rows as a frame with the canonical columns and dtypes, then the source columns."""
    data = {}
    n = int(keep.sum())
    for name in FIELDS[kind]:
        values = columns.get(name)
        if name in _DATE_FIELDS:
            data[name] = pd.Series(values[keep] if values is not None else np.full(n, np.datetime64("NaT", "ns")),
                                   dtype="datetime64[ns]")
        elif name in _INT_FIELDS:
            data[name] = pd.Series(values[keep] if values is not None else np.zeros(n), dtype="int64")
        elif name in _BOOL_FIELDS:
            data[name] = pd.Series(values[keep] if values is not None else np.zeros(n), dtype="bool")
        elif name in _OBJECT_FIELDS:
            data[name] = pd.Series(values[keep] if values is not None else [None] * n, dtype=object)
        else:
            data[name] = pd.Series(values[keep] if values is not None else np.full(n, ""), dtype="str")
    source = _source(table, keep) if table is not None else {
        "source_file": [], "source_sheet": [], "source_row": np.zeros(0, np.int64), "source_id": []}
    for name in SOURCE_COLUMNS:
        data[name] = pd.Series(source[name], dtype="int64" if name == "source_row" else "str")
    return pd.DataFrame(data)
