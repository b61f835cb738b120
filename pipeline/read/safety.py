"""Checks on an .xlsx/.xlsm file before calamine opens it, and what calamine cannot tell us.

`inspect_workbook` opens the file as a zip archive with the standard library (read-only) and
refuses it before any spreadsheet parser sees it when:
- the members' stated uncompressed sizes sum to more than `MAX_UNPACKED_BYTES`, or one large
  member states a compression ratio above `MAX_RATIO` (a zip bomb);
- a member unpacks to more than it states (a tampered archive: the stated sizes would lie);
- an XML member declares a DOCTYPE or ENTITY (entity-expansion and external-entity attacks;
  Excel never writes a DOCTYPE into a workbook).
Every member is streamed through with a running byte count, so the size check does not trust
the archive's own figures. On the way it collects the cells calamine reports as "" although
they are not empty: Excel error values (`t="e"`: #REF!, #N/A, #DIV/0!) and formulas without a
saved result. The reader puts `parse.CellError` markers in their place.

Macros: a .xlsm's `vbaProject.bin` is never read by calamine or by this module, and nothing
here evaluates a formula; the cached value Excel saved is what is read. This module does not
parse cell values and does not check .xls (BIFF) files, whose format holds no XML.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree

from pipeline.errors import InputError
from pipeline.messages import Text

# A 1 000 000-line ledger unpacks to about 250 MB of XML; four times that is still a ledger.
MAX_UNPACKED_BYTES = 1 << 30
# Spreadsheet XML packs 5-30 times; a member packing more than 200 times is no worksheet.
MAX_RATIO = 200
RATIO_MIN_BYTES = 10 << 20  # small members may pack extremely well (empty sheets, styles)
CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class WorkbookScan:
    """What the zip inspection found: per sheet name, {(row, column) 0-based: cell marker}."""

    odd_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def inspect_workbook(path: Path, relative: str, msg: Text) -> WorkbookScan:
    """Refuse zip bombs and XML with DOCTYPE/ENTITY; find error cells and formulas without a
    saved result. Raises InputError naming the file (and the archive member)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None
    with archive:
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
            cells: dict[tuple[int, int], str] = {}
            unpacked = _stream_member(archive, member, relative, msg, unpacked, cells if sheet else None)
            if cells:
                scan.odd_cells[sheet] = cells
    return scan


def _stream_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, relative: str, msg: Text,
                   unpacked: int, cells: dict[tuple[int, int], str] | None) -> int:
    """Read one member in chunks, counting real bytes; check its prologue; collect odd cells."""
    seen = 0
    carry = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                if seen == 0 and _DOCTYPE.search(chunk[:4096]):
                    raise InputError(msg("safety.doctype", file=relative, member=member.filename))
                seen += len(chunk)
                if seen > member.file_size or unpacked + seen > MAX_UNPACKED_BYTES:
                    raise InputError(msg("safety.size_lie", file=relative, member=member.filename))
                if cells is not None:
                    # Cells never nest: cut before the last "<c" so no cell spans two pieces.
                    cut = chunk.rfind(b"<c ")
                    if cut > 0 and not _may_hold_odd_cells(carry, chunk):
                        # Nothing before the cut can be an odd cell: keep only what follows it,
                        # without copying the whole piece (the usual case, a few ms per MB).
                        carry = chunk[cut:]
                        continue
                    buffer = carry + chunk
                    cut = buffer.rfind(b"<c ")
                    cut = cut if cut > 0 else len(buffer)
                    _odd_cells(buffer[:cut], cells)
                    carry = buffer[cut:]
            if cells is not None and carry:
                _odd_cells(carry, cells)
    except InputError:
        raise
    except Exception:  # zlib.error, a bad CRC, EOF, an unsupported method: a damaged archive
        raise InputError(msg("read.not_workbook", file=relative, detail=msg("read.damaged_zip"))) from None
    return unpacked + seen


_ODD_MARKERS = (b't="e"', b"<f")  # an error type, a formula: `_odd_cells` looks no further without one


def _may_hold_odd_cells(carry: bytes, chunk: bytes) -> bool:
    """Whether `carry + chunk` holds a marker of an odd cell, without joining them: in either
    piece or across their seam."""
    seam = carry[-8:] + chunk[:8]
    return any(marker in carry or marker in chunk or marker in seam for marker in _ODD_MARKERS)


def _odd_cells(xml: bytes, cells: dict[tuple[int, int], str]) -> None:
    # Only a piece holding an error type or a formula can hold an odd cell: skip the rest fast.
    if all(marker not in xml for marker in _ODD_MARKERS):
        return
    for match in _CELL.finditer(xml):
        attributes, body = match.group(1), match.group(2) or b""
        is_error = _ERROR_TYPE.search(attributes) is not None
        has_formula = b"<f" in body
        value = _VALUE.search(body)
        if not is_error and not (has_formula and (value is None or value.group(1) == b"")):
            continue
        reference = _REF.search(attributes)
        if reference is None:
            continue  # a cell without a reference cannot be placed; calamine shows it as ""
        column = 0
        for letter in reference.group(1):
            column = column * 26 + letter - ord("A") + 1
        position = (int(reference.group(2)) - 1, column - 1)
        cells[position] = value.group(1).decode("utf-8", "replace") if is_error and value else ""


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
