"""The table sheets' rows, streamed as cell XML (`pipeline.write.workbook`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.utility import xl_col_to_name

from pipeline.columns import factorize
from pipeline.model import Table
from pipeline.write.workbook_values import (
    EXCEL_EPOCH_US,
    MAX_COLUMN_WIDTH,
    UNWRITABLE_CHARACTERS,
    WIDTH_SAMPLE_ROWS,
    DateSerial,
    Formats,
    plain_cell,
    prepare_column,
    visible_text,
)
from pipeline.write.workbook_words import header as shown_header
from pipeline.write.workbook_words import localise_values, value_names
from pipeline.write.xlsx_stream import StreamedPart

BLOCK_ROWS = 50_000  # rows turned into cell XML at a time at most: bounds memory on long tables
# A block's UTF-8 XML is kept under this size too, judged on the block before (the first has
# FIRST_BLOCK_ROWS rows). Measured on a million-line ledger, the workbook alone: 2.05 s with
# 24 MiB blocks, 2.25 s with 8 MiB ones, 2.4 s with 64 MiB ones of up to 200 000 rows.
BLOCK_BYTES = 24 << 20
FIRST_BLOCK_ROWS = 10_000
# Written once, in source_id ("file:sheet:row"), not again in columns of their own: on a
# million-line ledger these three columns are three million cells the auditor already has.
REDUNDANT_WITH_SOURCE_ID = ("source_file", "source_sheet", "source_row")
# A text column whose first rows are at least 90 % distinct is built row by row, not once per
# distinct text: on 50 000 source ids that takes half the time; on a column of 40 % distinct
# free texts it would take twice as long.
MOSTLY_DISTINCT_SHARE = 0.9
MOSTLY_DISTINCT_MIN_ROWS = 100


# ---------------------------------------------------------------------------------------------
# Table sheets: XlsxWriter writes each sheet's frame (widths, frozen header, filter, header row);
# the rows are then streamed into that sheet's XML part as the zip is assembled. A column is
# turned into cell XML once per distinct value (pd.factorize) and spread to its rows by an Arrow
# `take`, so no Python code runs per cell: most ledger columns (dates, accounts, categories,
# line types, the many zero revenues) hold few distinct values. Each row's cells are joined in
# Arrow too, and a block's rows go to the zip as the bytes Arrow holds them in, never as Python
# texts: at a million lines the workbook takes 2.1 s instead of 3.3 s alone, and the deflate
# thread meets no interpreter lock. Texts are written in the cell (inline strings), so a
# sheet's rows depend on that table alone.

@dataclass(frozen=True)
class TableColumn:
    name: str  # column in the frame
    header: str  # as written (money in kronor: _sek)
    kind: str
    width: int
    # Nearly every value in the part's first rows differs (such as source_id): finding the
    # distinct values first would cost more than it saves.
    distinct: bool = False


@dataclass(frozen=True)
class StreamedSheet:
    frame: Table  # a frame, or frames stacked (the table of lines)
    start: int
    stop: int
    columns: list[TableColumn]


def written_columns(frame: Table) -> list[str]:
    """The table's columns as written: source file, sheet and row only where no source_id holds them."""
    names = [str(name) for name in frame.columns]
    if "source_id" in names:
        return [name for name in names if name not in REDUNDANT_WITH_SOURCE_ID]
    return names


def table_columns(frame: Table, start: int, stop: int, words: dict[str, str]) -> list[TableColumn]:
    """Header, kind and width of each written column, judged on the part's first rows."""
    sample = frame.iloc[start:min(stop, start + WIDTH_SAMPLE_ROWS)]
    columns = []
    for name in written_columns(frame):
        prepared = prepare_column(sample[name], str(name), words)
        distinct = prepared.kind == "text" and len(sample) >= MOSTLY_DISTINCT_MIN_ROWS \
            and sample[name].nunique() >= MOSTLY_DISTINCT_SHARE * len(sample)
        header = shown_header(prepared.header, words["language"])
        width = max(prepared.width, min(MAX_COLUMN_WIDTH, len(header) + 2))
        columns.append(TableColumn(str(name), header, prepared.kind, width, distinct))
    return columns


