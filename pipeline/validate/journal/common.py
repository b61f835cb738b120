"""What every journal test shares: the line columns an auditor reads, amounts as int64 öre,
blank cells, and the activity-revenue mask. No test lives here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.model import in_ranges
from pipeline.settings import Settings

# pd.factorize of a column: (codes, distinct values). The voucher column's is made once and
# handed to every test that groups by voucher (three of them: 0.3 s each at a million lines).
Factorized = tuple[np.ndarray, Any]

LINE_COLUMNS = ["source_id", "date", "voucher", "account", "amount_ore", "counterparty", "service", "text"]


def activity_revenue_mask(ledger: pd.DataFrame, settings: Settings) -> np.ndarray:
    accounts = ledger["account"]
    return in_ranges(accounts, settings.accounts.revenue) & ~in_ranges(accounts, settings.accounts.excluded)


def amounts(ledger: pd.DataFrame) -> np.ndarray:
    # A missing amount is a critical validation failure of its own; here it counts as 0 öre so
    # the other tests still run on the rest of the ledger.
    return ledger["amount_ore"].fillna(0).to_numpy(dtype=np.int64)


def voucher_codes(ledger: pd.DataFrame, given: Factorized | None = None) -> Factorized:
    """`pd.factorize(ledger["voucher"])`, or `given` when the caller has made it already."""
    return given if given is not None else pd.factorize(ledger["voucher"])


def blank(ledger: pd.DataFrame, column: str) -> np.ndarray:
    if column not in ledger.columns:
        return np.ones(len(ledger), dtype=bool)
    # Decided once per distinct value (few counterparties and service codes, many lines).
    codes, distinct = pd.factorize(ledger[column])
    blank_distinct = np.array([str(value).strip() == "" for value in distinct] + [True], dtype=bool)
    return blank_distinct[codes]  # code -1 (missing) picks the trailing True


def stripped(values: pd.Series) -> np.ndarray:
    """The values as trimmed text ("" for missing), decided once per distinct value: pandas'
    `str.strip` calls Python once per line."""
    codes, distinct = pd.factorize(values)
    text = np.asarray(distinct, dtype=object).astype(str) if len(distinct) else np.zeros(0, dtype=str)
    trimmed = np.append(np.strings.strip(text).astype(object), "")  # numpy's C string functions
    return trimmed[codes]  # code -1 (missing) picks the trailing ""


def lines(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a finding: source and the columns an auditor checks."""
    return rows[[c for c in LINE_COLUMNS if c in rows.columns]].reset_index(drop=True)


def ore(sek) -> int:
    """A setting in kronor (Decimal) as whole öre; a fraction of an öre is dropped toward zero."""
    return int(sek * 100)
