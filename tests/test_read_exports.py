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
