"""Cell values to exact typed values: each case is a cell as finance's exports write it."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.read import parse


@pytest.mark.parametrize(
    "cell, ore",
    [
        ("1 234,50", 123450),
        ("-1.234,50", -123450),
        ("1234.50", 123450),
        ("1,234.50", 123450),
        ("(1 234,50)", -123450),
        ("1 234,50 kr", 123450),
        ("1\u00a0234,50", 123450),  # non-breaking space as thousands separator
        ("1\u202f234,5", 123450),  # narrow no-break space, one decimal
        ("1.234.567", 123456700),  # several dots: thousands separators
        ("1234:-", 123400),
        ("1234-", -123400),  # trailing minus from older ERP exports
        ("\u22121234,50", -123450),  # Unicode minus sign
        ("12,5000", 1250),  # further decimals that are zero are still exact ("12,500" alone is ambiguous)
        ("0", 0),
        (1234.5, 123450),  # a float cell is taken at its shortest repr
        (0.1 + 0.2, 30),  # formula noise: 0.30000000000000004 means 30 öre
        (-5377.4, -537740),
        (42, 4200),
    ],
)
def test_amounts_in_ore(cell, ore):
    parsed = parse.parse_amounts_ore([cell])
    assert parsed.error[0] == ""
    assert parsed.values[0] == ore
    assert parsed.values.dtype == np.int64


@pytest.mark.parametrize(
    "cell, message",
    [
        ("12,3x", "amount '12,3x' is not a number"),
        ("1,2345", "amount '1,2345' has more than two decimals (money must be exact)"),
        ("12.3456", "amount '12.3456' has more than two decimals (money must be exact)"),
        (12.345, "amount '12.345' has more than two decimals (money must be exact)"),
        ("1,23,4", "amount '1,23,4' is not a number"),
        ("-(5)", "amount '-(5)' is not a number"),
    ],
)
def test_amounts_that_are_not_exact_money_are_errors(cell, message):
    parsed = parse.parse_amounts_ore([cell])
    assert parsed.error[0] == message


def swedish(ore: int) -> str:
    """Öre written as a Swedish export does: "-1 234 567,89"."""
    whole, cents = divmod(abs(ore), 100)
    return ("-" if ore < 0 else "") + f"{whole:,}".replace(",", "\u00a0") + f",{cents:02d}"


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_any_amount_written_the_swedish_way_reads_back_exactly(ore):
    assert parse.parse_amounts_ore([swedish(ore)]).values.tolist() == [ore]


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_any_two_decimal_float_cell_reads_back_exactly(ore):
    # The float Excel stores for a two-decimal amount, e.g. 1234.56 for 123456 öre.
    cell = float(Decimal(ore) / 100)
    assert parse.parse_amounts_ore([cell]).values.tolist() == [ore]


def test_amount_column_mixes_numbers_text_and_blanks():
    parsed = parse.parse_amounts_ore([100.25, "", None, "  ", "-7,5", 100.25])
    assert parsed.values.tolist() == [10025, 0, 0, 0, -750, 10025]
    assert parsed.empty.tolist() == [False, True, True, True, False, False]
    assert not parsed.bad.any()


def test_a_million_float_cells_sum_exactly():
    # 0.1 SEK a million times is 100 000 SEK = 10 000 000 öre; a float sum drifts from that.
    parsed = parse.parse_amounts_ore(np.full(1_000_000, 0.1, dtype=object))
    assert int(parsed.values.sum()) == 10_000_000


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2025, 3, 1),
        dt.date(2025, 3, 1),
        45717.0,  # the Excel serial of 2025-03-01
        45717.75,  # the same day at 18:00
        "2025-03-01",
        "2025-03-01 00:00",
        "2025-03-01T00:00:00",
        "20250301",
        20250301.0,
        "01.03.2025",
        " 2025/03/01 ",
    ],
)
def test_dates(cell):
    parsed = parse.parse_dates([cell])
    assert parsed.error[0] == ""
    assert parsed.values[0] == np.datetime64("2025-03-01", "ns")


@pytest.mark.parametrize("cell", ["2025-02-30", "mars", 12.0, "2025-13-01"])
def test_bad_dates_are_errors_naming_the_value(cell):
    parsed = parse.parse_dates([cell])
    assert parsed.error[0] == f"date '{parse.cell_text(cell)}' is not a date"
    assert np.isnat(parsed.values[0])


def test_empty_date_is_nat_and_marked_empty():
    parsed = parse.parse_dates(["", None])
    assert np.isnat(parsed.values).all()
    assert parsed.empty.tolist() == [True, True]
    assert not parsed.bad.any()


def test_accounts_split_number_and_name():
    parsed, names = parse.parse_accounts(["3011 Tjänsteintäkter", 1930.0, "46362 Köp medicinskt färdigbeh",
                                          "3041.0", "kassa", "2440 - Leverantörsskulder"])
    assert parsed.values[[0, 1, 2, 3, 5]].tolist() == [3011, 1930, 46362, 3041, 2440]
    assert names[[0, 1, 2, 3, 5]].tolist() == ["Tjänsteintäkter", "", "Köp medicinskt färdigbeh", "",
                                               "Leverantörsskulder"]
    assert parsed.error[4] == "account 'kassa' is not an account number"


@pytest.mark.parametrize(
    "cell, normalised, note",
    [
        ("556811-9357", "556811-9357", ""),
        ("5568119357", "556811-9357", ""),
        ("165568119357", "556811-9357", ""),
        ("16556811-9357", "556811-9357", ""),
        ("SE556811935701", "556811-9357", ""),
        ("SE 5568119357 01", "556811-9357", ""),
        ("212000-1355", "212000-1355", ""),
        ("", "", "missing"),
        ("SAKNAS", "", "missing"),
        ("-", "", "missing"),
        ("NULL", "", "missing"),
        ("556811-9358", "", "invalid"),  # check digit off by one
        ("55681", "", "invalid"),
        ("556811-9357/556168-8523", "", "multiple"),
        ("502007-7862, 663000-0013", "", "multiple"),
        ("556030-8800 AXSTORES 663000-1557", "", "multiple"),
        ("DK33357915", "", "foreign_vat"),
        ("EE100456868", "", "foreign_vat"),
        ("Okänt bolag AB", "", "invalid"),
    ],
)
def test_orgnr_forms(cell, normalised, note):
    assert parse.normalise_orgnr(cell) == (normalised, note)


def test_orgnr_column_keeps_raw_text():
    normalised, notes, raw = parse.parse_orgnrs(["5568119357", 5568119357.0, "SAKNAS"])
    assert normalised.tolist() == ["556811-9357", "556811-9357", ""]
    assert notes.tolist() == ["", "", "missing"]
    assert raw.tolist() == ["5568119357", "5568119357", "SAKNAS"]


def test_text_cells():
    parsed = parse.parse_text([" A 12 ", 123.0, 12.5, None, dt.datetime(2025, 1, 2)])
    assert parsed.values.tolist() == ["A 12", "123", "12.5", "", "2025-01-02"]


def test_flags_default_and_errors():
    parsed = parse.parse_flags(["ja", "Nej", "", "kanske"], "controlling", default=True)
    assert parsed.values.tolist() == [True, False, True, True]
    assert parsed.error.tolist()[3] == "controlling 'kanske' is neither ja nor nej"


def test_decimals_are_exact():
    parsed = parse.parse_decimals(["0,25", 0.1, "", "x"], "allocation key")
    assert parsed.values.tolist()[:3] == [Decimal("0.25"), Decimal("0.1"), None]
    assert parsed.error[3] == "allocation key 'x' is not a number"


def test_text_fast_path_keeps_plain_texts_and_still_cleans_odd_ones():
    # Plain str, padded str, an error cell (a str subclass), a float, format and control
    # characters, a bidi override in free text, a blank and None, in one column.
    cells = ["  556677-8899 ", "A1", parse.CellError("#REF!"), 12.0, "55\u200b66", "a\x07b", "  ", None,
             "\u202eabc", "A1"]
    identifiers = parse.parse_text(cells)
    assert list(identifiers.values) == ["556677-8899", "A1", "#REF!", "12", "5566", "a\u2407b", "", "",
                                        "abc", "A1"]
    assert list(identifiers.empty) == [False, False, False, False, False, False, True, True, False, False]
    assert not identifiers.bad.any()
    free = parse.parse_free_text(cells)
    assert list(free.values) == ["556677-8899", "A1", "#REF!", "12", "55\u200b66", "a\u2407b", "", "",
                                 "[U+202E]abc", "A1"]
    assert list(free.empty) == list(identifiers.empty)
