"""R6 worked by hand: supplier spend, direct-award limit, contract period, list, concentration."""

from fractions import Fraction

from pipeline.classify import classify_ledger
from pipeline.compute.suppliers import analyse_suppliers
from pipeline.settings import Settings
from tests.factories import counterparties_frame, ledger_frame, members_frame, services_frame, suppliers_frame

MEMBER = "212000-1355"
BIG = "556036-0793"  # direct award, 800 000 SEK: over the 700 000 limit
FRAMEWORK = "556677-8899"  # framework agreement ending 2025-06-30, paid in August too
UNLISTED = "556011-1111"
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)])
SUPPLIERS = suppliers_frame([
    (BIG, "Stor Konsult AB", "direktupphandling", "", "2025-01-01", "2025-12-31"),
    (FRAMEWORK, "Drift AB", "ramavtal", "DNR 2023/041", "2023-07-01", "2025-06-30"),
    (MEMBER, "Ankeby kommun", "Teckal", "", "2020-01-01", ""),
])


def cost(date, voucher, orgnr, amount, account=5410):
    return [(date, voucher, account, amount, orgnr, ""), (date, voucher, 2440, -amount, orgnr, "")]


def analysis():
    rows = (cost("2025-02-01", "B 1", BIG, 800_000) + cost("2025-03-01", "B 2", FRAMEWORK, 150_000)
            + cost("2025-08-01", "B 3", FRAMEWORK, 50_000) + cost("2025-04-01", "B 4", FRAMEWORK, -10_000)
            + cost("2025-05-01", "B 5", UNLISTED, 10_000) + cost("2025-05-02", "B 6", MEMBER, 90_000)
            + cost("2025-05-03", "B 7", "5560360794", 1_000))  # bad check digit, as the reader leaves it
    ledger = ledger_frame(rows)
    bad = ledger["counterparty"] == "5560360794"
    ledger.loc[bad, "counterparty"] = ""
    ledger.loc[bad, "counterparty_note"] = "invalid"
    lines = classify_ledger(ledger, MEMBERS, counterparties_frame(), services_frame(), Settings())
    return analyse_suppliers(2025, lines, None, SUPPLIERS, MEMBERS, counterparties_frame(), Settings())


def test_spend_per_supplier_includes_credit_notes_and_odd_org_nos():
    result = analysis()
    spend = result.spend.set_index("supplier")["spend_ore"].to_dict()
    assert spend == {BIG: 80_000_000, FRAMEWORK: 19_000_000, UNLISTED: 1_000_000, MEMBER: 9_000_000,
                     "5560360794": 100_000}
    assert result.spend_ore == 109_100_000
    assert result.spend.set_index("supplier").at[FRAMEWORK, "credit_notes"] == 1


def test_members_are_shown_apart_from_market_suppliers():
    groups = analysis().spend.set_index("supplier")["group"].to_dict()
    assert groups[MEMBER] == "member" and groups[BIG] == "market"


def test_flags():
    flags = analysis().flags
    found = sorted(zip(flags["flag"], flags["supplier"]))
    assert found == [
        ("concentration", BIG),  # 800 000 / 1 001 000 market spend > 0.25
        ("not_in_supplier_list", UNLISTED),
        ("orgnr_not_valid", "5560360794"),
        ("outside_contract_period", FRAMEWORK),  # the August payment
        ("over_direct_award_limit", BIG),
    ]


def test_concentration_top_share_and_herfindahl():
    result = analysis()
    # Market spend: 800 000 + 190 000 + 10 000 + 1 000 = 1 001 000 SEK.
    assert result.top_share == Fraction(800_000, 1_001_000)
    expected = sum(Fraction(v, 1_001_000) ** 2 for v in (800_000, 190_000, 10_000, 1_000))
    assert result.herfindahl == expected
