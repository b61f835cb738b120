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

A part's rows may also arrive already deflated (`DeflatedRows`, made by `deflate_rows` in another
process while the run computed: `pipeline.write.sheet_ahead`). The part is then written as three
raw deflate pieces, its head, those rows and its tail, each ending on a byte boundary, which
together are one valid deflate stream, the way pigz joins pieces. zipfile has no call for writing
data already compressed, so `_write_raw_member` writes the entry as `ZipFile.open(..., "w")`
would and registers it with the same private attributes that method uses (Python 3.11-3.13);
tests/test_xlsx_stream.py checks that it gives the very bytes zipfile writes.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
import zlib
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
class DeflatedRows:
    """A part's rows as raw deflate data that ends on a byte boundary (a sync flush), with the
    CRC-32 and length of the XML it holds."""

    data: bytes
    crc: int
    size: int


@dataclass(frozen=True)
class StreamedPart:
    """The data rows of one worksheet part: `used_range` ("A1:K20681") for its <dimension>, or
    "" to keep XlsxWriter's; `rows` gives the rows' XML in chunks, in order, unless `deflated`
    holds them already compressed."""

    used_range: str
    rows: Callable[[], Iterable[bytes]]
    deflated: DeflatedRows | None = None


def deflate_rows(chunks: Iterable[bytes]) -> DeflatedRows:
    """Rows' XML as a raw deflate piece at the sheets' level, ending on a byte boundary, so that
    it can stand between a part's head and tail (`_write_parts`). Each chunk is compressed while
    the next one is built, as the workbook's own parts are (`_write_while_building`)."""
    compressor = zlib.compressobj(SHEET_COMPRESSION_LEVEL, zlib.DEFLATED, -15)
    pieces: list[bytes] = []
    crc = size = 0

    class Sink:
        @staticmethod
        def write(chunk: bytes) -> None:
            nonlocal crc, size
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            pieces.append(compressor.compress(chunk))

    _write_while_building(Sink, chunks)
    pieces.append(compressor.flush(zlib.Z_SYNC_FLUSH))
    return DeflatedRows(b"".join(pieces), crc, size)


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from the CRC-32 of A, that of B and the length of B (zlib's
    crc32_combine, which Python's zlib does not offer): B's length in zero bits is applied to
    A's CRC by repeated squaring of the CRC's shift operator over GF(2)."""

    def times(matrix: list[int], vector: int) -> int:
        total = 0
        index = 0
        while vector:
            if vector & 1:
                total ^= matrix[index]
            vector >>= 1
            index += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)  # two zero bits
    odd = square(even)  # four zero bits
    while True:
        even = square(odd)  # the next power of two of zero bytes, from one byte on
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


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
            _set_compress_level(info, SHEET_COMPRESSION_LEVEL)
            if rows.deflated is not None:
                _write_deflated(target, info, head.encode("utf-8"), rows.deflated, tail.encode("utf-8"), zip64)
                continue
            chunks = chain([head.encode("utf-8")], rows.rows(), [tail.encode("utf-8")])
            with target.open(info, "w", force_zip64=zip64) as out:
                _write_while_building(out, chunks)


def _write_deflated(target: zipfile.ZipFile, info: zipfile.ZipInfo, head: bytes, rows: DeflatedRows, tail: bytes,
                    zip64: bool) -> None:
    """One part from its head and tail, deflated here, and its rows, deflated already."""
    compressor = zlib.compressobj(SHEET_COMPRESSION_LEVEL, zlib.DEFLATED, -15)
    head_data = compressor.compress(head) + compressor.flush(zlib.Z_SYNC_FLUSH)
    compressor = zlib.compressobj(SHEET_COMPRESSION_LEVEL, zlib.DEFLATED, -15)
    tail_data = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = crc32_combine(crc32_combine(zlib.crc32(head), rows.crc, rows.size), zlib.crc32(tail), len(tail))
    _write_raw_member(target, info, (head_data, rows.data, tail_data), crc, len(head) + rows.size + len(tail), zip64)


def _write_raw_member(target: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: Iterable[bytes], crc: int,
                      size: int, zip64: bool) -> None:
    """Write an entry whose data is deflated already, byte for byte as `target.open(info, "w")`
    followed by writing the uncompressed data would write it to a seekable file: the local header
    as that method rewrites it once the sizes are known, then the data. The entry is registered
    in the archive's private lists, as that method's close does."""
    if not target._seekable or target._writing:  # noqa: SLF001 - see the module's docstring
        raise ValueError("a deflated part needs a seekable archive with no entry being written")
    pieces = tuple(pieces)
    info.compress_size = sum(len(piece) for piece in pieces)
    info.file_size = size
    info.CRC = crc
    info.flag_bits = 0x00
    if not info.external_attr:
        info.external_attr = 0o600 << 16  # as zipfile gives an entry without attributes
    if not zip64 and (size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT):
        raise RuntimeError("File size too large, try using force_zip64")  # as zipfile says it: `assemble` retries
    target.fp.seek(target.start_dir)
    info.header_offset = target.fp.tell()
    target._writecheck(info)  # noqa: SLF001
    target._didModify = True  # noqa: SLF001
    target.fp.write(info.FileHeader(zip64))
    for piece in pieces:
        target.fp.write(piece)
    target.start_dir = target.fp.tell()
    target.filelist.append(info)
    target.NameToInfo[info.filename] = info


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


def _write_while_building(out, chunks: Iterable[bytes]) -> None:
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
