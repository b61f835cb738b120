"""The read stage on shapes real exports have (issue 15): separators, SIE from many programs,
SpreadsheetML with namespace prefixes, UTF-16 text, sheets that are not ledgers. Tiny files
are written in each test; the expected values are counted by hand."""

from __future__ import annotations

import pytest

from pipeline.messages import messages
from pipeline.read.parse import parse_amounts_ore

SV = messages("sv")


@pytest.mark.parametrize("column, ore", [
    (["24,990", "12,50"], [2499, 1250]),          # "," is the decimal comma: 24,99 kr
    (["24,990", "12.50"], [2499000, 1250]),       # "." is the decimal point: 24 990 kr
    (["12.500", "1.234,50"], [1250000, 123450]),  # "." groups thousands: 12 500 kr
    (["12.500", "1,234,567"], [1250, 123456700]),  # "," groups thousands: 12,50 kr
    (["(24,990)", "1.5"], [-2499000, 150]),
])
def test_one_separator_and_three_digits_follows_the_column(column, ore):
    parsed = parse_amounts_ore(column, "belopp", SV)
    assert list(parsed.values) == ore and list(parsed.error) == ["", ""]


@pytest.mark.parametrize("column", [["24,990"], ["12.500", "300"], ["24,990", "12,50", "3.5"]])
def test_one_separator_and_three_digits_is_rejected_when_the_column_does_not_tell(column):
    parsed = parse_amounts_ore(column, "belopp", SV)
    assert parsed.values[0] == 0
    assert "kan betyda" in parsed.error[0] and "decimaltecken" in parsed.error[0]


# ---------------------------------------------------------------- customer and supplier numbers

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline.errors import InputError  # noqa: E402
from pipeline.read.numbers import ANY, CUSTOMER, SUPPLIER, NumberRegister  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


def _register(rows: list[tuple], column: str) -> pd.DataFrame:
    return pd.DataFrame({"orgnr": [r[0] for r in rows], column: [r[1] for r in rows],
                         "source_id": [f"reg.xlsx:R:{i + 2}" for i in range(len(rows))]})


def test_a_number_is_a_customer_on_revenue_and_a_supplier_on_costs():
    members = _register([("212000-1355", "100")], "customer_number")
    suppliers = _register([("556677-8899", "100")], "supplier_number")
    register = NumberRegister.from_registers(members, _register([], "customer_number"), suppliers, Settings(), SV)
    raw = np.array(["100", "100", "100", " 100 ", "232100-0016", "100", "K5"], dtype=object)
    kinds = np.array([ANY, ANY, ANY, SUPPLIER, ANY, CUSTOMER, ANY], dtype=object)
    accounts = np.array([3010, 5410, 1510, 1510, 3010, 5410, 3010])
    orgnr, note = register.resolve(raw, kinds, accounts)
    assert list(orgnr) == ["212000-1355", "556677-8899", "212000-1355", "556677-8899", "232100-0016",
                           "212000-1355", ""]
    assert list(note) == ["", "", "", "", "", "", "invalid"]


def test_each_distinct_number_is_keyed_once_not_once_per_line(monkeypatch):
    import pipeline.read.numbers as numbers

    members = _register([("212000-1355", "K 100")], "customer_number")
    register = NumberRegister.from_registers(members, _register([], "customer_number"),
                                             _register([], "supplier_number"), Settings(), SV)
    keyed = []
    original = numbers.number_key
    monkeypatch.setattr(numbers, "number_key", lambda text: keyed.append(text) or original(text))
    raw = np.array(["k100", "", "K 100", "k100", "", "9"] * 1000, dtype=object)
    orgnr, note = register.resolve(raw, np.full(len(raw), CUSTOMER, dtype=object), np.full(len(raw), 3010))
    assert sorted(keyed) == ["", "9", "K 100", "k100"]
    assert list(orgnr[:6]) == ["212000-1355", "", "212000-1355", "212000-1355", "", ""]
    assert list(note[:6]) == ["", "missing", "", "", "missing", "invalid"]
    assert (orgnr.reshape(1000, 6) == orgnr[:6]).all() and (note.reshape(1000, 6) == note[:6]).all()


