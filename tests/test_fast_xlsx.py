"""The fast read of a large export's sheet (`pipeline.read.fast_xlsx`) gives exactly the cells
of the plain read (`sheets._cells` on python-calamine), types included, or it gives None and
the plain read runs. It must serve the shapes real exports have, or it would be untested code."""

from __future__ import annotations

import datetime as dt
import os
from importlib import metadata
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from python_calamine import CalamineWorkbook

from pipeline.read import fast_xlsx, sheets
from tests.frame_digests import current
from tests.test_read_frames import assert_as_recorded
from tests.workbooks import save_rows

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(autouse=True, params=["whole", "in halves"])
def parse(request, monkeypatch):
    """Every test here runs twice: each sheet parsed whole, and each parsed in two halves at once
    (`fast_xlsx._parsed_in_halves`, which serves sheets from SPLIT_FROM_BYTES, here every one)."""
    if request.param == "in halves":
        monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(fast_xlsx, "_cores", lambda: 2)  # as on a machine of two cores or more
    return request.param


def plain(path: Path, name: str) -> tuple[np.ndarray, int, int]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    first_row, first_column = (sheet.start[0] + 1, sheet.start[1]) if sheet.start else (1, 0)
    return sheets._cells(sheet), first_row, first_column


def assert_same_cells(fast, slow):
    grid, first_row, first_column, column_codes = fast
    expected, expected_row, expected_column = slow
    # Each column's codes give its cells under the first row, as the very objects: the parse
    # takes them for the distinct values it would otherwise find by hashing the cells.
    assert sorted(column_codes) == list(range(grid.shape[1]))
    for column, (codes, values) in column_codes.items():
        assert len(codes) == grid.shape[0] - 1
        assert all(cell is values[code] for cell, code in zip(grid[1:, column], codes))
    assert (first_row, first_column) == (expected_row, expected_column)
    assert grid.shape == expected.shape
    different = [(r, c, grid[r, c], expected[r, c]) for r in range(grid.shape[0]) for c in range(grid.shape[1])
                 if type(grid[r, c]) is not type(expected[r, c]) or grid[r, c] != expected[r, c]
                 or (isinstance(grid[r, c], float) and np.signbit(grid[r, c]) != np.signbit(expected[r, c]))]
    assert not different, different[:5]


HEADER = ["Datum", "Verifikation", "Konto", "Belopp", "Motpart", "Tjänst", "Betald", "Text"]


def export(n=40):
    rows = [HEADER]
    for i in range(n):
        rows.append([dt.date(2025, 1, 1 + i % 28), f"A {i // 2}", 3011 if i % 2 else 1510,
                     [-489.5, 489.5, 0.0, -0.0, 1e-7, 12345678.25][i % 6],
                     ["212000-0142", None, "556000-0001"][i % 3], None if i % 4 else "T01",
                     [True, False, None][i % 3], f"rad {i} med å, ä och ö  "])
    return rows


def test_written_against_the_versions_it_names():
    # fastexcel and python-calamine must hold the same calamine (0.36.1 in both): the header row
    # this module finds and fastexcel's columns then lie on the same used range. A new version
    # of either needs this module's tests read again before the pins move.
    import fastexcel

    assert fastexcel.__version__ == fast_xlsx._WRITTEN_AGAINST["fastexcel"]
    assert metadata.version("python-calamine") == fast_xlsx._WRITTEN_AGAINST["python-calamine"]


@pytest.mark.parametrize("first_row, first_column", [(1, 1), (4, 3)])
def test_an_export_is_read_the_fast_way_with_the_same_cells(tmp_path, first_row, first_column):
    path = save_rows(tmp_path, export(), first_row, first_column)
    fast = fast_xlsx.fast_cells(path, "Huvudbok")
    assert fast is not None, "an export's shape must be read the fast way"
    assert_same_cells(fast, plain(path, "Huvudbok"))


