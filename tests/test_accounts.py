"""R5 worked by hand: separate accounts per service, allocation keys, open market, cost-based share."""

from fractions import Fraction

import pytest

from pipeline.classify import classify_ledger
from pipeline.compute.separate_accounts import cost_based_share, open_market_share, service_statements
from pipeline.money import allocate_ore
from pipeline.settings import Settings
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


def test_revenue_key_splits_shared_cost_by_service_revenue(lines):
    # Shared 400 split 600:200 -> T01 300, T02 100. Full cost T01 600, T02 350.
    s = by_code(service_statements(lines, SERVICES, 2025, "revenue"))
    assert list(s["allocated_cost_ore"]) == [30000, 10000]
    assert list(s["full_cost_ore"]) == [60000, 35000]
    assert list(s["result_ore"]) == [0, -15000]  # T02 is sold below full cost: 200 - 350


def test_direct_cost_key(lines):
    # Shared 400 split 300:250 -> T01 218.18..., T02 181.81...; largest remainder gives 21818 + 18182 öre.
    s = by_code(service_statements(lines, SERVICES, 2025, "direct_cost"))
    assert list(s["allocated_cost_ore"]) == [21818, 18182]


def test_table_key_from_the_catalogue(lines):
    # Fördelningsnyckel 0.75 / 0.25 -> 300 / 100.
    s = by_code(service_statements(lines, SERVICES, 2025, "table"))
    assert list(s["allocated_cost_ore"]) == [30000, 10000]


def test_activity_totals_and_unassigned_revenue(lines):
    totals = service_statements(lines, SERVICES, 2025, "revenue").activity_totals()
    assert totals["cost_sharing"]["revenue_ore"] == 60000 and totals["cost_sharing"]["full_cost_ore"] == 60000
    assert totals["sales"]["revenue_ore"] == 20000 and totals["sales"]["full_cost_ore"] == 35000
    assert totals["unassigned"]["revenue_ore"] == 10000  # the membership fee without a service code


def test_open_market_share_is_private_revenue_over_all_activity_revenue(lines):
    assert open_market_share(lines) == (20000, 90000, Fraction(2, 9))


def test_cost_based_share_splits_each_service_cost_by_its_revenue_mix(lines):
    # T01: full cost 600, all revenue controlling -> 600 controlling. T02: 350, no controlling revenue.
    controlling, attributed, share = cost_based_share(lines, service_statements(lines, SERVICES, 2025, "revenue"))
    assert (controlling, attributed, share) == (Fraction(60000), Fraction(95000), Fraction(60000, 95000))


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
