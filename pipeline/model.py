"""The shapes that flow between stages: canonical column names and the loaded inputs.

Every table keeps its provenance: `source_file`, `source_sheet`, `source_row` (the 1-based row
number as Excel shows it) and `source_id` ("file:sheet:row"), from the moment it is read until
it lands in the audit workbook. Money is integer öre (int64) in columns ending `_ore`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

SOURCE_COLUMNS = ["source_file", "source_sheet", "source_row", "source_id"]


def source_ids(file: str, sheet: str, rows: Iterable[int]) -> list[str]:
    """The `source_id` of rows of one sheet, "file:sheet:row": the one place it is written."""
    prefix = f"{file}:{sheet}:"
    return [f"{prefix}{row}" for row in rows]  # a million in 0.22 s; `prefix + str(row)` took 0.29


def source_id_array(file: str, sheet: str, rows: np.ndarray) -> np.ndarray:
    """`source_ids` of a sheet's rows (integers) as an object array of the same texts, joined
    in Arrow: a million in 0.20-0.27 s against 0.40-0.49 s by `source_ids` and an array of its
    list, on the same machine."""
    import pyarrow as pa  # pandas imports it with itself where it is installed
    import pyarrow.compute as pc

    if not len(rows):
        return np.empty(0, dtype=object)
    numbers = pc.cast(pa.array(np.asarray(rows, dtype=np.int64)), pa.large_string())
    joined = pc.binary_join_element_wise(pa.scalar(f"{file}:{sheet}:", pa.large_string()), numbers,
                                         pa.scalar("", pa.large_string()))
    return joined.to_numpy(zero_copy_only=False)

# Canonical fields per input kind; the reader maps headers to these names.
LEDGER_FIELDS = ["date", "voucher", "account", "account_name", "amount_ore", "counterparty",
                 "counterparty_raw", "counterparty_note", "service", "cost_centre", "text", "counterparty_name",
                 "registration_date"]  # optional; empty (NaT) when the ledger has no such column
# Customer numbers (Kundnummer) and supplier numbers (Leverantörsnummer) map the numbers real
# ledgers carry to org. nos. (pipeline.read.numbers); optional, "" where not given.
MEMBER_FIELDS = ["orgnr", "name", "type", "member_from", "member_to", "controlling", "customer_number"]
COUNTERPARTY_FIELDS = ["orgnr", "name", "sector", "controlled_by", "customer_number"]
SERVICE_FIELDS = ["code", "name", "classification", "legal_basis", "member_need", "target_group",
                  "pricing", "decision_date", "decision_reference", "market_assessment",
                  "exclusivity", "allocation_key"]
SUPPLIER_FIELDS = ["orgnr", "name", "procurement_form", "procurement_reference",
                   "contract_from", "contract_to", "category", "supplier_number"]
HISTORY_FIELDS = ["year", "controlling_ore", "total_ore", "source"]
# Governance register (R8): one row per appointment of a formal representative of a member.
GOVERNANCE_FIELDS = ["orgnr", "representative", "role", "body", "appointed_from", "appointed_to",
                     "decision_reference"]
PURCHASE_FIELDS = ["date", "buyer", "supplier_name", "supplier_orgnr", "supplier_orgnr_raw",
                   "supplier_orgnr_note", "invoice", "account", "account_name", "amount_ore"]

# Counterparty categories (R3) and activities (R5), as named in DOMAIN.md.
CONTROLLING = "controlling"
MEMBER_CONTROLLED = "member_controlled"
OTHER_PUBLIC = "other_public"
PRIVATE = "private"
UNKNOWN = "unknown"
CATEGORIES = [CONTROLLING, MEMBER_CONTROLLED, OTHER_PUBLIC, PRIVATE, UNKNOWN]
COST_SHARING = "cost_sharing"
SALES = "sales"
UNASSIGNED = "unassigned"
ACTIVITIES = [COST_SHARING, SALES, UNASSIGNED]
# Line types (pipeline.classify.line_types) that carry activity revenue (R2): sales and fees, and
# grants, which never count as controlling.
ACTIVITY_REVENUE = ("revenue", "grant")
# Why revenue has no activity (R5): no code on the line, a code the catalogue lacks, a catalogue
# service with an empty classification. Revenue given an activity by account range is ACCOUNT_RANGE.
NO_SERVICE_CODE = "no_service_code"
NOT_IN_CATALOGUE = "not_in_catalogue"
UNDECIDED = "undecided"
UNASSIGNED_CAUSES = [NO_SERVICE_CODE, NOT_IN_CATALOGUE, UNDECIDED]
ACCOUNT_RANGE = "account_range"


def filled(count: int, value: object) -> np.ndarray:
    """An object array of `count` references to one value. `np.full(count, "text", dtype=object)`
    makes a new str per element (it goes through a fixed-width string array): a million copies
    of a file name are 65 MB where one reference each is 8 MB."""
    array = np.empty(count, dtype=object)
    array.fill(value)
    return array


def choose(mask: np.ndarray, yes: object, no: object) -> np.ndarray:
    """`np.where(mask, yes, no)` for two values, as an object array of references to them (no
    fixed-width string array, no new str per row)."""
    array = filled(len(mask), no)
    array[np.asarray(mask, dtype=bool)] = yes
    return array


def in_ranges(accounts: pd.Series, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Whether each account lies in one of the inclusive ranges (a chart-of-accounts class)."""
    values = accounts.to_numpy()
    hit = np.zeros(len(values), dtype=bool)
    for lo, hi in ranges:
        hit |= (values >= lo) & (values <= hi)
    return hit


