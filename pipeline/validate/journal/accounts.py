"""Journal tests on which accounts a line hits and how large it is: seldom-used accounts,
revenue credited against an unusual account, and the largest entries.

Vectorised: accounts and vouchers are factorised once and counted with bincount; the top N
lines are found with a partition, not a full sort. Money stays integer öre.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.model import in_ranges
from pipeline.settings import AccountRanges
from pipeline.validate.journal.common import Vouchers, amounts, lines, voucher_codes


def seldom_used_accounts(ledger: pd.DataFrame, max_lines: int) -> pd.DataFrame:
    """Every line of each account that has at most `max_lines` lines in the ledger, with the
    account's line count (`account_lines`), ordered by account, lines in the order read."""
    codes, _ = pd.factorize(ledger["account"])
    counts = np.bincount(codes[codes >= 0], minlength=int(codes.max(initial=-1)) + 1)
    hit = (codes >= 0) & (counts[np.maximum(codes, 0)] <= max_lines) if len(counts) else np.zeros(len(ledger), bool)
    table = lines(ledger[hit])
    table["account_lines"] = counts[codes[hit]].astype(np.int64)
    return table.sort_values("account", kind="stable").reset_index(drop=True)


def unusual_revenue_combinations(ledger: pd.DataFrame, revenue: np.ndarray, usual: AccountRanges,
                                 vouchers: Vouchers | None = None) -> pd.DataFrame:
    """Vouchers that credit revenue (a revenue line with a negative amount) and debit an account
    outside `usual` (receivables, bank and the configured clearing accounts): the revenue
    credits and the unusual debits of each such voucher, `role` "revenue" or "counter_account".

    A debit on another revenue account counts as unusual too: a move between revenue accounts
    shifts revenue between activities, which this report measures. `vouchers`: the
    ledger's voucher index when the caller has it (`common.Vouchers`).
    """
    codes = voucher_codes(ledger, vouchers).codes
    amount = amounts(ledger)
    numbered = codes >= 0
    credited = revenue & (amount < 0) & numbered
    unusual_debit = (amount > 0) & ~in_ranges(ledger["account"], usual) & numbered
    size = int(codes.max(initial=-1)) + 1
    flagged = (np.bincount(codes[credited], minlength=size) > 0) & (np.bincount(codes[unusual_debit], minlength=size) > 0)
    in_flagged = numbered & flagged[np.maximum(codes, 0)] if size else np.zeros(len(ledger), bool)
    hit = in_flagged & (credited | unusual_debit)
    table = lines(ledger[hit])
    table.insert(1, "role", np.where(credited[hit], "revenue", "counter_account"))
    table["role"] = table["role"].astype("str")
    return table.sort_values("voucher", kind="stable").reset_index(drop=True)


def largest_entries(ledger: pd.DataFrame, top: int, materiality_ore: int) -> pd.DataFrame:
    """The `top` lines by |amount| and every line above `materiality_ore` (strictly), largest
    first (ties in the order read), with `rank` by |amount|, `in_top` and `above_materiality`.
    A materiality of 0 lists no line for it."""
    magnitude = np.abs(amounts(ledger))
    n = len(magnitude)
    above = magnitude > materiality_ore if materiality_ore > 0 else np.zeros(n, bool)
    in_top = np.zeros(n, bool)
    if top > 0 and n:
        # Every line at least as large as the top-th largest, then the first `top` of those in
        # (|amount| descending, order read): a partition is linear, the sort only sees the few.
        cut = np.partition(magnitude, n - min(top, n))[n - min(top, n)]
        candidates = np.flatnonzero(magnitude >= cut)
        order = candidates[np.lexsort((candidates, -magnitude[candidates]))]
        in_top[order[:top]] = True
    listed = np.flatnonzero(in_top | above)
    listed = listed[np.lexsort((listed, -magnitude[listed]))]
    table = lines(ledger.iloc[listed])
    table.insert(0, "rank", np.arange(1, len(listed) + 1, dtype=np.int64))
    table["in_top"] = in_top[listed]
    table["above_materiality"] = above[listed]
    return table
