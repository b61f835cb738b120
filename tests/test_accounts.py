"""R5 worked by hand: separate accounts per service, allocation keys, open market, cost-based share."""

from fractions import Fraction

import pytest

from pipeline.classify import classify_ledger
from pipeline.compute.separate_accounts import cost_based_share, open_market_share, service_statements
from pipeline.money import allocate_ore
from pipeline.settings import Settings, settings_from_dict
from tests.factories import counterparties_frame, ledger_frame, members_frame, services_frame

MEMBER = "212000-1355"
FIRM = "556677-8899"
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)])
SERVICES = services_frame([
    ("T01", "E-arkiv", "samverkan", "0.75"),
    ("T02", "Konferens", "säljverksamhet", "0.25"),
])

# Revenue: T01 600 from the member, T02 200 from a private firm, 100 membership fee without service.
# Costs: T01 direct 300, T02 direct 250, shared (no service) 400.
ROWS = [
    ("2025-03-01", "A 1", 1510, 600, MEMBER, ""), ("2025-03-01", "A 1", 3010, -600, MEMBER, "T01"),
    ("2025-03-02", "A 2", 1510, 200, FIRM, ""), ("2025-03-02", "A 2", 3590, -200, FIRM, "T02"),
    ("2025-03-03", "A 3", 1510, 100, MEMBER, ""), ("2025-03-03", "A 3", 3110, -100, MEMBER, ""),
    ("2025-03-04", "B 1", 5410, 300, FIRM, "T01"), ("2025-03-04", "B 1", 2440, -300, FIRM, ""),
    ("2025-03-05", "B 2", 5420, 250, FIRM, "T02"), ("2025-03-05", "B 2", 2440, -250, FIRM, ""),
    ("2025-03-06", "B 3", 5010, 400, FIRM, ""), ("2025-03-06", "B 3", 2440, -400, FIRM, ""),
]


@pytest.fixture
def lines():
    return classify_ledger(ledger_frame(ROWS), MEMBERS, counterparties_frame([(FIRM, "Firma AB", "privat", "")]),
                           SERVICES, Settings())


def by_code(statements):
    return statements.services.set_index("code")


def test_revenue_key_splits_shared_cost_over_every_revenue_bearing_row(lines):
    # Weights: T01 600, T02 200, the membership fee without a code 100 (its own row, R5): 900.
    # Shared 40 000 öre: T01 40 000 * 600/900 = 26 666.67, T02 8 888.89, no code 4 444.44; floors
    # 26 666 + 8 888 + 4 444 = 39 998, the 2 öre left go to the largest remainders (T02 .89, T01 .67):
    # 26 667, 8 889, 4 444. Full cost T01 300 + 266.67 = 566.67, T02 250 + 88.89 = 338.89, no code 44.44.
    s = by_code(service_statements(lines, SERVICES, 2025, "revenue"))
    assert list(s.index) == ["T01", "T02", ""]
    assert list(s["allocated_cost_ore"]) == [26667, 8889, 4444]
    assert list(s["full_cost_ore"]) == [56667, 33889, 4444]
    assert list(s["result_ore"]) == [3333, -13889, 5556]  # T02 is sold below full cost
    assert list(s["cause"]) == ["", "", "no_service_code"]


def test_direct_cost_key(lines):
    # Shared 400 split 300:250:0 -> T01 218.18..., T02 181.81...; largest remainder gives 21818 + 18182 öre.
    s = by_code(service_statements(lines, SERVICES, 2025, "direct_cost"))
    assert list(s["allocated_cost_ore"]) == [21818, 18182, 0]


def test_table_key_from_the_catalogue(lines):
    # Fördelningsnyckel 0.75 / 0.25 (the row without a code has no key) -> 300 / 100 / 0.
    s = by_code(service_statements(lines, SERVICES, 2025, "table"))
    assert list(s["allocated_cost_ore"]) == [30000, 10000, 0]


