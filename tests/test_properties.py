"""Property tests of the computation (issue 8): for any generated ledger

- every line keeps exactly one counterparty category and one activity, nothing added or lost;
- the categories sum exactly to the total, with grants included or excluded;
- the share lies in [0, 1] when all activity revenue is non-negative;
- permuting the lines, or splitting a year's file in two, never changes a figure.

The ledgers are built with `tests.factories` from a small pool of org. nos. that covers every
R3 path: a controlling member, a member that left mid-2024, a non-controlling member, a company
controlled by a member, another public body, a firm, a body in no register, no counterparty and
an invalid number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from pipeline.classify import classify_ledger
from pipeline.compute.results import classify_window, compute_results
from pipeline.compute.teckal import window_verdict
from pipeline.figures import results_json
from pipeline.model import ACTIVITIES, CATEGORIES
from pipeline.settings import settings_from_dict
from tests.factories import (
    counterparties_frame,
    history_frame,
    ledger_frame,
    make_inputs,
    members_frame,
    services_frame,
)

YEAR = 2025


def orgnr(first_nine: str) -> str:
    """A valid org. no. (Luhn check digit) from its first nine digits."""
    return f"{first_nine[:6]}-{first_nine[6:]}{luhn.calc_check_digit(first_nine)}"


MEMBER, LEFT, NON_CONTROLLING = orgnr("212000135"), orgnr("212000137"), orgnr("212000139")
COMPANY, PUBLIC, FIRM, STRANGER = orgnr("556100001"), orgnr("232100001"), orgnr("556677889"), orgnr("202100567")
COUNTERPARTIES = [MEMBER, LEFT, NON_CONTROLLING, COMPANY, PUBLIC, FIRM, STRANGER, "", "12345"]
MEMBERS = members_frame([(MEMBER, "Ankeby kommun", "2015-01-01", None, True),
                         (LEFT, "Borby kommun", "2015-01-01", "2024-06-30", True),
                         (NON_CONTROLLING, "Förbundet", "2015-01-01", None, False)])
REGISTER = counterparties_frame([(COMPANY, "Ankeby Energi AB", "offentlig", MEMBER),
                                 (PUBLIC, "Region X", "offentlig", ""), (FIRM, "Konsult AB", "privat", "")])
SERVICES = services_frame([("T01", "E-arkiv", "samverkan"), ("T02", "Konferens", "säljverksamhet")])
REVENUE_ACCOUNTS = [3010, 3050, 3985]  # 3985: a grant
OTHER_ACCOUNTS = [1510, 2640, 3740, 5410, 8310]  # balance, VAT, excluded, cost, financial


@st.composite
def ledger_rows(draw, year: int, credit_only: bool = False, max_size: int = 30) -> list[tuple]:
    """(date, voucher, account, amount_sek, counterparty, service) rows of one year."""
    count = draw(st.integers(0, max_size))
    rows = []
    for i in range(count):
        account = draw(st.sampled_from(REVENUE_ACCOUNTS + OTHER_ACCOUNTS))
        ore = draw(st.integers(-10**11, 10**11))
        if credit_only and account in REVENUE_ACCOUNTS:
            ore = -abs(ore)  # revenue is credit: a non-negative revenue
        day = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        rows.append((day.isoformat(), f"A {i}", account, Decimal(ore) / 100,
                     draw(st.sampled_from(COUNTERPARTIES)), draw(st.sampled_from(["T01", "T02", "", "T99"]))))
    return rows


def frame(rows: list[tuple], file: str = "2025/ledger.xlsx") -> pd.DataFrame:
    if rows:
        return ledger_frame(rows, file=file)
    empty = ledger_frame([("2025-01-01", "X", 1510, 0, "", "")], file=file)
    return empty.iloc[0:0]


# A full compute_results takes about half a second: those tests try a fifth of the examples.
compute_examples = settings(max_examples=max(4, settings.default.max_examples // 5))
settings_include = settings_from_dict({"rules": {"grants": "include"}})
settings_exclude = settings_from_dict({"rules": {"grants": "exclude"}})


@given(ledger_rows(YEAR))
def test_every_line_has_one_category_and_one_activity(rows):
    ledger = frame(rows)
    classified = classify_ledger(ledger, MEMBERS, REGISTER, SERVICES, settings_include)
    assert len(classified) == len(ledger)
    assert classified["source_id"].tolist() == ledger["source_id"].tolist()
    assert classified["category"].isin(CATEGORIES).all()
    assert classified["activity"].isin(ACTIVITIES).all()
    revenue = classified[classified["line_type"].isin(["revenue", "grant"])]
    # Each revenue line counted once: the per-category sums add up to the revenue of all lines.
    per_category = sum(int(revenue.loc[revenue["category"] == c, "revenue_ore"].sum()) for c in CATEGORIES)
    per_activity = sum(int(revenue.loc[revenue["activity"] == a, "revenue_ore"].sum()) for a in ACTIVITIES)
    assert per_category == per_activity == int(revenue["revenue_ore"].sum())


@given(ledger_rows(YEAR), st.sampled_from([settings_include, settings_exclude]))
def test_categories_sum_exactly_to_the_total(rows, settings):
    classified = {YEAR: classify_ledger(frame(rows), MEMBERS, REGISTER, SERVICES, settings)}
    [figures] = window_verdict(classified, history_frame(), YEAR, settings).years
    assert sum(figures.by_category_ore.values()) == figures.total_ore
    assert isinstance(figures.total_ore, int) and isinstance(figures.controlling_ore, int)


@given(ledger_rows(YEAR - 2, credit_only=True), ledger_rows(YEAR - 1, credit_only=True),
       ledger_rows(YEAR, credit_only=True), st.sampled_from([settings_include, settings_exclude]))
def test_share_is_between_0_and_1_when_revenue_is_non_negative(rows_2023, rows_2024, rows_2025, settings):
    ledgers = {YEAR - 2: frame(rows_2023, "2023/l.xlsx"), YEAR - 1: frame(rows_2024, "2024/l.xlsx"),
               YEAR: frame(rows_2025)}
    classified = {y: classify_ledger(f, MEMBERS, REGISTER, SERVICES, settings) for y, f in ledgers.items()}
    verdict = window_verdict(classified, history_frame(), YEAR, settings)
    for share in [verdict.share, *(y.share for y in verdict.years)]:
        assert share is None or 0 <= share <= 1
    assert verdict.share is None or verdict.controlling_ore <= verdict.total_ore


def figures_of(ledger_2025: pd.DataFrame, earlier: dict[int, pd.DataFrame]) -> dict:
    inputs = make_inputs(YEAR, {**earlier, YEAR: ledger_2025}, MEMBERS, counterparties=REGISTER, services=SERVICES)
    results = compute_results(inputs, classify_window(inputs, settings_include), settings_include)
    figures = results_json(results.figures)
    # Figures only: which rows stand behind a flag is provenance, and moves with the rows.
    return {key: figures[key] for key in ("teckal", "activities", "services", "open_market", "suppliers",
                                          "allocation", "transparency")}


@compute_examples
@given(ledger_rows(YEAR, max_size=20), ledger_rows(YEAR - 1, max_size=10), st.randoms(use_true_random=False))
def test_permuting_lines_never_changes_a_figure(rows, rows_2024, random):
    earlier = {YEAR - 1: frame(rows_2024, "2024/l.xlsx")}
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert figures_of(frame(shuffled), earlier) == figures_of(frame(rows), earlier)


@compute_examples
@given(ledger_rows(YEAR, max_size=20), st.data())
def test_splitting_a_year_into_two_files_never_changes_a_figure(rows, data):
    cut = data.draw(st.integers(0, len(rows)))
    # As the reader concatenates a year's files: two files, rows numbered per file.
    split = pd.concat([frame(rows[:cut], "2025/ledger-1.xlsx"), frame(rows[cut:], "2025/ledger-2.xlsx")],
                      ignore_index=True)
    assert figures_of(split, {}) == figures_of(frame(rows), {})