def test_blank_rows_and_a_note_left_of_the_table_keep_their_places(tmp_path):
    rows = export(12)
    rows[5] = [None] * len(HEADER)  # a blank line inside
    rows += [[None] * len(HEADER), [None] * len(HEADER)]

    def note(sheet):
        sheet["A9"] = "anteckning"  # left of the table: the used range starts at column A
        sheet["K20"] = 7.0  # right of it and below: the range ends there

    path = save_rows(tmp_path, rows, 2, 3, extra=note)
    fast = fast_xlsx.fast_cells(path, "Huvudbok")
    assert fast is not None
    assert fast[2] == 0
    assert_same_cells(fast, plain(path, "Huvudbok"))


def test_a_header_row_with_gaps_and_a_header_only_column(tmp_path):
    rows = [["Datum", None, "Konto", "Belopp", None, "Kommentar"]]
    rows += [[dt.date(2025, 3, 1), None, 3011, 10.0, None, None], [dt.date(2025, 3, 2), None, 3012, -10.0, None, None]]
    path = save_rows(tmp_path, rows)
    fast = fast_xlsx.fast_cells(path, "Huvudbok")
    assert fast is not None
    assert_same_cells(fast, plain(path, "Huvudbok"))


def test_dates_written_as_datetimes_at_midnight_are_dates(tmp_path):
    def formats(sheet):
        for row in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
            row[0].number_format = "yyyy-mm-dd hh:mm"

    rows = [["Datum", "Belopp"]] + [[dt.datetime(2025, 5, 1 + i), 1.0 * i] for i in range(5)]
    path = save_rows(tmp_path, rows, extra=formats)
    fast = fast_xlsx.fast_cells(path, "Huvudbok")
    assert fast is not None and type(fast[0][1, 0]) is dt.date
    assert_same_cells(fast, plain(path, "Huvudbok"))


def halves_served(monkeypatch) -> list:
    """What each `_parsed_in_halves` call gave, collected as the calls are made, with the number
    of chunks of each of its columns then (the caller lets each column go once it is read)."""
    served: list = []
    original = fast_xlsx._parsed_in_halves

    def spy(*args):
        result = original(*args)
        served.append(result)
        if result is not None:
            served.append([len(array.chunks) for array in result.arrays])
        return result

    monkeypatch.setattr(fast_xlsx, "_parsed_in_halves", spy)
    return served


@pytest.mark.parametrize("first_row, first_column", [(1, 1), (4, 3)])
def test_an_export_parsed_in_halves_gives_the_same_cells_and_the_same_codes(tmp_path, monkeypatch, first_row,
                                                                           first_column, parse):
    path = save_rows(tmp_path, export(400), first_row, first_column)
    served = halves_served(monkeypatch)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    halves = fast_xlsx.fast_cells(path, "Huvudbok")
    assert served and served[0] is not None, "the sheet must have been parsed in halves"
    assert served[0].rows == 400 and served[0].height == first_row + 400
    assert served[1] == [2] * len(HEADER)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 1 << 62)
    whole = fast_xlsx.fast_cells(path, "Huvudbok")
    assert_same_cells(halves, plain(path, "Huvudbok"))
    for column, (codes, values) in whole[3].items():
        assert np.array_equal(halves[3][column][0], codes)
        assert list(halves[3][column][1]) == list(values)


def test_a_column_empty_in_one_half_takes_the_kind_of_the_other(tmp_path, monkeypatch, parse):
    # 200 rows: the paid-date column is filled in the first 50 only, the note column in the
    # last 50 only; each half then has a column of nulls, the whole a column of one kind.
    rows = [["Datum", "Belopp", "Betald", "Not"]]
    for i in range(200):
        rows.append([dt.date(2025, 1, 1 + i % 28), float(i), dt.date(2025, 2, 1) if i < 50 else None,
                     f"not {i}" if i >= 150 else None])
    path = save_rows(tmp_path, rows, 1)
    served = halves_served(monkeypatch)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    fast = fast_xlsx.fast_cells(path, "Huvudbok")
    assert served[0] is not None
    assert_same_cells(fast, plain(path, "Huvudbok"))


