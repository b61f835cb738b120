"""Journal tests of the ledger's integrity: unbalanced vouchers, duplicate lines, gaps and
reused numbers in each voucher series, lines dated outside the fiscal year.

Vectorised (no Python loop over lines); money stays integer öre. The validate stage turns
`unbalanced_vouchers` into a critical check; the others are warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.validate.journal.common import Vouchers, amounts, lines, voucher_codes

# The columns that make two lines "the same line" (the duplicate test).
DUPLICATE_KEY = ["date", "voucher", "account", "amount_ore", "counterparty", "service", "text"]


def unbalanced_vouchers(ledger: pd.DataFrame, year: int, vouchers: Vouchers | None = None) -> pd.DataFrame:
    """Every line of each voucher whose lines do not sum to 0 öre, with the voucher's sum.
    `vouchers`: the ledger's voucher index when the caller has it (`common.Vouchers`)."""
    codes = voucher_codes(ledger, vouchers).codes
    # Exact: int64 group sums, never floats. Lines without a voucher (code -1) are not a voucher.
    voucher_sum_ore = pd.Series(amounts(ledger)).groupby(codes).sum()
    off = voucher_sum_ore[(voucher_sum_ore != 0) & (voucher_sum_ore.index >= 0)]
    hit = np.isin(codes, off.index.to_numpy())
    table = lines(ledger[hit])
    table.insert(0, "year", year)
    table["voucher_sum_ore"] = off.reindex(codes[hit]).to_numpy(dtype=np.int64)
    # Stable: within a voucher, lines stay in the order they were read.
    return table.sort_values("voucher", kind="stable").reset_index(drop=True)


def duplicate_lines(ledger: pd.DataFrame, vouchers: Vouchers | None = None) -> pd.DataFrame:
    """Lines identical in every key column to another line, numbered by duplicate group.
    `vouchers` as for `unbalanced_vouchers`."""
    key = [c for c in DUPLICATE_KEY if c in ledger.columns]
    keys = ledger[key]
    if "voucher" in key:
        # The voucher as its code: equal codes are equal vouchers (every missing one is -1, as
        # `duplicated` counts missing values equal), and the texts are not hashed again.
        keys = keys.assign(voucher=voucher_codes(ledger, vouchers).codes)
    # Lines alike in every key column are alike in voucher and amount, and few lines are: only
    # those are compared in the other columns, the free text (nearly all distinct) last. At a
    # million lines 0.14 s instead of 0.33.
    repeated = None
    for columns in (["voucher", "amount_ore"], [c for c in key if c != "text"], key):
        columns = [c for c in columns if c in key]
        if not columns:
            continue
        if repeated is None:
            repeated = keys[columns].duplicated(keep=False).to_numpy(copy=True)
        elif repeated.any():
            candidates = np.flatnonzero(repeated)
            repeated[candidates] = keys.iloc[candidates][columns].duplicated(keep=False).to_numpy()
    table = lines(ledger[repeated])
    # Group number: lines of one group share it, so the auditor sees which lines pair up.
    group = ledger.loc[repeated, key].groupby(key, dropna=False, sort=True).ngroup().to_numpy()
    table.insert(0, "duplicate_group", group + 1)
    return table.sort_values("duplicate_group", kind="stable").reset_index(drop=True)


def voucher_gaps(ledger: pd.DataFrame, vouchers: Vouchers | None = None) -> pd.DataFrame:
    """Per voucher series (the letters before the number): missing numbers and reused numbers.

    A "gap" row is one run of missing numbers, shown with the voucher just before it (its first
    line's source). A "reused" row is a line of a voucher number that occurs on more than one
    date ("B 4" and "B4" are the same number). Vouchers without a number are not in a series.
    `vouchers` as for `unbalanced_vouchers`.
    """
    index = voucher_codes(ledger, vouchers)
    codes, uniques = index.codes, index.uniques
    series, number = _voucher_series_and_number(uniques)
    numbered = number >= 0
    # One id per (series, number), so differently spelled vouchers of one number count as one.
    number_id = np.full(len(uniques), -1, dtype=np.int64)
    if numbered.any():
        series_code = pd.factorize(series[numbered])[0].astype(np.int64)
        combined = series_code * (int(number[numbered].max()) + 1) + number[numbered]
        number_id[numbered] = pd.factorize(combined)[0]
    _, first_line = np.unique(codes, return_index=True)
    first_line = first_line[codes[first_line] >= 0]  # each voucher's first line, in code order
    vouchers = pd.DataFrame({
        "series": series, "number": number, "number_id": number_id,
        "voucher": ledger["voucher"].to_numpy()[first_line],
        "date": ledger["date"].to_numpy()[first_line],
        "source_id": ledger["source_id"].to_numpy()[first_line],
    })[numbered]
    line_number_id = np.where(codes >= 0, number_id[np.maximum(codes, 0)], -1)
    findings = [_gaps(vouchers), _reused_numbers(ledger, line_number_id, codes, series, number)]
    return pd.concat([f.astype(_GAP_DTYPES) for f in findings], ignore_index=True).astype(_GAP_DTYPES)