def write_table_frame(worksheet, columns: list[TableColumn], rows: int, formats: Formats) -> None:
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
_NEEDS_PICTURE = UNWRITABLE_CHARACTERS
_CENTS = pa.array([f"{cents:02d}" for cents in range(100)], type=pa.string())
_INLINE_OPEN = '<c t="inlineStr"><is><t>'
_INLINE_OPEN_PRESERVE = '<c t="inlineStr"><is><t xml:space="preserve">'
_INLINE_CLOSE = "</t></is></c>"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _join(*parts: Any) -> pa.StringArray:
    """Row by row, the parts (texts, or string arrays of one length) joined without separator;
    in Arrow's C++, outside the interpreter lock."""
    return pc.binary_join_element_wise(*parts, "")


def text_cells(texts: pd.Series) -> pa.StringArray:
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
    strings = pa.array(values, type=pa.string())
    cells = _join(_INLINE_OPEN, strings, _INLINE_CLOSE)
    # Leading or trailing blanks survive only when the element asks XML readers to keep them.
    # Printable texts can only have plain spaces there, which Arrow finds without the interpreter
    # (a million source ids in 0.26-0.37 s against 0.40-0.50 s by joining the texts with NUL
    # and searching that); other texts are looked at one by one.
    if printable:
        edged = pc.or_(pc.starts_with(strings, " "), pc.ends_with(strings, " "))
        any_edged = pc.any(edged).as_py()
    else:
        edged = np.array([text[:1].isspace() or text[-1:].isspace() for text in values.tolist()], dtype=bool)
        any_edged = edged.any()
    if any_edged:
        cells = pc.if_else(edged, _join(_INLINE_OPEN_PRESERVE, strings, _INLINE_CLOSE), cells)
    empty = pc.equal(strings, "")
    return pc.if_else(empty, _EMPTY_CELL, cells) if pc.any(empty).as_py() else cells


def number_cells(number_texts: np.ndarray | list[str] | pa.StringArray, style: int | None) -> pa.StringArray:
    open_tag = f'<c s="{style}"><v>' if style else "<c><v>"
    if not isinstance(number_texts, pa.Array):
        number_texts = pa.array(np.asarray(number_texts, dtype=object), type=pa.string())
    return _join(open_tag, number_texts, "</v></c>")


