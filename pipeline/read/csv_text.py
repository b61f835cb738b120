"""CSV exports to raw cells, like one workbook sheet: every cell is text, parsed later.

Detects the encoding (UTF-16 with its byte-order mark, as Excel's "Unicode text" writes it, or
without one when every other byte is zero; UTF-8, UTF-8 with BOM, else Windows-1252, the
encoding Swedish Excel writes) and the delimiter (tab, as "Unicode text" uses; ";" as Swedish
Excel writes; or ","), from the file itself. It does not interpret values: "1 234,50" stays text until `pipeline.read.parse` reads it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.errors import InputError
from pipeline.messages import Text, messages

SNIFF_LINES = 30


def decode_csv(data: bytes) -> str:
    """UTF-16 (BOM, or zero bytes in every other place), UTF-8 (BOM or not) when the bytes are
    valid UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) * 2 > len(sample) // 2 * 1.8:
        return data.decode("utf-16-le", errors="replace")
    if len(sample) >= 4 and sample[0::2].count(0) * 2 > len(sample) // 2 * 1.8:
        return data.decode("utf-16-be", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """Tab (Excel's "Unicode text"), then ";" (Swedish Excel writes ";" because "," is the
    decimal separator), then ",": the first that splits most of the first lines into one width
    of two or more columns."""
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    for delimiter in ("\t", ";", ","):
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        common = max(set(widths), key=widths.count) if widths else 0
        if common >= 2 and widths.count(common) * 2 >= len(widths):
            return delimiter
    return ";"


def read_csv_sheet(path: Path, relative: str, msg: Text | None = None):
    """The CSV file as one sheet (named "") of text cells, rows numbered by line."""
    from pipeline.model import RawSheet

    msg = msg or messages("en")
    try:
        text = decode_csv(path.read_bytes())
    except OSError as exc:
        raise InputError(msg("read.unreadable", file=relative, detail=exc.strerror)) from None
    if "\x00" in text:
        raise InputError(msg("read.not_text", file=relative))
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
