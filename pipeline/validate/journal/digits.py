"""Journal tests on the digits and sizes of amounts: Benford's first-digit and first-two-digits
tests, round amounts, amount strata.

Benford's law only speaks about large samples: below the minimum number of lines (a setting)
a test says "too few lines" and is neither conforming nor nonconforming. The conformity bounds
on the mean absolute deviation (MAD) are Nigrini's (Benford's Law, Wiley 2012). Vectorised;
amounts are integer öre and digits are found exactly (log10 alone misjudges powers of ten).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.validate.journal.common import amounts, lines

# Benford's tests only look at amounts of at least SEK 10 (1 000 öre): small amounts (rounding,
# fees) follow price lists rather than Benford's law, and SEK 10 has two digits for the
# first-two-digits test.
BENFORD_MIN_ORE = 1_000
# Nigrini (2012), MAD conformity bounds: close, acceptable, marginally acceptable; above the
# last, nonconforming. First digit and first two digits.
NIGRINI_FIRST_DIGIT_BOUNDS = (0.006, 0.012, 0.015)
NIGRINI_FIRST_TWO_DIGITS_BOUNDS = (0.0012, 0.0018, 0.0022)
TOO_FEW_LINES = "too few lines"
NO_LINES = "no lines"

# Amount bands in öre on |amount|: <1k, 1k-10k, 10k-100k, 100k-1M, >=1M SEK.
STRATA_EDGES_ORE = np.array([100_000, 1_000_000, 10_000_000, 100_000_000], dtype=np.int64)
STRATA_LABELS = ["< 1 000 SEK", "1 000 - 10 000 SEK", "10 000 - 100 000 SEK",
                 "100 000 - 1 000 000 SEK", ">= 1 000 000 SEK"]


def benford_first_digit(amount_ore: np.ndarray | pd.Series, min_lines: int = 0) -> pd.DataFrame:
    """Benford's first-digit test on |amount| >= SEK 10: one row per digit 1-9.

    Every row repeats the test's totals: `lines`, `min_lines`, `chi_square` (8 degrees of
    freedom; the 5 % critical value is 15.51), `mad` (mean absolute deviation of the digit
    shares) and the verdict from Nigrini's first-digit MAD bounds: conforming (<= 0.006),
    acceptable (<= 0.012), marginal (<= 0.015), nonconforming (above); "too few lines" below
    `min_lines` lines (counts shown, no statistics); "no lines" without any.
    """
    magnitude = _magnitudes(amount_ore)
    return _benford(first_digits(magnitude), np.arange(1, 10), min_lines, NIGRINI_FIRST_DIGIT_BOUNDS)


def benford_first_two_digits(amount_ore: np.ndarray | pd.Series, min_lines: int = 0) -> pd.DataFrame:
    """Benford's first-two-digits test on |amount| >= SEK 10: one row per digits 10-99.

    As the first-digit test (89 degrees of freedom; the 5 % critical value is 112.02), with
    Nigrini's first-two-digits MAD bounds: 0.0012, 0.0018, 0.0022.
    """
    magnitude = _magnitudes(amount_ore)
    return _benford(first_two_digits(magnitude), np.arange(10, 100), min_lines, NIGRINI_FIRST_TWO_DIGITS_BOUNDS)


def round_amounts(ledger: pd.DataFrame, tested: np.ndarray, multiple_ore: int) -> pd.DataFrame:
    """Lines among `tested` (revenue and cost lines) whose |amount| is a whole, non-zero
    multiple of `multiple_ore`. The table's attrs hold `lines_tested` (the share's denominator).
    A multiple of 0 tests nothing."""
    amount = amounts(ledger)
    hit = np.zeros(len(ledger), dtype=bool) if multiple_ore <= 0 else \
        tested & (amount != 0) & (np.abs(amount) % multiple_ore == 0)
    table = lines(ledger[hit])
    table.attrs["lines_tested"] = int(np.count_nonzero(tested))
    return table


def amount_strata(ledger: pd.DataFrame, revenue: np.ndarray, costs: np.ndarray) -> pd.DataFrame:
    """Count and exact sums of lines per |amount| band, for revenue and for cost lines.

    `amount_ore` is the signed ledger sum (revenue is credit, so negative); `absolute_ore` is
    the sum of |amount|.
    """
    amount = amounts(ledger)
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


def first_digits(magnitude: np.ndarray) -> np.ndarray:
    """Leading decimal digit of positive integers, exact (log10 alone misjudges powers of 10)."""
    return magnitude // 10 ** _exponents(magnitude) if len(magnitude) else np.zeros(0, dtype=np.int64)


def first_two_digits(magnitude: np.ndarray) -> np.ndarray:
    """Leading two decimal digits of integers >= 10, exact (1 000 -> 10, 1 999 -> 19)."""
    return magnitude // 10 ** (_exponents(magnitude) - 1) if len(magnitude) else np.zeros(0, dtype=np.int64)


def _exponents(magnitude: np.ndarray) -> np.ndarray:
    """floor(log10(m)) for positive integers, corrected where the float is off by one."""
    exponent = np.floor(np.log10(magnitude.astype(np.float64))).astype(np.int64)
    exponent -= magnitude < 10 ** exponent
    exponent += magnitude >= 10 ** (exponent + 1)
    return exponent


def _magnitudes(amount_ore: np.ndarray | pd.Series) -> np.ndarray:
    magnitude = np.abs(np.asarray(amount_ore, dtype=np.int64))
    return magnitude[magnitude >= BENFORD_MIN_ORE]


def _benford(digits: np.ndarray, possible: np.ndarray, min_lines: int, bounds: tuple[float, float, float]) -> pd.DataFrame:
    expected_share = np.log10(1 + 1 / possible)
    observed = np.bincount(digits, minlength=int(possible[-1]) + 1)[possible[0]:]
    n = int(observed.sum())
    expected = n * expected_share
    observed_share = observed / n if n else np.zeros(len(possible))
    if n and n >= min_lines:
        chi_square = float(((observed - expected) ** 2 / expected).sum())
        mad = float(np.abs(observed_share - expected_share).mean())
        verdict = _nigrini_verdict(mad, bounds)
    else:
        chi_square = mad = float("nan")
        verdict = NO_LINES if not n else TOO_FEW_LINES
    return pd.DataFrame({
        "digit": possible,
        "observed": observed.astype(np.int64),
        "expected": expected,
        "observed_share": observed_share,
        "expected_share": expected_share,
        "lines": n,
        "min_lines": int(min_lines),
        "chi_square": chi_square,
        "mad": mad,
        "verdict": pd.Series([verdict] * len(possible), dtype="str"),
    })


def _nigrini_verdict(mad: float, bounds: tuple[float, float, float]) -> str:
    close, acceptable, marginal = bounds
    if mad <= close:
        return "conforming"
    if mad <= acceptable:
        return "acceptable"
    if mad <= marginal:
        return "marginal"
    return "nonconforming"
