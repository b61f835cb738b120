"""The fast path of the audit workbook: rows streamed into a workbook XlsxWriter wrote.

XlsxWriter writes the workbook with every sheet's frame (styles, widths, frozen header, filter,
header row); this module copies it part by part and streams the data rows into each table
sheet's part. That leans on four things XlsxWriter does not promise, and all four live here:
- a format's style index is fixed only once `Format._get_xf_index()` has run (`style_index`);
- worksheet parts are named by position, `xl/worksheets/sheet<N>.xml` (`worksheet_part`);
- a sheet written without data rows holds one `<dimension ref=.../>` and one `</sheetData>`,
  where the rows go (`_head_and_tail`);
- its zip parts carry no data we would lose by re-writing them with our own timestamps.
tests/test_xlsx_stream.py checks each against the installed XlsxWriter and fails loudly, with
what to re-check, when a new version changes them. Written against XlsxWriter 3.3.1 (pinned in
requirements.lock).
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable

XLSXWRITER_VERSION = "3.3.1"  # the version this module was written and tested against

# Every zip entry gets the timestamp and file mode XlsxWriter gives the parts it writes through
# temporary files (31 Jan 1980, read and write for the owner), whatever the machine: fixed bytes.
PART_DATE_TIME = (1980, 1, 31, 0, 0, 0)
PART_FILE_ATTRIBUTES = 0o100600 << 16
# Deflate level of the table sheets: levels 1 to 3 compress the XML about three times faster
# than the default 6 (the sheet of a million-line ledger is about 700 MB of XML); on ledger
# sheets level 3 takes the time of level 1 for a tenth less size, level 6 a fifth less again.
SHEET_COMPRESSION_LEVEL = 3

_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


@dataclass(frozen=True)
class StreamedPart:
    """The data rows of one worksheet part: `used_range` ("A1:K20681") for its <dimension>, or
    "" to keep XlsxWriter's; `rows` gives the rows' XML in chunks, in order."""

    used_range: str
    rows: Callable[[], Iterable[bytes | memoryview]]


def style_index(cell_format) -> int:
    """The style index (`s` attribute) of an XlsxWriter format, fixed now even if no cell that
    XlsxWriter writes uses it (XlsxWriter otherwise leaves unused formats out)."""
    cell_format._get_xf_index()
    return cell_format.xf_index


def worksheet_part(workbook) -> str:
    """The zip part of the worksheet added last: XlsxWriter names them by position."""
    return f"xl/worksheets/sheet{len(workbook.worksheets())}.xml"


def assemble(path: Path, frames_only: bytes, streamed: dict[str, StreamedPart]) -> None:
    """Copy XlsxWriter's workbook part by part, in its order and with fixed timestamps, and
    stream each `streamed` part's rows into it."""
    try:
        _write_parts(path, frames_only, streamed, zip64=False)
    except RuntimeError as error:
        # A part beyond 2 GiB needs zip64; only huge ledgers with long texts get there, so
        # small files keep the plain zip format every reader accepts.
        if "force_zip64" not in str(error):
            raise
        _write_parts(path, frames_only, streamed, zip64=True)


def _write_parts(path: Path, frames_only: bytes, streamed: dict[str, StreamedPart], zip64: bool) -> None:
    with zipfile.ZipFile(io.BytesIO(frames_only)) as source, \
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for original in source.infolist():
            info = zipfile.ZipInfo(original.filename, date_time=PART_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = PART_FILE_ATTRIBUTES
            info.create_system = 3  # Unix, so readers take the attributes as Unix file modes
            part = source.read(original)
            if original.filename not in streamed:
                target.writestr(info, part)
                continue
            rows = streamed[original.filename]
            head, tail = _head_and_tail(part.decode("utf-8"), rows.used_range)
            chunks = chain([head.encode("utf-8")], rows.rows(), [tail.encode("utf-8")])
            _set_compress_level(info, SHEET_COMPRESSION_LEVEL)
            with target.open(info, "w", force_zip64=zip64) as out:
                _write_while_building(out, chunks)


def _set_compress_level(info: zipfile.ZipInfo, level: int) -> None:
    # Public as `compress_level` from Python 3.13; `_compresslevel` before.
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level


def _head_and_tail(frame_xml: str, used_range: str) -> tuple[str, str]:
    """Split XlsxWriter's sheet (header row only) where the data rows go, with the used range
    (<dimension>) widened to them."""
    if used_range:
        frame_xml = _DIMENSION.sub(f'<dimension ref="{used_range}"/>', frame_xml, count=1)
    split = frame_xml.index("</sheetData>")
    return frame_xml[:split], frame_xml[split:]


def _write_while_building(out, chunks: Iterable[bytes | memoryview]) -> None:
    """Write each chunk while the next one is built. Deflate and CRC run in C without the
    interpreter lock, so on a second core they overlap the Python work of the next block; the
    chunks still go out one by one, in order, so the bytes do not change."""
    pending: queue.Queue = queue.Queue(maxsize=2)  # bounds memory: at most a few blocks waiting
    failures: list[BaseException] = []

    def write_pending() -> None:
        while (chunk := pending.get()) is not None:
            if not failures:
                try:
                    out.write(chunk)
                except BaseException as error:  # handed to the building thread, which raises it
                    failures.append(error)

    writer = threading.Thread(target=write_pending, name="workbook-sheet-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failures:
                break
            pending.put(chunk)
    finally:
        pending.put(None)
        writer.join()
    if failures:
        raise failures[0]
