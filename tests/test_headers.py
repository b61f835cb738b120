"""Header matching against the alias table, and finding the header row under title rows."""

import pytest

from pipeline.read.headers import find_header_row, match_header, normalise_header


def test_normalise_ignores_case_accents_and_punctuation():
    assert normalise_header(" Ver.nr ") == "vernr"
    assert normalise_header("KOSTNADSSTÄLLE") == "kostnadsstalle"
    assert normalise_header("Belopp exkl. moms") == "beloppexklmoms"


@pytest.mark.parametrize(
    "kind, header, field",
    [
        ("ledger", "Bokföringsdatum", "date"),
        ("ledger", "TRANSAKTIONSDATUM", "date"),
        ("ledger", "Ver.nr", "voucher"),
        ("ledger", "Verifikationsnummer", "voucher"),
        ("ledger", "Kontonr", "account"),
        ("ledger", "Belopp SEK", "amount"),
        ("ledger", "Debit", "debit"),
        ("ledger", "Kredit", "credit"),
        ("ledger", "Kund orgnr", "counterparty"),
        ("ledger", "Org.nr", "counterparty"),
        ("ledger", "Projekt", "service"),
        ("ledger", "Ansvar", "cost_centre"),
        ("ledger", "Cost centre", "cost_centre"),
        ("ledger", "cost_centre", "cost_centre"),  # the field's own name always matches
        ("ledger", "Beskrivning", "text"),
        ("purchases", "ORGANISATIO", "supplier_orgnr"),  # truncated ORGANISATIONSNUMMER
        ("purchases", "UTFALL", "amount"),
        ("purchases", "Belopp exkl. moms", "amount"),
        ("purchases", "FAKT NR", "invoice"),
        ("purchases", "RN1/FÖRVALTNING", "buyer"),
        ("purchases", "LEVERANTÖR", "supplier_name"),
        ("members", "Medlem från", "member_from"),
        ("members", "Member until", "member_to"),
        ("history", "Totala intäkter (SEK)", "total_sek"),
        ("services", "Klassificering", "classification"),
    ],
)
def test_aliases(kind, header, field):
    assert match_header(header, kind) == field


def test_short_or_ambiguous_prefixes_do_not_match():
    assert match_header("Kont", "ledger") is None  # under five characters
    assert match_header("Verif", "ledger") is None  # Verifikation, -sdatum, -stext: three fields
    assert match_header("Valfri kolumn", "ledger") is None


def test_settings_mapping_overrides_aliases():
    overrides = {"Summa SEK": "amount_ore", "Text": "service"}
    assert match_header("SUMMA sek", "ledger", overrides) == "amount"
    assert match_header("Text", "ledger", overrides) == "service"


def test_header_row_below_title_rows():
    rows = [
        ["Huvudbok 2025", "", ""],
        ["Utskriven 2026-01-10", "", ""],
        ["", "", ""],
        ["Bokföringsdatum", "Ver.nr", "Konto", "Debet", "Kredit"],
        ["2025-01-01", "A1", "1930", "100,00", ""],
    ]
    match = find_header_row(rows, "ledger")
    assert match.row_index == 3
    assert match.columns == {"date": 0, "voucher": 1, "account": 2, "debit": 3, "credit": 4}
    assert match.missing == ()


def test_missing_requirement_is_described():
    match = find_header_row([["Datum", "Konto", "Debet"]], "ledger")
    assert match.missing == ("voucher", "amount or debit+credit")
    assert match.row_index == 0


@pytest.mark.parametrize("header, unit", [
    ("Belopp (tkr)", "tkr"), ("Belopp (öre)", "öre"), ("Belopp i ÖRE", "öre"), ("Belopp (o\u0308re)", "öre"),
    ("Belopp kr/öre", None), ("Belopp (kr, öre)", None), ("Öresavrundning", None), ("Belopp SEK", None),
    ("Belopp (tkr, kr)", "tkr"),
])
def test_the_unit_of_a_money_header(header, unit):
    from pipeline.read.headers import unit_word

    # "öre" beside "kr" is kronor with öre; an "ö" typed as "o" and a combining mark is an "ö".
    assert unit_word(header) == unit
