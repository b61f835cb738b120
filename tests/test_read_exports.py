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
