"""Checks on an .xlsx/.xlsm file before calamine opens it, and what calamine cannot tell us.

`inspect_workbook` opens the file as a zip archive with the standard library (read-only) and
refuses it before any spreadsheet parser sees it when:
- the members' stated uncompressed sizes sum to more than `MAX_UNPACKED_BYTES`, or one large
  member states a compression ratio above `MAX_RATIO` (a zip bomb);
- a member unpacks to more than it states (a tampered archive: the stated sizes would lie);
- an XML member declares a DOCTYPE or ENTITY (entity-expansion and external-entity attacks;
  Excel never writes a DOCTYPE into a workbook).
Every member is streamed through with a running byte count, so the size check does not trust
the archive's own figures (calamine does not: it unpacks what the data holds, tested).

`find_odd_cells` collects the cells calamine reports as "" although they are not empty: Excel
error values (`t="e"`: #REF!, #N/A, #DIV/0!) and formulas without a saved result. The reader
puts `parse.CellError` markers in their place. The cells are found by parsing the sheet's XML
(namespace-aware: `<x:c>` as the .NET Open XML SDK writes it is a cell like `<c>`), and only for
a sheet that holds an error type or a formula at all. This is no safety check: for a large file
the reader looks for them while calamine parses (`sheets.read_sheets`), once the file has passed
`inspect_workbook`; for a small one `inspect_workbook` does both in one pass.

Members are unpacked with zlib-ng (`unpacked_chunks`), which does it in about half the time of
the standard library's zlib (0.27-0.35 s against 0.54-0.63 s for the 321 MB sheet of a
million-line ledger), and each member's checksum is checked as `zipfile` checks it.

Macros: a .xlsm's `vbaProject.bin` is never read by calamine or by this module, and nothing
here evaluates a formula; the cached value Excel saved is what is read. This module does not
parse cell values and does not check .xls (BIFF) files, whose format holds no XML.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from defusedxml import ElementTree
from zlib_ng import zlib_ng

from pipeline.errors import InputError
from pipeline.messages import Text

# A 1 000 000-line ledger unpacks to about 250 MB of XML; four times that is still a ledger.
MAX_UNPACKED_BYTES = 1 << 30
# Spreadsheet XML packs 5-30 times; a member packing more than 200 times is no worksheet.
MAX_RATIO = 200
RATIO_MIN_BYTES = 10 << 20  # small members may pack extremely well (empty sheets, styles)
CHUNK = 1 << 20
END_BYTES = 1 << 16  # a worksheet's last rows: a few hundred ledger lines
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class WorkbookScan:
    """What the zip inspection found: per sheet name, {(row, column) 0-based: cell marker}."""

    odd_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    # The last bytes of each worksheet's XML, its last rows: `fast_xlsx` looks there for a totals
    # row before it lets fastexcel parse the sheet.
    sheet_ends: dict[str, bytes] = field(default_factory=dict)


def inspect_workbook(path: Path, relative: str, msg: Text, *, odd_cells: bool = True) -> WorkbookScan:
    """Refuse zip bombs and XML with DOCTYPE/ENTITY; with `odd_cells`, also find error cells and
    formulas without a saved result (else `find_odd_cells` does that later, and `odd_cells` of
    the scan stays empty). Raises InputError naming the file (and the archive member)."""
    archive = _open_archive(path, relative, msg)
    with archive, path.open("rb") as raw:
        members = archive.infolist()
        stated = sum(m.file_size for m in members)
        if stated > MAX_UNPACKED_BYTES:
            raise InputError(msg("safety.too_large", file=relative, size=stated >> 20, limit=MAX_UNPACKED_BYTES >> 20))
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
                raise InputError(msg("safety.ratio", file=relative, member=member.filename, ratio=int(ratio),
                                     limit=MAX_RATIO))
        sheet_paths = _sheet_paths(archive, relative, msg)
        scan = WorkbookScan()
        unpacked = 0
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue  # binary parts (vbaProject.bin, images) are never parsed
            sheet = sheet_paths.get(member.filename)
            cells: dict[tuple[int, int], str] | None = {} if sheet and odd_cells else None
            unpacked, ending = _stream_member(archive, raw, member, relative, msg, unpacked, cells)
            if cells:
                scan.odd_cells[sheet] = cells
            if sheet:
                scan.sheet_ends[sheet] = ending
    return scan


def find_odd_cells(path: Path, relative: str, msg: Text) -> dict[str, dict[tuple[int, int], str]]:
    """`WorkbookScan.odd_cells` of a workbook that has passed `inspect_workbook(odd_cells=False)`:
    its worksheets unpacked once more and searched. Raises InputError for a damaged archive."""
    archive = _open_archive(path, relative, msg)
    found: dict[str, dict[tuple[int, int], str]] = {}
    with archive, path.open("rb") as raw:
        for member_path, sheet in _sheet_paths(archive, relative, msg).items():
            try:
                member = archive.getinfo(member_path)
            except KeyError:
                continue  # calamine says what is wrong with a sheet that is not there
            cells: dict[tuple[int, int], str] = {}
            _stream_member(archive, raw, member, relative, msg, 0, cells)
            if cells:
                found[sheet] = cells
    return found


def _open_archive(path: Path, relative: str, msg: Text) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None


def _stream_member(archive: zipfile.ZipFile, raw: BinaryIO, member: zipfile.ZipInfo, relative: str, msg: Text,
                   unpacked: int, cells: dict[tuple[int, int], str] | None) -> tuple[int, bytes]:
    """Read one member in chunks, counting real bytes; check its prologue. For a worksheet
    (`cells` given) that holds an error type or a formula anywhere, its cells are then parsed as
    XML (`_odd_cells`); a sheet without either, the usual ERP export, is never parsed twice.
    Returns the bytes unpacked so far and the member's last `END_BYTES` bytes."""
    seen = 0
    tail = b""
    ending = b""
    marked = False
    try:
        for chunk in unpacked_chunks(archive, raw, member):
            if seen == 0 and _DOCTYPE.search(chunk[:4096]):
                raise InputError(msg("safety.doctype", file=relative, member=member.filename))
            seen += len(chunk)
            if seen > member.file_size or unpacked + seen > MAX_UNPACKED_BYTES:
                raise InputError(msg("safety.size_lie", file=relative, member=member.filename))
            if cells is not None and not marked:
                marked = _may_hold_odd_cells(tail, chunk)
                tail = chunk[-64:]
            ending = chunk[-END_BYTES:] if len(chunk) >= END_BYTES else (ending + chunk)[-END_BYTES:]
        if marked:
            _odd_cells(archive, member, cells)
    except InputError:
        raise
    except Exception:  # zlib.error, a bad CRC, EOF, an unsupported method, bad XML: a damaged archive
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None
    return unpacked + seen, ending


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # APPNOTE 4.3.7: the last two are the name's and extra's lengths


