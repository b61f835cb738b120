"""Journal tests as worked examples: tiny ledgers with one known fault each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.settings import Settings
from pipeline.validate.journal import (
    _first_digits,
    amount_strata,
    benford_first_digit,
    describe_test,
    journal_summary,
    journal_tests,
    unbalanced_vouchers,
    voucher_gaps,
)

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