def test_one_number_for_two_org_nos_is_an_input_error_naming_both_rows():
    members = _register([("212000-1355", "100")], "customer_number")
    counterparties = _register([("232100-0016", "100")], "customer_number")
    with pytest.raises(InputError) as caught:
        NumberRegister.from_registers(members, counterparties, _register([], "supplier_number"), Settings(), SV)
    assert "'100' står för två olika org.nr: 212000-1355 (reg.xlsx:R:2) och 232100-0016 (reg.xlsx:R:2)" \
        in str(caught.value)


# ---------------------------------------------------------------- SIE from real programs

from pipeline.read import read_inputs  # noqa: E402
from pipeline.read.sie import sie_encoding, tokens  # noqa: E402
from pipeline.settings import settings_from_dict  # noqa: E402
from tests.workbooks import FIRM, MEMBER, write_folder, write_sheet  # noqa: E402

# A SIE 4 file as real programs write it: numeric series ("1" + "12" and "11" + "2" would both
# be "112" if joined), customer numbers in dimension 8 and supplier numbers in dimension 9 with
# #OBJEKT names, a class-0 statistical account (Magenta), an #RTRANS beside its #TRANS, a
# backslash and an escaped quote in a text, Swedish letters.
SIE_TEXT = """#FLAGGA 0
#PROGRAM "Testprogram" 1.0
#FORMAT PC8
#SIETYP 4
#FNAMN "Samverkansförbundet Åäö"
#RAR 0 20250101 20251231
#KONTO 1510 "Kundfordringar"
#KONTO 3010 "Försäljning tjänster"
#KONTO 2440 "Leverantörsskulder"
#KONTO 5410 "Förbrukningsinventarier"
#KONTO 0110 "Antal anställda"
#DIM 8 "Kund"
#DIM 9 "Leverantör"
#OBJEKT 8 "100" "Ankeby kommun"
#OBJEKT 8 "999" "Öby Fastigheter AB"
#OBJEKT 9 "7" "Konsult AB"
#VER "1" "12" 20250301 "Faktura Ankeby"
{
#TRANS 1510 {8 "100"} 900.00
#TRANS 3010 {8 "100" 6 "T01"} -900.00 20250301 "Tjänst \\"e-arkiv\\" C:\\mapp\\fil"
}
#VER "11" "2" 20250401 "Faktura Öby"
{
#TRANS 1510 {8 "999"} 100
#TRANS 3010 {8 "999" 6 "T01"} -100
}
#VER "B" "1" 20250501 "Konsult"
{
#RTRANS 5410 {9 "7" 6 "T01"} 400.00
#TRANS 5410 {9 "7" 6 "T01"} 400.00
#TRANS 2440 {9 "7"} -400.00
#TRANS 0110 {} 3
}
"""


def _sie_folder(tmp_path, name: str, data: bytes):
    folder = write_folder(tmp_path / name, years=(2025,))
    (folder / "2025" / "ledger-2025.xlsx").unlink()
    (folder / "2025" / "ledger-2025.se").write_bytes(data)
    write_sheet(folder / "members.xlsx", "Medlemmar",
                ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande", "Kundnummer"],
                [[MEMBER, "Ankeby kommun", "kommun", None, None, "ja", 100]])
    write_sheet(folder / "suppliers.xlsx", "Leverantörer", ["Orgnr", "Namn", "Leverantörsnummer"],
                [[FIRM, "Konsult AB", "7"]])
    return folder


