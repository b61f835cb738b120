"""Write the audit workbook (LOS-underlag-<year>.xlsx) from computed figures and their tables.

The first sheet, "Sammanfattning", lists every headline figure of results.json with the name of
the sheet that holds its rows; "Kolumner" explains each column name; then comes one sheet per
table, in the order given, split over several sheets when it exceeds Excel's row limit.
XlsxWriter writes the workbook itself (styles, summary, column sheet, each table sheet's widths,
frozen header and filter); the table rows are then streamed into the sheets' XML, a block of rows
at a time, each cell's XML built once per distinct value of its column, texts inline in their
cells, each block compressed while the next is built (pipeline/write/xlsx_stream.py, the one
place that knows XlsxWriter's internals). A million-line ledger is written in seconds, not
minutes. Two writes of the same input give the same bytes: the document dates come from the report year (or
SOURCE_DATE_EPOCH) and every zip entry has a fixed timestamp. source_file, source_sheet and
source_row are not written where source_id holds them.

This module only writes what the compute and run stages hand it; it never recomputes a figure.
Money arrives as integer öre (tables) or two-decimal SEK text (figures) and is written as a
number of kronor; text is always written as text, never as a formula, URL or number.
"""

from __future__ import annotations

import io
import math
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.figures import Figures
from pipeline.files import EXCEL_EPOCH
from pipeline.model import (
    SHEET_FLAGS,
    SHEET_GOVERNANCE,
    SHEET_REVENUE_BY_COUNTERPARTY,
    SHEET_SERVICES,
    SHEET_SUPPLIER_FLAGS,
    SHEET_SUPPLIERS,
    SHEET_TECKAL,
)
from pipeline.write.workbook_words import header as shown_header
from pipeline.write.workbook_words import localise_values, shown_value, value_names, window_apart
from pipeline.write.xlsx_stream import StreamedPart, assemble, style_index, worksheet_part

SHEET_SUMMARY = "Sammanfattning"
SHEET_COLUMNS = "Kolumner"
COLUMNS_FILE = Path(__file__).resolve().parents[1] / "data" / "workbook_columns.toml"
EXCEL_MAX_DATA_ROWS = 1_048_575  # 1 048 576 rows per sheet, one of them the header
SHEET_NAME_MAX = 31
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
BLOCK_ROWS = 50_000  # rows turned into cell XML at a time: bounds memory on long tables
# Written once, in source_id ("file:sheet:row"), not again in columns of their own: on a
# million-line ledger these three columns are three million cells the auditor already has.
REDUNDANT_WITH_SOURCE_ID = ("source_file", "source_sheet", "source_row")
WIDTH_SAMPLE_ROWS = 2_000  # column widths are judged on the first rows only: long sheets stay streamed
# A text column whose first rows are at least 90 % distinct is built row by row, not once per
# distinct text: on 50 000 source ids that takes half the time; on a column of 40 % distinct
# free texts it would take twice as long.
MOSTLY_DISTINCT_SHARE = 0.9
MOSTLY_DISTINCT_MIN_ROWS = 100

MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0000%"
RATIO_FORMAT = "0.0000"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"

_EXCEL_EPOCH = EXCEL_EPOCH.astype("datetime64[us]")
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot hold (tab and line feed it can). Carriage return is replaced too:
# XML readers turn a raw CR into LF, and Excel's own _x000D_ escape is not read back by every tool.
_UNWRITABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")

WORDS = {
    "sv": {"language": "sv", "yes": "ja", "no": "nej", "no_share": "ingen andel (total 0)", "missing": "–",
           "key": "nyckel (results.json)", "figure": "uppgift", "value": "värde", "sheet": "flik med rader",
           "column": "kolumnrubrik", "sheets": "flikar", "description": "beskrivning", "not_written": "(ingen flik)"},
    "en": {"language": "en", "yes": "yes", "no": "no", "no_share": "no share (total 0)", "missing": "–",
           "key": "key (results.json)", "figure": "figure", "value": "value", "sheet": "sheet with the rows",
           "column": "column header", "sheets": "sheets", "description": "beskrivning (sv)", "not_written": "(no sheet)"},
}


