"""Journal tests on one year's ledger: the standard checks an auditor runs on import (R7).

Each test returns a result table WITH the ledger rows behind it (`source_id` and the columns
that matter), so every count in the report can be followed to its rows: unbalanced vouchers,
duplicate lines, gaps and reused numbers in each voucher series, lines dated outside the
fiscal year, revenue lines without counterparty or service code, Benford's first-digit test on
revenue and cost amounts, and amount stratification.

Pure pandas/numpy, vectorised (no Python loop over lines). Money stays integer öre. This module
does not decide whether the run stops; the validate stage turns `unbalanced_vouchers` into a
critical check. It does not classify counterparties or services.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.messages import messages
from pipeline.model import in_ranges
from pipeline.settings import Settings

TEST_NAMES = [
    "unbalanced_vouchers", "duplicate_lines", "voucher_gaps", "outside_fiscal_year",
    "revenue_without_counterparty", "revenue_without_service", "benford_revenue",
    "benford_costs", "amount_strata",
]

# The columns that make two lines "the same line" (the duplicate test).
DUPLICATE_KEY = ["date", "voucher", "account", "amount_ore", "counterparty", "service", "text"]
LINE_COLUMNS = ["source_id", "date", "voucher", "account", "amount_ore", "counterparty", "service", "text"]

# Benford's first-digit test only looks at amounts of at least SEK 10 (1 000 öre): small
# amounts (rounding, fees) follow price lists rather than Benford's law.
BENFORD_MIN_ORE = 1_000
# Nigrini (2012), first-digit MAD conformity bounds: close, acceptable, marginally acceptable.
NIGRINI_FIRST_DIGIT_BOUNDS = (0.006, 0.012, 0.015)
BENFORD_DIGITS = np.arange(1, 10)
BENFORD_EXPECTED_SHARE = np.log10(1 + 1 / BENFORD_DIGITS)

# Amount bands in öre on |amount|: <1k, 1k-10k, 10k-100k, 100k-1M, >=1M SEK.
STRATA_EDGES_ORE = np.array([100_000, 1_000_000, 10_000_000, 100_000_000], dtype=np.int64)
STRATA_LABELS = ["< 1 000 SEK", "1 000 - 10 000 SEK", "10 000 - 100 000 SEK",
                 "100 000 - 1 000 000 SEK", ">= 1 000 000 SEK"]

SEVERITY = {
    "unbalanced_vouchers": "critical",
    "duplicate_lines": "warning",
    "voucher_gaps": "warning",
    "outside_fiscal_year": "warning",
    "revenue_without_counterparty": "warning",
    "revenue_without_service": "warning",
    "benford_revenue": "warning",
    "benford_costs": "warning",
    "amount_strata": "info",
}


def describe_test(name: str, language: str = "sv") -> str:
    """What journal test `name` looks for, in Swedish or English (the `journal.*` messages)."""
    return messages(language)(f"journal.{name}")


def journal_tests(ledger: pd.DataFrame, year: int, settings: Settings) -> dict[str, pd.DataFrame]:
    """All journal tests on the ledger lines of fiscal year `year`, by test name (TEST_NAMES)."""
    revenue = _activity_revenue_mask(ledger, settings)
    costs = in_ranges(ledger["account"], settings.accounts.costs)
    # Only the columns the revenue tests report: copying every column of half a ledger is slow.
    revenue_lines = ledger.loc[revenue, [c for c in LINE_COLUMNS if c in ledger.columns]]
    return {
        "unbalanced_vouchers": unbalanced_vouchers(ledger, year),
        "duplicate_lines": duplicate_lines(ledger),
        "voucher_gaps": voucher_gaps(ledger),
        "outside_fiscal_year": outside_fiscal_year(ledger, year),
        "revenue_without_counterparty": _lines(revenue_lines[_blank(revenue_lines, "counterparty")]),
        "revenue_without_service": _lines(revenue_lines[_blank(revenue_lines, "service")]),
        "benford_revenue": benford_first_digit(_amounts(revenue_lines)),
        "benford_costs": benford_first_digit(_amounts(ledger)[costs]),
        "amount_strata": amount_strata(ledger, revenue, costs),
    }


def journal_summary(tables: dict[str, pd.DataFrame], language: str = "sv") -> pd.DataFrame:
    """One row per test: name, number of findings, severity, what it looks for (in `language`).

    Findings are counted in the unit an auditor reads: vouchers for unbalanced vouchers; lines
    for duplicates, out-of-year and revenue tests; missing numbers plus reused numbers for
    voucher gaps; 1 for a Benford test whose verdict is marginal or nonconforming; none for
    the strata, which are information only.
    """
    rows = []
    for name in [n for n in TEST_NAMES if n in tables]:
        table = tables[name]
        if name == "unbalanced_vouchers":
            findings = table["voucher"].nunique()
        elif name == "voucher_gaps":
            gaps = table[table["finding"] == "gap"]
            reused = table[table["finding"] == "reused"]
            findings = int(gaps["missing_count"].sum()) + len(reused[["series", "first_number"]].drop_duplicates())
        elif name.startswith("benford_"):
            findings = int(table["verdict"].iloc[0] in ("marginal", "nonconforming")) if len(table) else 0
        elif name == "amount_strata":
            findings = 0
        else:
            findings = len(table)
        rows.append({"test": name, "findings": int(findings), "severity": SEVERITY[name],
                     "description": describe_test(name, language)})
    return pd.DataFrame(rows, columns=["test", "findings", "severity", "description"])


def unbalanced_vouchers(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every line of each voucher whose lines do not sum to 0 öre, with the voucher's sum."""
    codes, _ = pd.factorize(ledger["voucher"])
    # Exact: int64 group sums, never floats. Lines without a voucher (code -1) are not a voucher.
    voucher_sum_ore = pd.Series(_amounts(ledger)).groupby(codes).sum()
    off = voucher_sum_ore[(voucher_sum_ore != 0) & (voucher_sum_ore.index >= 0)]
    hit = np.isin(codes, off.index.to_numpy())
    table = _lines(ledger[hit])
    table.insert(0, "year", year)
    table["voucher_sum_ore"] = off.reindex(codes[hit]).to_numpy(dtype=np.int64)
    # Stable: within a voucher, lines stay in the order they were read.
    return table.sort_values("voucher", kind="stable").reset_index(drop=True)


