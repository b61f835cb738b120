"""Journal tests as worked examples: tiny ledgers with one known fault each."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import SettingsError
from pipeline.settings import JournalTests, Settings, settings_from_dict
from pipeline.validate.journal import (
    TEST_NAMES,
    _first_digits,
    amount_strata,
    benford_first_digit,
    benford_first_two_digits,
    describe_test,
    first_two_digits,
    holiday_postings,
    journal_summary,
    journal_tests,
    largest_entries,
    period_end_postings,
    round_amounts,
    seldom_used_accounts,
    split_purchases,
    unbalanced_vouchers,
    unusual_revenue_combinations,
    voucher_gaps,
    weekend_postings,
)
from pipeline.write.workbook_words import journal_sheet_name
from tests.test_write_workbook import header_and_rows

FILE = "2025/ledger.xlsx:Huvudbok"


def ledger(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (date, voucher, account, amount_ore, counterparty, service, text); row numbers from 2."""
    frame = pd.DataFrame(rows, columns=["date", "voucher", "account", "amount_ore", "counterparty", "service", "text"])
    return pd.DataFrame({
        "date": pd.to_datetime(frame["date"]).astype("datetime64[us]"),
        "voucher": frame["voucher"].astype("str"),
        "account": frame["account"].astype("int64"),
        "amount_ore": frame["amount_ore"].astype("int64"),
        "counterparty": frame["counterparty"].astype("str"),
        "service": frame["service"].astype("str"),
        "text": frame["text"].astype("str"),
        "source_id": pd.Series([f"{FILE}:{n}" for n in range(2, 2 + len(frame))], dtype="str"),
    })


# A small year: vouchers A1..A5 with A3 missing (a gap), A4 unbalanced, A5 holding a line
# that is an exact copy of another, one line dated 2024, one revenue line without counterparty
# and service. Source rows are numbered 2.. in the order below.
YEAR_2025 = ledger([
    ("2025-01-10", "A1", 1930, 125_000, None, None, "Faktura 1"),                    # row 2
    ("2025-01-10", "A1", 3011, -125_000, "212000-0142", "S1", "Faktura 1"),          # row 3
    ("2025-02-01", "A2", 5410, 40_000, "556811-9357", "S1", "Licens"),               # row 4
    ("2025-02-01", "A2", 1930, -40_000, None, None, "Licens"),                        # row 5
    ("2025-03-05", "A4", 1930, 10_000, None, None, "Avgift"),                         # row 6
    ("2025-03-05", "A4", 3011, -9_900, None, None, "Avgift"),                         # row 7: A4 sums to +100 öre
    ("2024-12-31", "A5", 6110, 2_500, "556811-9357", None, "Kontor"),                # row 8: dated 2024
    ("2024-12-31", "A5", 6110, 2_500, "556811-9357", None, "Kontor"),                # row 9: copy of row 8
    ("2024-12-31", "A5", 1930, -5_000, None, None, "Kontor"),                         # row 10
])


def test_unbalanced_voucher_is_found_with_all_its_lines():
    table = unbalanced_vouchers(YEAR_2025, 2025)
    # A4: 10 000 - 9 900 = +100 öre; every other voucher sums to 0.
    assert list(table["source_id"]) == [f"{FILE}:6", f"{FILE}:7"]
    assert list(table["voucher_sum_ore"]) == [100, 100]
    assert set(table["year"]) == {2025}


def test_a_balanced_voucher_is_not_reported_even_when_lines_are_large():
    balanced = ledger([
        ("2025-01-01", "B1", 1930, 9_000_000_000_000, None, None, ""),
        ("2025-01-01", "B1", 3011, -9_000_000_000_000, None, None, ""),
    ])
    assert unbalanced_vouchers(balanced, 2025).empty


def test_duplicate_lines_are_exactly_the_identical_pair():
    table = journal_tests(YEAR_2025, 2025, Settings())["duplicate_lines"]
    assert list(table["source_id"]) == [f"{FILE}:8", f"{FILE}:9"]
    assert list(table["duplicate_group"]) == [1, 1]


def test_lines_differing_only_in_text_are_not_duplicates():
    two = ledger([
        ("2025-01-01", "C1", 6110, 100, None, None, "Papper"),
        ("2025-01-01", "C1", 6110, 100, None, None, "Pennor"),
    ])
    assert journal_tests(two, 2025, Settings())["duplicate_lines"].empty


def test_lines_alike_in_voucher_and_amount_are_duplicates_only_when_alike_in_every_key_column():
    # The first check narrows to voucher and amount; the lines it keeps are then compared in
    # every key column: a different account, date, counterparty or service is no duplicate.
    lines = ledger([
        ("2025-01-01", "D1", 6110, 100, None, None, "Papper"),  # rows 2-4: one group of three
        ("2025-01-01", "D1", 6110, 100, None, None, "Papper"),
        ("2025-01-01", "D1", 6110, 100, None, None, "Papper"),
        ("2025-01-01", "D1", 6120, 100, None, None, "Papper"),  # another account
        ("2025-01-02", "D1", 6110, 100, None, None, "Papper"),  # another date
        ("2025-01-01", "D1", 6110, 100, "212000-1355", None, "Papper"),  # a counterparty
        ("2025-01-01", "D1", 6110, 100, None, "T01", "Papper"),  # a service
        ("2025-01-01", "D2", 6110, 100, None, None, "Papper"),  # rows 9-10: a pair
        ("2025-01-01", "D2", 6110, 100, None, None, "Papper"),
        ("2025-01-01", "D1", 6110, -100, None, None, "Papper"),  # another amount
    ])
    table = journal_tests(lines, 2025, Settings())["duplicate_lines"]
    assert list(table["source_id"]) == [f"{FILE}:{row}" for row in (2, 3, 4, 9, 10)]
    assert list(table["duplicate_group"]) == [1, 1, 1, 2, 2]