@dataclass(frozen=True)
class Rejected:
    """A row that was read but not used, and why."""

    file: str
    sheet: str
    row: int
    reason: str
    column: str = ""
    raw: str = ""  # the row's cells as text, so the auditor sees what was there
    critical: bool = True  # a critical rejection stops the run (figures would be wrong)
    voucher: str = ""  # a ledger row's voucher as written, so an unbalanced voucher can name it


@dataclass(frozen=True)
class ReadNote:
    """Something the read did that the user is told of although no row was rejected: a header
    matched only as a truncation or misspelling ("Belop" read as amount), or a sheet skipped
    because it holds no table of its kind (a pivot, lookup or notes sheet beside the ledger)."""

    kind: str  # the input kind: "ledger", "members", ...
    file: str
    sheet: str
    what: str  # "fuzzy_header" | "skipped_sheet" | "unread_file" (a data file whose name the read skips)
    header: str = ""  # the header as written (fuzzy_header), the headers found (skipped_sheet)
    field: str = ""  # the field the header was read as (fuzzy_header)


@dataclass
class FileTotals:
    """Control totals of one input file and sheet (R7)."""

    kind: str
    file: str
    sheet: str
    sha256: str
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0  # includes totals rows left out (non-critical, with their reason)
    debit_ore: int = 0
    credit_ore: int = 0
    first_date: str = ""
    last_date: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Inputs:
    """Everything read from one input folder for report year `year`.

    `ledgers` maps a year to its ledger lines (only years with ledger files present).
    `purchases` is the accounts-payable export of the report year, or None.
    """

    folder_name: str
    year: int
    ledgers: dict[int, pd.DataFrame]
    members: pd.DataFrame
    counterparties: pd.DataFrame
    services: pd.DataFrame
    suppliers: pd.DataFrame
    history: pd.DataFrame
    purchases: pd.DataFrame | None
    rejected: list[Rejected] = field(default_factory=list)
    totals: list[FileTotals] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # manifest entries: path, sha256, bytes, rows
    governance: pd.DataFrame | None = None  # the governance register (R8); None when the folder has none
    read_notes: list[ReadNote] = field(default_factory=list)  # fuzzy headers, skipped sheets

# Sheets with instructions for the user in the input templates (pipeline.template); they hold
# no data, so the read stage skips them.
INSTRUCTION_SHEETS = {"sv": "Instruktioner", "en": "Instructions"}


@dataclass
class RawSheet:
    """Cells of one sheet as read. `row_numbers` gives each row's number as the source shows
    it (CSV or SIE line); None means consecutive rows, the first being row `first_row`."""

    file: str
    sheet: str
    rows: list[list[Any]] | np.ndarray  # a list per row, or a 2-D object array (a workbook's sheet)
    row_numbers: list[int] | None = None
    first_row: int = 1
    first_column: int = 0  # 0-based column of the first cell (calamine starts at the used range)
    has_odd_cells: bool = False  # CellError markers are among the cells
    # Read a column at a time (`pipeline.read.fast_xlsx`), not a cell at a time: its values lie
    # together in memory, so the read's frames need no compaction (`pipeline.read.folder.compact`).
    read_by_columns: bool = False
    # Read by columns: column index -> (codes, distinct values) of its cells below the first row,
    # each cell being `values[code]`, so that the parse need not find the distinct values again.
    column_codes: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