def duplicate_lines(ledger: pd.DataFrame) -> pd.DataFrame:
    """Lines identical in every key column to another line, numbered by duplicate group."""
    key = [c for c in DUPLICATE_KEY if c in ledger.columns]
    repeated = ledger.duplicated(subset=key, keep=False).to_numpy()
    table = _lines(ledger[repeated])
    # Group number: lines of one group share it, so the auditor sees which lines pair up.
    group = ledger.loc[repeated, key].groupby(key, dropna=False, sort=True).ngroup().to_numpy()
    table.insert(0, "duplicate_group", group + 1)
    return table.sort_values("duplicate_group", kind="stable").reset_index(drop=True)


def voucher_gaps(ledger: pd.DataFrame) -> pd.DataFrame:
    """Per voucher series (the letters before the number): missing numbers and reused numbers.

    A "gap" row is one run of missing numbers, shown with the voucher just before it (its first
    line's source). A "reused" row is a line of a voucher number that occurs on more than one
    date ("B 4" and "B4" are the same number). Vouchers without a number are not in a series.
    """
    codes, uniques = pd.factorize(ledger["voucher"])
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
    return _lines(ledger[outside.to_numpy()])


def benford_first_digit(amount_ore: np.ndarray | pd.Series) -> pd.DataFrame:
    """Benford's first-digit test on |amount| >= SEK 10: one row per digit 1-9.

    Every row repeats the test's totals: `lines`, `chi_square` (8 degrees of freedom; the 5 %
    critical value is 15.51), `mad` (mean absolute deviation of the digit shares) and the
    verdict from Nigrini's first-digit MAD bounds: conforming (<= 0.006), acceptable (<= 0.012),
    marginal (<= 0.015), nonconforming (above), or "no lines".
    """
    magnitude = np.abs(np.asarray(amount_ore, dtype=np.int64))
    magnitude = magnitude[magnitude >= BENFORD_MIN_ORE]
    digits = _first_digits(magnitude)
    observed = np.bincount(digits, minlength=10)[1:]
    n = int(observed.sum())
    expected = n * BENFORD_EXPECTED_SHARE
    if n:
        observed_share = observed / n
        chi_square = float(((observed - expected) ** 2 / expected).sum())
        mad = float(np.abs(observed_share - BENFORD_EXPECTED_SHARE).mean())
        verdict = _nigrini_verdict(mad)
    else:
        observed_share = np.zeros(9)
        chi_square = mad = float("nan")
        verdict = "no lines"
    return pd.DataFrame({
        "digit": BENFORD_DIGITS,
        "observed": observed.astype(np.int64),
        "expected": expected,
        "observed_share": observed_share,
        "expected_share": BENFORD_EXPECTED_SHARE,
        "lines": n,
        "chi_square": chi_square,
        "mad": mad,
        "verdict": pd.Series([verdict] * 9, dtype="str"),
    })


