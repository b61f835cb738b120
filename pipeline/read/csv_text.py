"""CSV exports to raw cells, like one workbook sheet: every cell is text, parsed later.

Detects the encoding (UTF-8, UTF-8 with BOM, else Windows-1252, the encoding Swedish Excel
writes) and the delimiter (";" as Swedish Excel writes, or ","), from the file itself. It does
not interpret values: "1 234,50" stays text until `pipeline.read.parse` reads it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.errors import InputError

SNIFF_LINES = 30


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) when the bytes are valid UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """";" when it splits most of the first lines into one width of two or more columns
    (Swedish Excel writes ";" because "," is the decimal separator), else "," or tab."""
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    for delimiter in (";", ",", "\t"):
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        common = max(set(widths), key=widths.count) if widths else 0
        if common >= 2 and widths.count(common) * 2 >= len(widths):
            return delimiter
    return ";"


def read_csv_sheet(path: Path, relative: str):
    """The CSV file as one sheet (named "") of text cells, rows numbered by line."""
    from pipeline.model import RawSheet

    try:
        text = decode_csv(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{relative}: cannot be read ({exc.strerror})") from None
    if "\x00" in text:
        raise InputError(f"{relative}: is not a text (CSV) file")
    delimiter = detect_delimiter(text)
    rows: list[list[str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            # A quoted cell may span lines: the row number is the line the record starts on.
            numbers.append(reader.line_num - (sum(cell.count("\n") for cell in row)))
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{relative}: line {reader.line_num} cannot be read as CSV ({exc})") from None
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return RawSheet(relative, "", rows, numbers)
