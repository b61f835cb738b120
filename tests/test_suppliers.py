"""R6 worked by hand: supplier spend, direct-award limit, contract period, list, concentration."""

from fractions import Fraction

import pandas as pd

from pipeline.classify import classify_ledger
from pipeline.compute.direct_awards import direct_award_lines
from pipeline.compute.suppliers import analyse_suppliers, supplier_lines
from pipeline.settings import Settings, settings_from_dict
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
    # Direct-award spend of kind 5410 (the account): BIG 800 000 (direct award), FRAMEWORK's August
    # 50 000 (outside the contract), UNLISTED 10 000 and the bad org. no.'s 1 000 (no reference):
    # 861 000 >= 700 000, so every supplier in the kind is a lead.
    assert found == [
        ("concentration", BIG),  # 800 000 / 1 001 000 market spend > 0.25
        ("direct_award_kind_over_limit", UNLISTED),
        ("direct_award_kind_over_limit", BIG),
        ("direct_award_kind_over_limit", "5560360794"),
        ("direct_award_kind_over_limit", FRAMEWORK),
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


# Direct awards by kind (R6) ------------------------------------------------------------------

CONSULT_A = "556036-0793"
CONSULT_B = "556677-8899"


def two_consultants(settings=Settings(), account_b=6550, category_b="IT-konsulter"):
    # Two consultants bought by direct award, 400 000 each: under the 700 000 limit one by one.
    supplier_list = suppliers_frame([
        (CONSULT_A, "Konsult A AB", "direktupphandling", "", "2025-01-01", "2025-12-31"),
        (CONSULT_B, "Konsult B AB", "direktupphandling", "", "2025-01-01", "2025-12-31"),
    ])
    supplier_list["category"] = ["IT-konsulter", category_b]
    rows = cost("2025-02-01", "B 1", CONSULT_A, 400_000, account=6550) + \
        cost("2025-03-01", "B 2", CONSULT_B, 400_000, account=account_b)
    lines = classify_ledger(ledger_frame(rows), MEMBERS, counterparties_frame(), services_frame(), settings)
    return analyse_suppliers(2025, lines, None, supplier_list, MEMBERS, counterparties_frame(), settings)


def test_two_direct_awards_of_the_same_kind_under_the_limit_each_are_over_it_together():
    # Same account 6550: 400 000 + 400 000 = 800 000 >= 700 000 -> both suppliers are leads.
    result = two_consultants()
    kinds = result.direct_awards.kinds
    assert list(kinds["kind"]) == ["6550"] and int(kinds.at[0, "spend_ore"]) == 80_000_000
    assert bool(kinds.at[0, "over_limit"]) and kinds.at[0, "suppliers"] == (CONSULT_A, CONSULT_B)
    assert sorted(result.flags.loc[result.flags["flag"] == "direct_award_kind_over_limit", "supplier"]) == \
        [CONSULT_A, CONSULT_B]
    # The per-supplier view alone would pass both: each is 400 000, under the limit.
    assert "over_direct_award_limit" not in set(result.flags["flag"])


def test_the_kind_is_a_setting_account_account_group_or_category():
    # B on 6560 instead: two accounts of 400 000 each, neither reaches the limit by account ...
    by_account = two_consultants(account_b=6560).direct_awards.kinds
    assert sorted(by_account["kind"]) == ["6550", "6560"] and not by_account["over_limit"].any()
    # ... but both are account group 65: 800 000 together.
    group = settings_from_dict({"rules": {"direct_award_kind": "account_group"}})
    by_group = two_consultants(group, account_b=6560).direct_awards.kinds
    assert list(by_group["kind"]) == ["65"] and bool(by_group.at[0, "over_limit"])
    # By the supplier list's category: same category -> one kind; different -> two under the limit.
    category = settings_from_dict({"rules": {"direct_award_kind": "category"}})
    same = two_consultants(category, account_b=6560).direct_awards.kinds
    assert list(same["kind"]) == ["IT-konsulter"] and bool(same.at[0, "over_limit"])
    apart = two_consultants(category, category_b="Juridik").direct_awards.kinds
    assert sorted(apart["kind"]) == ["IT-konsulter", "Juridik"] and not apart["over_limit"].any()


def test_a_kind_exactly_at_the_limit_is_a_lead():
    # 350 000 + 350 000 = 700 000: direct award is allowed only below the limit.
    supplier_list = suppliers_frame([
        (CONSULT_A, "Konsult A AB", "direktupphandling", "", "2025-01-01", "2025-12-31"),
        (CONSULT_B, "Konsult B AB", "", "", "", ""),  # no procurement reference: counted too
    ])
    rows = cost("2025-02-01", "B 1", CONSULT_A, 350_000, account=6550) + \
        cost("2025-03-01", "B 2", CONSULT_B, 349_999.99, account=6550)
    lines = classify_ledger(ledger_frame(rows), MEMBERS, counterparties_frame(), services_frame(), Settings())
    under = analyse_suppliers(2025, lines, None, supplier_list, MEMBERS, counterparties_frame(), Settings())
    assert int(under.direct_awards.kinds.at[0, "spend_ore"]) == 69_999_999
    assert not under.direct_awards.kinds.at[0, "over_limit"]  # one öre below
    rows[2:] = cost("2025-03-01", "B 2", CONSULT_B, 350_000, account=6550)
    lines = classify_ledger(ledger_frame(rows), MEMBERS, counterparties_frame(), services_frame(), Settings())
    at = analyse_suppliers(2025, lines, None, supplier_list, MEMBERS, counterparties_frame(), Settings())
    assert bool(at.direct_awards.kinds.at[0, "over_limit"])


def test_line_flags_name_each_lines_supplier_flags_and_outside_contract_only_where_paid_outside():
    import pandas as pd

    from pipeline.compute.suppliers import OUTSIDE_CONTRACT, line_flags

    flags = pd.DataFrame({"supplier": ["A", "A", "B", "C"],
                          "flag": ["direct_award_over_limit", "not_on_list", OUTSIDE_CONTRACT, OUTSIDE_CONTRACT]})
    lines = pd.DataFrame({"supplier": ["A", "A", "B", "B", "C", "D"],
                          "outside_contract": [False, True, True, False, True, True]})
    got = line_flags(lines, flags)
    # A's line paid outside a contract: A has no such flag, so only its own two.
    assert got.tolist() == ["direct_award_over_limit, not_on_list", "direct_award_over_limit, not_on_list",
                            OUTSIDE_CONTRACT, "", OUTSIDE_CONTRACT, ""]
    assert str(got.dtype) == "str"


def test_a_supplier_with_both_kinds_of_flags_has_both_on_a_line_paid_outside_its_contract():
    import pandas as pd

    from pipeline.compute.suppliers import OUTSIDE_CONTRACT, line_flags

    flags = pd.DataFrame({"supplier": ["A", "A"], "flag": ["not_on_list", OUTSIDE_CONTRACT]})
    lines = pd.DataFrame({"supplier": ["A", "A"], "outside_contract": [True, False]})
    assert line_flags(lines, flags).tolist() == [f"not_on_list, {OUTSIDE_CONTRACT}", "not_on_list"]


def test_direct_award_reasons_come_from_the_list_trimmed_and_in_any_case():
    # The supplier list's words are trimmed and compared in lower case per supplier, then taken
    # to that supplier's lines; a supplier the list lacks has no form and no reference.
    spend = pd.DataFrame({"supplier": ["A", "B", "C"],
                          "procurement_form": ["  Direktupphandling ", "ramavtal", None],
                          "procurement_reference": ["", " DNR 1 ", "   "]})
    lines = pd.DataFrame({"supplier": ["A", "B", "B", "C", "D", "A"],
                          "group": ["market", "market", "market", "market", "market", "member"],
                          "outside_contract": [False, False, True, False, False, False]})
    chosen = direct_award_lines(lines, spend)
    assert list(chosen.index) == [0, 2, 3, 4]
    assert list(chosen["reason"]) == ["direct_award", "outside_contract", "no_reference", "no_reference"]


def test_a_supplier_without_org_no_is_known_by_its_number_as_written_trimmed():
    year_lines = pd.DataFrame({
        "line_type": ["cost", "cost", "cost", "revenue"],
        "counterparty": ["556036-0793", "", "", ""],
        "counterparty_raw": ["5560360793", " 10042 ", "   ", "20001"],
        "counterparty_note": ["", "number", "", ""],
        "date": pd.to_datetime(["2025-01-01"] * 4), "amount_ore": [100, 200, 300, 400],
        "account": [5410, 5410, 5410, 3010], "source_id": ["f:s:2", "f:s:3", "f:s:4", "f:s:5"],
    }).astype({"counterparty": "str", "counterparty_raw": "str", "counterparty_note": "str", "source_id": "str"})
    source, frame = supplier_lines(year_lines, None)
    assert source == "ledger"
    assert list(frame["supplier"]) == ["556036-0793", "10042", "(saknas)"]
