"""One sheet's data rows below its header: the raw cells of each mapped field, the rows'
numbers as the source shows them, and the reasons collected per row.

`build_table` takes the rows below the header row found by `pipeline.read.headers`, drops fully
blank rows and repeated headers (a page break in an export), and rejects Excel error cells.
`Table` is what the builders (`pipeline.read.builders`) parse and reject rows on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import pipeline.read.parse as parse
from pipeline.messages import Text, messages
from pipeline.model import RawSheet, filled
from pipeline.read.headers import HeaderMatch
from pipeline.read.numbers import NumberRegister


@dataclass
class Table:
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
        self.reason = filled(n, "")
        self.column = filled(n, "")
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
        if cells is not None:
            return cells
        # Its one distinct value is known: the parse need not hash a million "" to find it
        # (0.05 s a column a million lines long, and a ledger has several such columns).
        empty = filled(len(self), "")
        parse.know_codes(empty, np.zeros(len(self), dtype=np.intp), np.array([""], dtype=object))
        return empty

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



def object_grid(body: list[list[Any]] | np.ndarray, header_width: int) -> np.ndarray:
    """Rows of cells as a 2-D object array (rows x columns), cells kept as the same objects.
    Without rows, the header's width keeps every mapped column index valid."""
    if isinstance(body, np.ndarray):  # a workbook's sheet is one already (`sheets.read_sheets`)
        return body
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


def row_number(sheet: RawSheet, index: int) -> int:
    return sheet.row_numbers[index] if sheet.row_numbers else sheet.first_row + index


def build_table(sheet: RawSheet, header: HeaderMatch, msg: Text | None = None, fiscal_year: int | None = None) -> Table:
    body = sheet.rows[header.row_index + 1:]
    numbers = (np.asarray(sheet.row_numbers[header.row_index + 1:], dtype=np.int64) if sheet.row_numbers
               else np.arange(len(body), dtype=np.int64) + sheet.first_row + header.row_index + 1)
    # Every reader delivers rectangular rows (calamine's used range; CSV and SIE rows padded
    # to one width), so the body fills one 2-D object array in a single C pass; only the
    # mapped columns are copied out of it.
    grid = object_grid(body, len(sheet.rows[header.row_index]))
    # Copies, also of a sheet of one column or one row, whose column would otherwise be the
    # sheet's own cells.
    mapped = {name: grid[:, index].copy() for name, index in header.columns.items()}
    # A sheet read by columns has each column's codes under its first row: the body's, when the
    # header is that row.
    known = sheet.column_codes if header.row_index == 0 else {}
    codes = {name: known[index] for name, index in header.columns.items() if index in known}
    # A fully blank row (every cell, not just the mapped ones) is not a data row. Each column
    # is only looked at on rows still blank so far, so the cost is about one column's.
    # The first column is looked at whole, as itself, whose codes the parse then knows.
    for name, (column_codes, values) in codes.items():
        parse.know_codes(mapped[name], column_codes, values)
    blank = np.ones(len(body), dtype=bool)
    for column in mapped.values():
        still_blank = np.flatnonzero(blank)
        blank[still_blank] = parse.blank_mask(column if len(still_blank) == len(blank) else column[still_blank])
    unmapped = [i for i in range(grid.shape[1]) if i not in header.columns.values()]
    for row in np.flatnonzero(blank):
        blank[row] = all(parse.is_blank(grid[row, i]) for i in unmapped)
    if blank.any():
        data_rows = np.flatnonzero(~blank)
        numbers = numbers[data_rows]
        cells = {name: column[data_rows] for name, column in mapped.items()}
        codes = {name: (column_codes[data_rows], values) for name, (column_codes, values) in codes.items()}
    else:  # the usual case: no copy of every column
        data_rows = np.arange(len(body))
        cells = mapped
    for name, (column_codes, values) in codes.items():
        parse.know_codes(cells[name], column_codes, values)

    table = Table(sheet, header, cells, numbers, _row_text(body, grid, header, cells, data_rows),
                  msg or messages("en"), fiscal_year)
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


def _row_text(body: list[list[Any]] | np.ndarray, grid: np.ndarray, header: HeaderMatch,
              cells: dict[str, np.ndarray], data_rows: np.ndarray) -> Callable[[int], str]:
    """The whole row of a data row as text, for its rejection record. A workbook's row is put
    together from the table's own columns (and copies of the columns no field maps), not from
    the sheet's cells, so that those can go as soon as the table is built (`folder.read_sheet`:
    at a million lines about 190 MiB less while the frame is made). Rows of a CSV or SIE file
    are their own lists, and stay."""
    if not isinstance(body, np.ndarray):
        return lambda index: " | ".join(parse.cell_text(c) for c in body[data_rows[index]])
    by_index = {index: cells[name] for name, index in header.columns.items()}
    by_index.update({index: grid[data_rows, index] for index in range(grid.shape[1]) if index not in by_index})
    columns = [by_index[index] for index in range(grid.shape[1])]
    return lambda index: " | ".join(parse.cell_text(column[index]) for column in columns)


def _reject_odd_cells(table: Table) -> None:
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

