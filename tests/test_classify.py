"""R3 on its boundary dates, worked by hand."""

import pandas as pd
import pytest

from pipeline.classify import BASIS_ORGNR_ONLY, classify_ledger, counterparty_categories, line_types
from pipeline.settings import Settings
from tests.factories import counterparties_frame, ledger_frame, members_frame, services_frame

JOINER = "212000-1355"  # member from 2025-03-01
LEAVER = "212000-0142"  # member until 2025-06-30
NONCONTROLLING = "202100-5489"  # a member that takes no part in control
COMPANY = "556036-0793"  # controlled by JOINER
PRIVATE_FIRM = "556677-8899"
PUBLIC_NOT_IN_REGISTER = "232100-0016"
PRIVATE_NOT_IN_REGISTER = "556011-1111"

MEMBERS = members_frame([
    (JOINER, "Ankeby kommun", "2025-03-01", "", True),
    (LEAVER, "Bstad kommun", "2015-01-01", "2025-06-30", True),
    (NONCONTROLLING, "Myndigheten", "2015-01-01", "", False),
])
COUNTERPARTIES = counterparties_frame([
    (COMPANY, "Ankeby Energi AB", "offentlig", JOINER),
    (PRIVATE_FIRM, "Konsult AB", "privat", ""),
])


def categories(pairs):
    orgnrs = pd.Series([o for o, _ in pairs])
    dates = pd.Series(pd.to_datetime([d for _, d in pairs]))
    category, basis = counterparty_categories(orgnrs, dates, MEMBERS, COUNTERPARTIES)
    return list(category), list(basis)


def test_membership_period_is_inclusive_on_both_boundary_dates():
    category, _ = categories([
        (JOINER, "2025-02-28"),  # the day before joining: not controlling
        (JOINER, "2025-03-01"),  # the joining day: controlling
        (LEAVER, "2025-06-30"),  # the last day: controlling
        (LEAVER, "2025-07-01"),  # the day after leaving: not controlling
    ])
    assert category == ["other_public", "controlling", "controlling", "other_public"]


def test_member_controlled_follows_the_controllers_membership_dates():
    category, _ = categories([(COMPANY, "2025-02-28"), (COMPANY, "2025-03-01")])
    # The company's owner joined on 2025-03-01: before that the company is just a public body.
    assert category == ["other_public", "member_controlled"]


def test_register_sector_then_org_no_group_then_unknown():
    category, basis = categories([
        (PRIVATE_FIRM, "2025-05-01"),
        (PUBLIC_NOT_IN_REGISTER, "2025-05-01"),
        (PRIVATE_NOT_IN_REGISTER, "2025-05-01"),
        ("", "2025-05-01"),
        (NONCONTROLLING, "2025-05-01"),
    ])
    assert category == ["private", "other_public", "private", "unknown", "other_public"]
    assert basis[1] == BASIS_ORGNR_ONLY and basis[2] == BASIS_ORGNR_ONLY
    assert "not a controlling member" in basis[4]


def test_line_types_follow_the_chart_in_settings():
    accounts = pd.Series([1510, 2611, 3010, 3985, 3740, 5010, 8310, 9999])
    assert list(line_types(accounts, Settings())) == [
        "balance", "vat", "revenue", "grant", "excluded", "cost", "financial", "other"]


def test_classify_ledger_gives_revenue_as_credit_positive_and_activity_from_catalogue():
    ledger = ledger_frame([
        ("2025-04-01", "A 1", 1510, 1250.00, JOINER, ""),
        ("2025-04-01", "A 1", 3010, -1000.00, JOINER, "T01"),
        ("2025-04-01", "A 1", 2611, -250.00, JOINER, ""),
        ("2025-04-02", "A 2", 3010, 200.00, JOINER, "T02"),  # a credit note: negative revenue
        ("2025-04-02", "A 2", 1510, -200.00, JOINER, ""),
        ("2025-04-03", "A 3", 3010, -50.00, JOINER, "T99"),  # not in the catalogue
        ("2025-04-03", "A 3", 1510, 50.00, JOINER, ""),
    ])
    services = services_frame([("T01", "E-tjänst", "samverkan"), ("T02", "Kurs", "Säljverksamhet")])
    out = classify_ledger(ledger, MEMBERS, COUNTERPARTIES, services, Settings())
    assert list(out["revenue_ore"]) == [0, 100000, 0, -20000, 0, 5000, 0]
    assert list(out["activity"])[1:6:2] == ["cost_sharing", "sales", "unassigned"]
    assert list(out["service_known"]) == [True, True, True, True, True, False, True]


@pytest.mark.parametrize("sector,expected", [("Offentlig", "other_public"), (" PRIVAT ", "private")])
def test_sector_words_are_read_whatever_their_case(sector, expected):
    register = counterparties_frame([("556123-4567", "X", sector, "")])
    category, _ = counterparty_categories(pd.Series(["556123-4567"]), pd.Series(pd.to_datetime(["2025-01-01"])),
                                          MEMBERS, register)
    assert list(category) == [expected]


def test_each_activity_is_one_text_object_shared_by_its_lines():
    # A million lines name three activities: one text object each (a text object per line held
    # 43 MiB more at a million lines). The values are the catalogue's, worked by hand.
    ledger = ledger_frame([
        ("2025-04-01", "A 1", 3010, -100.00, JOINER, "T01"),
        ("2025-04-01", "A 1", 3010, -100.00, JOINER, "T03"),  # the same word as T01
        ("2025-04-01", "A 1", 3010, -100.00, JOINER, "T02"),
        ("2025-04-01", "A 1", 3010, -100.00, JOINER, "T04"),  # in the catalogue, no decision
        ("2025-04-01", "A 1", 3010, -100.00, JOINER, "T99"),  # not in the catalogue
        ("2025-04-01", "A 1", 1510, 500.00, JOINER, ""),
    ] * 3)
    services = services_frame([("T01", "E-tjänst", "samverkan"), ("T02", "Kurs", "Säljverksamhet"),
                               ("T03", "Drift", "Samverkan"), ("T04", "Ny", "")])
    out = classify_ledger(ledger, MEMBERS, COUNTERPARTIES, services, Settings())
    assert list(out["activity"]) == ["cost_sharing", "cost_sharing", "sales", "unassigned", "unassigned",
                                     "unassigned"] * 3
    texts = out["activity"].to_numpy(dtype=object)
    assert len({id(text) for text in texts}) == 3