def test_gap_in_voucher_series_names_the_missing_numbers_and_the_voucher_before():
    table = voucher_gaps(YEAR_2025)
    gaps = table[table["finding"] == "gap"]
    # Series A holds 1, 2, 4, 5: number 3 is missing, right after A2 (first line: row 4).
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert (gap["series"], gap["first_number"], gap["last_number"], gap["missing_count"]) == ("A", 3, 3, 1)
    assert (gap["voucher"], gap["source_id"]) == ("A2", f"{FILE}:4")
    assert table[table["finding"] == "reused"].empty


def test_voucher_series_are_separate_and_numbers_reused_on_another_date_are_listed():
    lines = ledger([
        ("2025-01-01", "A 7", 1930, 1, None, None, ""),    # row 2
        ("2025-01-01", "A 7", 3011, -1, None, None, ""),   # row 3
        ("2025-01-01", "B 1", 1930, 1, None, None, ""),    # row 4
        ("2025-01-01", "B 1", 3011, -1, None, None, ""),   # row 5
        ("2025-01-02", "B 4", 1930, 1, None, None, ""),    # row 6
        ("2025-01-02", "B 4", 3011, -1, None, None, ""),   # row 7
        ("2025-05-02", "B4", 1930, 1, None, None, ""),     # row 8: B 4 again, other date
        ("2025-05-02", "B4", 3011, -1, None, None, ""),    # row 9
        ("2025-01-03", "A 10", 1930, 1, None, None, ""),   # row 10
        ("2025-01-03", "A 10", 3011, -1, None, None, ""),  # row 11
    ])
    table = voucher_gaps(lines)
    gaps = table[table["finding"] == "gap"].sort_values("series")
    # A: 7, 10 -> 8..9 missing (2); B: 1, 4 -> 2..3 missing (2).
    assert list(zip(gaps["series"], gaps["first_number"], gaps["last_number"], gaps["missing_count"])) == [
        ("A", 8, 9, 2), ("B", 2, 3, 2)]
    reused = table[table["finding"] == "reused"]
    assert list(reused["source_id"]) == [f"{FILE}:{n}" for n in (6, 7, 8, 9)]
    summary = journal_summary({"voucher_gaps": table})
    # 4 missing numbers + 1 reused number.
    assert summary.loc[0, "findings"] == 5


def test_out_of_year_and_revenue_without_counterparty_or_service():
    tables = journal_tests(YEAR_2025, 2025, Settings())
    assert list(tables["outside_fiscal_year"]["source_id"]) == [f"{FILE}:{n}" for n in (8, 9, 10)]
    # Activity revenue lines (3000-3999): rows 3 and 7; row 7 has neither counterparty nor service.
    assert list(tables["revenue_without_counterparty"]["source_id"]) == [f"{FILE}:7"]
    assert list(tables["revenue_without_service"]["source_id"]) == [f"{FILE}:7"]


def test_summary_counts_in_the_units_an_auditor_reads():
    summary = journal_summary(journal_tests(YEAR_2025, 2025, Settings())).set_index("test")
    assert summary.loc["unbalanced_vouchers", "findings"] == 1  # one voucher, A4
    assert summary.loc["unbalanced_vouchers", "severity"] == "critical"
    assert summary.loc["duplicate_lines", "findings"] == 2  # rows 8 and 9
    assert summary.loc["voucher_gaps", "findings"] == 1  # A3
    assert summary.loc["outside_fiscal_year", "findings"] == 3
    assert summary.loc["revenue_without_service", "findings"] == 1
    assert summary.loc["amount_strata", "severity"] == "info"


def test_first_digit_is_exact_at_powers_of_ten():
    values = np.array([1_000, 999, 10**15, 10**15 - 1, 1_999, 2_000, 7], dtype=np.int64)
    assert list(_first_digits(values)) == [1, 9, 1, 9, 1, 2, 7]


def test_benford_conforms_on_log_uniform_amounts():
    # 10**U(1, 6) SEK (SEK 10 to 1M) is Benford-distributed by construction; 5 000 draws, fixed seed.
    rng = np.random.default_rng(20250101)
    amount_ore = (10 ** rng.uniform(1, 6, 5_000) * 100).astype(np.int64)
    table = benford_first_digit(pd.Series(amount_ore))
    assert table["lines"].iloc[0] == 5_000
    assert table["verdict"].iloc[0] in ("conforming", "acceptable")
    assert table["mad"].iloc[0] <= 0.012
    assert table["chi_square"].iloc[0] < 15.51  # 5 % critical value, 8 degrees of freedom


def test_benford_rejects_uniform_amounts():
    # Uniform on SEK 10..10 000: digit 1 has about 1/9 of the lines, not 30 %.
    rng = np.random.default_rng(7)
    amount_ore = rng.integers(1_000, 1_000_000, 5_000)
    table = benford_first_digit(amount_ore)
    assert table["verdict"].iloc[0] == "nonconforming"
    assert table["mad"].iloc[0] > 0.015