def kronor_texts(ore: np.ndarray) -> pa.StringArray:
    """Öre as exact decimal kronor amounts: -123456 -> "-1234.56". A reader parses each to the
    double nearest that amount, as close as a spreadsheet number gets. Made in Arrow: a million
    distinct amounts in 0.24-0.26 s against 0.74-0.80 s as numpy object texts."""
    ore = np.asarray(ore, dtype=np.int64)
    magnitude = np.abs(ore)
    whole = pa.array(magnitude // 100).cast(pa.string())
    sign = pc.if_else(pa.array(ore < 0), "-", "")
    return _join(sign, whole, ".", _CENTS.take(pa.array(magnitude % 100)))


def _float_cells(numbers: np.ndarray, style: int | None) -> pa.StringArray:
    """Shortest round-trip decimal of each number; an empty cell where it is not finite."""
    numbers = np.asarray(numbers, dtype=np.float64)
    finite = np.isfinite(numbers)
    cells = number_cells([repr(number) for number in numbers.tolist()], style)
    return cells if finite.all() else pc.if_else(finite, cells, _EMPTY_CELL)


def _spread(series: pd.Series, cells_of: Callable[[pd.Series], pa.StringArray]) -> pa.StringArray:
    """Cell XML for every row, built once per distinct value and taken to the rows in Arrow;
    missing values (factorize codes them -1) get the empty cell, put last."""
    # The same text objects in a plain object array are factorised in half the time pandas takes
    # for its "str" column (0.04 s against 0.10 s a million lines of one ledger column), and by
    # their objects first (`columns.factorize`) in half that again where the texts repeat.
    if isinstance(series.dtype, pd.StringDtype):
        codes, distinct = factorize(series.to_numpy(dtype=object))
    else:
        codes, distinct = pd.factorize(series, use_na_sentinel=True)
    cells = pa.concat_arrays([cells_of(pd.Series(distinct)), pa.array([_EMPTY_CELL], type=pa.string())])
    return cells.take(np.where(codes < 0, len(distinct), codes))


def _money_cells(ore: pd.Series, style: int | None) -> pa.StringArray:
    if pd.api.types.is_float_dtype(ore.dtype):
        values = ore.to_numpy(dtype=np.float64)
        if not np.all(values == np.floor(values)):
            return _float_cells(values / 100, style)  # fractions of an öre: not exact money, shown as is
    return number_cells(kronor_texts(ore.to_numpy(dtype=np.int64)), style)


def _date_cells(moments: pd.Series, style: int | None) -> pa.StringArray:
    serials = (moments.to_numpy(dtype="datetime64[us]") - EXCEL_EPOCH_US) / np.timedelta64(1, "D")
    return _float_cells(serials, style)


def column_cells(series: pd.Series, column: TableColumn, words: dict[str, str], styles: dict[str, int]) -> pa.StringArray:
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
    return pa.array([_mixed_cell(value, style, words, column.name, styles) for value in series.tolist()],
                    type=pa.string())


def _mixed_cell(value: Any, style: int | None, words: dict[str, str], name: str, styles: dict[str, int]) -> str:
    plain = plain_cell(value, words, name)
    if plain is None:
        return _EMPTY_CELL
    if isinstance(plain, str):
        return text_cells(pd.Series([plain], dtype=object))[0].as_py()
    if isinstance(plain, DateSerial):
        return _float_cells(np.array([float(plain)]), styles["date"])[0].as_py()
    if isinstance(plain, float):
        return _float_cells(np.array([plain]), style)[0].as_py()
    return number_cells([str(plain)], None)[0].as_py()


def streamed_part(sheet: StreamedSheet, words: dict[str, str], styles: dict[str, int]) -> StreamedPart:
    """A table sheet's rows for the stream: its used range, header row included, and its rows."""
    rows = sheet.stop - sheet.start
    used_range = f"A1:{xl_col_to_name(len(sheet.columns) - 1)}{rows + 1}" if sheet.columns and rows else ""
    return StreamedPart(used_range, lambda: sheet_rows_xml(sheet, words, styles))


def sheet_rows_xml(sheet: StreamedSheet, words: dict[str, str], styles: dict[str, int]):
    """The sheet's data rows as UTF-8 XML, a block of rows per chunk (row 1 is the header):
    at most BLOCK_ROWS rows, and about BLOCK_BYTES at most."""
    start, rows = sheet.start, min(FIRST_BLOCK_ROWS, BLOCK_ROWS)
    while start < sheet.stop:
        stop = min(sheet.stop, start + rows)
        chunk = _rows_xml(sheet, start, stop, words, styles)
        yield chunk
        rows = max(1, min(BLOCK_ROWS, BLOCK_BYTES * (stop - start) // len(chunk)))
        start = stop


def _rows_xml(sheet: StreamedSheet, start: int, stop: int, words: dict[str, str], styles: dict[str, int]) -> memoryview:
    block = sheet.frame.iloc[start:stop]
    first_row = start - sheet.start + 2
    numbers = pa.array(np.arange(first_row, first_row + len(block), dtype=np.int64)).cast(pa.string())
    cells = [column_cells(block[column.name], column, words, styles) for column in sheet.columns]
    rows = _join('<row r="', numbers, '">', *cells, "</row>")
    return _back_to_back(rows)


def _back_to_back(texts: pa.StringArray) -> memoryview:
    """The texts' UTF-8 bytes one after the other: Arrow keeps them so in its data buffer."""
    if texts.null_count:  # a missing part makes its whole row missing: it would be left out
        raise ValueError("a workbook row was built from a missing cell")
    if texts.type != pa.string():  # 64-bit offsets (large_string) would be read here as 32-bit ones
        raise TypeError(f"workbook rows must be Arrow strings, not {texts.type}")
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32, count=len(texts) + 1, offset=4 * texts.offset)
    return memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]]