class StackedFrames:
    """Frames of the same columns and dtypes, one after the other, read as one table without
    copying them: the table of lines is every classified line of the window's years, and made
    with `pd.concat` it was a copy of every line (about 190 MB and 0.4 s at a million lines).

    It answers what the workbook asks of a table: its length, its columns, and its rows a block
    at a time, `iloc[start:stop]`, a frame equal to that block of the concatenated frame (values,
    dtypes, and the index 0..n-1 of the whole). `concat` builds the whole frame for anyone else.
    Frames whose columns or dtypes differ are refused (`ValueError`): `pd.concat` would give
    them common dtypes, so the caller concatenates them."""

    def __init__(self, frames: Iterable[pd.DataFrame]) -> None:
        self.frames = tuple(frames)
        if not self.frames:
            raise ValueError("StackedFrames needs at least one frame")
        first = self.frames[0]
        for frame in self.frames[1:]:
            if not (frame.columns.equals(first.columns) and frame.dtypes.equals(first.dtypes)):
                raise ValueError("StackedFrames: the frames' columns or dtypes differ")
        self._ends = np.cumsum([len(frame) for frame in self.frames]).tolist()
        self._firsts = [end - len(frame) for frame, end in zip(self.frames, self._ends)]
        self.iloc = _StackedRows(self)

    def __len__(self) -> int:
        return self._ends[-1]

    @property
    def columns(self) -> pd.Index:
        return self.frames[0].columns

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        """Rows start..stop-1 of the whole, 0 <= start <= stop <= len(self)."""
        pieces = [frame.iloc[max(start - first, 0):min(stop, end) - first]
                  for frame, first, end in zip(self.frames, self._firsts, self._ends)
                  if first < stop and start < end]
        if not pieces:
            pieces = [self.frames[0].iloc[0:0]]
        block = pieces[0] if len(pieces) == 1 else pd.concat(pieces, ignore_index=True)
        return block.set_axis(pd.RangeIndex(start, stop), axis=0)

    def concat(self) -> pd.DataFrame:
        return pd.concat(self.frames, ignore_index=True)


class _StackedRows:
    def __init__(self, stacked: StackedFrames) -> None:
        self._stacked = stacked

    def __getitem__(self, rows: slice) -> pd.DataFrame:
        if not isinstance(rows, slice) or rows.step not in (None, 1):
            raise TypeError("StackedFrames.iloc takes a slice of rows (start:stop)")
        start, stop, _ = rows.indices(len(self._stacked))
        return self._stacked.rows(start, max(start, stop))


# A table of the results as the workbook reads it: a frame, or frames stacked.
Table = pd.DataFrame | StackedFrames

# Audit-workbook sheet names (at most 31 characters); figures name the sheet of their rows.
SHEET_LINES = "Huvudbok klassificerad"
SHEET_TECKAL = "Teckal per år"
SHEET_REVENUE_BY_COUNTERPARTY = "Intäkter per motpart"
SHEET_SERVICES = "Särredovisning"
SHEET_FLAGS = "Flaggor"
SHEET_FLAG_ROWS = "Flaggor rader"
SHEET_SUPPLIERS = "Leverantörer"
SHEET_SUPPLIER_FLAGS = "Leverantörsflaggor"
SHEET_SUPPLIER_LINES = "Leverantörsrader"
SHEET_GOVERNANCE = "Styrning per medlem"
SHEET_DIRECT_AWARDS = "Direktupphandling per slag"
SHEET_EVALUATION = "Utvärdering per tjänst"
SHEET_GOVERNANCE_GAPS = "Styrning luckor"
SHEET_REJECTED = "Avvisade rader"
SHEET_TOTALS = "Kontrollsummor"
SHEET_VALIDATION = "Validering"
SHEET_CHANGES = "Förändringar"  # what changed since last year's report (issue 18)
SHEET_LEDGER_CHANGES = "Ändrad huvudbok"  # a prior year's ledger, per account, then and now
