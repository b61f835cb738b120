"""The journal tests on a large generated ledger: seconds for all of them, and for each one.

Builds an in-memory ledger frame of the read stage's shape (default 1 000 000 lines: vouchers
of two lines, dates over the whole year, revenue, cost, receivable, bank and payable accounts,
2 000 suppliers, log-uniform amounts), then times `journal_tests` end to end and each test on
its own, median of N runs. Reading the ledger is not timed (`tools.bench` does the whole run).
It checks no figure; the tests do that.

Run: `python -m tools.bench_journal [--lines 1000000] [--repeat 3] [--seed 1]`.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from pipeline.settings import Settings
from pipeline.validate import journal

YEAR = 2025


def synthetic_ledger(lines: int, seed: int = 1) -> pd.DataFrame:
    """`lines` ledger lines (an even number is used) as the read stage gives them."""
    rng = np.random.default_rng(seed)
    vouchers = lines // 2
    day = rng.integers(0, 365, vouchers)
    date = (np.datetime64(f"{YEAR}-01-01", "D") + day).astype("datetime64[ns]")
    amount = (10 ** rng.uniform(1, 6.5, vouchers) * 100).astype(np.int64)
    kind = rng.random(vouchers)  # 45 % sales, 45 % purchases, 10 % other
    sale, purchase = kind < 0.45, (kind >= 0.45) & (kind < 0.90)
    first_account = np.where(sale, 1510, np.where(purchase, rng.integers(4000, 8000, vouchers), 1930))
    second_account = np.where(sale, rng.integers(3000, 3100, vouchers), np.where(purchase, 2440, 2890))
    suppliers = np.array([f"556{n:03d}-{n:04d}" for n in range(2_000)], dtype=object)
    counterparty = suppliers[rng.integers(0, len(suppliers), vouchers)]
    number = np.char.add("A ", np.arange(1, vouchers + 1).astype(str)).astype(object)
    both = lambda first, second: np.column_stack([first, second]).ravel()
    rows = np.arange(2, 2 * vouchers + 2)
    return pd.DataFrame({
        "date": both(date, date).astype("datetime64[ns]"),
        "voucher": pd.Series(both(number, number), dtype="str"),
        "account": both(first_account, second_account).astype(np.int64),
        "account_name": pd.Series([""] * (2 * vouchers), dtype="str"),
        "amount_ore": both(amount, -amount).astype(np.int64),
        "counterparty": pd.Series(both(counterparty, counterparty), dtype="str"),
        "counterparty_raw": pd.Series(both(counterparty, counterparty), dtype="str"),
        "counterparty_note": pd.Series([""] * (2 * vouchers), dtype="str"),
        "service": pd.Series(np.where(both(sale, sale), "T01", ""), dtype="str"),
        "cost_centre": pd.Series([""] * (2 * vouchers), dtype="str"),
        "text": pd.Series([""] * (2 * vouchers), dtype="str"),
        "source_id": pd.Series(np.char.add(f"{YEAR}/ledger.xlsx:Huvudbok:", rows.astype(str)), dtype="str"),
    })


def median_seconds(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    settings = Settings()
    ledger = synthetic_ledger(args.lines, args.seed)
    tables = journal.journal_tests(ledger, YEAR, settings)  # warm-up (imports, the calendar)
    total = median_seconds(lambda: journal.journal_tests(ledger, YEAR, settings), args.repeat)
    print(f"journal_tests on {len(ledger):,} lines: {total:.2f} s (median of {args.repeat})")
    summary = journal.journal_summary(tables, "en", settings).set_index("test")
    revenue = journal.activity_revenue_mask(ledger, settings)
    costs = journal.in_ranges(ledger["account"], settings.accounts.costs)
    j = settings.journal
    single = {
        "unbalanced_vouchers": lambda: journal.unbalanced_vouchers(ledger, YEAR),
        "duplicate_lines": lambda: journal.duplicate_lines(ledger),
        "voucher_gaps": lambda: journal.voucher_gaps(ledger),
        "outside_fiscal_year": lambda: journal.outside_fiscal_year(ledger, YEAR),
        "round_amounts": lambda: journal.round_amounts(ledger, revenue | costs, journal.ore(j.round_amount_sek)),
        "weekend_postings": lambda: journal.weekend_postings(ledger),
        "holiday_postings": lambda: journal.holiday_postings(ledger),
        "period_end_postings": lambda: journal.period_end_postings(ledger, YEAR, j.period_end_days),
        "seldom_used_accounts": lambda: journal.seldom_used_accounts(ledger, j.seldom_used_max_lines),
        "unusual_revenue_combinations": lambda: journal.unusual_revenue_combinations(
            ledger, revenue, j.receivable_accounts + j.bank_accounts + j.clearing_accounts),
        "largest_entries": lambda: journal.largest_entries(ledger, j.largest_entries, journal.ore(j.materiality_sek)),
        "split_purchases": lambda: journal.split_purchases(journal.supplier_cost_lines(ledger, costs), 70_000_000,
                                                           j.split_window_days),
        "benford_first_digit (costs)": lambda: journal.benford_first_digit(journal.amounts(ledger)[costs], 1000),
        "benford_first_two_digits (costs)": lambda: journal.benford_first_two_digits(journal.amounts(ledger)[costs],
                                                                                     3000),
    }
    print(f"{'test':34} {'seconds':>8} {'findings':>9}")
    for name, call in single.items():
        findings = summary.loc[name, "findings"] if name in summary.index else ""
        print(f"{name:34} {median_seconds(call, args.repeat):8.3f} {findings:>9}")


if __name__ == "__main__":
    main()
