"""Write the audit workbook (LOS-underlag-<year>.xlsx) from computed figures and their tables.

The first sheet, "Sammanfattning", lists every headline figure of results.json with the name of
the sheet that holds its rows; "Kolumner" explains each column name; then comes one sheet per
table, in the order given, split over several sheets when it exceeds Excel's row limit.
XlsxWriter writes the workbook itself (styles, summary, column sheet, each table sheet's widths,
frozen header and filter); the table rows are then streamed into the sheets' XML, a block of rows
at a time, each cell's XML built once per distinct value of its column, texts inline in their
cells, each block compressed while the next is built (pipeline/write/xlsx_stream.py, the one
place that knows XlsxWriter's internals). The rows of the tables at hand can be built before the
workbook is written (`rows_ahead`: the run does it while it waits for the validation), and
`write_workbook` takes them where they still hold. The rows are built in `workbook_rows`, the
summary and the column key in `workbook_summary`, and both take their formats and cell values
from `workbook_values`. A million-line ledger is written in seconds, not minutes. Two writes of
the same input give the same bytes: the document dates come from the report year (or
SOURCE_DATE_EPOCH) and every zip entry has a fixed timestamp. source_file, source_sheet and
source_row are not written where source_id holds them.

This module only writes what the compute and run stages hand it; it never recomputes a figure.
Money arrives as integer öre (tables) or two-decimal SEK text (figures) and is written as a
number of kronor; text is always written as text, never as a formula, URL or number.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.figures import Figures
from pipeline.model import SHEET_TECKAL, Table
from pipeline.write.workbook_rows import StreamedSheet, streamed_part, table_columns, write_table_frame
from pipeline.write.workbook_summary import summary_rows, write_column_sheet, write_summary
from pipeline.write.workbook_values import Formats
from pipeline.write.workbook_words import window_apart
from pipeline.write.xlsx_stream import StreamedPart, assemble, worksheet_part

SHEET_SUMMARY = "Sammanfattning"
SHEET_COLUMNS = "Kolumner"
EXCEL_MAX_DATA_ROWS = 1_048_575  # 1 048 576 rows per sheet, one of them the header
SHEET_NAME_MAX = 31
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

WORDS = {
    "sv": {"language": "sv", "yes": "ja", "no": "nej", "no_share": "ingen andel (total 0)", "missing": "–",
           "key": "nyckel (results.json)", "figure": "uppgift", "value": "värde", "sheet": "flik med rader",
           "column": "kolumnrubrik", "sheets": "flikar", "description": "beskrivning", "not_written": "(ingen flik)"},
    "en": {"language": "en", "yes": "yes", "no": "no", "no_share": "no share (total 0)", "missing": "–",
           "key": "key (results.json)", "figure": "figure", "value": "value", "sheet": "sheet with the rows",
           "column": "column header", "sheets": "sheets", "description": "beskrivning (sv)", "not_written": "(no sheet)"},
}


@dataclass
class RowsAhead:
    """Table sheets' rows built before the workbook is written (`rows_ahead`), by table name and
    rows (first, end), with the frame each was built from. `write_workbook` takes a part only
    where the same frame gives the same sheet in the same language and styles, and takes each
    once: the rows' memory goes as the workbook is written."""

    language: str
    styles: dict[str, int]
    max_rows_per_sheet: int
    parts: dict[tuple[str, int, int], tuple[Table, StreamedPart]] = field(default_factory=dict)

    def take(self, name: str, start: int, stop: int, frame: Table) -> StreamedPart | None:
        built = self.parts.pop((name, start, stop), None)
        return built[1] if built is not None and built[0] is frame else None


def rows_ahead(tables: dict[str, Table], language: str = "sv",
               max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS) -> RowsAhead:
    """The data rows of each table's sheets as `write_workbook` streams them, built now. The run
    builds those of the tables it has while it waits for the validation (pipeline.run); the
    tables added after it are built as the workbook is written. The rows are held as the cell
    XML, uncompressed: about 90 MiB for the 135 000 lines of a 100 000-line year's window."""
    words = WORDS[language]
    ahead = RowsAhead(language, _style_ids(), max_rows_per_sheet)
    shown = _for_people(tables, language)
    for name, frame in tables.items():
        if shown[name] is not frame:
            continue  # written as shown, made anew when written: nothing to build ahead
        for start, stop in _row_ranges(len(frame), max_rows_per_sheet):
            sheet = StreamedSheet(frame, start, stop, table_columns(frame, start, stop, words))
            if sheet.columns and stop > start:
                part = streamed_part(sheet, words, ahead.styles)
                chunks = list(part.rows())
                ahead.parts[(name, start, stop)] = (frame, StreamedPart(part.used_range, lambda c=chunks: iter(c)))
    return ahead


def _style_ids() -> dict[str, int]:
    """The style indexes every workbook's table rows get (`Formats` gives them in a fixed order)."""
    return Formats(xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})).style_ids()


