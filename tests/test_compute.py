"""The compute stage's figures worked by hand: sensitivity cases, next-year headroom, the
transparency-act screen, a changed allocation key, the cost-based measure, the service
inventory and the supplier lists. Each test builds a tiny ledger; the expected figures are
worked out in the comments.
"""

import pandas as pd

from pipeline.compute import classify_window, compute_results
from pipeline.figures import results_json
from pipeline.model import SHEET_SUPPLIER_LINES
from pipeline.settings import Settings, settings_from_dict
from tests.factories import ledger_frame, make_inputs, members_frame, services_frame, suppliers_frame

MEMBER = "212000-1355"
JOINER = "212000-0142"  # joins on 2025-07-01
OUTSIDER = "232100-0016"  # a public body that is not a member
FIRM = "556677-8899"
MEMBERS = members_frame([
    (MEMBER, "Ankeby kommun", "2015-01-01", "", True),
    (JOINER, "Borby kommun", "2025-07-01", "", True),
])
SERVICES = services_frame([("T01", "E-arkiv", "samverkan"), ("T02", "Konferens", "säljverksamhet")])


def compute(ledgers: dict, settings: Settings = Settings(), year: int = 2025, **registers):
    frames = {y: ledger_frame(rows, file=f"{y}/ledger.xlsx") for y, rows in ledgers.items()}
    inputs = make_inputs(year, frames, MEMBERS, services=registers.pop("services", SERVICES), **registers)
    return compute_results(inputs, classify_window(inputs, settings), settings)


def revenue(date, voucher, amount, counterparty, service="T01", account=3010):
    return (date, voucher, account, -amount, counterparty, service)


def cost(date, voucher, amount, supplier, service="", account=5410):
    return (date, voucher, account, amount, supplier, service)


# Sensitivity of the Teckal share --------------------------------------------------------------

SENSITIVITY_2025 = [
    revenue("2025-02-01", "A 1", 700, MEMBER),
    revenue("2025-03-01", "A 2", 150, JOINER),  # before it joined: other public, non-controlling
    revenue("2025-04-01", "A 3", 60, OUTSIDER, service="", account=3985),  # a grant
    revenue("2025-05-01", "A 4", 40, ""),  # no counterparty: unknown
    revenue("2025-06-01", "A 5", 50, OUTSIDER),
]


def test_each_sensitivity_case_by_hand_and_membership_dates_flip_the_verdict():
    # Only 2025 has figures (a one-year window). Total 700 + 150 + 60 + 40 + 50 = 1000.
    # As reported: controlling 700 / 1000 = 0.70, not met.
    # Grants excluded: 700 / (1000 - 60) = 700 / 940 = 0.7446808511, not met.
    # Grants included (the setting): as reported.
    # Unknown as controlling: (700 + 40) / 1000 = 0.74, not met. As non-controlling: as reported.
    # Membership changes ignored: the joiner's 150 counts, 850 / 1000 = 0.85 > 0.80: met. The verdict flips.
    cases = {c["case"]: c for c in results_json(compute({2025: SENSITIVITY_2025}).figures)["teckal"]["sensitivity"]}
    assert {name: (c["window_share"], c["met"], c["controlling_sek"], c["total_sek"]) for name, c in cases.items()} == {
        "as_reported": ("0.7000000000", False, "700.00", "1000.00"),
        "grants_excluded": ("0.7446808511", False, "700.00", "940.00"),
        "grants_included": ("0.7000000000", False, "700.00", "1000.00"),
        "unknown_as_controlling": ("0.7400000000", False, "740.00", "1000.00"),
        "unknown_as_non_controlling": ("0.7000000000", False, "700.00", "1000.00"),
        "membership_changes_ignored": ("0.8500000000", True, "850.00", "1000.00"),
    }


def test_the_sensitivity_cases_follow_the_grants_setting_whichever_it_is():
    # Grants excluded by setting: as reported 700 / 940; grants included 700 / 1000; unknown as
    # controlling (700 + 40) / 940 = 0.7872340426; membership ignored 850 / 940 = 0.9042553191.
    settings = settings_from_dict({"rules": {"grants": "exclude"}})
    cases = {c["case"]: c for c in results_json(compute({2025: SENSITIVITY_2025}, settings).figures)["teckal"]["sensitivity"]}
    assert {name: (c["window_share"], c["met"], c["total_sek"]) for name, c in cases.items()} == {
        "as_reported": ("0.7446808511", False, "940.00"),
        "grants_excluded": ("0.7446808511", False, "940.00"),
        "grants_included": ("0.7000000000", False, "1000.00"),
        "unknown_as_controlling": ("0.7872340426", False, "940.00"),
        "unknown_as_non_controlling": ("0.7446808511", False, "940.00"),
        "membership_changes_ignored": ("0.9042553191", True, "940.00"),
    }