def test_the_separate_accounts_add_up_to_the_years_revenue_and_operating_costs(lines):
    totals = service_statements(lines, SERVICES, 2025, "revenue").activity_totals()
    assert totals["cost_sharing"]["revenue_ore"] == 60000 and totals["cost_sharing"]["full_cost_ore"] == 56667
    assert totals["sales"]["revenue_ore"] == 20000 and totals["sales"]["full_cost_ore"] == 33889
    assert totals["unassigned"]["revenue_ore"] == 10000 and totals["unassigned"]["full_cost_ore"] == 4444
    # Activity revenue 600 + 200 + 100 = 900; operating costs 300 + 250 + 400 = 950: every öre lands.
    assert sum(t["revenue_ore"] for t in totals.values()) == int(lines["revenue_ore"].sum()) == 90000
    operating = int(lines.loc[lines["line_type"] == "cost", "amount_ore"].sum())
    assert sum(t["full_cost_ore"] for t in totals.values()) == operating == 95000


def test_unassigned_revenue_is_kept_apart_by_cause():
    # T01 decided, T03 in the catalogue without a decision (undecided), T09 not in the catalogue,
    # and 100 without a code: 50 + 30 + 100 unassigned, each under its own cause.
    services = services_frame([("T01", "E-arkiv", "samverkan"), ("T03", "Ny tjänst", "")])
    rows = [("2025-03-01", "A 1", 3010, -600, MEMBER, "T01"), ("2025-03-02", "A 2", 3010, -50, MEMBER, "T03"),
            ("2025-03-03", "A 3", 3010, -30, MEMBER, "T09"), ("2025-03-04", "A 4", 3110, -100, MEMBER, "")]
    lines = classify_ledger(ledger_frame(rows), MEMBERS, counterparties_frame(), services, Settings())
    causes = service_statements(lines, services, 2025, "revenue").unassigned_by_cause()
    assert {c: t["revenue_ore"] for c, t in causes.items()} == \
        {"no_service_code": 10000, "not_in_catalogue": 3000, "undecided": 5000}


def test_revenue_without_a_code_takes_its_activity_from_the_account_range(lines):
    # Membership fees on 3110 are cost-sharing by setting: the no-code row is cost-sharing, its
    # allocated 44.44 joins cost-sharing's full cost, and nothing is left unassigned.
    settings = settings_from_dict({"accounts": {"cost_sharing_without_code": [[3110, 3119]]}})
    ranged = classify_ledger(ledger_frame(ROWS), MEMBERS, counterparties_frame([(FIRM, "Firma AB", "privat", "")]),
                             SERVICES, settings)
    statements = service_statements(ranged, SERVICES, 2025, "revenue")
    row = by_code(statements).loc[""]
    assert (row["activity"], row["cause"], row["allocated_cost_ore"]) == ("cost_sharing", "account_range", 4444)
    totals = statements.activity_totals()
    assert totals["cost_sharing"]["revenue_ore"] == 70000 and totals["cost_sharing"]["full_cost_ore"] == 61111
    assert totals["unassigned"]["revenue_ore"] == 0


def test_open_market_share_is_private_revenue_over_all_activity_revenue(lines):
    assert open_market_share(lines) == (20000, 90000, Fraction(2, 9))


def test_cost_based_share_splits_each_service_cost_by_its_revenue_mix(lines):
    # T01: full cost 566.67, all revenue controlling. T02: 338.89, none. The fee without a code:
    # 44.44, all from the member. Controlling 566.67 + 44.44 = 611.11 of 950.
    controlling, attributed, share = cost_based_share(lines, service_statements(lines, SERVICES, 2025, "revenue"))
    assert (controlling, attributed, share) == (Fraction(61111), Fraction(95000), Fraction(61111, 95000))


@pytest.mark.parametrize("total,weights,expected", [
    (100, [1, 1, 1], [34, 33, 33]),
    (-100, [1, 1, 1], [-34, -33, -33]),
    (10, [0, 0], [0, 0]),
    (7, [Fraction(1, 2), Fraction(1, 2)], [4, 3]),
])
def test_allocation_is_exact_to_the_ore(total, weights, expected):
    parts = allocate_ore(total, weights)
    assert parts == expected
    assert sum(parts) == (total if any(weights) else 0)