def test_the_same_sie_file_in_three_encodings_gives_identical_frames(tmp_path):
    settings = settings_from_dict({})
    frames = {}
    for encoding in ("cp437", "utf-8", "iso-8859-15"):
        data = SIE_TEXT.encode(encoding)
        assert sie_encoding(data) == encoding
        folder = _sie_folder(tmp_path, encoding, data)
        frames[encoding] = read_inputs(folder, 2025, settings).ledgers[2025]
    pd.testing.assert_frame_equal(frames["cp437"], frames["utf-8"])
    pd.testing.assert_frame_equal(frames["cp437"], frames["iso-8859-15"])
    ledger = frames["cp437"]
    # Six #TRANS on real accounts (the #RTRANS skipped, the class-0 line left out).
    assert list(ledger["voucher"]) == ["1 12", "1 12", "11 2", "11 2", "B 1", "B 1"]
    assert list(ledger["amount_ore"]) == [90000, -90000, 10000, -10000, 40000, -40000]
    assert ledger["account_name"].iloc[1] == "Försäljning tjänster"
    assert ledger["text"].iloc[1] == 'Tjänst "e-arkiv" C:\\mapp\\fil'
    # Customer 100 is the member, supplier 7 the firm; customer 999 is in no register.
    assert list(ledger["counterparty"]) == [MEMBER, MEMBER, "", "", FIRM, FIRM]
    assert list(ledger["counterparty_raw"]) == ["100", "100", "999", "999", "7", "7"]
    assert ledger["counterparty_name"].iloc[2] == "Öby Fastigheter AB"


def test_a_utf8_file_with_a_bom_and_a_windows_1252_file_are_read_as_such():
    assert sie_encoding(b"\xef\xbb\xbf#FLAGGA 0") == "utf-8-sig"
    # "€" is 0x80 in Windows-1252, a control code in ISO-8859-15.
    assert sie_encoding('#KONTO 3010 "Försäljning €"'.encode("cp1252")) == "cp1252"
    assert sie_encoding(b"#FLAGGA 0\n#FORMAT PC8\n") == "cp437"  # plain ASCII: as #FORMAT says


def test_sie_quoted_text_keeps_backslashes_and_unescapes_quotes():
    assert tokens('#VER "A" "1" 20250101 "Kvitto \\\\server\\delad \\"x\\""') == \
        ["#VER", "A", "1", "20250101", 'Kvitto \\\\server\\delad "x"']


# ---------------------------------------------------------------- spreadsheets

import datetime as dt  # noqa: E402
import re  # noqa: E402
import zipfile  # noqa: E402