def _voucher_series_and_number(vouchers: np.ndarray | pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Series letters (upper case) and number of each distinct voucher text; number -1 if none.

    "A 0123" -> ("A", 123), "b-7" -> ("B", 7), "123" -> ("", 123); "A1B2", "A" and "" have no
    number. Done with numpy's C string functions on the distinct texts, and the series words
    (a handful of distinct prefixes) decided once each: pandas' `str` methods call Python per
    value, which at ~500k distinct vouchers of a 1M-line ledger took most of the journal tests.
    """
    text = np.strings.strip(np.asarray(vouchers, dtype=object).astype(str))
    prefix = np.strings.rstrip(text, "0123456789")
    prefix_length = np.strings.str_len(prefix)
    digit_count = np.strings.str_len(text) - prefix_length
    digits = np.strings.slice(text, prefix_length, None)
    # Horner's rule on the code points of the (left-aligned, NUL-padded) digit strings.
    width = digits.dtype.itemsize // 4
    points = digits.view(np.uint32).reshape(len(digits), width) if width else np.zeros((len(digits), 0), np.uint32)
    number = np.zeros(len(digits), dtype=np.int64)
    for column in range(min(width, 18)):
        point = points[:, column].astype(np.int64)
        number = np.where(point != 0, number * 10 + (point - 48), number)
    prefix_codes, distinct_prefixes = pd.factorize(prefix.astype(object))
    prefix_words = [str(p) for p in distinct_prefixes]
    prefix_has_digit = np.array([any(c.isdigit() for c in p) for p in prefix_words], dtype=bool)
    series_words = np.array([p.strip(" -:").upper() for p in prefix_words] or [""], dtype=object)
    # Beyond 18 digits an int64 overflows; such a "number" is no voucher sequence number anyway.
    numbered = (digit_count > 0) & (digit_count <= 18) & ~prefix_has_digit[prefix_codes] if len(text) else np.zeros(0, bool)
    series = series_words[prefix_codes] if len(text) else np.zeros(0, dtype=object)
    return series, np.where(numbered, number, -1)


_GAP_DTYPES = {"finding": "str", "series": "str", "first_number": "int64", "last_number": "int64",
               "missing_count": "int64", "voucher": "str", "date": "datetime64[ns]", "source_id": "str"}


def _gaps(vouchers: pd.DataFrame) -> pd.DataFrame:
    # Codes follow first appearance, so a stable sort keeps the first-read voucher of a number.
    ordered = vouchers.sort_values(["series", "number"], kind="stable").drop_duplicates("number_id")
    following = ordered.groupby("series", sort=False)["number"].shift(-1)
    gap_after = ((following - ordered["number"]) > 1).to_numpy()
    before = ordered[gap_after]
    nxt = following[gap_after].to_numpy(dtype=np.int64)
    current = before["number"].to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "finding": "gap",
        "series": before["series"].to_numpy(),
        "first_number": current + 1,
        "last_number": nxt - 1,
        "missing_count": nxt - current - 1,
        "voucher": before["voucher"].to_numpy(),
        "date": before["date"].to_numpy(),
        "source_id": before["source_id"].to_numpy(),
    }, columns=list(_GAP_DTYPES))


def _reused_numbers(ledger: pd.DataFrame, line_number_id: np.ndarray, codes: np.ndarray,
                    series: np.ndarray, number: np.ndarray) -> pd.DataFrame:
    pairs = pd.DataFrame({"number_id": line_number_id, "date": ledger["date"].to_numpy()})
    pairs = pairs[line_number_id >= 0].drop_duplicates()
    dates_per_number = np.bincount(pairs["number_id"].to_numpy(), minlength=int(line_number_id.max(initial=-1)) + 1)
    hit = np.isin(line_number_id, np.flatnonzero(dates_per_number > 1))
    code = codes[hit]
    rows = pd.DataFrame({
        "finding": "reused",
        "series": series[code],
        "first_number": number[code],
        "last_number": number[code],
        "missing_count": np.zeros(len(code), dtype=np.int64),
        "voucher": ledger["voucher"].to_numpy()[hit],
        "date": ledger["date"].to_numpy()[hit],
        "source_id": ledger["source_id"].to_numpy()[hit],
    }, columns=list(_GAP_DTYPES))
    return rows.sort_values(["series", "first_number"], kind="stable")


def outside_fiscal_year(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Lines dated outside calendar year `year` (the fiscal year of the ledger's year folder)."""
    dates = ledger["date"]
    outside = dates.notna() & (dates.dt.year != year)
    return lines(ledger[outside.to_numpy()])