def amount_strata(ledger: pd.DataFrame, revenue: np.ndarray, costs: np.ndarray) -> pd.DataFrame:
    """Count and exact sums of lines per |amount| band, for revenue and for cost lines.

    `amount_ore` is the signed ledger sum (revenue is credit, so negative); `absolute_ore` is
    the sum of |amount|.
    """
    amount = _amounts(ledger)
    band = np.searchsorted(STRATA_EDGES_ORE, np.abs(amount), side="right")
    parts = []
    for kind, mask in (("revenue", revenue), ("costs", costs)):
        frame = pd.DataFrame({"band": band[mask], "amount_ore": amount[mask], "absolute_ore": np.abs(amount[mask])})
        sums = frame.groupby("band").agg(lines=("amount_ore", "size"), amount_ore=("amount_ore", "sum"),
                                         absolute_ore=("absolute_ore", "sum"))
        sums = sums.reindex(range(len(STRATA_LABELS)), fill_value=0)
        parts.append(pd.DataFrame({
            "kind": kind,
            "band": STRATA_LABELS,
            "lines": sums["lines"].to_numpy(dtype=np.int64),
            "amount_ore": sums["amount_ore"].to_numpy(dtype=np.int64),
            "absolute_ore": sums["absolute_ore"].to_numpy(dtype=np.int64),
        }))
    return pd.concat(parts, ignore_index=True).astype({"kind": "str", "band": "str"})


def _first_digits(magnitude: np.ndarray) -> np.ndarray:
    """Leading decimal digit of positive integers, exact (log10 alone misjudges powers of 10)."""
    if not len(magnitude):
        return np.zeros(0, dtype=np.int64)
    exponent = np.floor(np.log10(magnitude.astype(np.float64))).astype(np.int64)
    power = 10 ** exponent
    exponent -= magnitude < power
    exponent += magnitude >= 10 ** (exponent + 1)
    return magnitude // 10 ** exponent


def _nigrini_verdict(mad: float) -> str:
    close, acceptable, marginal = NIGRINI_FIRST_DIGIT_BOUNDS
    if mad <= close:
        return "conforming"
    if mad <= acceptable:
        return "acceptable"
    if mad <= marginal:
        return "marginal"
    return "nonconforming"


def _activity_revenue_mask(ledger: pd.DataFrame, settings: Settings) -> np.ndarray:
    accounts = ledger["account"]
    return in_ranges(accounts, settings.accounts.revenue) & ~in_ranges(accounts, settings.accounts.excluded)


def _amounts(ledger: pd.DataFrame) -> np.ndarray:
    # A missing amount is a critical validation failure of its own; here it counts as 0 öre so
    # the other tests still run on the rest of the ledger.
    return ledger["amount_ore"].fillna(0).to_numpy(dtype=np.int64)


def _blank(ledger: pd.DataFrame, column: str) -> np.ndarray:
    if column not in ledger.columns:
        return np.ones(len(ledger), dtype=bool)
    # Decided once per distinct value (few counterparties and service codes, many lines).
    codes, distinct = pd.factorize(ledger[column])
    blank_distinct = np.array([str(value).strip() == "" for value in distinct] + [True], dtype=bool)
    return blank_distinct[codes]  # code -1 (missing) picks the trailing True


def _lines(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a finding: source and the columns an auditor checks."""
    return rows[[c for c in LINE_COLUMNS if c in rows.columns]].reset_index(drop=True)