def unpacked_chunks(archive: zipfile.ZipFile, raw: BinaryIO, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes, unpacked `CHUNK` at a time at most, as `archive.open(member)` gives them,
    with its CRC-32 checked at the end (a mismatch raises `zipfile.BadZipFile`). `raw` is the
    archive's file opened for reading. A deflated member is unpacked by zlib-ng, read from where
    its local header says its data starts, for `compress_size` bytes (the central directory's
    figure, as `zipfile` reads it); any other method is left to `zipfile`."""
    if member.compress_type != zipfile.ZIP_DEFLATED or member.flag_bits & 0x1:  # stored, other, encrypted
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        return
    raw.seek(member.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header of {member.filename}")
    *_, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    raw.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib_ng.decompressobj(-15)
    left = member.compress_size
    crc = 0
    while not inflater.eof:
        packed = inflater.unconsumed_tail
        if not packed and left > 0:
            packed = raw.read(min(CHUNK, left))
            if not packed:
                raise EOFError(f"{member.filename} ends before its data")
            left -= len(packed)
        chunk = inflater.decompress(packed, CHUNK)  # b"" in: what the inflater still holds out
        if chunk:
            crc = zlib_ng.crc32(chunk, crc)
            yield chunk
        elif not packed:
            raise EOFError(f"{member.filename}: its data ends inside the deflate stream")
    if crc != member.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for {member.filename}")


# An error type or a formula element, whatever namespace prefix the writer chose: "<f>",
# "<x:f>" (.NET Open XML SDK), 't="e"' or "t='e'" (XML quotes an attribute with one kind).
_ODD_MARKER = re.compile(rb"""\bt\s*=\s*(?:"e"|'e')|<(?:[A-Za-z_][\w.-]*:)?f[\s>/]""")
_REFERENCE = re.compile(r"^([A-Z]{1,3})(\d+)$")


# Every match of `_ODD_MARKER` holds one of these literals: a chunk is searched with the
# pattern only where a literal is found, since the pattern, which starts with a word boundary or
# "<", is tried at every byte (4.7 s of a 1 000 000-line sheet). A literal is found by the
# regular-expression engine's literal search, which at a million lines took 0.11 s for '"e"'
# and for "<f" against 0.18 and 0.25 s for `in` (a sheet of inline strings holds '"' and "<" in
# every cell, where `in` stops the most). A literal with a rare first byte is looked for only
# where that byte occurs (a one-byte `in` is memchr, faster still).
_ODD_LITERALS = ((re.compile(rb'"e"'), b""), (re.compile(rb"'e'"), b"'"), (re.compile(rb"<f"), b""),
                 (re.compile(rb":f"), b":"))


def _may_hold_odd_cells(carry: bytes, chunk: bytes) -> bool:
    """Whether `carry + chunk` holds a marker of an odd cell (an error type, a formula element
    with any prefix), in the chunk or across the seam, without joining the whole pieces."""
    return _holds_marker(carry[-64:] + chunk[:64]) or _holds_marker(chunk)


def _holds_marker(piece: bytes) -> bool:
    return any(literal.search(piece) is not None for literal, rare in _ODD_LITERALS if rare in piece) \
        and _ODD_MARKER.search(piece) is not None


def column_of(letters: str) -> int:
    """A cell reference's column letters as a 0-based index: "A" -> 0, "AB" -> 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _local(tag: str) -> str:
    """An element's name without its namespace: "{...main}c" -> "c"."""
    return tag.rpartition("}")[2]


def _odd_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cells: dict[tuple[int, int], str]) -> None:
    """Error cells and formulas without a saved result of one worksheet, parsed as XML (with
    defusedxml, which refuses entity declarations): by namespace, not by prefix, so a sheet
    written as <x:c> is read like one written as <c>. A cell without a reference takes the next
    position in its row, a row without one the next row, as Excel reads them."""
    row_index = -1
    column_index = -1
    with archive.open(member) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    number = element.get("r")
                    row_index = int(number) - 1 if number and number.isdigit() else row_index + 1
                    column_index = -1
                continue
            if name == "row":
                element.clear()
            if name != "c":
                continue
            reference = _REFERENCE.match(element.get("r") or "")
            if reference:
                column_index = column_of(reference.group(1))
                row = int(reference.group(2)) - 1
            else:
                column_index += 1
                row = row_index
            is_error = element.get("t") == "e"
            formula = value = None
            for child in element:
                child_name = _local(child.tag)
                if child_name == "f":
                    formula = child
                elif child_name == "v":
                    value = child.text or ""
            if is_error:
                cells[(row, column_index)] = value or ""
            elif formula is not None and not value:
                cells[(row, column_index)] = ""


def _sheet_paths(archive: zipfile.ZipFile, relative: str, msg: Text) -> dict[str, str]:
    """Archive member path of each worksheet -> its sheet name, from workbook.xml and its rels
    (parsed with defusedxml, which refuses entity declarations)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.no_workbook_in_zip"))) from None
    except ElementTree.ParseError:
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None
    except Exception as exc:  # defusedxml's EntitiesForbidden, DTDForbidden, ...
        if type(exc).__module__.startswith("defusedxml"):
            raise InputError(msg("safety.doctype", file=relative, member="xl/workbook.xml")) from None
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        paths[member] = sheet.get("name", "")
    return paths
