"""R9 worked by hand: completeness of each service's decision fields, and the 2027 duty (a sales
service without separate accounts is a serious flag from report year 2027)."""

import pandas as pd

from pipeline.compute import classify_window, compute_results
from pipeline.figures import results_json
from pipeline.settings import Settings
from tests.factories import ledger_frame, make_inputs, members_frame, services_frame

MEMBER = "212000-1355"
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", "", True)])
FILLED = {"legal_basis": "Förbundsordningen § 4", "member_need": "Drift", "target_group": "medlemmar",
          "pricing": "självkostnad", "market_assessment": "Ingen marknad", "decision_reference": "Dir 2024 § 3"}


def catalogue():
    # T01 fully documented; T02 (sales) lacks market assessment and decision date; T03 (sales) is
    # fully documented but has no lines at all.
    services = services_frame([("T01", "E-arkiv", "samverkan"), ("T02", "Konferens", "säljverksamhet"),
                               ("T03", "Utbildning", "säljverksamhet")])
    for name, value in FILLED.items():
        services[name] = value
    services["decision_date"] = pd.to_datetime(["2024-03-01", None, "2024-03-01"]).astype("datetime64[ns]")
    services.loc[services["code"] == "T02", "market_assessment"] = ""
    return services


def evaluation(year):
    rows = [(f"{year}-03-01", "A 1", 3010, -500, MEMBER, "T01"), (f"{year}-03-02", "A 2", 3010, -100, MEMBER, "T02"),
            (f"{year}-03-03", "A 3", 3010, -50, MEMBER, "T09")]  # T09: a code the catalogue lacks
    inputs = make_inputs(year, {year: ledger_frame(rows, file=f"{year}/ledger.xlsx")}, MEMBERS, services=catalogue())
    return results_json(compute_results(inputs, classify_window(inputs, Settings()), Settings()).figures)


def test_each_service_is_complete_or_names_its_missing_fields():
    figures = evaluation(2026)
    by_code = {e["code"]: e for e in figures["evaluation"]["services"]}
    assert sorted(by_code) == ["T01", "T02", "T03", "T09"]
    assert by_code["T01"]["complete"] and by_code["T01"]["missing_fields"] == []
    assert not by_code["T02"]["complete"]
    assert by_code["T02"]["missing_fields"] == ["market_assessment", "decision_date"]
    assert not by_code["T09"]["in_catalogue"] and not by_code["T09"]["complete"]
    assert figures["evaluation"]["incomplete"] == ["T02", "T09"]
    assert (by_code["T01"]["has_separate_accounts"], by_code["T03"]["has_separate_accounts"]) == (True, False)


def test_a_sales_service_without_separate_accounts_is_a_serious_flag_from_2027_only():
    before = evaluation(2026)
    assert before["evaluation"]["duty_flags"] == [] and not before["evaluation"]["duty_applies"]
    assert not any(f["id"] == "sales_without_separate_accounts" for f in before["flags"])
    after = evaluation(2027)
    assert after["evaluation"]["duty_applies"] and after["evaluation"]["duty_flags"] == ["T03"]
    [flag] = [f for f in after["flags"] if f["id"] == "sales_without_separate_accounts"]
    assert (flag["subject"], flag["severity"]) == ("T03", "critical")