from tests.workbooks import LEDGER_HEADER, small_ledger  # noqa: E402

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_prefix(path, prefix: str = "x") -> None:
    """Rewrite a workbook's worksheets as the .NET Open XML SDK writes them: every element of the
    main namespace with a prefix (<x:worksheet xmlns:x="..."><x:sheetData><x:row><x:c ...>)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            xml = data.decode("utf-8")
            xml = xml.replace(f'xmlns="{_MAIN}"', f'xmlns:{prefix}="{_MAIN}"')
            xml = re.sub(r"<(/?)([A-Za-z]+)(?=[\s>/])", rf"<\1{prefix}:\2", xml)
            parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_an_error_cell_is_found_whatever_the_namespace_prefix(tmp_path):
    rows = small_ledger(2025)
    rows[2][3] = "#REF!"  # the outsider's invoice amount: openpyxl writes t="e"
    folder = write_folder(tmp_path / "org", years=(2025,), ledgers={2025: rows})
    path = folder / "2025" / "ledger-2025.xlsx"
    with_prefix(path)
    with zipfile.ZipFile(path) as archive:
        assert b"<x:c " in archive.read("xl/worksheets/sheet1.xml")
    inputs = read_inputs(folder, 2025, settings_from_dict({}))
    [error] = [r for r in inputs.rejected if r.critical]
    # Row 4 of the sheet (header, then A 1 twice): the cell D4.
    assert (error.row, error.column) == (4, "Belopp")
    assert "Excel-felet #REF!" in error.reason
    assert len(inputs.ledgers[2025]) == 5  # the other five lines read


def _folder_with(tmp_path, sheets: dict[str, list[list]], name: str = "ledger-2025.xlsx"):
    from tests.test_read import write_workbook

    folder = write_folder(tmp_path / "org", years=(2025,))
    (folder / "2025" / "ledger-2025.xlsx").unlink()
    write_workbook(folder / "2025" / name, sheets)
    return folder


def _rows(header: list[str], date_text=None) -> list[list]:
    body = small_ledger(2025)
    if date_text is not None:
        body = [[date_text(row[0]), *row[1:]] for row in body]
    return [header, *body]


def test_a_utf16_unicode_text_export_is_read_like_the_workbook(tmp_path):
    folder = write_folder(tmp_path / "org", years=(2025,))
    expected = read_inputs(folder, 2025, settings_from_dict({})).ledgers[2025]
    (folder / "2025" / "ledger-2025.xlsx").unlink()
    lines = ["\t".join(LEDGER_HEADER)] + ["\t".join("" if c is None else str(c) for c in row)
                                          for row in small_ledger(2025)]
    # Excel's "Unicode text": UTF-16 little-endian with a byte-order mark, tab-separated.
    (folder / "2025" / "ledger-2025.csv").write_bytes("\r\n".join(lines).encode("utf-16"))
    ledger = read_inputs(folder, 2025, settings_from_dict({})).ledgers[2025]
    columns = ["date", "voucher", "account", "amount_ore", "counterparty", "service", "text"]
    pd.testing.assert_frame_equal(ledger[columns], expected[columns])


def test_pivot_and_lookup_sheets_beside_the_ledger_are_skipped_and_listed(tmp_path):
    folder = _folder_with(tmp_path, {
        "Huvudbok": _rows(LEDGER_HEADER),
        "Pivot": [["Radetiketter", "Summa av Belopp"], [3010, -1000], ["Totalsumma", -1000]],
        "Konton": [["Konto", "Kontonamn"], [3010, "Försäljning"], [1510, "Kundfordringar"]],
    })
    inputs = read_inputs(folder, 2025, settings_from_dict({}))
    assert len(inputs.ledgers[2025]) == 6
    skipped = [(n.sheet, n.what) for n in inputs.read_notes]
    assert skipped == [("Pivot", "skipped_sheet"), ("Konton", "skipped_sheet")]
    from pipeline.validate.ledger_checks import read_notes

    [warning] = read_notes(inputs, SV)
    assert warning.batch == "ledger-2025" and warning.severity == "warning"
    assert "2025/ledger-2025.xlsx [Pivot] (rubriker: Radetiketter, Summa av Belopp)" in warning.description


def test_a_sheet_lacking_one_column_beside_the_ledger_is_still_an_error(tmp_path):
    header = [h if h != "Belopp" else "Summa" for h in LEDGER_HEADER]
    folder = _folder_with(tmp_path, {"Huvudbok": _rows(LEDGER_HEADER), "Mars": _rows(header)})
    with pytest.raises(InputError) as caught:
        read_inputs(folder, 2025, settings_from_dict({}))
    assert "flik Mars" in str(caught.value) and "obligatoriska kolumner saknas" in str(caught.value)


def test_the_settings_column_map_wins_over_the_built_in_names(tmp_path):
    header = ["Bokföringsdatum", "Transaktionsdatum", "Verifikationsnr", "Konto", "Belopp", "Motpart"]
    rows = [header] + [[dt.date(2025, 12, 31), row[0], row[1], row[2], row[3], row[4]]
                       for row in small_ledger(2025)]
    folder = _folder_with(tmp_path, {"HB": rows})
    settings = settings_from_dict({"columns": {"ledger": {"Transaktionsdatum": "date"}}})
    ledger = read_inputs(folder, 2025, settings).ledgers[2025]
    # The transaction dates, not the booking date 2025-12-31 of every line.
    assert [str(d)[:10] for d in ledger["date"]] == ["2025-03-01"] * 2 + ["2025-04-01"] * 2 + ["2025-05-01"] * 2
    assert list(ledger["voucher"])[:2] == ["A 1", "A 1"]  # "Verifikationsnr" is a voucher column


def test_bilagsnr_and_a_period_column_are_read(tmp_path):
    header = ["Period", "Bilagsnr", "Konto", "Belopp", "Motpart"]
    rows = [header] + [[f"{row[0]:%Y%m}", row[1], row[2], row[3], row[4]] for row in small_ledger(2025)]
    folder = _folder_with(tmp_path, {"HB": rows})
    ledger = read_inputs(folder, 2025, settings_from_dict({})).ledgers[2025]
    # Periods 202503, 202504, 202505: each line on its period's first day.
    assert [str(d)[:10] for d in ledger["date"]] == ["2025-03-01"] * 2 + ["2025-04-01"] * 2 + ["2025-05-01"] * 2
    assert list(ledger["voucher"]) == ["A 1", "A 1", "A 2", "A 2", "B 1", "B 1"]


def test_day_month_year_dates_need_the_setting_and_are_never_guessed(tmp_path):
    rows = _rows(LEDGER_HEADER, lambda d: f"{d.day}/{d.month}/{d.year}")  # 1/3/2025 = 1 March
    folder = _folder_with(tmp_path, {"HB": rows})
    inputs = read_inputs(folder, 2025, settings_from_dict({}))
    reasons = {r.reason for r in inputs.rejected if r.critical}
    assert "datum '1/3/2025' kan vara dag/månad eller månad/dag; ange date_format = \"d/m/yyyy\" (eller " \
           "\"m/d/yyyy\") under [rules] i settings.toml, eller exportera datum som ÅÅÅÅ-MM-DD" in reasons
    ledger = read_inputs(folder, 2025, settings_from_dict({"rules": {"date_format": "d/m/yyyy"}})).ledgers[2025]
    assert [str(d)[:10] for d in ledger["date"]][::2] == ["2025-03-01", "2025-04-01", "2025-05-01"]


def test_a_misspelt_header_is_read_and_said(tmp_path):
    header = [h if h != "Belopp" else "Belop" for h in LEDGER_HEADER]
    folder = _folder_with(tmp_path, {"HB": _rows(header)})
    inputs = read_inputs(folder, 2025, settings_from_dict({}))
    assert [(n.what, n.header, n.field) for n in inputs.read_notes] == [("fuzzy_header", "Belop", "amount")]
    from pipeline.validate.ledger_checks import read_notes

    [warning] = read_notes(inputs, SV)
    assert "'Belop' lästes som belopp (2025/ledger-2025.xlsx [HB])" in warning.description


def test_a_file_named_se_that_is_no_sie_file_is_said_in_swedish(tmp_path):
    folder = _sie_folder(tmp_path, "org", "Datum;Konto;Belopp\n2025-01-01;3010;-100\n".encode("utf-8"))
    with pytest.raises(InputError) as caught:
        read_inputs(folder, 2025, settings_from_dict({}))
    assert str(caught.value) == ("2025/ledger-2025.se: är ingen SIE-fil (inga #-etiketter i början); exportera "
                                 "huvudboken som SIE 4 (.se) eller som .xlsx")


@pytest.mark.parametrize("with_register", [False, True])
def test_a_ledger_with_only_a_counterparty_column_reads_as_one_with_empty_number_columns(with_register):
    from pipeline.model import RawSheet
    from pipeline.read.builders import _counterparties_of_lines
    from pipeline.read.headers import HeaderMatch
    from pipeline.read.table import Table

    cells = np.array(["212000-1355", " 100 ", "", None, "2120001355", "K5", 12.0, "556677-8899"], dtype=object)
    accounts = np.array([3010, 3010, 3010, 5410, 5410, 3010, 5410, 5410])
    register = NumberRegister.from_registers(_register([("212000-1355", "100")], "customer_number"),
                                             _register([], "customer_number"),
                                             _register([("556677-8899", "12")], "supplier_number"), Settings(), SV)

    def table(columns: dict[str, np.ndarray]) -> Table:
        headers = tuple(columns)
        made = Table(RawSheet("l.xlsx", "H", [list(headers)]), HeaderMatch(0, headers, {n: i for i, n in enumerate(headers)}, ()),
                     columns, np.arange(2, 2 + len(cells)), str)
        made.numbers = register if with_register else None
        return made

    only = _counterparties_of_lines(table({"counterparty": cells.copy()}), accounts)
    empty = np.array([""] * len(cells), dtype=object)
    general = _counterparties_of_lines(table({"counterparty": cells.copy(), "customer_number": empty,
                                              "supplier_number": empty.copy()}), accounts)
    for got, want in zip(only, general):
        assert got.dtype == want.dtype == object and got.tolist() == want.tolist()
    assert only[0].tolist()[:2] == ["212000-1355", "212000-1355" if with_register else ""]