def test_the_other_grants_reading_is_shown_beside_the_verdict():
    # Grants included by setting: the alternative excludes them, 700 / 940 as above.
    teckal = results_json(compute({2025: SENSITIVITY_2025}).figures)["teckal"]
    assert (teckal["window_share"], teckal["window_share_grants_excluded"], teckal["met_grants_excluded"]) == \
        ("0.7000000000", "0.7446808511", False)


# Headroom ---------------------------------------------------------------------------------------

def test_next_year_headroom_assumes_this_years_controlling_revenue_again():
    # 2024: controlling 900 of 1000. 2025: controlling 800 of 1000. (2023 missing.)
    # This window: 1700 / 0.8 - 2000 = 2125 - 2000 = 125 exactly: strict headroom 124.99.
    # Next window 2024..2026 with 2026's controlling revenue = 2025's 800:
    # controlling 900 + 800 + 800 = 2500; total without new non-controlling revenue 1000 + 1000 + 800 = 2800;
    # bound 2500 / 0.8 - 2800 = 3125 - 2800 = 325 exactly: strict headroom 324.99.
    ledgers = {
        2024: [revenue("2024-03-01", "A 1", 900, MEMBER), revenue("2024-03-02", "A 2", 100, OUTSIDER)],
        2025: [revenue("2025-03-01", "A 1", 800, MEMBER), revenue("2025-03-02", "A 2", 200, OUTSIDER)],
    }
    teckal = results_json(compute(ledgers).figures)["teckal"]
    assert (teckal["headroom_sek"], teckal["next_year_headroom_sek"]) == ("124.99", "324.99")
    assert teckal["missing_years"] == [2023]


def test_next_year_headroom_needs_last_year():
    teckal = results_json(compute({2025: [revenue("2025-03-01", "A 1", 800, MEMBER)]}).figures)["teckal"]
    assert teckal["next_year_headroom_sek"] is None


# Transparency-act screen (Lag 2005:590) -------------------------------------------------------

def test_transparency_act_applies_when_both_years_are_over_40_million_euro():
    # At 11.50 SEK/EUR the threshold is 460 000 000 SEK.
    # 2024: 460 000 000.05 SEK = 40 000 000.0043 EUR: over, though it shows as 40 000 000.00 rounded.
    # 2025: 500 000 000 SEK = 43 478 260.87 EUR: over. Both years over: the act applies.
    ledgers = {2024: [revenue("2024-06-01", "A 1", 460_000_000.05, MEMBER)],
               2025: [revenue("2025-06-01", "A 1", 500_000_000, MEMBER)]}
    screen = results_json(compute(ledgers).figures)["transparency"]
    assert [(y["year"], y["turnover_eur"], y["over"]) for y in screen["years"]] == [
        (2024, "40000000.00", True), (2025, "43478260.87", True)]
    assert screen["applies"] is True


def test_transparency_act_does_not_apply_when_only_one_year_is_over():
    # 2024: 400 000 000 SEK = 34 782 608.70 EUR, under; 2025 over as above.
    ledgers = {2024: [revenue("2024-06-01", "A 1", 400_000_000, MEMBER)],
               2025: [revenue("2025-06-01", "A 1", 500_000_000, MEMBER)]}
    screen = results_json(compute(ledgers).figures)["transparency"]
    assert [(y["turnover_eur"], y["over"]) for y in screen["years"]] == [("34782608.70", False),
                                                                       ("43478260.87", True)]
    assert screen["applies"] is False


# Allocation key changed between window years ---------------------------------------------------

def key_year(year: int) -> list[tuple]:
    # T01 (cost-sharing): revenue 600 from the member, direct cost 100.
    # T02 (sales): revenue 200 from a firm, direct cost 300. Shared cost 400.
    return [revenue(f"{year}-03-01", "A 1", 600, MEMBER), revenue(f"{year}-03-02", "A 2", 200, FIRM, service="T02"),
            cost(f"{year}-03-03", "B 1", 100, FIRM, service="T01"), cost(f"{year}-03-04", "B 2", 300, FIRM, service="T02"),
            cost(f"{year}-03-05", "B 3", 400, FIRM)]