def write_workbook(path: Path, figures: Figures, tables: dict[str, pd.DataFrame], language: str = "sv",
                   max_rows_per_sheet: int = EXCEL_MAX_DATA_ROWS) -> None:
    """Write the audit workbook to `path` (overwritten). `max_rows_per_sheet` is the number of
    data rows a sheet takes before a table continues on "<name> (2)"; Excel's limit by default."""
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
    formats = _Formats(workbook)
    styles = formats.style_ids()

    summary = summary_rows(figures, first_sheet_of)
    _write_summary(workbook.add_worksheet(SHEET_SUMMARY), summary, words, formats, language)
    _write_column_sheet(workbook.add_worksheet(SHEET_COLUMNS), tables, first_sheet_of, words, formats, language)
    streamed: dict[str, StreamedPart] = {}
    for name, frame in tables.items():
        for sheet_name, start, stop in layout[name]:
            worksheet = workbook.add_worksheet(sheet_name)
            sheet = _StreamedSheet(frame, start, stop, _table_columns(frame, start, stop, words))
            _write_table_frame(worksheet, sheet.columns, stop - start, formats)
            if sheet.columns and stop > start:  # else the header (if any) is the whole sheet
                streamed[worksheet_part(workbook)] = _streamed_part(sheet, words, styles)
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
        starts = list(range(0, rows, max_rows_per_sheet)) or [0]
        parts = []
        for part, start in enumerate(starts, start=1):
            sheet = _unique_sheet_name(base, part, taken)
            taken.add(sheet.lower())
            parts.append((sheet, start, min(start + max_rows_per_sheet, rows)))
        layout[name] = parts
    return layout


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


def visible_text(text: str) -> str:
    """Text with the characters XML cannot hold replaced by their visible Unicode pictures
    (U+0001 -> U+2401 "␁"), so nothing is silently dropped and the file stays valid."""
    return _UNWRITABLE_CHARACTERS.sub(_picture_of, text)


def _picture_of(match: re.Match) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


# ---------------------------------------------------------------------------------------------
# Columns: each table column is turned once, vectorised, into a list of Python values and the
# XlsxWriter call that writes them, so the row loop does no type decisions.

@dataclass
class _Column:
    header: str
    kind: str  # money, share, ratio, date, integer, number, text, mixed
    values: list
    width: int


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.share = workbook.add_format({"num_format": SHARE_FORMAT})
        self.ratio = workbook.add_format({"num_format": RATIO_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.integer = workbook.add_format({"num_format": INTEGER_FORMAT})
        # The streamed rows name their number formats by style index, so every format gets its
        # index now, used by an XlsxWriter cell or not (XlsxWriter leaves unused formats out).
        self._style_ids = {kind: style_index(getattr(self, kind))
                           for kind in ("money", "share", "ratio", "date", "integer")}

    def of(self, kind: str):
        return getattr(self, kind, None)

    def style_ids(self) -> dict[str, int]:
        """Number-format kind -> style index (the `s` attribute of a cell)."""
        return dict(self._style_ids)


def column_header(name: str) -> str:
    """The header as written: money columns are in kronor, so `amount_ore` becomes `amount_sek`."""
    return f"{name[:-4]}_sek" if name.endswith("_ore") else name


def _is_share(name: str) -> bool:
    return name == "share" or name.endswith("_share") or name.startswith("share_")


def _is_money_text(name: str) -> bool:
    return name.endswith("_sek")


# Decimal text that is a plain number (the allocation key's weights): written as a number.
NUMBER_TEXT_COLUMNS = ("key_weight",)


def _for_people(tables: dict[str, pd.DataFrame], language: str) -> dict[str, pd.DataFrame]:
    """The tables as the workbook shows them: the Teckal table's window row apart from its years.
    Other tables are passed on as they are."""
    if SHEET_TECKAL not in tables:
        return tables
    return {name: window_apart(frame, language) if name == SHEET_TECKAL else frame for name, frame in tables.items()}


def _is_ratio(name: str) -> bool:
    return name in ("coverage", "herfindahl") or name.endswith("_coverage")


def _prepare_column(series: pd.Series, name: str, words: dict[str, str]) -> _Column:
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if name.endswith("_ore") and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)):
        kind = "money"
        # Öre / 100 is the double nearest the exact kronor amount (the öre stay exact in the
        # source tables). XlsxWriter prints it with 16 significant digits ("9183837.310000001"),
        # which parses back to that same double, whose shortest form is the exact amount
        # (9183837.31); Excel shows 15 digits. Re-read and rounded to öre, every cell is exact
        # (tested on random amounts up to 10^13 kronor). A Decimal would be written the same way.
        values = _with_blanks((series.to_numpy(dtype="float64", na_value=np.nan) / 100), missing)
    elif pd.api.types.is_bool_dtype(dtype):
        kind = "text"
        values = np.where(series.to_numpy(dtype=bool), words["yes"], words["no"]).tolist()
    elif pd.api.types.is_datetime64_dtype(dtype):
        kind = "date"
        days = (series.to_numpy().astype("datetime64[us]") - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        values = _with_blanks(days, missing)
    elif pd.api.types.is_integer_dtype(dtype):
        kind = "integer"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing, as_int=True)
    elif pd.api.types.is_float_dtype(dtype):
        kind = "share" if _is_share(name) else "ratio" if _is_ratio(name) else "number"
        values = _with_blanks(series.to_numpy(dtype="float64", na_value=np.nan), missing)
    elif pd.api.types.is_string_dtype(dtype) and dtype != object \
            and not (_is_share(name) or _is_ratio(name) or _is_money_text(name) or name in NUMBER_TEXT_COLUMNS):
        kind = "text"
        values = _text_values(series)
    else:
        # Object columns and decimal text (shares, SEK amounts): decided cell by cell.
        kind = ("mixed_share" if _is_share(name) else "mixed_ratio" if _is_ratio(name)
                else "mixed_money" if _is_money_text(name) else "mixed")
        values = [_plain_cell(v, words, name) for v in series.tolist()]
    header = column_header(name)
    return _Column(header, kind, values, _column_width(header, values[:WIDTH_SAMPLE_ROWS], kind))