def test_benford_counts_by_hand_and_ignores_amounts_below_ten_kronor():
    # |amounts| in öre: 1 500 (1), -2 000 (2), 1 999 (1), 999 (below SEK 10, ignored).
    table = benford_first_digit(pd.Series([1_500, -2_000, 1_999, 999]))
    assert list(table["observed"]) == [2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert table["lines"].iloc[0] == 3
    # MAD = mean |observed share - log10(1 + 1/d)| over the nine digits.
    expected = np.log10(1 + 1 / np.arange(1, 10))
    observed = np.array([2, 1, 0, 0, 0, 0, 0, 0, 0]) / 3
    assert abs(table["mad"].iloc[0] - np.abs(observed - expected).mean()) < 1e-12


def test_amount_strata_by_hand():
    lines = ledger([
        ("2025-01-01", "A1", 3011, -50_000, None, None, ""),        # revenue SEK 500: < 1k
        ("2025-01-01", "A1", 3011, -100_000, None, None, ""),       # revenue SEK 1 000: 1k-10k
        ("2025-01-01", "A1", 1930, 150_000, None, None, ""),        # balance: in neither
        ("2025-01-02", "A2", 5410, 250_000_000, None, None, ""),    # cost SEK 2.5M: >= 1M
        ("2025-01-02", "A2", 5410, -100_000_000, None, None, ""),   # credit note SEK 1M: >= 1M
        ("2025-01-02", "A2", 1930, -150_000_000, None, None, ""),
    ])
    revenue = lines["account"].between(3000, 3999).to_numpy()
    costs = lines["account"].between(4000, 7999).to_numpy()
    table = amount_strata(lines, revenue, costs).set_index(["kind", "band"])
    assert table.loc[("revenue", "< 1 000 SEK"), "lines"] == 1
    assert table.loc[("revenue", "1 000 - 10 000 SEK"), "amount_ore"] == -100_000
    assert table.loc[("costs", ">= 1 000 000 SEK"), "lines"] == 2
    assert table.loc[("costs", ">= 1 000 000 SEK"), "amount_ore"] == 150_000_000  # 250M - 100M öre
    assert table.loc[("costs", ">= 1 000 000 SEK"), "absolute_ore"] == 350_000_000
    assert table["lines"].sum() == 4


def test_voucher_series_and_number_are_read_from_the_distinct_texts():
    from pipeline.validate.journal import _voucher_series_and_number

    texts = pd.Index(["A 0123", "b-7", "123", " C12 ", "A1B2", "A", "", "V:" + "9" * 19])
    series, number = _voucher_series_and_number(texts)
    # Letters before the trailing digits, trimmed of " -:" and upper-cased; no number when the
    # letters hold a digit, when there are no digits, or beyond 18 digits (no int64 sequence).
    assert list(series[:4]) == ["A", "B", "", "C"]
    assert number.tolist() == [123, 7, 123, 12, -1, -1, -1, -1]


def test_summary_describes_each_test_in_the_chosen_language():
    tables = journal_tests(YEAR_2025, 2025, Settings())
    swedish = journal_summary(tables).set_index("test")["description"]
    english = journal_summary(tables, "en").set_index("test")["description"]
    assert swedish["unbalanced_vouchers"] == "Verifikationer vars rader inte summerar till 0 öre"
    assert english["unbalanced_vouchers"] == "Vouchers whose lines do not sum to 0 öre"
    assert swedish["duplicate_lines"] == "Rader lika i datum, verifikation, konto, belopp, motpart, tjänst och text"
    assert english["amount_strata"] == "Lines and sums per amount band (information)"
    # Every test has its own text in each language.
    assert swedish.is_unique and english.is_unique and not set(swedish) & set(english)
    assert describe_test("voucher_gaps", "en") == english["voucher_gaps"]


# ---------------------------------------------------------------- the auditors' list (issue 17)

def ids(table: pd.DataFrame) -> list[str]:
    return list(table["source_id"])


def rows(*numbers: int) -> list[str]:
    return [f"{FILE}:{n}" for n in numbers]


def settings_with(**journal) -> Settings:
    return Settings(journal=JournalTests(**journal))


def test_round_amounts_are_whole_multiples_on_revenue_and_cost_lines_only():
    lines = ledger([
        ("2025-02-03", "A1", 3011, -1_000_000, None, None, ""),   # row 2: revenue SEK 10 000: round
        ("2025-02-03", "A1", 1510, 1_000_000, None, None, ""),    # row 3: balance account: not tested
        ("2025-02-04", "A2", 5410, 2_000_000, None, None, ""),    # row 4: cost SEK 20 000: round
        ("2025-02-04", "A2", 5410, 1_000_001, None, None, ""),    # row 5: SEK 10 000.01: not round
        ("2025-02-04", "A2", 6110, 500_000, None, None, ""),      # row 6: SEK 5 000: not a multiple
        ("2025-02-04", "A2", 3740, -1_000_000, None, None, ""),   # row 7: rounding account: not revenue
        ("2025-02-04", "A2", 5410, -3_000_000, None, None, ""),   # row 8: credit note SEK 30 000: round
    ])
    table = journal_tests(lines, 2025, Settings())["round_amounts"]
    assert ids(table) == rows(2, 4, 8)
    # Tested: revenue row 2 and cost rows 4, 5, 6, 8 = 5 lines; 3 round -> 60,00 %.
    summary = journal_summary({"round_amounts": table}, "sv", Settings()).iloc[0]
    assert summary["findings"] == 3
    assert summary["detail"] == "3 av 5 intäkts- och kostnadsrader (60,00 %)"
    assert summary["thresholds"] == {"journal.round_amount_sek": "10000"}
    # A multiple of SEK 5 000 also takes row 6 (and the SEK 10 000 ones).
    five = round_amounts(lines, lines["account"].between(3000, 3999).to_numpy() & (lines["account"] != 3740).to_numpy()
                         | lines["account"].between(4000, 7999).to_numpy(), 500_000)
    assert ids(five) == rows(2, 4, 6, 8)


# 2025-06-06 Friday: National Day. 2025-06-07 Saturday. 2025-03-16 Sunday (no holiday). 2025-06-21
# Saturday: Midsummer Day. 2025-06-20 Midsummer Eve and 2025-12-24 Christmas Eve: working days in law.
CALENDAR = ledger([
    ("2025-06-05", "A1", 5410, 100, None, None, ""),   # row 2: Thursday
    ("2025-06-06", "A2", 5410, 100, None, None, ""),   # row 3: National Day (a Friday)
    ("2025-06-07", "A3", 5410, 100, None, None, ""),   # row 4: Saturday
    ("2025-03-16", "A4", 5410, 100, None, None, ""),   # row 5: Sunday
    ("2025-03-17", "A5", 5410, 100, None, None, ""),   # row 6: Monday
    ("2025-06-21", "A6", 5410, 100, None, None, ""),   # row 7: Midsummer Day, a Saturday
    ("2025-06-20", "A7", 5410, 100, None, None, ""),   # row 8: Midsummer Eve, a Friday
    ("2025-12-24", "A8", 5410, 100, None, None, ""),   # row 9: Christmas Eve, a Wednesday
])


def test_weekend_postings_are_saturdays_and_sundays():
    table = weekend_postings(CALENDAR)
    assert ids(table) == rows(4, 5, 7)
    assert list(table["weekday"]) == [6, 7, 6]


def test_holiday_postings_are_the_public_holidays_of_the_calendar_and_no_sunday_as_such():
    table = holiday_postings(CALENDAR)
    assert ids(table) == rows(3, 7)
    assert list(table["holiday"]) == ["Nationaldagen", "Midsommardagen"]
    assert list(holiday_postings(CALENDAR, "en")["holiday"]) == ["National Day", "Midsummer Day"]


def test_period_end_postings_are_the_last_days_and_late_registrations():
    lines = ledger([
        ("2025-12-24", "A1", 5410, 100, None, None, ""),   # row 2: 8th last day: outside the window
        ("2025-12-25", "A2", 5410, 100, None, None, ""),   # row 3: 7th last day: the window's first day
        ("2025-12-31", "A3", 5410, 100, None, None, ""),   # row 4: the year's last day
        ("2026-01-02", "A4", 5410, 100, None, None, ""),   # row 5: next year: outside
        ("2025-11-30", "A5", 5410, 100, None, None, ""),   # row 6: registered 2026-01-15
        ("2025-06-01", "A6", 5410, 100, None, None, ""),   # row 7: registered on 2025-12-31: in time
        ("2025-06-02", "A7", 5410, 100, None, None, ""),   # row 8: no registration date
    ])
    table = period_end_postings(lines, 2025, 7)
    assert ids(table) == rows(3, 4)
    assert "registration_date" not in table.columns
    # The read stage's empty column (an export without registration dates) is no column at all.
    lines["registration_date"] = pd.Series(pd.NaT, index=lines.index, dtype="datetime64[ns]")
    table = period_end_postings(lines, 2025, 7)
    assert "registration_date" not in table.columns
    summary = journal_summary({"period_end_postings": table}, "en", Settings()).iloc[0]
    assert summary["detail"] == "2 lines in the last 7 days; the ledger has no registration date"
    lines["registration_date"] = pd.to_datetime(pd.Series(
        [None, None, "2025-12-31", "2026-01-02", "2026-01-15", "2025-12-31", None])).astype("datetime64[ns]")
    table = period_end_postings(lines, 2025, 7)
    assert ids(table) == rows(3, 4, 6)
    assert list(table["in_last_days"]) == [True, True, False]
    assert list(table["registered_after_year_end"]) == [False, False, True]
    summary = journal_summary({"period_end_postings": table}, "en", Settings()).iloc[0]
    assert (summary["findings"], summary["detail"]) == (3, "2 lines in the last 7 days; 1 registered after the year end")


def test_seldom_used_accounts_include_an_account_used_exactly_n_times():
    lines = ledger([
        ("2025-01-02", "A1", 6991, 100, None, None, ""),   # row 2: 6991, 3 lines in all
        ("2025-01-02", "A1", 1930, -100, None, None, ""),  # row 3
        ("2025-01-03", "A2", 6992, 100, None, None, ""),   # row 4: 6992, 4 lines in all
        ("2025-01-03", "A2", 1930, -100, None, None, ""),  # row 5
        ("2025-01-04", "A3", 6991, 100, None, None, ""),   # row 6
        ("2025-01-04", "A3", 6992, 100, None, None, ""),   # row 7
        ("2025-01-04", "A3", 1930, -200, None, None, ""),  # row 8
        ("2025-01-05", "A4", 6991, 100, None, None, ""),   # row 9
        ("2025-01-05", "A4", 6992, 100, None, None, ""),   # row 10
        ("2025-01-05", "A4", 6993, 100, None, None, ""),   # row 11: 6993, once
        ("2025-01-05", "A4", 6992, 100, None, None, ""),   # row 12
        ("2025-01-05", "A4", 1930, -400, None, None, ""),  # row 13: 1930, 4 lines in all
    ])
    table = seldom_used_accounts(lines, 3)
    # 6991: 3 lines (= N, listed); 6993: 1 line; 6992 and 1930: 4 lines (> N).
    assert ids(table) == rows(2, 6, 9, 11)
    assert list(table["account_lines"]) == [3, 3, 3, 1]
    assert journal_summary({"seldom_used_accounts": table}).iloc[0]["findings"] == 2  # two accounts
    assert ids(seldom_used_accounts(lines, 2)) == rows(11)


def test_unusual_revenue_combinations_name_the_voucher_its_revenue_and_its_odd_account():
    lines = ledger([
        ("2025-03-01", "V1", 1510, 12_500, None, None, ""),   # row 2: customer invoice with VAT: usual
        ("2025-03-01", "V1", 3011, -10_000, None, None, ""),  # row 3
        ("2025-03-01", "V1", 2611, -2_500, None, None, ""),   # row 4
        ("2025-03-02", "V2", 1930, 10_000, None, None, ""),   # row 5: cash sale: usual
        ("2025-03-02", "V2", 3011, -10_000, None, None, ""),  # row 6
        ("2025-03-03", "V3", 7690, 5_000, None, None, ""),    # row 7: revenue against a cost account
        ("2025-03-03", "V3", 1510, 5_000, None, None, ""),    # row 8: (the usual half is not listed)
        ("2025-03-03", "V3", 3011, -10_000, None, None, ""),  # row 9
        ("2025-03-04", "V4", 3012, 10_000, None, None, ""),   # row 10: moved between revenue accounts
        ("2025-03-04", "V4", 3011, -10_000, None, None, ""),  # row 11
        ("2025-03-05", "V5", 1510, 10_025, None, None, ""),   # row 12: rounding (3740) is a clearing account
        ("2025-03-05", "V5", 3740, 25, None, None, ""),       # row 13
        ("2025-03-05", "V5", 3011, -10_050, None, None, ""),  # row 14
        ("2025-03-06", "V6", 7690, 10_000, None, None, ""),   # row 15: no revenue at all
        ("2025-03-06", "V6", 1930, -10_000, None, None, ""),  # row 16
        ("2025-03-07", "V7", 3011, 10_000, None, None, ""),   # row 17: credit note: revenue debited
        ("2025-03-07", "V7", 1510, -10_000, None, None, ""),  # row 18
    ])
    table = journal_tests(lines, 2025, Settings())["unusual_revenue_combinations"]
    assert ids(table) == rows(7, 9, 10, 11)
    assert list(table["role"]) == ["counter_account", "revenue", "counter_account", "revenue"]
    assert journal_summary({"unusual_revenue_combinations": table}).iloc[0]["findings"] == 2  # V3, V4
    # Without the rounding account as a clearing account, V5 is unusual too.
    no_clearing = journal_tests(lines, 2025, settings_with(clearing_accounts=()))["unusual_revenue_combinations"]
    assert ids(no_clearing) == rows(7, 9, 10, 11, 13, 14)
    # And a configured clearing account makes V3's cost account usual.
    revenue = lines["account"].between(3000, 3999).to_numpy()
    assert ids(unusual_revenue_combinations(lines, revenue, ((1500, 1599), (1900, 1999), (3740, 3749), (7690, 7690)))) \
        == rows(10, 11)


def test_largest_entries_take_the_top_n_and_everything_above_materiality():
    lines = ledger([
        ("2025-01-02", "A1", 5410, 50_000, None, None, ""),    # row 2: SEK 500
        ("2025-01-02", "A1", 1930, -90_000, None, None, ""),   # row 3: SEK 900 (read before row 4)
        ("2025-01-02", "A1", 5410, 90_000, None, None, ""),    # row 4: SEK 900
        ("2025-01-02", "A1", 5410, 30_000, None, None, ""),    # row 5: SEK 300
        ("2025-01-02", "A1", 5410, 100_000, None, None, ""),   # row 6: SEK 1 000
    ])
    # Top 2: row 6, then of the tied SEK 900 lines the one read first (row 3). Above SEK 900
    # (strictly): row 6 only; exactly SEK 900 is not above.
    table = largest_entries(lines, 2, 90_000)
    assert ids(table) == rows(6, 3)
    assert list(table["rank"]) == [1, 2]
    assert list(table["above_materiality"]) == [True, False]
    assert journal_summary({"largest_entries": table}).iloc[0]["findings"] == 1
    # Materiality SEK 400: rows 6, 3, 4, 2 above it; the top 2 still rows 6 and 3.
    table = largest_entries(lines, 2, 40_000)
    assert ids(table) == rows(6, 3, 4, 2)
    assert list(table["in_top"]) == [True, True, False, False]
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert largest_entries(lines, 0, 0).empty


LIMIT_ORE = 70_000_000  # SEK 700 000


def purchases(rows_: list[tuple]) -> pd.DataFrame:
    """(supplier, date, invoice, amount in SEK) -> the frame split_purchases reads; ids p1, p2, ..."""
    return pd.DataFrame({
        "supplier": [r[0] for r in rows_],
        "date": pd.to_datetime([r[1] for r in rows_]).astype("datetime64[ns]"),
        "invoice": [r[2] for r in rows_],
        "amount_ore": [r[3] * 100 for r in rows_],
        "source_id": [f"p{n}" for n in range(1, len(rows_) + 1)],
    })


def test_split_purchases_find_invoices_below_the_limit_that_sum_above_it_within_the_window():
    table = split_purchases(purchases([
        ("S1", "2025-03-01", "F1", 400_000),  # p1 \ S1: 30 days inclusive (03-01 .. 03-30):
        ("S1", "2025-03-30", "F2", 350_000),  # p2 /     750 000 > 700 000: a pattern
        ("S2", "2025-03-01", "F1", 400_000),  # p3 \ S2: 03-31 is day 31, outside the window
        ("S2", "2025-03-31", "F2", 350_000),  # p4 /
        ("S3", "2025-05-01", "F1", 350_000),  # p5 \ S3: exactly 700 000 does not exceed the limit
        ("S3", "2025-05-02", "F2", 350_000),  # p6 /
        ("S4", "2025-05-01", "F1", 800_000),  # p7 \ S4: above the limit on its own: not a split
        ("S4", "2025-05-02", "F2", 100_000),  # p8 /
        ("S5", "2025-06-01", "F9", 300_000),  # p9  \ S5: invoice F9 has two lines (600 000),
        ("S5", "2025-06-01", "F9", 300_000),  # p10  | then F10 150 000 nine days later: 750 000
        ("S5", "2025-06-10", "F10", 150_000),  # p11 /
        ("S6", "2025-07-01", "F1", 400_000),  # p12 \ S6: a credit note brings 750 000 down to
        ("S6", "2025-07-05", "F2", 350_000),  # p13  | 650 000
        ("S6", "2025-07-06", "K1", -100_000),  # p14 /
        ("S8", "2025-09-01", "F1", 400_000),  # p15 \ S8: 09-01 + 09-20 = 800 000 and 09-20 + 10-15
        ("S8", "2025-09-20", "F2", 400_000),  # p16  | = 800 000: overlapping windows, one pattern
        ("S8", "2025-10-15", "F3", 400_000),  # p17 /
    ]), LIMIT_ORE, 30)
    assert list(table["source_id"]) == ["p1", "p2", "p9", "p10", "p11", "p15", "p16", "p17"]
    assert list(table["split_group"]) == [1, 1, 2, 2, 2, 3, 3, 3]
    assert list(table["supplier"]) == ["S1", "S1", "S5", "S5", "S5", "S8", "S8", "S8"]
    assert list(table.drop_duplicates("split_group")["group_sum_ore"]) == [75_000_000, 75_000_000, 120_000_000]
    assert [str(d)[:10] for d in table.drop_duplicates("split_group")["group_last_date"]] == [
        "2025-03-30", "2025-06-10", "2025-10-15"]
    assert split_purchases(purchases([("S1", "2025-03-01", "F1", 400_000)]), LIMIT_ORE, 0).empty


def test_split_purchases_in_the_ledger_use_the_direct_award_limit_and_the_voucher_as_invoice():
    supplier = "556811-9357"
    lines = ledger([
        ("2025-04-01", "B1", 6540, 40_000_000, supplier, None, ""),  # row 2: SEK 400 000
        ("2025-04-01", "B1", 2440, -40_000_000, supplier, None, ""),  # row 3: payable, not a cost
        ("2025-04-30", "B2", 6540, 35_000_000, supplier, None, ""),  # row 4: SEK 350 000, day 30
        ("2025-04-30", "B2", 2440, -35_000_000, supplier, None, ""),  # row 5
        ("2025-04-30", "B3", 6540, 35_000_000, "556600-7778", None, ""),  # row 6: another supplier
        ("2025-04-30", "B3", 2440, -35_000_000, "556600-7778", None, ""),  # row 7
    ])
    lines["counterparty_raw"] = lines["counterparty"]
    table = journal_tests(lines, 2025, Settings())["split_purchases"]
    assert list(table["source_id"]) == rows(2, 4)
    assert list(table["invoice"]) == ["B1", "B2"]
    # With a limit of SEK 800 000 the 750 000 no longer exceed it.
    higher = Settings(thresholds=settings_from_dict({"thresholds": {"direct_award_limit_sek": "800000"}}).thresholds)
    assert journal_tests(lines, 2025, higher)["split_purchases"].empty
    summary = journal_summary({"split_purchases": table}, "sv", Settings()).iloc[0]
    assert summary["thresholds"] == {"thresholds.direct_award_limit_sek": "700000", "journal.split_window_days": "30"}


def test_benford_below_the_minimum_sample_is_neither_conforming_nor_not():
    # 999 uniform amounts would be nonconforming (see above), but 999 < 1 000 lines.
    rng = np.random.default_rng(7)
    few = rng.integers(1_000, 1_000_000, 999)
    table = benford_first_digit(few, min_lines=1_000)
    assert set(table["verdict"]) == {"too few lines"}
    assert table["observed"].sum() == 999 and np.isnan(table["mad"].iloc[0])
    summary = journal_summary({"benford_costs": table}, "sv").iloc[0]
    assert summary["findings"] == 0
    assert summary["detail"] == "för få rader för att testa (999 av minst 1\u00a0000); varken följer eller avviker"
    # One more line and the test runs: nonconforming.
    enough = benford_first_digit(rng.integers(1_000, 1_000_000, 1_000), min_lines=1_000)
    assert enough["verdict"].iloc[0] == "nonconforming"
    assert journal_summary({"benford_costs": enough}).iloc[0]["findings"] == 1


def test_first_two_digits_by_hand():
    values = np.array([1_000, 1_999, 10**15, 2_550, 99, 9_999], dtype=np.int64)
    assert list(first_two_digits(values)) == [10, 19, 10, 25, 99, 99]
    # |amounts| in öre: 1 000 (10), 1 999 (19), -10**7 (10), 2 550 (25); 999 is below SEK 10.
    table = benford_first_two_digits(pd.Series([1_000, 1_999, -10_000_000, 2_550, 999]))
    assert list(table["digit"]) == list(range(10, 100))
    observed = dict(zip(table["digit"], table["observed"]))
    assert (observed[10], observed[19], observed[25], sum(observed.values())) == (2, 1, 1, 4)
    expected = np.log10(1 + 1 / np.arange(10, 100))
    shares = np.zeros(90)
    shares[[0, 9, 15]] = [0.5, 0.25, 0.25]
    assert abs(table["mad"].iloc[0] - np.abs(shares - expected).mean()) < 1e-12


def test_first_two_digits_conform_on_log_uniform_amounts_and_not_on_uniform_ones():
    rng = np.random.default_rng(20250101)
    benford = (10 ** rng.uniform(1, 6, 20_000) * 100).astype(np.int64)
    table = benford_first_two_digits(benford, min_lines=3_000)
    assert table["verdict"].iloc[0] in ("conforming", "acceptable")
    assert table["chi_square"].iloc[0] < 112.02  # 5 % critical value, 89 degrees of freedom
    uniform = rng.integers(1_000, 1_000_000, 20_000)
    assert benford_first_two_digits(uniform, min_lines=3_000)["verdict"].iloc[0] == "nonconforming"
    assert benford_first_two_digits(uniform[:2_999], min_lines=3_000)["verdict"].iloc[0] == "too few lines"


def test_every_test_has_a_table_a_summary_row_and_texts_in_both_languages():
    tables = journal_tests(YEAR_2025, 2025, Settings())
    assert list(tables) == TEST_NAMES
    summary = journal_summary(tables, "en", Settings()).set_index("test")
    assert list(summary.index) == TEST_NAMES
    assert summary.loc["largest_entries", "thresholds"] == {"journal.largest_entries": "25",
                                                            "journal.materiality_sek": "1000000"}
    assert summary.loc["unusual_revenue_combinations", "thresholds"]["journal.clearing_accounts"] == "3740-3749"
    from pipeline.messages import load_catalogue
    report = load_catalogue()
    for name in TEST_NAMES:
        assert describe_test(name, "sv") != describe_test(name, "en")
        assert report[f"journal.{name}"]["sv"] and report[f"journal.{name}"]["en"]
        assert len(journal_sheet_name(name)) <= 31 and journal_sheet_name(name) != name  # a Swedish sheet name, not cut


@pytest.mark.parametrize("value", ["7", 7.0, True, -1])
def test_a_count_setting_must_be_a_whole_non_negative_number(value):
    with pytest.raises(SettingsError, match="period_end_days"):
        settings_from_dict({"journal": {"period_end_days": value}})


def test_journal_settings_are_read_from_the_file():
    settings = settings_from_dict({"journal": {"period_end_days": 3, "materiality_sek": "250000",
                                               "clearing_accounts": [[1680, 1689]]}})
    assert settings.journal.period_end_days == 3
    assert settings.journal.materiality_sek == Decimal(250000)
    assert settings.journal.clearing_accounts == ((1680, 1689),)
    assert settings.as_dict()["journal"]["benford_min_lines"] == 1000


# ---------------------------------------------------------------- through the real command line

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args, "--quiet"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_check_prints_each_test_and_the_report_names_the_tests_that_found_something(tmp_path):
    import json
    import shutil

    import openpyxl

    from tests.workbooks import write_folder

    # The small ledger of 2025: A 1 on Saturday 2025-03-01 (2 lines), A 2 on Tuesday 2025-04-01,
    # B 1 on 2025-05-01 (May Day, a Thursday; 2 lines). Six lines on four accounts (1510, 3010,
    # 5410, 2440), each used at most 3 times.
    folder = write_folder(tmp_path / "ankeby")
    done = run_cli("check", "--inputs", str(folder), "--year", "2025", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    journal = [line for line in done.stdout.splitlines() if line.startswith("- ")]
    assert len(journal) == len(TEST_NAMES)
    # Each test by its name in the report's language, with the sheet that holds its rows.
    assert "- Booked on a weekend: 2 findings; 2 lines on 1 day(s) (sheet 'Bokföring på helger')" in journal
    assert "- Booked on a public holiday: 2 findings; 2 lines on 1 day(s) (sheet 'Bokföring på helgdagar')" in journal
    assert "- Seldom-used accounts: 4 findings; 4 accounts, 6 lines (sheet 'Sällan använda konton')" in journal
    assert "- Unbalanced vouchers: 0 findings (sheet 'Obalanserade verifikationer')" in journal
    assert "- Benford's law, revenue (first digit): 0 findings; too few lines to test (2 of at least 1,000); " \
           "neither conforming nor nonconforming (sheet 'Benford intäkter')" in journal

    done = run_cli("report", "--inputs", str(folder), "--year", "2025", "--lang", "en",
                   "--outputs", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "ankeby" / "2025"
    entries = {j["test"]: j for j in json.loads((out / "results.json").read_text(encoding="utf-8"))
               ["data_quality"]["journal"]}
    assert list(entries) == TEST_NAMES
    weekend = entries["weekend_postings"]
    assert (weekend["findings"], weekend["severity"], weekend["sheet"]) == (2, "warning", "Bokföring på helger")
    assert weekend["description"] == "Lines booked on a Saturday or a Sunday"
    book = openpyxl.load_workbook(out / "LOS-underlag-2025.xlsx", read_only=True)
    header, rows = header_and_rows(book, "Bokföring på helgdagar")  # the sheet keeps its Swedish name
    assert [row[header.index("source_id")] for row in rows] == [
        "2025/ledger-2025.xlsx:Huvudbok:6", "2025/ledger-2025.xlsx:Huvudbok:7"]
    assert [row[header.index("holiday")] for row in rows] == ["May Day", "May Day"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out / "LOS-evaluation-2025.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        assert "Booked on a weekend: 2 findings (2 lines on 1 day(s)), sheet 'Bokföring på helger'" in flat
        assert "Booked on a public holiday: 2 findings (2 lines on 1 day(s)), sheet 'Bokföring på helgdagar'" in flat
        assert "All checks passed" not in flat


def test_a_registration_date_column_is_read_and_finds_the_late_registration(tmp_path):
    import datetime as dt

    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings
    from tests.workbooks import FIRM, LEDGER_HEADER, small_ledger, write_folder, write_sheet

    folder = write_folder(tmp_path / "ankeby")
    # The 2025 ledger again with a "Reg.datum" column: B 1 (rows 6 and 7, dated 2025-05-01) was
    # registered on 2026-01-20, after the year end; the others on their own date.
    rows_2025 = small_ledger(2025)
    registered = [r[0] for r in rows_2025[:4]] + [dt.date(2026, 1, 20)] * 2
    write_sheet(folder / "2025" / "ledger-2025.xlsx", "Huvudbok", LEDGER_HEADER + ["Reg.datum"],
                [row + [day] for row, day in zip(rows_2025, registered)])
    settings = load_settings(folder)
    inputs = read_inputs(folder, 2025, settings)
    ledger_2025 = inputs.ledgers[2025]
    assert str(ledger_2025["registration_date"].iloc[4])[:10] == "2026-01-20"
    assert inputs.ledgers[2024]["registration_date"].isna().all()  # no such column: empty
    table = journal_tests(ledger_2025, 2025, settings)["period_end_postings"]
    assert list(table["source_id"]) == ["2025/ledger-2025.xlsx:Huvudbok:6", "2025/ledger-2025.xlsx:Huvudbok:7"]
    assert list(table["registered_after_year_end"]) == [True, True]
    assert FIRM in set(table["counterparty"])


def test_a_registration_date_that_is_no_date_is_a_critical_rejection(tmp_path):
    from pipeline.read.folder import read_inputs
    from pipeline.settings import load_settings
    from tests.workbooks import LEDGER_HEADER, small_ledger, write_folder, write_sheet

    folder = write_folder(tmp_path / "ankeby")
    rows_2025 = small_ledger(2025)
    write_sheet(folder / "2025" / "ledger-2025.xlsx", "Huvudbok", LEDGER_HEADER + ["Registreringsdatum"],
                [row + ["igår" if n == 0 else None] for n, row in enumerate(rows_2025)])
    inputs = read_inputs(folder, 2025, load_settings(folder))
    rejected = [r for r in inputs.rejected if r.file == "2025/ledger-2025.xlsx"]
    assert [(r.row, r.column, r.critical) for r in rejected] == [(2, "Registreringsdatum", True)]


def test_the_voucher_index_is_used_only_for_the_column_it_was_made_from():
    from pipeline.validate.journal import ledger_vouchers, voucher_codes

    year = ledger([
        ("2025-01-01", "A1", 1930, 100, None, None, ""),
        ("2025-01-01", "A1", 3011, -100, None, None, ""),
        ("2025-01-02", None, 6110, 50, None, None, ""),
        ("2025-01-02", "A2", 6110, 50, None, None, ""),
    ])
    index = ledger_vouchers({2025: year})[2025]
    assert index.codes.tolist() == [0, 0, -1, 1] and list(index.uniques) == ["A1", "A2"]
    assert voucher_codes(year, index) is index
    # A filtered frame has another voucher array: the index of the whole year is not used.
    later = year.iloc[2:]
    assert voucher_codes(later, index).codes.tolist() == [-1, 0]


def test_duplicate_lines_with_the_voucher_index_are_the_same_as_without():
    from pipeline.validate.journal import duplicate_lines, ledger_vouchers

    # Two pairs of identical lines, one of them without a voucher (missing equals missing), and
    # a line that differs from a pair only in its voucher.
    year = ledger([
        ("2025-01-01", "B2", 6110, 100, None, None, "Papper"),
        ("2025-01-01", None, 6110, 70, None, None, "Kaffe"),
        ("2025-01-01", "B1", 6110, 100, None, None, "Papper"),
        ("2025-01-01", None, 6110, 70, None, None, "Kaffe"),
        ("2025-01-01", "B3", 6110, 100, None, None, "Papper"),
        ("2025-01-01", "B2", 6110, 100, None, None, "Papper"),
    ])
    without = duplicate_lines(year)
    with_index = duplicate_lines(year, ledger_vouchers({2025: year})[2025])
    pd.testing.assert_frame_equal(with_index, without)
    # Groups in the order of their sorted key: missing voucher last, as groupby sorts NaN.
    assert list(with_index["source_id"]) == [f"{FILE}:2", f"{FILE}:7", f"{FILE}:3", f"{FILE}:5"]
    assert list(with_index["duplicate_group"]) == [1, 1, 2, 2]