def test_a_changed_allocation_key_shows_both_results_side_by_side():
    # 2024 revenue key, 2025 direct-cost key.
    # Revenue key (600:200): T01 gets 300, T02 100 -> cost-sharing full cost 400, result 200, coverage 1.5;
    #   sales full cost 400, result -200, coverage 0.5.
    # Direct-cost key (100:300): T01 gets 100, T02 300 -> cost-sharing full cost 200, result 400, coverage 3;
    #   sales full cost 600, result -400, coverage 0.3333333333.
    settings = settings_from_dict({"rules": {"allocation_key": "revenue", "allocation_key_by_year": {"2025": "direct_cost"}}})
    figures = results_json(compute({2024: key_year(2024), 2025: key_year(2025)}, settings).figures)
    allocation = figures["allocation"]
    assert (allocation["key"], allocation["key_changed"], allocation["keys_by_year"]) == \
        ("direct_cost", True, {"2024": "revenue", "2025": "direct_cost"})
    side_by_side = {
        entry["key"]: {a: (entry["activities"][a]["full_cost_sek"], entry["activities"][a]["result_sek"],
                           entry["activities"][a]["coverage"]) for a in ("cost_sharing", "sales")}
        for entry in allocation["comparison"]
    }
    assert side_by_side == {
        "direct_cost": {"cost_sharing": ("200.00", "400.00", "3.0000000000"),
                        "sales": ("600.00", "-400.00", "0.3333333333")},
        "revenue": {"cost_sharing": ("400.00", "200.00", "1.5000000000"),
                    "sales": ("400.00", "-200.00", "0.5000000000")},
    }
    # The report year's own statement uses its own key.
    assert figures["activities"]["sales"]["full_cost_sek"] == "600.00"


def test_an_unchanged_key_has_no_comparison():
    figures = results_json(compute({2024: key_year(2024), 2025: key_year(2025)}).figures)
    assert (figures["allocation"]["key_changed"], figures["allocation"]["comparison"]) == (False, [])


# The cost-based activity measure ---------------------------------------------------------------

def test_cost_based_share_in_the_figures():
    # T01: revenue 300 from the member + 100 from an outsider, full cost 210 (direct, no shared cost):
    #   controlling part 210 * 300 / 400 = 157.50.
    # T02: revenue 100 from a firm, full cost 100: no controlling part.
    # Share 157.50 / 310 = 0.5080645161, not over 0.80.
    rows = [revenue("2025-03-01", "A 1", 300, MEMBER), revenue("2025-03-02", "A 2", 100, OUTSIDER),
            revenue("2025-03-03", "A 3", 100, FIRM, service="T02"),
            cost("2025-03-04", "B 1", 210, FIRM, service="T01"), cost("2025-03-05", "B 2", 100, FIRM, service="T02")]
    cost_based = results_json(compute({2025: rows}).figures)["teckal"]["cost_based"]
    assert cost_based == {"share": "0.5080645161", "controlling_cost_sek": "157.50", "attributed_cost_sek": "310.00",
                          "met": False, "year": 2025,
                          # one ledger year in the window: the window measure is the same year's
                          "window_share": "0.5080645161", "window_controlling_cost_sek": "157.50",
                          "window_attributed_cost_sek": "310.00", "window_met": False, "window_years": [2025]}


def test_cost_based_share_over_the_window_is_a_ratio_of_sums():
    # 2024: T01 revenue 100 from the member, cost 90: controlling cost 90 of 90.
    # 2025: as above, 157.50 of 310. Window (90 + 157.50) / (90 + 310) = 247.50 / 400 = 0.61875.
    rows_2025 = [revenue("2025-03-01", "A 1", 300, MEMBER), revenue("2025-03-02", "A 2", 100, OUTSIDER),
                 revenue("2025-03-03", "A 3", 100, FIRM, service="T02"),
                 cost("2025-03-04", "B 1", 210, FIRM, service="T01"),
                 cost("2025-03-05", "B 2", 100, FIRM, service="T02")]
    rows_2024 = [revenue("2024-03-01", "A 1", 100, MEMBER), cost("2024-03-04", "B 1", 90, FIRM, service="T01")]
    cost_based = results_json(compute({2024: rows_2024, 2025: rows_2025}).figures)["teckal"]["cost_based"]
    assert (cost_based["window_share"], cost_based["window_controlling_cost_sek"],
            cost_based["window_attributed_cost_sek"], cost_based["window_years"]) == \
        ("0.6187500000", "247.50", "400.00", [2024, 2025])


# The service inventory ---------------------------------------------------------------------------