def _with_blanks(numbers: np.ndarray, missing: np.ndarray, as_int: bool = False) -> list:
    values = numbers.astype("int64").tolist() if as_int and not missing.any() else numbers.tolist()
    if missing.any():
        values = [None if gone else (int(v) if as_int else v) for v, gone in zip(values, missing.tolist())]
    return values


def _text_values(series: pd.Series) -> list:
    missing = series.isna().to_numpy()
    values = series.astype("str").to_numpy(dtype=object, na_value="").tolist()
    joined = "".join(values)
    # One scan in C (isprintable) instead of a regex per text; see text_cells.
    if not joined.isprintable() and _UNWRITABLE_CHARACTERS.search(joined):
        values = [visible_text(v) for v in values]
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing.tolist())]
    return values


def _plain_cell(value: Any, words: dict[str, str], name: str) -> Any:
    """One cell of an object column as None, bool text, int, float, datetime serial or text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return words["yes"] if value else words["no"]
    if isinstance(value, (int, np.integer)):
        return int(value) / 100 if name.endswith("_ore") else int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) / 100 if name.endswith("_ore") else float(value)
    if isinstance(value, Decimal):
        return float(value / 100) if name.endswith("_ore") else float(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return _DateSerial((np.datetime64(pd.Timestamp(value).to_datetime64(), "us") - _EXCEL_EPOCH)
                           / np.timedelta64(1, "D"))
    if (_is_share(name) or _is_ratio(name) or _is_money_text(name) or name in NUMBER_TEXT_COLUMNS) \
            and isinstance(value, str):
        try:
            number = Decimal(value)
            return int(number) if name in NUMBER_TEXT_COLUMNS and number == number.to_integral_value() \
                else float(number)
        except ArithmeticError:
            return visible_text(value)
    return visible_text(shown_value(str(value), value_names(name, words["language"]), words["language"]))


class _DateSerial(float):
    """An Excel date serial found in an object column: written as a number in date format."""


def _column_width(header: str, sample: list, kind: str) -> int:
    if kind == "money":
        longest = max((len(f"{v:,.2f}") for v in sample if v is not None), default=0)
    elif kind == "date":
        longest = 10
    elif kind == "text":
        longest = max(map(len, filter(None, sample)), default=0)  # texts, or None where missing
    else:
        longest = max((len(v) if isinstance(v, str) else len(str(v)) for v in sample if v is not None), default=0)
    return max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, max(len(header), longest) + 2))


def _write_text(worksheet, row: int, col: int, text: str) -> None:
    # XlsxWriter copies a string that looks like "<r>...</r>" into the XML unescaped (it takes it
    # for its own rich-text markup). Written as three plain fragments,
    # the same text is escaped like any other.
    if text.startswith("<r>") and text.endswith("</r>"):
        worksheet.write_rich_string(row, col, text[:1], text[1:-1], text[-1:])
    else:
        worksheet.write_string(row, col, text)


# ---------------------------------------------------------------------------------------------
# Table sheets: XlsxWriter writes each sheet's frame (widths, frozen header, filter, header row);
# the rows are then streamed into that sheet's XML part as the zip is assembled. A column is
# turned into cell XML once per distinct value (pd.factorize) and spread to its rows by numpy
# indexing, so no Python code runs per cell: most ledger columns (dates, accounts, categories,
# line types, the many zero revenues) hold few distinct values. Texts are written in the cell
# (inline strings), so a sheet's rows depend on that table alone.

@dataclass(frozen=True)
class _TableColumn:
    name: str  # column in the frame
    header: str  # as written (money in kronor: _sek)
    kind: str
    width: int
    # Nearly every value in the part's first rows differs (such as source_id): finding the
    # distinct values first would cost more than it saves.
    distinct: bool = False


@dataclass(frozen=True)
class _StreamedSheet:
    frame: pd.DataFrame
    start: int
    stop: int
    columns: list[_TableColumn]


def written_columns(frame: pd.DataFrame) -> list[str]:
    """The table's columns as written: source file, sheet and row only where no source_id holds them."""
    names = [str(name) for name in frame.columns]
    if "source_id" in names:
        return [name for name in names if name not in REDUNDANT_WITH_SOURCE_ID]
    return names


