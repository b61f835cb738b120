"""The fence around XlsxWriter's private parts (pipeline/write/xlsx_stream.py).

Each test pins one thing the streamed workbook relies on and XlsxWriter does not promise. When
one fails after an XlsxWriter upgrade, re-check that assumption in xlsx_stream.py (and its
docstring) before changing the version in requirements.lock.
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib import metadata

import pytest
import xlsxwriter

from pipeline.write import xlsx_stream
from pipeline.write.xlsx_stream import StreamedPart, assemble, style_index, worksheet_part


def frames_only(sheets: int = 3, fmt_kind: str = "0.00") -> tuple[bytes, int, list[str]]:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    unused = workbook.add_format({"num_format": fmt_kind})
    index = style_index(unused)
    parts = []
    for n in range(sheets):
        sheet = workbook.add_worksheet(f"Blad {n + 1}")
        sheet.write_row(0, 0, ["a", "b"])
        parts.append(worksheet_part(workbook))
    workbook.close()
    return buffer.getvalue(), index, parts


def test_the_installed_xlsxwriter_is_the_version_the_fence_was_written_against():
    installed = metadata.version("xlsxwriter")
    assert installed == xlsx_stream.XLSXWRITER_VERSION, (
        f"XlsxWriter {installed} is installed; pipeline/write/xlsx_stream.py was written against "
        f"{xlsx_stream.XLSXWRITER_VERSION}. Re-check the four assumptions in its docstring (the "
        "tests below), then update XLSXWRITER_VERSION.")


def test_a_format_no_cell_uses_keeps_its_style_index_in_the_styles_part():
    # The streamed cells name their number format by index (s="N"): XlsxWriter must write that
    # format into styles.xml at that position although none of its own cells use it.
    data, index, _ = frames_only(fmt_kind="0.0000")
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    cell_xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xfs = re.findall(r"<xf [^>]*?/?>", cell_xfs)
    assert index >= 1 and len(xfs) > index
    num_fmt_id = re.search(r'numFmtId="(\d+)"', xfs[index]).group(1)
    assert f'<numFmt numFmtId="{num_fmt_id}" formatCode="0.0000"/>' in styles


def test_worksheet_parts_are_named_by_position():
    data, _, parts = frames_only(sheets=3)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert parts == ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"]
    assert all(part in names for part in parts)


def test_a_header_only_sheet_has_one_dimension_and_one_end_of_sheet_data():
    data, _, parts = frames_only(sheets=1)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(parts[0]).decode()
    assert xml.count("<dimension ref=") == 1 and xml.count("</sheetData>") == 1
    assert '<dimension ref="A1:B1"/>' in xml


def test_streamed_rows_land_inside_sheet_data_with_the_widened_range(tmp_path):
    data, _, parts = frames_only(sheets=2)
    rows = [b'<row r="2"><c t="inlineStr"><is><t>x</t></is></c></row>', b'<row r="3"><c><v>7</v></c></row>']
    path = tmp_path / "book.xlsx"
    assemble(path, data, {parts[1]: StreamedPart("A1:B3", lambda: iter(rows))})
    with zipfile.ZipFile(path) as book:
        xml = book.read(parts[1]).decode()
        assert [i.date_time for i in book.infolist()] == [xlsx_stream.PART_DATE_TIME] * len(book.infolist())
        untouched = book.read(parts[0])
    assert '<dimension ref="A1:B3"/>' in xml
    assert xml.index(rows[0].decode()) < xml.index(rows[1].decode()) < xml.index("</sheetData>")
    assert untouched == zipfile.ZipFile(io.BytesIO(data)).read(parts[0])


def test_a_failed_write_or_build_of_a_block_is_raised_not_lost():
    # Blocks are written by a second thread while the next is built: an error on either side
    # must reach the caller, and the writing thread must not be left waiting.
    written = []

    class Sink:
        def write(self, chunk):
            if chunk == b"bad":
                raise OSError("disk full")
            written.append(chunk)

    with pytest.raises(OSError, match="disk full"):
        xlsx_stream._write_while_building(Sink(), iter([b"a", b"bad", b"c", b"d"]))
    assert written == [b"a"]

    def blocks():
        yield b"a"
        raise ValueError("bad cell")

    written.clear()
    with pytest.raises(ValueError, match="bad cell"):
        xlsx_stream._write_while_building(Sink(), blocks())
    assert written == [b"a"]
    xlsx_stream._write_while_building(Sink(), iter([b"x", b"y"]))
    assert written == [b"a", b"x", b"y"]


# ---------------------------------------------------------------------------------------------
# Rows deflated beforehand (another process): zipfile's private parts and the deflate pieces.

def test_crc32_combine_gives_the_crc_of_the_joined_bytes():
    import random
    import zlib

    rng = random.Random(7)
    for length_a, length_b in [(0, 0), (0, 5), (5, 0), (1, 1), (3, 1000), (65_537, 17), (1 << 20, 12_345)]:
        a = rng.randbytes(length_a)
        b = rng.randbytes(length_b)
        assert xlsx_stream.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def _archive(write) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        target.writestr(zipfile.ZipInfo("first.xml", date_time=xlsx_stream.PART_DATE_TIME), b"<a/>" * 50)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=xlsx_stream.PART_DATE_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        write(target, info)
        target.writestr(zipfile.ZipInfo("last.xml", date_time=xlsx_stream.PART_DATE_TIME), b"<b/>" * 50)
    return buffer.getvalue()


@pytest.mark.parametrize("zip64", [False, True])
def test_a_raw_entry_is_written_byte_for_byte_as_zipfile_writes_it(zip64):
    # The raw writer leans on zipfile's private attributes: given the very deflate stream
    # zipfile's own compressor makes, the whole archive must come out identical. If this fails
    # after a Python upgrade, compare `ZipFile._open_to_write` and `_ZipWriteFile.close` with
    # `xlsx_stream._write_raw_member`.
    import zlib

    data = b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (n, n * 7) for n in range(20_000))

    def through_zipfile(target, info):
        xlsx_stream._set_compress_level(info, xlsx_stream.SHEET_COMPRESSION_LEVEL)
        with target.open(info, "w", force_zip64=zip64) as out:
            out.write(data)

    def raw(target, info):
        compressor = zlib.compressobj(xlsx_stream.SHEET_COMPRESSION_LEVEL, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        xlsx_stream._write_raw_member(target, info, [deflated[:100], deflated[100:]], zlib.crc32(data),
                                      len(data), zip64)

    assert _archive(raw) == _archive(through_zipfile)


def test_a_part_with_rows_deflated_beforehand_holds_the_same_xml(tmp_path):
    data, _, parts = frames_only(sheets=2)
    rows = [b'<row r="%d"><c t="inlineStr"><is><t>r&amp;d %d</t></is></c><c><v>%d</v></c></row>' % (n, n, n)
            for n in range(2, 30_002)]
    streamed, deflated = tmp_path / "streamed.xlsx", tmp_path / "deflated.xlsx"
    assemble(streamed, data, {parts[1]: StreamedPart("A1:B30001", lambda: iter(rows))})
    ahead = xlsx_stream.deflate_rows(iter(rows))
    assemble(deflated, data, {parts[1]: StreamedPart("A1:B30001", lambda: iter(()), ahead)})
    with zipfile.ZipFile(streamed) as one, zipfile.ZipFile(deflated) as other:
        assert other.testzip() is None  # every entry's CRC checked against its data
        assert [i.filename for i in other.infolist()] == [i.filename for i in one.infolist()]
        for name in one.namelist():
            assert other.read(name) == one.read(name), name
        assert other.getinfo(parts[1]).file_size == one.getinfo(parts[1]).file_size


def test_rows_deflated_beforehand_reach_a_zip64_archive_too(tmp_path, monkeypatch):
    # A part beyond the zip limits is written again with zip64 (`assemble`); the raw entry must
    # raise the very error that makes it retry. Here the limit is lowered to a few kilobytes.
    data, _, parts = frames_only(sheets=1)
    rows = [b'<row r="%d"><c><v>%d</v></c></row>' % (n, n) for n in range(2, 2_000)]
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4_000)
    path = tmp_path / "big.xlsx"
    assemble(path, data, {parts[0]: StreamedPart("A1:A1999", lambda: iter(()), xlsx_stream.deflate_rows(iter(rows)))})
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        assert b"".join(rows).decode() in book.read(parts[0]).decode()
