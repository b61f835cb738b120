"""The read stage: every input file of DATA-CONTRACT.md to canonical tables with provenance.

`read_inputs` opens the registers, the ledgers of the three-year window and the optional
accounts-payable export (`pipeline.read.sheets`), finds each sheet's header row, maps headers to
canonical fields (`pipeline.read.headers`), takes the data rows below it (`pipeline.read.table`),
parses values exactly (`pipeline.read.parse`) into each kind's frame (`pipeline.read.builders`)
and returns `Inputs`. Every non-blank data row ends up in exactly one place: its output frame,
or `inputs.rejected` with a reason. Control totals per file and sheet and the manifest entries ride along.

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

import contextlib
import pickle
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import pipeline.read.parse as parse
from pipeline.errors import InputError, Problem
from pipeline.files import sha256_of
from pipeline.memory import collector_paused
from pipeline.messages import messages
from pipeline.model import FileTotals, Inputs, RawSheet, ReadNote, Rejected
from pipeline.progress import steps
from pipeline.read.builders import BUILDERS, empty_frame
from pipeline.read.headers import find_header_row, known_fields, money_header_with_unit, unknown_mapped_fields
from pipeline.read.numbers import NumberRegister
from pipeline.read.sheets import Prefetch, column_letter, has_cells, read_sheets
from pipeline.read.table import build_table, row_number
from pipeline.settings import SETTINGS_FILE, Settings
from pipeline.vocabulary import vocabulary

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
LEDGER_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".se", ".si")
PURCHASE_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
# Registers: (file stem, kind, required?). Contract names them .xlsx; .xlsm/.xls/.csv also read.
REGISTERS = (("members", "members", True), ("counterparties", "counterparties", False),
             ("services", "services", True), ("suppliers", "suppliers", True),
             ("history", "history", False), ("governance", "governance", False))
# Inputs that must hold data rows: without members or services every figure would be wrong.
MUST_HAVE_ROWS = ("members", "services")


# ---------------------------------------------------------------- the stage entry points


def available_years(folder: Path) -> list[int]:
    """Year folders (four digits) that hold at least one ledger file, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir()
                  if p.is_dir() and re.fullmatch(r"\d{4}", p.name) and _inputs_named(p, "ledger", LEDGER_SUFFIXES))


def ledger_files(folder: Path, year: int) -> list[Path]:
    """The ledger files of a year folder, as the read takes them (names starting "ledger")."""
    return _inputs_named(Path(folder) / str(year), "ledger", LEDGER_SUFFIXES)


def unread_files(folder: Path, year: int) -> list[Path]:
    """Files in the year folder that look like data (a workbook, CSV or SIE file) but that the
    read never opens, since their names start with neither "ledger" nor "purchases": an ERP
    export named "huvudbok-2025.csv", a month saved as "mars.xlsx"."""
    directory = Path(folder) / str(year)
    if not directory.is_dir():
        return []
    named = set(_inputs_named(directory, "ledger", LEDGER_SUFFIXES)) | set(_inputs_named(directory, "purchases",
                                                                                          PURCHASE_SUFFIXES))
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix.lower() in LEDGER_SUFFIXES and p not in named
                  and not p.name.startswith("~$"))