def _table_columns(frame: pd.DataFrame, start: int, stop: int, words: dict[str, str]) -> list[_TableColumn]:
    """Header, kind and width of each written column, judged on the part's first rows."""
    sample = frame.iloc[start:min(stop, start + WIDTH_SAMPLE_ROWS)]
    columns = []
    for name in written_columns(frame):
        prepared = _prepare_column(sample[name], str(name), words)
        distinct = prepared.kind == "text" and len(sample) >= MOSTLY_DISTINCT_MIN_ROWS \
            and sample[name].nunique() >= MOSTLY_DISTINCT_SHARE * len(sample)
        header = shown_header(prepared.header, words["language"])
        width = max(prepared.width, min(MAX_COLUMN_WIDTH, len(header) + 2))
        columns.append(_TableColumn(str(name), header, prepared.kind, width, distinct))
    return columns


def _write_table_frame(worksheet, columns: list[_TableColumn], rows: int, formats: _Formats) -> None:
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column.width)
    worksheet.freeze_panes(1, 0)
    if columns:
        worksheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    for col, column in enumerate(columns):
        worksheet.write_string(0, col, column.header, formats.header)


_EMPTY_CELL = "<c/>"  # holds a missing value's place: cells carry no reference, so position counts
_NUMBER_STYLE_OF_KIND = {"money": "money", "share": "share", "ratio": "ratio", "date": "date",
                         "integer": "integer", "number": None, "mixed_money": "money",
                         "mixed_share": "share", "mixed_ratio": "ratio", "mixed": None}
_NEEDS_PICTURE = _UNWRITABLE_CHARACTERS
_CENTS = np.array([f"{cents:02d}" for cents in range(100)], dtype=object)
_INLINE_OPEN = '<c t="inlineStr"><is><t>'
_INLINE_OPEN_PRESERVE = '<c t="inlineStr"><is><t xml:space="preserve">'
_INLINE_CLOSE = "</t></is></c>"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_cells(texts: pd.Series) -> np.ndarray:
    """Cells for texts, each text in its cell (`<c t="inlineStr">`). An inline string is always
    text, never a formula, whatever it starts with, and needs no workbook-wide string table, so a
    sheet is built from its own rows alone (deflate stores a column's repeated texts compactly).
    A missing or empty text is an empty cell, as XlsxWriter writes it."""
    values = texts.to_numpy(dtype=object, na_value="")
    joined = "".join(values.tolist())
    # isprintable() scans in C many times faster than a regex; it is False for every character
    # that needs a picture, and for every blank but the plain space.
    printable = joined.isprintable()
    if not printable and _NEEDS_PICTURE.search(joined):
        values = np.array([visible_text(text) for text in values.tolist()], dtype=object)
    if "&" in joined or "<" in joined or ">" in joined:
        values = np.array([_xml_text(text) if "&" in text or "<" in text or ">" in text else text
                           for text in values.tolist()], dtype=object)
    cells = _INLINE_OPEN + values + _INLINE_CLOSE
    # Leading or trailing blanks survive only when the element asks XML readers to keep them.
    # Printable texts can only have plain spaces there: two substring scans of the texts joined
    # by NUL (which no written text holds) tell whether any has one.
    separated = "\x00" + "\x00".join(values.tolist()) + "\x00" if printable else ""
    if not printable or "\x00 " in separated or " \x00" in separated:
        edged = np.array([text[:1].isspace() or text[-1:].isspace() for text in values.tolist()], dtype=bool)
        cells[edged] = _INLINE_OPEN_PRESERVE + values[edged] + _INLINE_CLOSE
    cells[values == ""] = _EMPTY_CELL
    return cells


def number_cells(number_texts: np.ndarray, style: int | None) -> np.ndarray:
    open_tag = f'<c s="{style}"><v>' if style else "<c><v>"
    return open_tag + number_texts.astype(object) + "</v></c>"