def test_service_catalogue_carries_the_documented_decision_and_marks_codes_it_lacks():
    services = services_frame([("T01", "E-arkiv", "samverkan")])
    services["legal_basis"] = "Kommunallagen 3 kap. 8 §"
    services["pricing"] = "självkostnad"
    services["decision_reference"] = "Styrelsen 2019-04-12 § 35"
    services["exclusivity"] = "nej"
    services["decision_date"] = pd.to_datetime(["2019-04-12"])
    rows = [revenue("2025-03-01", "A 1", 100, MEMBER), revenue("2025-03-02", "A 2", 50, MEMBER, service="T77")]
    catalogue = {e["code"]: e for e in results_json(compute({2025: rows}, services=services).figures)["service_catalogue"]}
    assert sorted(catalogue) == ["T01", "T77"]
    t01 = catalogue["T01"]
    assert (t01["in_catalogue"], t01["activity"], t01["legal_basis"], t01["pricing"], t01["decision_date"],
            t01["decision_reference"], t01["exclusivity"]) == \
        (True, "cost_sharing", "Kommunallagen 3 kap. 8 §", "självkostnad", "2019-04-12", "Styrelsen 2019-04-12 § 35",
         False)
    assert (catalogue["T77"]["in_catalogue"], catalogue["T77"]["decision_date"], catalogue["T77"]["legal_basis"]) == \
        (False, None, "")


# Suppliers: flagged ones with their rows, the largest market suppliers, members apart -----------

BIG = "556036-0793"  # open procedure
SMALL = "556677-8899"  # framework agreement that ended on 2025-06-30
UNLISTED = "556011-1111"


def test_supplier_lists_and_the_lines_behind_each_flag():
    # Market spend: BIG 600, UNLISTED 200, SMALL 50 + 50 = 100 -> 900. The member's 50 is apart.
    # BIG: 600 / 900 = 0.67 > 0.25 -> concentration. UNLISTED: not in the list.
    # SMALL: the August line is after its contract: that line only stands behind the flag.
    suppliers = suppliers_frame([
        (BIG, "Stor Drift AB", "öppet", "DNR 2022/001", "2022-01-01", "2027-12-31"),
        (SMALL, "Liten AB", "ramavtal", "DNR 2021/002", "2021-07-01", "2025-06-30"),
        (MEMBER, "Ankeby kommun", "Teckal", "Avtal 2019/003", "2019-01-01", ""),
    ])
    rows = [cost("2025-02-01", "B 1", 600, BIG), cost("2025-03-01", "B 2", 50, SMALL),
            cost("2025-08-01", "B 3", 50, SMALL), cost("2025-04-01", "B 4", 200, UNLISTED),
            cost("2025-05-01", "B 5", 50, MEMBER)]
    results = compute({2025: rows}, suppliers=suppliers)
    figures = results_json(results.figures)["suppliers"]
    assert [(e["supplier"], e["spend_sek"], e["flags"], e["rows"], e["sheet"]) for e in figures["flagged_suppliers"]] == [
        (BIG, "600.00", ["concentration"], 1, SHEET_SUPPLIER_LINES),
        (UNLISTED, "200.00", ["not_in_supplier_list"], 1, SHEET_SUPPLIER_LINES),
        (SMALL, "100.00", ["outside_contract_period"], 1, SHEET_SUPPLIER_LINES),
    ]
    assert figures["flagged_suppliers"][0]["reasons"] == [
        "one supplier has more than 0.25 of market spend (lock-in risk)"]
    # 600/900, 200/900, 100/900.
    assert [(e["supplier"], e["share"], e["in_list"]) for e in figures["top_market_suppliers"]] == [
        (BIG, "0.6666666667", True), (UNLISTED, "0.2222222222", False), (SMALL, "0.1111111111", True)]
    assert [(e["supplier"], e["spend_sek"], e["procurement_form"]) for e in figures["member_suppliers"]] == [
        (MEMBER, "50.00", "Teckal")]
    lines = results.tables[SHEET_SUPPLIER_LINES].set_index("source_id")["flags"]
    assert lines.to_dict() == {
        "2025/ledger.xlsx:Huvudbok:2": "concentration",
        "2025/ledger.xlsx:Huvudbok:3": "",  # March: inside SMALL's contract
        "2025/ledger.xlsx:Huvudbok:4": "outside_contract_period",
        "2025/ledger.xlsx:Huvudbok:5": "not_in_supplier_list",
        "2025/ledger.xlsx:Huvudbok:6": "",  # the member
    }


