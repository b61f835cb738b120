"""The bad-input corpus of issue 8: each builder turns a valid tiny input folder
(`tests.workbooks.write_folder`) into one kind of bad input, written as real files in tmp_path.

The files are built, not committed, so a reader sees in a few lines what each case holds.
`tests/test_hardening.py` runs every case through the real command line.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook

from tests.workbooks import (
    FIRM,
    LEDGER_HEADER,
    MEMBER,
    OUTSIDER,
    small_ledger,
    write_cell,
    write_folder,
    write_sheet,
)

YEAR = 2025
LEDGER = f"{YEAR}/ledger-{YEAR}.xlsx"
MEMBER_HEADER = ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande"]
SERVICE_HEADER = ["Tjänstekod", "Namn", "Klassificering"]
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def valid_folder(tmp_path: Path, name: str = "org") -> Path:
    return write_folder(tmp_path / name)


def write_ledger(folder: Path, rows: list[list], header: list[str] = LEDGER_HEADER) -> Path:
    return write_sheet(folder / LEDGER, "Huvudbok", header, rows)


def xlsxwriter_ledger(folder: Path, rows: list[list], header: list = LEDGER_HEADER, *, formulas: dict | None = None,
                      merge_title: str | None = None) -> Path:
    """A ledger written by XlsxWriter (which, unlike openpyxl, stores a formula's cached value).
    `formulas`: {(data row index, column index): (formula, cached value)}."""
    path = folder / LEDGER
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Huvudbok")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    top = 0
    if merge_title:
        sheet.merge_range(0, 0, 0, len(header) - 1, merge_title)
        top = 1
    sheet.write_row(top, 0, header)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row):
            if formulas and (r - top - 1, c) in formulas:
                formula, cached = formulas[(r - top - 1, c)]
                sheet.write_formula(r, c, formula, None, cached)
            else:
                write_cell(sheet, r, c, value, dates)
    workbook.close()
    return path


def replace_in_sheet_xml(path: Path, old: str, new: str) -> None:
    """Rewrite the first worksheet's XML of a workbook: for content no Excel writer allows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def ledger_csv(folder: Path, rows: list[list]) -> Path:
    """The report-year ledger as a semicolon CSV (UTF-8) instead of the workbook."""
    (folder / LEDGER).unlink()
    lines = [";".join(LEDGER_HEADER)]
    for row in rows:
        lines.append(";".join(c.isoformat() if isinstance(c, dt.date) else "" if c is None else str(c) for c in row))
    path = folder / f"{YEAR}/ledger-{YEAR}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def encrypted_package(path: Path) -> None:
    """The container Excel writes for a password-protected .xlsx: an OLE compound file whose
    directory names the streams EncryptionInfo and EncryptedPackage. Only the header, one
    directory sector with those names and zeroed sectors are written: enough for any reader
    to see what the file is, not a decryptable package."""
    header = bytearray(512)
    header[0:8] = CFB_MAGIC
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little-endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift
    header[0x20:0x22] = (6).to_bytes(2, "little")  # mini sector shift
    directory = bytearray(512)
    for slot, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = slot * 128
        directory[entry:entry + len(encoded)] = encoded
        directory[entry + 64:entry + 66] = len(encoded).to_bytes(2, "little")
        directory[entry + 66] = 5 if slot == 0 else 2  # root storage, then streams
    path.write_bytes(bytes(header) + bytes(directory) + bytes(1024))


def zip_bomb(path: Path, unpacked_mb: int = 300) -> None:
    """A valid workbook plus one worksheet-like member of zeros that packs about 1000 times."""
    write_sheet(path, "Huvudbok", LEDGER_HEADER, small_ledger(YEAR))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/padding.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(unpacked_mb):
                member.write(block)


def size_lie_workbook(path: Path) -> None:
    """A workbook whose worksheet part states a tenth of the bytes it unpacks to, in its local
    header and in the central directory (a zip bomb that lies about its size; calamine itself
    unpacks what the data holds). The checksum is the true one."""
    write_sheet(path, "Huvudbok", LEDGER_HEADER, small_ledger(YEAR))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    stated = member.file_size // 10
    assert data[member.header_offset:member.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, member.header_offset + 22, stated)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46:entry + 46 + name_length]) == member.filename.encode():
            struct.pack_into("<I", data, entry + 24, stated)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))


def doctype_workbook(path: Path) -> None:
    """A workbook whose worksheet part declares entities (the opening of a billion-laughs attack)."""
    write_sheet(path, "Huvudbok", LEDGER_HEADER, small_ledger(YEAR))
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                declaration = b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                # openpyxl writes no XML declaration: the DOCTYPE opens the part.
                data = declaration + data
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def macro_workbook(path: Path) -> None:
    """An .xlsm: the ledger plus a vbaProject.bin part, as Excel stores macros. Its bytes are
    arbitrary; nothing in the pipeline reads or runs that part."""
    write_sheet(path, "Huvudbok", LEDGER_HEADER, small_ledger(YEAR))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Auto_Open\"\nShell \"touch pwned\"\n")


__all__ = ["FIRM", "MEMBER", "OUTSIDER", "Workbook"]