def kronor_texts(ore: np.ndarray) -> np.ndarray:
    """Öre as exact decimal kronor amounts: -123456 -> "-1234.56". A reader parses each to the
    double nearest that amount, as close as a spreadsheet number gets."""
    ore = np.asarray(ore, dtype=np.int64)
    magnitude = np.abs(ore)
    whole = (magnitude // 100).astype(str).astype(object)
    return np.where(ore < 0, "-", "").astype(object) + whole + "." + _CENTS[magnitude % 100]


def _float_cells(numbers: np.ndarray, style: int | None) -> np.ndarray:
    """Shortest round-trip decimal of each number; an empty cell where it is not finite."""
    numbers = np.asarray(numbers, dtype=np.float64)
    finite = np.isfinite(numbers)
    texts = np.array([repr(number) for number in numbers.tolist()], dtype=object)
    cells = number_cells(texts, style)
    cells[~finite] = _EMPTY_CELL
    return cells


def _spread(series: pd.Series, cells_of: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """Cell XML for every row, built once per distinct value; missing values get the empty cell
    (factorize codes them -1, which picks the last entry)."""
    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    cells = np.empty(len(distinct) + 1, dtype=object)
    cells[:-1] = cells_of(pd.Series(distinct))
    cells[-1] = _EMPTY_CELL
    return cells[codes]


def _money_cells(ore: pd.Series, style: int | None) -> np.ndarray:
    if pd.api.types.is_float_dtype(ore.dtype):
        values = ore.to_numpy(dtype=np.float64)
        if not np.all(values == np.floor(values)):
            return _float_cells(values / 100, style)  # fractions of an öre: not exact money, shown as is
    return number_cells(kronor_texts(ore.to_numpy(dtype=np.int64)), style)


def _date_cells(moments: pd.Series, style: int | None) -> np.ndarray:
    serials = (moments.to_numpy(dtype="datetime64[us]") - _EXCEL_EPOCH) / np.timedelta64(1, "D")
    return _float_cells(serials, style)


def column_cells(series: pd.Series, column: _TableColumn, words: dict[str, str], styles: dict[str, int]) -> np.ndarray:
    """The column's cells as XML, one per row."""
    style = styles.get(_NUMBER_STYLE_OF_KIND.get(column.kind) or "")
    if column.kind == "money":
        return _spread(series, lambda ore: _money_cells(ore, style))
    if column.kind == "date":
        return _spread(series, lambda moments: _date_cells(moments, style))
    if column.kind == "integer":
        return _spread(series, lambda numbers: number_cells(numbers.to_numpy(dtype=np.int64).astype(str), style))
    if column.kind in ("share", "ratio", "number"):
        return _spread(series, lambda numbers: _float_cells(numbers.to_numpy(dtype=np.float64), style))
    if column.kind == "text" and pd.api.types.is_bool_dtype(series.dtype):
        return _spread(series, lambda flags: text_cells(flags.map({True: words["yes"], False: words["no"]})))
    if column.kind == "text" and value_names(column.name, words["language"]):
        return _spread(series, lambda codes: text_cells(localise_values(codes, column.name, words["language"])))
    if column.kind == "text":
        return text_cells(series) if column.distinct else _spread(series, text_cells)
    # Object columns mix types whose values compare equal across types (True == 1 == 1.0), so
    # they are not factorized: each cell is decided on its own. Only small tables have them.
    cells = np.empty(len(series), dtype=object)
    cells[:] = [_mixed_cell(value, style, words, column.name, styles) for value in series.tolist()]
    return cells


def _mixed_cell(value: Any, style: int | None, words: dict[str, str], name: str, styles: dict[str, int]) -> str:
    plain = _plain_cell(value, words, name)
    if plain is None:
        return _EMPTY_CELL
    if isinstance(plain, str):
        return text_cells(pd.Series([plain], dtype=object))[0]
    if isinstance(plain, _DateSerial):
        return _float_cells(np.array([float(plain)]), styles["date"])[0]
    if isinstance(plain, float):
        return _float_cells(np.array([plain]), style)[0]
    return number_cells(np.array([str(plain)], dtype=object), None)[0]


def _streamed_part(sheet: _StreamedSheet, words: dict[str, str], styles: dict[str, int]) -> StreamedPart:
    """A table sheet's rows for the stream: its used range, header row included, and its rows."""
    rows = sheet.stop - sheet.start
    used_range = f"A1:{xl_col_to_name(len(sheet.columns) - 1)}{rows + 1}" if sheet.columns and rows else ""
    return StreamedPart(used_range, lambda: sheet_rows_xml(sheet, words, styles))


def sheet_rows_xml(sheet: _StreamedSheet, words: dict[str, str], styles: dict[str, int]):
    """The sheet's data rows as UTF-8 XML, BLOCK_ROWS rows per chunk (row 1 is the header)."""
    for block_start in range(sheet.start, sheet.stop, BLOCK_ROWS):
        block = sheet.frame.iloc[block_start:min(sheet.stop, block_start + BLOCK_ROWS)]
        first_row = block_start - sheet.start + 2
        row_open = [f'<row r="{row}">' for row in range(first_row, first_row + len(block))]
        cells = [column_cells(block[column.name], column, words, styles) for column in sheet.columns]
        # One join per block: str.join is several times faster than bytes.join on a million parts.
        yield "".join(chain.from_iterable(zip(row_open, *cells, repeat("</row>")))).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Summary sheet: one row per headline figure, with the sheet that holds its rows.

@dataclass(frozen=True)
class SummaryRow:
    key: str  # dotted path in results.json
    label_sv: str
    label_en: str
    value: Any
    kind: str  # money, share, ratio, integer, text, bool
    sheet: str  # sheet name as written, or "" when the figure has no rows of its own


def _kind_of(key: str, value: Any) -> str:
    last = key.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return "bool"
    if last.endswith("_sek"):
        return "money"
    if last in ("share", "window_share", "window_private_share", "mean_share", "threshold", "top_share") or last.startswith("window_share_"):
        return "share"
    if last in ("coverage", "herfindahl"):
        return "ratio"
    if isinstance(value, int):
        return "integer"
    return "text"


ACTIVITY_NAMES = {"cost_sharing": ("samverkan", "cost sharing"), "sales": ("säljverksamhet", "sales activity"),
                  "unassigned": ("ej tilldelad", "unassigned")}


def summary_rows(figures: Figures, sheet_of: dict[str, str]) -> list[SummaryRow]:
    """The summary sheet's rows, in reading order. Each value is read from the figures by
    attribute; its key is where results.json holds it (a test checks the two agree). `sheet_of`
    maps a table name to the sheet it was written to; a table not written gives an empty name."""
    rows: list[SummaryRow] = []

    def add(key: str, value: Any, sv: str, en: str, sheet_table: str = "") -> None:
        rows.append(SummaryRow(key, sv, en, value, _kind_of(key, value), sheet_of.get(sheet_table, "")))

    f, teckal = figures, figures.teckal
    add("organisation", f.organisation, "Organisation", "Organisation")
    add("organisation_orgnr", f.organisation_orgnr, "Organisationsnummer", "Organisation number")
    add("year", f.year, "Redovisningsår", "Report year")
    if teckal.criteria is not None:
        criteria = teckal.criteria
        add("teckal.exemption_holds", teckal.exemption_holds, "Teckal-undantaget håller (alla tre kriterierna)",
            "Teckal exemption holds (all three criteria)", SHEET_TECKAL)
        add("teckal.criteria.activity.status", criteria.activity.status, "Teckal: verksamhetskriteriet",
            "Teckal: activity criterion", SHEET_TECKAL)
        add("teckal.criteria.control.status", criteria.control.status, "Teckal: kontrollkriteriet",
            "Teckal: control criterion", SHEET_GOVERNANCE)
        add("teckal.criteria.private_capital.status", criteria.private_capital.status, "Teckal: privat kapital",
            "Teckal: private capital", SHEET_GOVERNANCE)
    add("teckal.met", teckal.met, "Teckal: mer än 80 % för kontrollerande medlemmar", "Teckal: more than 80 % for controlling members", SHEET_TECKAL)
    add("teckal.review", teckal.review, "Teckal: inom granskningsmarginalen", "Teckal: within the review band", SHEET_TECKAL)
    add("teckal.threshold", teckal.threshold, "Teckal: tröskel", "Teckal: threshold")
    add("teckal.window_share", teckal.window_share, "Teckal: andel över treårsfönstret", "Teckal: three-year window share", SHEET_TECKAL)
    add("teckal.mean_share", teckal.mean_share, "Teckal: medelvärde av årsandelarna", "Teckal: mean of the yearly shares", SHEET_TECKAL)
    add("teckal.years_count", teckal.years_count, "Teckal: antal år i fönstret", "Teckal: years in the window", SHEET_TECKAL)
    for i, year in enumerate(teckal.years):
        y = year.year
        add(f"teckal.years.{i}.controlling_sek", year.controlling_sek, f"{y}: intäkter från kontrollerande", f"{y}: controlling revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.total_sek", year.total_sek, f"{y}: totala verksamhetsintäkter", f"{y}: total activity revenue", SHEET_TECKAL)
        add(f"teckal.years.{i}.share", year.share, f"{y}: andel", f"{y}: share", SHEET_TECKAL)
        add(f"teckal.years.{i}.source", year.source, f"{y}: källa", f"{y}: source", SHEET_TECKAL)
    add("teckal.window_controlling_sek", teckal.window_controlling_sek, "Fönstret: intäkter från kontrollerande", "Window: controlling revenue", SHEET_TECKAL)
    add("teckal.window_total_sek", teckal.window_total_sek, "Fönstret: totala verksamhetsintäkter", "Window: total activity revenue", SHEET_TECKAL)
    add("teckal.headroom_sek", teckal.headroom_sek, "Teckal: utrymme för annan försäljning", "Teckal: headroom for other revenue", SHEET_TECKAL)
    add("teckal.next_year_headroom_sek", teckal.next_year_headroom_sek, "Teckal: utrymme nästa år", "Teckal: headroom next year", SHEET_TECKAL)
    add("teckal.controlling_needed_sek", teckal.controlling_needed_sek, "Teckal: minsta ytterligare medlemsintäkt som behövs",
        "Teckal: smallest extra member revenue needed", SHEET_TECKAL)
    add("teckal.provisional", teckal.provisional, "Teckal: preliminär (färre än tre år)",
        "Teckal: provisional (fewer than three years)", SHEET_TECKAL)
    add("teckal.cost_based.share", teckal.cost_based.share, "Teckal: kostnadsbaserad andel", "Teckal: cost-based share", SHEET_SERVICES)
    add("teckal.cost_based.window_share", teckal.cost_based.window_share, "Teckal: kostnadsbaserad andel, treårsfönstret",
        "Teckal: cost-based share, three-year window", SHEET_SERVICES)
    for activity, (sv, en) in ACTIVITY_NAMES.items():
        totals = f.activities.of(activity)
        add(f"activities.{activity}.revenue_sek", totals.revenue_sek, f"{sv.capitalize()}: intäkter", f"{en.capitalize()}: revenue", SHEET_SERVICES)
        add(f"activities.{activity}.full_cost_sek", totals.full_cost_sek, f"{sv.capitalize()}: självkostnad", f"{en.capitalize()}: full cost", SHEET_SERVICES)
        add(f"activities.{activity}.result_sek", totals.result_sek, f"{sv.capitalize()}: resultat", f"{en.capitalize()}: result", SHEET_SERVICES)
        add(f"activities.{activity}.coverage", totals.coverage, f"{sv.capitalize()}: kostnadstäckning", f"{en.capitalize()}: cost coverage", SHEET_SERVICES)
    by_cause = f.activities.unassigned.by_cause or {}
    for cause, sv, en in (("no_service_code", "utan tjänstekod", "no service code"),
                          ("not_in_catalogue", "kod saknas i katalogen", "code not in the catalogue"),
                          ("undecided", "tjänst utan beslut", "service without a decision")):
        if cause in by_cause:
            add(f"activities.unassigned.by_cause.{cause}.revenue_sek", by_cause[cause].revenue_sek,
                f"Utan verksamhet, {sv}: intäkter", f"No activity, {en}: revenue", SHEET_SERVICES)
    market = f.open_market
    add("open_market.share", market.share, "Andel från privata motparter (rapportåret)", "Private share (report year)",
        SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.window_share", market.window_share, "Hamburg: andel utanför samarbetet, treårsfönstret",
        "Hamburg: share outside the cooperation, three-year window", SHEET_TECKAL)
    add("open_market.window_private_share", market.window_private_share, "Hamburg: därav privata, treårsfönstret",
        "Hamburg: of which private, three-year window", SHEET_REVENUE_BY_COUNTERPARTY)
    add("open_market.threshold", market.threshold, "Hamburg: tröskel (under)", "Hamburg: threshold (below)")
    add("open_market.met", market.met, "Hamburg: andelen utanför samarbetet är under tröskeln",
        "Hamburg: the share outside the cooperation is below the threshold", SHEET_TECKAL)
    add("open_market.private_sek", market.private_sek, "Intäkter från privata motparter", "Revenue from private counterparties", SHEET_REVENUE_BY_COUNTERPARTY)
    s = f.suppliers
    add("suppliers.source", s.source, "Leverantörer: källa", "Suppliers: source", SHEET_SUPPLIERS)
    add("suppliers.spend_sek", s.spend_sek, "Leverantörer: inköp totalt", "Suppliers: total spend", SHEET_SUPPLIERS)
    add("suppliers.market_spend_sek", s.market_spend_sek, "Leverantörer: inköp från marknaden", "Suppliers: market spend", SHEET_SUPPLIERS)
    add("suppliers.member_spend_sek", s.member_spend_sek, "Leverantörer: inköp från medlemmar", "Suppliers: spend with members", SHEET_SUPPLIERS)
    add("suppliers.count", s.count, "Leverantörer: antal", "Suppliers: count", SHEET_SUPPLIERS)
    add("suppliers.flagged", s.flagged, "Leverantörer: flaggade", "Suppliers: flagged", SHEET_SUPPLIER_FLAGS)
    rows.append(SummaryRow("flags", "Flaggor: antal", "Flags: count", len(f.flags), "integer", sheet_of.get(SHEET_FLAGS, "")))
    quality = f.data_quality
    totals_table = quality.control_totals_sheet if quality else ""
    for key, sv, en in (("ledger_read", "Huvudbok: rader lästa", "Ledger: rows read"),
                        ("ledger_used", "Huvudbok: rader använda", "Ledger: rows used"),
                        ("ledger_rejected", "Huvudbok: rader avvisade", "Ledger: rows rejected"),
                        ("purchases_read", "Leverantörsreskontra: rader lästa", "Purchases: rows read"),
                        ("purchases_used", "Leverantörsreskontra: rader använda", "Purchases: rows used"),
                        ("purchases_rejected", "Leverantörsreskontra: rader avvisade", "Purchases: rows rejected")):
        add(f"rows.{key}", getattr(f.rows, key), sv, en, totals_table)
    if quality:
        add("data_quality.rejected.total", quality.rejected.total, "Avvisade rader totalt", "Rejected rows in total",
            quality.rejected.sheet)
    return rows


def _write_summary(worksheet, rows: list[SummaryRow], words: dict[str, str], formats: _Formats,
                   language: str) -> None:
    worksheet.set_column(0, 0, 34)
    worksheet.set_column(1, 1, 52)
    worksheet.set_column(2, 2, 20)
    worksheet.set_column(3, 3, 28)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(rows), 1), 3)
    for col, header in enumerate((words["key"], words["figure"], words["value"], words["sheet"])):
        worksheet.write_string(0, col, header, formats.header)
    for r, row in enumerate(rows, start=1):
        worksheet.write_string(r, 0, row.key)
        worksheet.write_string(r, 1, row.label_en if language == "en" else row.label_sv)
        _write_figure(worksheet, r, 2, row, words, formats)
        if row.sheet:
            # An internal link takes the auditor to the rows; the sheet name stays readable text.
            quoted = row.sheet.replace("'", "''")
            worksheet.write_url(r, 3, f"internal:'{quoted}'!A1", string=row.sheet)
        else:
            worksheet.write_string(r, 3, words["missing"])


