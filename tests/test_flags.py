"""R5's flags worked by hand: each flag id on a tiny ledger, with its subject, amount and rows.

Only revenue and cost lines are written (no receivable or payable side): the flags read those
lines alone, and the rows behind each flag can then be counted by eye.
"""

from decimal import Decimal

import pytest

from pipeline.compute import classify_window, compute_results
from pipeline.figures import results_json
from pipeline.model import SHEET_FLAG_ROWS
from pipeline.settings import Settings
from tests.factories import ledger_frame, make_inputs, members_frame, services_frame

MEMBER = "212000-1355"
OUTSIDER = "232100-0016"  # a public body that is not a member
FIRM = "556677-8899"  # private (group digit 5), not in any register
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)])
SERVICES = services_frame([
    ("T01", "E-arkiv", "samverkan"),
    ("T02", "Konferens", "säljverksamhet"),
    ("T09", "Statistik", ""),  # no classification decision yet
])


def figures(ledgers: dict, year: int = 2025, services=SERVICES):
    ledgers = {y: ledger_frame(rows, file=f"{y}/ledger.xlsx") for y, rows in ledgers.items()}
    inputs = make_inputs(year, ledgers, MEMBERS, services=services)
    settings = Settings()
    results = compute_results(inputs, classify_window(inputs, settings), settings)
    return results


def flags_of(results, flag_id: str) -> list[dict]:
    return [f for f in results_json(results.figures)["flags"] if f["id"] == flag_id]


def rows_of(results, flag_id: str, subject: str = ""):
    rows = results.tables[SHEET_FLAG_ROWS]
    return rows[(rows["flag"] == flag_id) & (rows["subject"] == subject)]


def test_sales_service_below_full_cost_is_flagged_with_its_shortfall():
    # T02 (sales): revenue 200, direct cost 300, no shared cost -> full cost 300, shortfall 100.
    # T01 (cost-sharing) covers its cost exactly and is no sales service: not flagged.
    results = figures({2025: [
        ("2025-03-01", "A 1", 3590, -200, FIRM, "T02"),
        ("2025-03-02", "B 1", 5420, 300, FIRM, "T02"),
        ("2025-03-03", "A 2", 3010, -500, MEMBER, "T01"),
        ("2025-03-04", "B 2", 5410, 500, FIRM, "T01"),
    ]})
    found = flags_of(results, "sales_below_full_cost")
    assert [(f["subject"], f["amount_sek"], f["rows"], f["severity"]) for f in found] == [("T02", "100.00", 2, "critical")]
    assert found[0]["sheet"] == SHEET_FLAG_ROWS
    assert sorted(rows_of(results, "sales_below_full_cost", "T02")["voucher"]) == ["A 1", "B 1"]


def test_sales_service_covering_its_full_cost_is_not_flagged():
    # T02: revenue 300 = full cost 300: coverage 1.0, not below.
    results = figures({2025: [("2025-03-01", "A 1", 3590, -300, FIRM, "T02"),
                              ("2025-03-02", "B 1", 5420, 300, FIRM, "T02")]})
    assert flags_of(results, "sales_below_full_cost") == []


def test_cost_sharing_service_with_non_controlling_revenue():
    # T01 (cost-sharing): 600 from the member, 150 from an outsider -> 150 is de facto sales, one row.
    results = figures({2025: [("2025-03-01", "A 1", 3010, -600, MEMBER, "T01"),
                              ("2025-03-02", "A 2", 3010, -150, OUTSIDER, "T01")]})
    found = flags_of(results, "cost_sharing_non_controlling_revenue")
    assert [(f["subject"], f["amount_sek"], f["rows"]) for f in found] == [("T01", "150.00", 1)]
    assert list(rows_of(results, "cost_sharing_non_controlling_revenue", "T01")["counterparty"]) == [OUTSIDER]


def surplus_year(year: int, revenue: int, cost: int) -> list[tuple]:
    return [(f"{year}-04-01", "A 1", 3010, -revenue, MEMBER, "T01"), (f"{year}-04-02", "B 1", 5410, cost, FIRM, "T01")]


def test_cost_sharing_surplus_in_two_years_of_the_window_is_flagged():
    # T01 result: 2023 -50 (deficit), 2024 +100, 2025 +30 -> surplus in two years, 130 in all, 4 rows.
    results = figures({2023: surplus_year(2023, 950, 1000), 2024: surplus_year(2024, 1100, 1000),
                       2025: surplus_year(2025, 1030, 1000)})
    found = flags_of(results, "cost_sharing_surplus")
    assert [(f["subject"], f["amount_sek"], f["rows"]) for f in found] == [("T01", "130.00", 4)]


