"""R8 worked by hand: represented days per controlling member, gaps with dates, one person for
several members, private owners, and the three criteria in the figures."""

import datetime as dt

import pandas as pd

from pipeline.compute.governance import analyse_governance
from pipeline.model import GOVERNANCE_FIELDS
from tests.factories import counterparties_frame, members_frame

ANKEBY = "212000-1355"
BORBY = "212000-0142"
FIRM = "556677-8899"  # group digit 5: a private org. no.


def governance_frame(rows):
    """rows: (orgnr, representative, body, from, to)."""
    frame = pd.DataFrame([{"orgnr": o, "representative": p, "role": "ordinarie", "body": b,
                           "appointed_from": pd.Timestamp(f) if f else pd.NaT,
                           "appointed_to": pd.Timestamp(t) if t else pd.NaT, "decision_reference": "KF § 1"}
                          for o, p, b, f, t in rows], columns=GOVERNANCE_FIELDS)
    for column in ("appointed_from", "appointed_to"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def test_a_member_represented_from_the_day_it_joined_is_fully_represented():
    # Borby joins 2025-07-01 and its representative is appointed the same day: 184 days
    # (July 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31 = 184), all represented.
    members = members_frame([(BORBY, "Borby kommun", "2025-07-01", "", True)])
    analysis = analyse_governance(2025, members, governance_frame([(BORBY, "A. Andersson", "stämma",
                                                                      "2025-07-01", "")]), counterparties_frame())
    (borby,) = analysis.members
    assert (borby.membership_days, borby.represented_days, borby.gaps) == (184, 184, ())
    assert analysis.control_status == "documented" and analysis.members_without_full_representation == []


def test_a_gap_of_one_day_is_listed_with_its_date():
    # Ankeby, member all year (365 days). Representative 1 until 2025-03-31, the next from
    # 2025-04-02: 2025-04-01 has nobody. 364 represented days, one gap of one day.
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True)])
    register = governance_frame([(ANKEBY, "B. Berg", "stämma", "2023-05-01", "2025-03-31"),
                                 (ANKEBY, "C. Ceder", "stämma", "2025-04-02", "")])
    analysis = analyse_governance(2025, members, register, counterparties_frame())
    (ankeby,) = analysis.members
    assert (ankeby.membership_days, ankeby.represented_days) == (365, 364)
    assert ankeby.gaps == ((dt.date(2025, 4, 1), dt.date(2025, 4, 1)),)
    assert analysis.control_status == "gaps" and analysis.members_without_full_representation == [ANKEBY]


def test_one_person_for_two_members_is_allowed_and_shown():
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True),
                             (BORBY, "Borby kommun", "2015-01-01", "", True)])
    register = governance_frame([(ANKEBY, "D. Dahl", "direktion", "2024-01-01", ""),
                                 (BORBY, "D. Dahl", "direktion", "2024-01-01", "")])
    analysis = analyse_governance(2025, members, register, counterparties_frame())
    assert analysis.control_status == "documented"
    assert analysis.shared_representatives == (("D. Dahl", (BORBY, ANKEBY)),)


def test_a_member_with_no_appointment_and_no_register_at_all():
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True),
                             (BORBY, "Borby kommun", "2015-01-01", "", True)])
    register = governance_frame([(ANKEBY, "E. Ek", "stämma", "2020-01-01", "")])
    analysis = analyse_governance(2025, members, register, counterparties_frame())
    assert analysis.members_without_full_representation == [BORBY]
    borby = analysis.members[0]  # sorted by org. no.: 212000-0142 first
    assert borby.represented_days == 0 and borby.gaps == ((dt.date(2025, 1, 1), dt.date(2025, 12, 31)),)
    none = analyse_governance(2025, members, None, counterparties_frame())
    assert none.control_status == "not_documented"
    assert none.members_without_full_representation == [BORBY, ANKEBY]