def year_folders_without_ledger(folder: Path) -> dict[int, list[Path]]:
    """Year folders that hold data files (`unread_files`) but no ledger file, by year."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    years = sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))
    found = {year: unread_files(folder, year) for year in years
             if not _inputs_named(folder / str(year), "ledger", LEDGER_SUFFIXES)}
    return {year: files for year, files in found.items() if files}


def read_inputs(folder: Path, year: int, settings: Settings, *, stop_on_critical: bool = False,
                while_waiting: Callable[[], None] | None = None) -> Inputs:
    """Read every input of the folder for report year `year` (ledgers of year-2..year).

    Raises InputError for a missing required file, a missing report-year ledger, a file that
    is not a workbook or a missing required column. Critical row rejections are returned in
    `inputs.rejected` so the run can stop after validation with everything listed at once;
    with `stop_on_critical` they raise InputError here instead, all of them as `problems`.
    `while_waiting`: the caller's work to do once this thread would wait for a ledger's parse
    (`Prefetch`); it must not raise.
    """
    folder = Path(folder)
    reader = _FolderReader(folder, settings)
    window = {ledger_year: ledger_files(folder, ledger_year) for ledger_year in vocabulary().window(year)}
    # The ledgers are opened and parsed in a thread while this one reads the registers and
    # builds the tables of the ledgers before them; they are still taken in file order. The
    # thread starts with the largest file (usually the report year's), so that its parse, the
    # longest wait, runs while this thread reads the registers and the smaller ledgers itself.
    ledger_paths = [path for paths in window.values() for path in paths]
    largest_first = sorted(ledger_paths, key=_size_or_zero, reverse=True)
    with collector_paused(), Prefetch(largest_first, reader.read_raw, while_waiting=while_waiting) as prefetch:
        inputs = _read_inputs(folder, year, settings, reader, window, prefetch, stop_on_critical)
    if reader.lines_read_by_cells >= COMPACT_FROM_LINES:
        compact(inputs.ledgers)
    return inputs


# Ledger lines read a cell at a time from this many on are worth the second per million lines
# that compaction costs.
COMPACT_FROM_LINES = 250_000


def compact(ledgers: dict[int, pd.DataFrame]) -> None:
    """The ledgers' text values moved together in memory, once the read's cells are gone:
    at a million lines the process holds about 590 MiB after the read instead of about 750, and
    the later stages run faster on values that lie together (the workbook 3.2 s instead of 4.1).

    The read makes a Python object of every cell it does not share (`sheets._cells` shares a
    column's repeated texts and dates; amounts, vouchers and free text stay one per cell) and
    keeps a few of them, the ledgers' text values, scattered among the others. Python's
    allocator returns memory to the system only in whole arenas of 1 MiB, and each arena still
    holds a value or two, so freeing the cells gave little back. Pickling the ledgers, freeing
    them and unpickling them puts the values side by side; the freed arenas go back. The frames
    are the same (values, dtypes, one object per distinct value as before).

    `read_inputs` compacts only when many lines were read a cell at a time (CSV, SIE, a
    workbook read the plain way): a large export read by columns (`pipeline.read.fast_xlsx`)
    makes its values a column at a time, side by side. Measured at a million lines read by
    columns: 0.6 s faster without compaction, with the same peak (986-1 007 MiB against
    994-1 010); read a cell at a time, the peak was 1 075-1 161 MiB without it, 1 009-1 018
    with it. Few lines never took much."""
    # Through a temporary file, not bytes in memory: pickle's growing buffer would hold the
    # ledgers twice over at the very moment the old ones are still there (the run's peak).
    packed = None
    try:
        try:
            packed = tempfile.TemporaryFile(prefix="los-compact-")
            pickle.dump(ledgers, packed, protocol=pickle.HIGHEST_PROTOCOL)
            packed.flush()  # every byte on disk before the ledgers go: only reading is left
            packed.seek(0)
        except OSError:  # no temporary folder, or no room in it: the ledgers stay as they are
            return
        ledgers.clear()  # the only reference to the frames: their values are freed here
        ledgers.update(pickle.load(packed))
    finally:
        if packed is not None:
            with contextlib.suppress(OSError):  # after a failed write, closing tries it again
                packed.close()


def _read_inputs(folder: Path, year: int, settings: Settings, reader: _FolderReader,
                 window: dict[int, list[Path]], prefetch: Prefetch, stop_on_critical: bool) -> Inputs:
    msg = reader.msg
    registers = {}
    present = set()
    for stem, kind, required in REGISTERS:
        path = _register_file(folder, stem)
        present.update([kind] if path is not None else [])
        if path is None:
            if required:
                raise InputError(msg("read.register_missing", file=f"{stem}.xlsx", folder=folder.name))
            registers[kind] = empty_frame(kind)
        else:
            registers[kind] = reader.read_file(path, kind, required=required)
            if kind in MUST_HAVE_ROWS and registers[kind].empty:
                raise InputError(msg("read.no_rows", file=reader.relative(path)))
    for window_year in window:
        for path in unread_files(folder, window_year):
            reader.stop_if_ledger(path, window_year)
            reader.notes.append(ReadNote("ledger", reader.relative(path), "", "unread_file"))
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


def _size_or_zero(path: Path) -> int:
    """A file's size for ordering the reads; 0 for one that cannot be looked at (its read says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _inputs_named(directory: Path, stem: str, suffixes: tuple[str, ...]) -> list[Path]:
    """The input files of a kind in a folder. A link to a file that is not there counts too: the
    read then says so, rather than the run reporting the year as if the file were missing."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if (p.is_file() or (p.is_symlink() and not p.exists()))
                  and p.name.lower().startswith(stem) and p.suffix.lower() in suffixes
                  and not p.name.startswith("~$"))  # Excel's lock files while a workbook is open


def _register_file(folder: Path, stem: str) -> Path | None:
    for suffix in (*WORKBOOK_SUFFIXES, ".csv"):
        for candidate in (folder / f"{stem}{suffix}", folder / f"{stem}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


# ---------------------------------------------------------------- reading files


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
        self.lines_read_by_cells = 0  # ledger lines of sheets not read by columns (`compact`)

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

    def stop_if_ledger(self, path: Path, year: int) -> None:
        """An unread file of a year folder (`unread_files`) with a sheet of ledger lines (rows
        under a ledger's header: date, voucher, account, amount) holds lines the report would
        leave out, a month saved as "huvudbok-mars.xlsx": an InputError naming it. Any other
        file stays a warning that it was not read: a budget, a template without rows, an SIE
        file of balances only, or one that cannot be read (it was never meant to be read)."""
        try:
            sheets = read_sheets(path, self.relative(path), self.msg)
        except Exception:  # noqa: BLE001 - a damaged .xls or an odd CSV beside the ledgers: still only a warning
            return
        column_map = self.settings.column_map("ledger")
        for sheet in sheets:
            header = find_header_row(sheet.rows, "ledger", column_map)
            lines = any(not parse.is_blank(cell) for row in sheet.rows[header.row_index + 1:] for cell in row)
            if not header.columns or header.missing or not lines:
                continue
            if sheet.file.lower().endswith((".se", ".si")):  # SIE has no headers of its own: its fields in words
                headers = ", ".join(self.msg(f"field.{name}") for name in header.columns
                                    if self.msg.has(f"field.{name}"))
            else:
                headers = ", ".join(header.headers[i] for i in sorted(header.columns.values()))
            where = Problem(sheet.file, sheet.sheet, language=self.settings.organisation.language).where()
            raise InputError(self.msg("read.unnamed_ledger", where=where, headers=headers, year=year))

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
        missing = {id(s): find_header_row(s.rows, kind, column_map).missing for s in sheets if has_cells(s)}
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
            return empty_frame(kind)
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def read_sheet(self, sheet: RawSheet, kind: str,
                   fiscal_year: int | None = None) -> tuple[pd.DataFrame, FileTotals] | None:
        """One sheet to its frame and control totals; None for a sheet with no cells at all."""
        if not has_cells(sheet):
            return None
        msg = self.msg
        column_map = self.settings.column_map(kind)
        unknown = unknown_mapped_fields(kind, column_map)
        if unknown:
            raise InputError(msg("read.unknown_mapped", kind=kind, unknown=", ".join(unknown),
                                 known=", ".join(known_fields(kind))))
        header = find_header_row(sheet.rows, kind, column_map)
        where = Problem(sheet.file, sheet.sheet, language=self.settings.organisation.language).where()
        if header.row_index < len(sheet.rows):
            unit = money_header_with_unit(sheet.rows[header.row_index], kind, column_map)
            if unit is not None:
                index, text, word = unit
                raise InputError(msg("read.amount_unit", where=where, column=column_letter(sheet.first_column + index),
                                     header=text, unit=word))
        if header.missing:
            found = ", ".join(repr(h) for h in header.headers if h) or msg("read.none_found")
            raise InputError(msg("read.columns_missing", where=where, missing="; ".join(header.missing),
                                 row=row_number(sheet, header.row_index), found=found, kind=kind))
        if header.duplicates:
            name, indexes = next(iter(header.duplicates.items()))
            columns = ", ".join(f"{column_letter(sheet.first_column + i)} '{header.headers[i]}'" for i in indexes)
            raise InputError(msg("read.duplicate_columns", where=where, columns=columns, field=name))
        for name, text in sorted(header.fuzzy.items()):
            self.notes.append(ReadNote(kind, sheet.file, sheet.sheet, "fuzzy_header", header=text, field=name))
        table = build_table(sheet, header, msg, fiscal_year)
        # The table holds copies of what it needs: a workbook's cells below the header go now,
        # not when the file is done (at a million lines about 190 MiB less while the frame is
        # made, the read's peak). Nothing reads them after this.
        if isinstance(sheet.rows, np.ndarray):
            sheet.rows = sheet.rows[:header.row_index + 1].copy()
        sheet.column_codes = {}  # the table's columns hold what they need of them
        table.date_format = self.settings.rules.date_format
        # SIE is debit positive by definition; the setting is about spreadsheet exports.
        table.credit_positive = (kind == "ledger" and self.settings.rules.ledger_sign == "credit_positive"
                                 and not sheet.file.lower().endswith((".se", ".si")))
        table.numbers = self.numbers if kind == "ledger" else None
        frame = BUILDERS[kind](table)
        if kind == "ledger" and not sheet.read_by_columns:
            self.lines_read_by_cells += len(table)
        totals = FileTotals(kind=kind, file=sheet.file, sheet=sheet.sheet, sha256="",
                            rows_read=len(table), rows_used=int(table.kept.sum()),
                            rows_rejected=int((~table.kept).sum()))
        # The auditor sees which header was read as which field.
        mapping = ", ".join(f"{header.headers[i]} = {msg(f'field.{name}') if msg.has(f'field.{name}') else name}"
                            for name, i in header.columns.items())
        totals.notes.append(msg("read.header_note", row=row_number(sheet, header.row_index), mapping=mapping))
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
