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