def write_workbook(path: Path, figures: Figures, tables: dict[str, Table], language: str = "sv",
                   max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS, ahead: RowsAhead | None = None) -> None:
    """Write the audit workbook to `path` (overwritten). `max_rows_per_sheet` is the number of
    data rows a sheet takes before a table continues on "<name> (2)"; Excel's limit by default.
    `ahead`: rows already built (`rows_ahead`); the bytes are the same with or without them."""
    if language not in WORDS:
        raise ValueError(f"language must be one of {sorted(WORDS)}, not {language!r}")
    if not 1 <= max_rows_per_sheet <= EXCEL_MAX_DATA_ROWS:
        raise ValueError(f"max_rows_per_sheet must be 1..{EXCEL_MAX_DATA_ROWS}")
    words = WORDS[language]
    tables = _for_people(tables, language)
    layout = plan_sheets({name: len(frame) for name, frame in tables.items()}, max_rows_per_sheet)
    first_sheet_of = {name: parts[0][0] for name, parts in layout.items()}

    # XlsxWriter writes the workbook with each table sheet's frame (widths, frozen header row,
    # filter, header) but no data rows; those are streamed in as the parts are copied to `path`.
    frames_only = io.BytesIO()
    workbook = xlsxwriter.Workbook(frames_only, {
        "in_memory": True,  # no temporary file per part
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    workbook.set_properties({
        "title": f"LOS-underlag {figures.year}",
        "subject": "Underlag till LOS-utvärderingen (Teckal, särredovisning, leverantörer)",
        "author": figures.organisation,
        "company": figures.organisation,
        "created": document_date(figures.year),
    })
    formats = Formats(workbook)
    styles = formats.style_ids()
    if ahead is not None and (ahead.language, ahead.styles, ahead.max_rows_per_sheet) != (
            language, styles, max_rows_per_sheet):
        ahead = None

    summary = summary_rows(figures, first_sheet_of)
    write_summary(workbook.add_worksheet(SHEET_SUMMARY), summary, words, formats, language)
    write_column_sheet(workbook.add_worksheet(SHEET_COLUMNS), tables, first_sheet_of, words, formats, language)
    streamed: dict[str, StreamedPart] = {}
    for name, frame in tables.items():
        for sheet_name, start, stop in layout[name]:
            worksheet = workbook.add_worksheet(sheet_name)
            sheet = StreamedSheet(frame, start, stop, table_columns(frame, start, stop, words))
            write_table_frame(worksheet, sheet.columns, stop - start, formats)
            if sheet.columns and stop > start:  # else the header (if any) is the whole sheet
                built = ahead.take(name, start, stop, frame) if ahead is not None else None
                streamed[worksheet_part(workbook)] = built or streamed_part(sheet, words, styles)
    workbook.close()
    assemble(path, frames_only.getvalue(), streamed)


def document_date(year: Any) -> datetime:
    """The workbook's creation date: SOURCE_DATE_EPOCH if set, else Dec 31 of the report year, so a
    re-run gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return datetime(int(year), 12, 31) if year else datetime(1980, 1, 1)


def plan_sheets(row_counts: dict[str, int], max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS,
                reserved: tuple[str, ...] = (SHEET_SUMMARY, SHEET_COLUMNS)) -> dict[str, list[tuple[str, int, int]]]:
    """Table name -> [(sheet name, first row, end row)]: valid, unique sheet names, a table longer
    than `max_rows_per_sheet` continued on "<name> (2)", "<name> (3)", ... An empty table still
    gets one sheet (its header), so the auditor sees that nothing was there."""
    taken = {name.lower() for name in reserved}
    layout: dict[str, list[tuple[str, int, int]]] = {}
    for name, rows in row_counts.items():
        base = _clean_sheet_name(name)
        parts = []
        for part, (start, stop) in enumerate(_row_ranges(rows, max_rows_per_sheet), start=1):
            sheet = _unique_sheet_name(base, part, taken)
            taken.add(sheet.lower())
            parts.append((sheet, start, stop))
        layout[name] = parts
    return layout


def _row_ranges(rows: int, max_rows_per_sheet: int) -> list[tuple[int, int]]:
    """A table's rows (first, end) on each of its sheets; (0, 0) for an empty table."""
    return [(start, min(start + max_rows_per_sheet, rows)) for start in range(0, rows, max_rows_per_sheet)] or [(0, 0)]


def _clean_sheet_name(name: str) -> str:
    cleaned = _FORBIDDEN_IN_SHEET_NAME.sub("_", str(name)).strip().strip("'")
    return cleaned or "Blad"


def _unique_sheet_name(base: str, part: int, taken: set[str]) -> str:
    """`base` for part 1, "base (n)" after; shortened to fit 31 characters; Excel compares sheet
    names case-insensitively, so uniqueness is checked that way too."""
    suffix_number = part
    while True:
        suffix = "" if suffix_number == 1 else f" ({suffix_number})"
        candidate = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        if candidate.lower() not in taken:
            return candidate
        suffix_number += 1


def _for_people(tables: dict[str, Table], language: str) -> dict[str, Table]:
    """The tables as the workbook shows them: the Teckal table's window row apart from its years.
    Other tables are passed on as they are."""
    if SHEET_TECKAL not in tables:
        return tables
    return {name: window_apart(frame, language) if name == SHEET_TECKAL else frame for name, frame in tables.items()}