def test_a_private_member_is_a_flag_against_private_capital():
    # FIRM has org. no. group 5 (aktiebolag): a private owner. A member that left in 2020 is not
    # checked for 2025; a public member registered with sector "privat" is flagged too.
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True),
                             (FIRM, "Bolaget AB", "2024-01-01", "", False),
                             ("556000-0001", "Gamla AB", "2015-01-01", "2020-12-31", False),
                             (BORBY, "Borby kommun", "2015-01-01", "", True)])
    counterparties = counterparties_frame([(BORBY, "Borby kommun", "privat", "")])
    analysis = analyse_governance(2025, members, None, counterparties)
    assert analysis.private_capital_status == "flags"
    assert analysis.private_members == (BORBY, FIRM)
    public = analyse_governance(2025, members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True)]), None,
                                counterparties_frame())
    assert public.private_capital_status == "no_private_owner"


def test_the_exemption_holds_only_when_all_three_criteria_hold():
    from pipeline.compute import classify_window, compute_results
    from pipeline.figures import results_json
    from pipeline.settings import Settings
    from tests.factories import history_frame, ledger_frame, make_inputs, services_frame

    # 900 of 1 000 from the member in 2025, history 2023 and 2024 at 900 of 1 000: window 0.9, met.
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True)])
    ledger = {2025: ledger_frame([("2025-03-01", "A 1", 3010, -900, ANKEBY, "T01"),
                                  ("2025-03-02", "A 2", 3010, -100, "232100-0016", "T01")])}
    history = history_frame([(2023, 900, 1000), (2024, 900, 1000)])
    services = services_frame([("T01", "E-arkiv", "samverkan")])
    full = governance_frame([(ANKEBY, "F. Falk", "stämma", "2020-01-01", "")])

    def teckal(governance, history=history):
        inputs = make_inputs(2025, ledger, members, services=services, history=history, governance=governance)
        return results_json(compute_results(inputs, classify_window(inputs, Settings()), Settings()).figures)["teckal"]

    holds = teckal(full)
    assert holds["met"] and holds["exemption_holds"]
    assert holds["criteria"]["control"]["status"] == "documented"
    assert holds["criteria"]["private_capital"] == {"status": "no_private_owner", "private_members": []}
    # The same share without a governance register: activity met, exemption not shown.
    missing = teckal(None)
    assert missing["met"] and not missing["exemption_holds"]
    assert missing["criteria"]["control"]["status"] == "not_documented"
    # One year of figures: provisional, never a plain "holds".
    provisional = teckal(full, history=history_frame())
    assert provisional["provisional"] and not provisional["exemption_holds"]
    assert provisional["criteria"]["activity"]["status"] == "provisional"


def test_representatives_bodies_and_references_are_those_of_appointments_in_the_year():
    # Ankeby: one appointment ended in 2024 (not in 2025), one through 2025 with a body, one
    # from 2025-06-01 with none. Borby: only an appointment that ended in 2024.
    members = members_frame([(ANKEBY, "Ankeby kommun", "2015-01-01", "", True),
                             (BORBY, "Borby kommun", "2015-01-01", "", True)])
    register = governance_frame([(ANKEBY, "F. Fors", "fullmäktige", "2020-01-01", "2024-12-31"),
                                 (ANKEBY, "G. Gran", "stämma", "2024-06-01", "2025-05-31"),
                                 (ANKEBY, "H. Hed", "", "2025-06-01", ""),
                                 (BORBY, "I. Ilmar", "stämma", "2021-01-01", "2024-12-31")])
    register.loc[0, "decision_reference"] = "KF § 9"  # the appointment that ended in 2024
    register.loc[2, "decision_reference"] = ""
    analysis = analyse_governance(2025, members, register, counterparties_frame())
    borby, ankeby = analysis.members
    assert ankeby.representatives == ("G. Gran", "H. Hed")
    assert ankeby.bodies == ("stämma",) and ankeby.decision_references == ("KF § 1",)
    assert (ankeby.represented_days, ankeby.gaps) == (365, ())
    assert borby.representatives == () and borby.bodies == () and borby.decision_references == ()
    assert borby.represented_days == 0