def test_cost_sharing_surplus_in_one_year_only_is_not_flagged():
    # T01 result: 2023 -50, 2024 0 (no surplus), 2025 +30: one year in surplus is not "several years".
    results = figures({2023: surplus_year(2023, 950, 1000), 2024: surplus_year(2024, 1000, 1000),
                       2025: surplus_year(2025, 1030, 1000)})
    assert flags_of(results, "cost_sharing_surplus") == []


def test_revenue_without_service_code():
    # A membership fee of 100 on 3110 without a service code; T01's 500 has one.
    results = figures({2025: [("2025-01-31", "A 1", 3110, -100, MEMBER, ""),
                              ("2025-02-01", "A 2", 3010, -500, MEMBER, "T01")]})
    found = flags_of(results, "revenue_without_service")
    assert [(f["subject"], f["amount_sek"], f["rows"]) for f in found] == [("", "100.00", 1)]
    assert list(rows_of(results, "revenue_without_service")["account"]) == [3110]


def test_service_in_the_ledger_that_the_catalogue_lacks():
    # T77 is not in the catalogue: revenue 70 and a cost line of 20 -> the flag shows revenue 70, 2 rows.
    results = figures({2025: [("2025-05-01", "A 1", 3010, -70, MEMBER, "T77"),
                              ("2025-05-02", "B 1", 5410, 20, FIRM, "T77")]})
    found = flags_of(results, "service_not_in_catalogue")
    assert [(f["subject"], f["amount_sek"], f["rows"]) for f in found] == [("T77", "70.00", 2)]
    entry = next(s for s in results_json(results.figures)["service_catalogue"] if s["code"] == "T77")
    assert entry["in_catalogue"] is False and entry["activity"] == "unassigned"


def test_catalogue_service_without_classification():
    # T09 has no decision: flagged with its one ledger row; T01 and T02 are decided.
    results = figures({2025: [("2025-05-01", "A 1", 3019, -80, MEMBER, "T09")]})
    found = flags_of(results, "service_without_classification")
    assert [(f["subject"], f["rows"]) for f in found] == [("T09", 1)]


def test_revenue_from_an_unknown_counterparty():
    # 40 of conference tickets sold for cash, no counterparty: unknown, listed, counted as non-controlling.
    results = figures({2025: [("2025-06-01", "A 1", 3590, -40, "", "T02"),
                              ("2025-06-02", "A 2", 3590, -60, FIRM, "T02")]})
    found = flags_of(results, "revenue_unknown_counterparty")
    assert [(f["subject"], f["amount_sek"], f["rows"]) for f in found] == [("", "40.00", 1)]


def test_a_clean_year_has_no_flags():
    # Every revenue line has a member, a catalogued and classified service; cost-sharing at cost.
    services = services_frame([("T01", "E-arkiv", "samverkan")])
    results = figures({2025: [("2025-03-01", "A 1", 3010, -500, MEMBER, "T01"),
                              ("2025-03-02", "B 1", 5410, 500, FIRM, "T01")]}, services=services)
    assert results_json(results.figures)["flags"] == []


@pytest.mark.slow
def test_the_example_organisation_shows_every_flag():
    """Issue 4's "done when": the bundled example carries at least one of each flag."""
    from pathlib import Path

    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings

    folder = Path(__file__).resolve().parent.parent / "inputs" / "example"
    settings = load_settings(folder)
    inputs = read_inputs(folder, 2025, settings)
    figures = results_json(compute_results(inputs, classify_window(inputs, settings), settings).figures)
    assert {f["id"] for f in figures["flags"]} == {
        "sales_below_full_cost", "cost_sharing_non_controlling_revenue", "cost_sharing_surplus",
        "revenue_without_service", "service_not_in_catalogue", "service_without_classification",
        "revenue_unknown_counterparty"}
    assert set(figures["suppliers"]["flags_by_kind"]) == {
        "over_direct_award_limit", "outside_contract_period", "not_in_supplier_list", "orgnr_not_valid",
        "concentration", "direct_award_kind_over_limit"}
    assert Decimal("0.25") < Decimal(figures["suppliers"]["top_share"]) < Decimal("0.35")  # IT operations, about 30 %
    assert figures["teckal"]["met"] and Decimal("0.92") < Decimal(figures["teckal"]["window_share"]) < Decimal("0.94")