@pytest.mark.parametrize("machine", ["one core", "no fork"])
def test_on_one_core_or_without_fork_a_sheet_is_parsed_whole(tmp_path, monkeypatch, parse, machine):
    path = save_rows(tmp_path, export(400), 1)
    served = halves_served(monkeypatch)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    if machine == "one core":
        monkeypatch.setattr(fast_xlsx, "_cores", lambda: 1)
    else:
        monkeypatch.setattr(fast_xlsx.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert served == [None]


def test_the_second_half_comes_from_a_forked_process_or_is_parsed_here(tmp_path, monkeypatch, parse):
    # The second half is parsed by a forked child and handed back as an Arrow stream; a child
    # that fails (here: the stream cannot be made) leaves the half to this process.
    path = save_rows(tmp_path, export(400), 1)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    shipped = []
    original = fast_xlsx._unshipped
    monkeypatch.setattr(fast_xlsx, "_unshipped", lambda stream: shipped.append(stream) or original(stream))
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert len(shipped) == 1 and isinstance(shipped[0][0], bytes)

    def broken(*args):
        raise OSError("no room left on the pipe")

    monkeypatch.setattr(fast_xlsx, "_parsed_shipped", broken)
    served = halves_served(monkeypatch)
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert served[0] is not None and len(shipped) == 1


def test_a_column_of_two_kinds_across_the_halves_is_refused_as_the_whole_is(tmp_path, monkeypatch, parse):
    rows = [["Konto", "Belopp"]] + [[3011, 1.0]] * 100 + [[3011, "1 000,00"]] * 100
    path = save_rows(tmp_path, rows, 1)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    assert fast_xlsx.fast_cells(path, "Huvudbok") is None


class _Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk) -> None:
        self.data += chunk


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_the_sheet_xml_is_cut_at_the_first_row_from_its_middle(chunk_size, parse):
    head = b'<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:dimension ref="A1:B5"/><x:sheetData>'
    rows = b"".join(b'<x:row r="%d"><x:c r="A%d"><x:v>%d</x:v></x:c></x:row>' % (n, n, n) for n in range(1, 6))
    tail = b'</x:sheetData><x:autoFilter ref="A1:B5"/></x:worksheet>'
    xml = head + rows + tail
    chunks = [xml[i:i + chunk_size] for i in range(0, len(xml), chunk_size)]
    above, below = _Sink(), _Sink()
    cut = fast_xlsx._cut(iter(chunks), len(xml) // 2, above, below)
    at = xml.index(b'<x:row r="%d"' % (cut + 1))
    assert at >= len(xml) // 2 > xml.rindex(b"<x:row", 0, at)
    assert bytes(above.data) == xml[:at] + tail
    assert bytes(below.data) == head + xml[at:]


@pytest.mark.parametrize("xml", [
    b"<worksheet><sheetData><row><c><v>1</v></c></row><row><c><v>2</v></c></row></sheetData></worksheet>",
    b"<worksheet><sheetData/></worksheet>",
    b"<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row></sheetData>" + b" " * 100 + b"</worksheet>",
], ids=["rows without numbers", "no rows", "no row after the middle"])
def test_a_sheet_xml_without_a_numbered_row_after_its_middle_is_not_cut(xml, parse):
    assert fast_xlsx._cut(iter([xml]), len(xml) // 2, _Sink(), _Sink()) is None


def rich_header(sheet):
    sheet["A1"] = CellRichText([TextBlock(InlineFont(b=True), "Dat"), "um"])


@pytest.mark.parametrize("why, rows, first_row, extra", [
    ("a title above the headers", [["Huvudbok 2025"], HEADER] + export(5)[1:], 1, None),
    ("a time of day in a date column", [["Datum", "Belopp"], [dt.datetime(2025, 1, 1, 12, 30), 1.0]], 1, None),
    ("a day before 1900-03-01", [["Datum", "Belopp"], [dt.date(1900, 1, 2), 1.0]], 1, None),
    ("a text among the amounts", [["Konto", "Belopp"], [3011, 1.0], [3011, "1 000,00"]], 1, None),
    ("a sheet of texts only", [["Konto", "Text"], ["3011", "a"], ["3012", "b"]], 1, None),
    ("a number among the headers", [["Konto", 2025], [3011, 1.0]], 1, None),
    ("a formula among the headers", [["Konto", "=\"Bel\"&\"opp\""], [3011, 1.0]], 1, None),
    ("rich text among the headers", [[None, "Belopp"], [dt.date(2025, 1, 1), 1.0]], 1, rich_header),
    ("an escape calamine undoes", [["Konto_x000D_", "Belopp"], [3011, 1.0]], 1, None),
])
def test_any_other_shape_is_left_to_the_plain_read(tmp_path, why, rows, first_row, extra):
    path = save_rows(tmp_path, rows, first_row, extra=extra)
    assert fast_xlsx.fast_cells(path, "Huvudbok") is None, why


def test_formatted_empty_cells_above_the_headers_are_left_to_the_plain_read(tmp_path):
    def formatted(sheet):
        sheet["A1"].number_format = "0.00"
        sheet["A1"].font = openpyxl.styles.Font(bold=True)

    path = save_rows(tmp_path, export(5), 2, extra=formatted)
    assert fast_xlsx.fast_cells(path, "Huvudbok") is None


def workbooks() -> list[Path]:
    found = sorted((ROOT / "inputs" / "example").rglob("*.xlsx"))
    found += sorted(REAL.glob("*.xlsx")) if REAL.is_dir() else []
    return found


@pytest.mark.parametrize("path", workbooks(), ids=lambda p: p.name)
def test_every_bundled_and_real_workbook_gives_the_same_cells_or_none(path):
    served = 0
    for name in CalamineWorkbook.from_path(str(path)).sheet_names:
        fast = fast_xlsx.fast_cells(path, name)
        if fast is not None:
            served += 1
            assert_same_cells(fast, plain(path, name))
    if path.name.startswith("ledger-"):
        assert served, f"{path.name}: a ledger export of the example must be read the fast way"


@pytest.mark.parametrize("name", ["example", "template", "erp", "odd_cells", "real_payables"])
def test_the_read_frames_are_the_same_when_every_workbook_is_read_the_fast_way(name, monkeypatch):
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", 0)
    served = []
    original = fast_xlsx.fast_cells
    monkeypatch.setattr(sheets, "fast_cells", lambda *args: served.append(result := original(*args)) or result)
    got = current([name]).get(name)
    if got is None:
        pytest.skip("the real data folder (../shared/data/real) is not present")
    assert_as_recorded(name, got)
    if name in ("example", "erp", "real_payables"):
        assert any(result is not None for result in served), "no sheet was read the fast way"


def ending_of(path: Path) -> bytes:
    from pipeline.messages import messages
    from pipeline.read.safety import inspect_workbook

    return inspect_workbook(path, path.name, messages("en")).sheet_ends["Huvudbok"]


def test_a_totals_row_at_the_end_is_left_to_the_plain_read_before_fastexcel_parses(tmp_path, monkeypatch):
    rows = export(30) + [["Summa", None, None, 1234.5, None, None, None, None]]
    path = save_rows(tmp_path, rows)
    import fastexcel

    def refuse(*args, **kwargs):
        raise AssertionError("fastexcel was asked to parse a sheet its strict typing would refuse")

    monkeypatch.setattr(fastexcel, "read_excel", refuse)
    assert fast_xlsx.fast_cells(path, "Huvudbok", ending_of(path)) is None


def test_the_sheets_ending_is_what_the_safety_scan_saw_last(tmp_path):
    path = save_rows(tmp_path, export(30))
    ending = ending_of(path)
    assert ending.rstrip().endswith(b"</worksheet>") and b"rad 29" in ending
    fast = fast_xlsx.fast_cells(path, "Huvudbok", ending)
    assert fast is not None, "a sheet whose last rows agree with its first is read the fast way"
    assert_same_cells(fast, plain(path, "Huvudbok"))


@pytest.mark.parametrize("ending, agrees", [
    (b'<row r="9"><c r="A9" t="s"><v>3</v></c><c r="D9"><v>1.5</v></c></row>', False),  # a text under dates
    (b'<row r="9"><c r="A9" s="2"><v>45658</v></c><c r="D9" t="inlineStr"><is><t>x</t></is></c></row>', False),
    (b'<row r="9"><c r="A9" s="2"><v>45658</v></c><c r="B9" s="1"/><c r="D9"><v>-2</v></c></row>', True),
    (b'<row r="9"><c r="B9" t="d"><v>2025-01-02T00:00:00</v></c></row>', False),  # an ISO date, any column
    (b'<x:row r="9"><x:c r="A9"><x:v>45658</x:v></x:c><x:c r="H9" t="s"><x:v>7</x:v></x:c></x:row>', True),
    (b'="A9"><v>1</v></c><c r="D9"><v>2</v></c></row></sheetData>', True),  # cut in the middle of a cell
])
def test_the_ending_check_compares_each_cells_kind_with_the_first_data_row(ending, agrees):
    first_data_row = {0: "number", 3: "number", 7: "text"}
    assert fast_xlsx._ending_agrees(ending, first_data_row, 0) is agrees
    assert fast_xlsx._ending_agrees(ending, first_data_row, 9), "the header row and above say nothing"


def xlsxwriter_ledger(path: Path, counterparty, counterparty_format: str | None) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Huvudbok")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    other = book.add_format({"num_format": counterparty_format}) if counterparty_format else day
    sheet.write_row(0, 0, ["Datum", "Konto", "Belopp", "Motpart"])
    for i in range(1, 6):
        sheet.write_number(i, 0, 45658 + i, day)
        sheet.write_number(i, 1, 3011)
        sheet.write_number(i, 2, 100.0)
        sheet.write_number(i, 3, counterparty, other)
    book.close()
    return path


@pytest.mark.parametrize("number", [2120000142, 20250101], ids=["org-no-as-date", "yyyymmdd-as-date"])
def test_a_number_in_a_date_format_that_is_no_day_python_holds_goes_the_plain_way(tmp_path, number):
    # fastexcel gives the first as missing and the second as a day of a year past 9999: the
    # plain read gives both as the number.
    path = xlsxwriter_ledger(tmp_path / "ledger.xlsx", number, None)
    assert plain(path, "Huvudbok")[0][1, 3] == float(number)
    assert fast_xlsx.fast_cells(path, "Huvudbok") is None


def test_a_sheet_with_iso_date_cells_is_never_read_the_fast_way(tmp_path, monkeypatch):
    # python-calamine gives an ISO date at midnight as a datetime; the first data row's date is
    # blank here, so only the sheet's last rows show the kind.
    book = openpyxl.Workbook(iso_dates=True)
    sheet = book.active
    sheet.title = "Huvudbok"
    sheet.append(["Datum", "Belopp"])
    sheet.append([None, 1.0])
    for day in range(1, 20):
        sheet.append([dt.datetime(2025, 1, day), 2.0])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", 0)
    served = []
    original = fast_xlsx.fast_cells
    monkeypatch.setattr(sheets, "fast_cells", lambda *args: served.append(result := original(*args)) or result)
    (read,) = sheets.read_sheets(path, path.name)
    assert served == [None]
    assert read.rows[3, 0] == dt.datetime(2025, 1, 2, 0, 0) and type(read.rows[3, 0]) is dt.datetime


def test_headers_with_spaces_at_their_ends_go_the_plain_way(tmp_path):
    path = save_rows(tmp_path, [[" Datum", "Belopp"], [dt.date(2025, 1, 1), 1.0]])
    assert fast_xlsx.fast_cells(path, "Huvudbok") is None


@pytest.mark.parametrize("xml", [
    '<c r="A1" t="inlineStr"><v>Datum</v></c>',
    '<c r="A1" t="inlineStr"><is><t>Datum</t></is><v>Konto</v></c>',
    '<c r="A1" t="s"><is><t>Datum</t></is></c>',
])
def test_a_value_calamine_does_not_read_for_the_cells_type_is_left_to_the_plain_read(xml):
    from xml.etree import ElementTree

    assert fast_xlsx._cell(ElementTree.fromstring(xml)) is None


def test_fastexcel_says_nothing_on_the_terminal(tmp_path, capfd):
    rows = [HEADER + ["Tom"]] + [row + [None] for row in export(10)[1:]]  # an empty column
    path = save_rows(tmp_path, rows)
    assert fast_xlsx.fast_cells(path, "Huvudbok") is not None
    assert capfd.readouterr().err == ""


def test_a_date_with_a_fraction_below_a_millisecond_is_the_same_day_to_the_parse():
    # The one difference the fast read leaves (module docstring): a date where python-calamine
    # gives a datetime at midnight. The parse reads both as the same day.
    from pipeline.messages import messages
    from pipeline.read import parse

    cells = np.array([dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 0, 0)], dtype=object)
    parsed = parse.parse_dates(cells, "Datum", messages("sv"))
    assert parsed.values[0] == parsed.values[1] and not parsed.bad.any()


@pytest.mark.parametrize("fast_from_bytes, compacted", [(0, False), (1 << 40, True)])
def test_only_ledgers_read_a_cell_at_a_time_are_compacted(fast_from_bytes, compacted, monkeypatch):
    """The example's ledgers read by columns make their values side by side: no compaction.
    Read the plain way, cell by cell, they are compacted once enough lines were read so."""
    from pipeline.read import folder
    from pipeline.settings import load_settings

    example = ROOT / "inputs" / "example"
    monkeypatch.setattr(sheets, "FAST_FROM_BYTES", fast_from_bytes)
    monkeypatch.setattr(folder, "COMPACT_FROM_LINES", 1)
    calls = []
    monkeypatch.setattr(folder, "compact", calls.append)
    inputs = folder.read_inputs(example, 2025, load_settings(example))
    assert bool(calls) is compacted
    if compacted:
        assert calls == [inputs.ledgers]


def test_the_sheet_is_cut_by_a_forked_process_or_here(tmp_path, monkeypatch, parse):
    # The cut into halves is made by a forked child (it would share the interpreter lock with
    # the read in a thread); a child that fails leaves the cut to this process, with the same cells.
    path = save_rows(tmp_path, export(400), 1)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 0)
    here = os.getpid()
    cut_by = tmp_path / "cut-by"
    original = fast_xlsx._write_halves

    def recorded(*args):
        with cut_by.open("a") as record:
            record.write(f"{os.getpid()}\n")
        return original(*args)

    monkeypatch.setattr(fast_xlsx, "_write_halves", recorded)
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert [int(pid) != here for pid in cut_by.read_text().split()] == [True]

    def failing_in_a_child(*args):
        if os.getpid() != here:
            raise OSError("no room for the halves")
        return recorded(*args)

    cut_by.unlink()
    monkeypatch.setattr(fast_xlsx, "_write_halves", failing_in_a_child)
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert [int(pid) for pid in cut_by.read_text().split()] == [here]


def test_no_process_is_forked_for_a_sheet_too_small_to_cut(tmp_path, monkeypatch, parse):
    path = save_rows(tmp_path, export(400), 1)
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 1 << 62)
    started = []
    original = fast_xlsx.SideTask

    def recorded(function, *args, when=True):
        started.append((function.__name__, when))
        return original(function, *args, when=when)

    monkeypatch.setattr(fast_xlsx, "SideTask", recorded)
    assert_same_cells(fast_xlsx.fast_cells(path, "Huvudbok"), plain(path, "Huvudbok"))
    assert started == [("_write_halves", False)]
    assert not fast_xlsx._to_be_cut(tmp_path / "missing.xlsx", "Huvudbok")
