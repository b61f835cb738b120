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