def _write_figure(worksheet, row: int, col: int, figure: SummaryRow, words: dict[str, str],
                  formats: _Formats) -> None:
    value = figure.value
    if value is None:
        text = words["no_share"] if figure.kind in ("share", "ratio") else words["missing"]
        worksheet.write_string(row, col, text)
    elif figure.kind == "bool":
        worksheet.write_string(row, col, words["yes"] if value else words["no"])
    elif figure.kind in ("money", "share", "ratio"):
        # Figures arrive as exact decimal text; the number written is that text's nearest double,
        # which XlsxWriter prints back as the same decimal.
        worksheet.write_number(row, col, float(Decimal(str(value))), formats.of(figure.kind))
    elif figure.kind == "integer":
        worksheet.write_number(row, col, int(value), formats.integer)
    else:
        names = value_names(figure.key.rsplit(".", 1)[-1], words["language"])
        _write_text(worksheet, row, col, visible_text(shown_value(str(value), names, words["language"])))


# ---------------------------------------------------------------------------------------------
# Column sheet: every column name written, what it holds, and on which sheets it appears.

def column_descriptions() -> dict[str, dict[str, str]]:
    """Column name (as written) -> {"sv": ..., "en": ...}, from the shipped data file."""
    text = COLUMNS_FILE.read_text(encoding="utf-8")
    return tomllib.loads(text)["columns"]