def test_a_supplier_with_two_flags_has_both_on_its_lines():
    # Only one market supplier, unlisted: 100 % of market spend (concentration) and not in the list.
    results = compute({2025: [cost("2025-02-01", "B 1", 300, UNLISTED)]})
    flagged = results_json(results.figures)["suppliers"]["flagged_suppliers"]
    assert [(e["supplier"], e["flags"]) for e in flagged] == [(UNLISTED, ["concentration", "not_in_supplier_list"])]
    assert list(results.tables[SHEET_SUPPLIER_LINES]["flags"]) == ["concentration, not_in_supplier_list"]


def test_transparency_turnover_leaves_grants_out():
    # Net turnover is sales: 500 000 000 SEK of fees plus a 100 000 000 SEK grant (3985) is
    # 500 000 000 SEK = 43 478 260.87 EUR, not 600 000 000.
    ledgers = {2025: [revenue("2025-06-01", "A 1", 500_000_000, MEMBER),
                      revenue("2025-06-02", "A 2", 100_000_000, MEMBER, account=3985)]}
    screen = results_json(compute(ledgers).figures)["transparency"]
    assert [(y["turnover_sek"], y["turnover_eur"]) for y in screen["years"]] == [("500000000.00", "43478260.87")]


def test_a_key_table_with_decimal_weights_gives_exact_shares_and_a_written_report(tmp_path):
    # Key table: T01 weighs 1,5 and T02 0,5 (sum 2). Shared cost 400 -> T01 300, T02 100.
    # Shares 1.5 / 2 = 0.75 and 0.5 / 2 = 0.25; the weights are written as the decimals they were.
    from pipeline.write.pdf import write_pdf
    from tests.test_write_pdf import needs_pdftotext, pdf_text  # noqa: F401

    services = services_frame([("T01", "E-arkiv", "samverkan", "1,5"), ("T02", "Konferens", "säljverksamhet", "0,5")])
    settings = settings_from_dict({"rules": {"allocation_key": "table"}})
    results = compute({2025: key_year(2025)}, settings, services=services)
    by_code = {s.code: s for s in results.figures.services}
    assert (by_code["T01"].key_weight, by_code["T01"].key_share, by_code["T01"].allocated_cost_sek) == \
        ("1.5", "0.7500000000", "300.00")
    assert (by_code["T02"].key_weight, by_code["T02"].key_share, by_code["T02"].allocated_cost_sek) == \
        ("0.5", "0.2500000000", "100.00")
    path = tmp_path / "table.pdf"
    write_pdf(path, results.figures)
    assert path.stat().st_size > 0
    text = pdf_text(path)
    assert "T01 E-arkiv 1,5000 75,00 % 300,00 kr" in text and "T02 Konferens 0,5000 25,00 % 100,00 kr" in text


def test_the_table_of_lines_stacks_the_years_and_concatenates_years_of_other_dtypes():
    from pipeline.compute.results import Results, with_lines_table
    from pipeline.model import SHEET_DIRECT_AWARDS, SHEET_LINES, StackedFrames

    def lines(vouchers: list[str], amounts: list[int]) -> pd.DataFrame:
        return pd.DataFrame({"voucher": pd.Series(vouchers, dtype="str"), "amount_ore": pd.Series(amounts, dtype="int64")})

    computed = Results(None, {"Teckal per år": pd.DataFrame(), SHEET_DIRECT_AWARDS: pd.DataFrame(), "Senare": pd.DataFrame()})
    classified = {2025: lines(["C 1"], [5]), 2023: lines(["A 1", "A 2"], [1, 2]), 2024: lines([], [])}
    tables = with_lines_table(computed, classified).tables
    # Right after the direct awards, the years in order, each line with its year: no copy made.
    assert list(tables) == ["Teckal per år", SHEET_DIRECT_AWARDS, SHEET_LINES, "Senare"]
    table = tables[SHEET_LINES]
    assert isinstance(table, StackedFrames)
    assert table.concat().to_dict("list") == {"voucher": ["A 1", "A 2", "C 1"], "amount_ore": [1, 2, 5],
                                              "year": [2023, 2023, 2025]}
    assert [len(frame) for frame in table.frames] == [2, 0, 1]
    # A year whose amounts are floats: pandas' concatenation decides the common dtype, as before.
    classified[2024] = pd.DataFrame({"voucher": pd.Series(["B 1"], dtype="str"), "amount_ore": [3.0]})
    table = with_lines_table(computed, classified).tables[SHEET_LINES]
    assert isinstance(table, pd.DataFrame)
    assert table["amount_ore"].tolist() == [1.0, 2.0, 3.0, 5.0] and table["year"].tolist() == [2023, 2023, 2024, 2025]