def describe_column(header: str, descriptions: dict[str, dict[str, str]]) -> dict[str, str]:
    """The column's description; a money column not listed is described from its base name."""
    if header in descriptions:
        return descriptions[header]
    if header.endswith("_sek"):
        base = header[:-4].replace("_", " ")
        return {"sv": f"Belopp i kronor: {base}", "en": f"Amount in SEK: {base}"}
    return {"sv": "", "en": ""}


def _write_column_sheet(worksheet, tables: dict[str, pd.DataFrame], sheet_of: dict[str, str],
                        words: dict[str, str], formats: _Formats, language: str) -> None:
    descriptions = column_descriptions()
    sheets_of_column: dict[str, list[str]] = {}
    for name, frame in tables.items():
        for column in written_columns(frame):
            sheets_of_column.setdefault(column_header(column), []).append(sheet_of[name])
    # The header people read, then the key it stands for in results.json and the tables.
    headers = [words["column"], words["key"], words["description"], words["sheets"]]
    if language == "en":
        headers.insert(2, "description")
    worksheet.set_column(0, 0, 30)
    worksheet.set_column(1, 1, 26)
    worksheet.set_column(2, len(headers) - 2, 70)
    worksheet.set_column(len(headers) - 1, len(headers) - 1, 60)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(sheets_of_column), 1), len(headers) - 1)
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, formats.header)
    for r, column in enumerate(sorted(sheets_of_column, key=lambda c: (shown_header(c, language).lower(), c)),
                               start=1):
        described = describe_column(column, descriptions)
        cells = [shown_header(column, language), column, described["sv"], ", ".join(sheets_of_column[column])]
        if language == "en":
            cells.insert(2, described["en"])
        for col, text in enumerate(cells):
            _write_text(worksheet, r, col, visible_text(text))
