"""Exact money and share arithmetic, and the text forms used in results.json.

Money is integer öre. Shares are `Fraction`s of exact sums, so a threshold test is exact;
they are turned into decimal text only for output, never before a comparison.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

SHARE_DECIMALS = 10


def sek(ore: int) -> str:
    """Öre as a decimal string with two decimals: 12345 -> "123.45"."""
    ore = int(ore)
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


def share_text(share: Fraction | None, decimals: int = SHARE_DECIMALS) -> str | None:
    """A share as decimal text (rounded half-even for display only); None stays None."""
    if share is None:
        return None
    value = Decimal(share.numerator) / Decimal(share.denominator)
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN))


def ratio(numerator_ore: int, denominator_ore: int) -> Fraction | None:
    """numerator / denominator, or None when the denominator is 0 (no share, never 0 % or 100 %)."""
    if denominator_ore == 0:
        return None
    return Fraction(int(numerator_ore), int(denominator_ore))


def exact_text(value: Fraction) -> str:
    """A fraction whose decimal expansion ends (a weight read from decimal text) as that exact
    decimal: Fraction(3, 2) -> "1.5", Fraction(7) -> "7". Anything else raises ValueError."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal form")
    if value.denominator == 1:
        return str(value.numerator)
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    return format(Decimal(value.numerator * 10**digits // value.denominator).scaleb(-digits), "f")


def floor_ore(value: Fraction) -> int:
    """Öre rounded towards minus infinity: the conservative side for headroom."""
    return value.numerator // value.denominator


def allocate_ore(total_ore: int, weights: list[int | Fraction]) -> list[int]:
    """Split `total_ore` over `weights` exactly (largest remainder): the parts sum to the total.

    All-zero weights give nothing to anyone; the caller reports the unallocated amount.
    """
    weight_sum = sum(Fraction(w) for w in weights)
    if weight_sum == 0 or total_ore == 0:
        return [0] * len(weights)
    if total_ore < 0:
        return [-part for part in allocate_ore(-total_ore, weights)]
    exact = [Fraction(total_ore) * Fraction(w) / weight_sum for w in weights]
    parts = [q.numerator // q.denominator for q in exact]
    left = total_ore - sum(parts)
    # Hand the remaining öre to the largest remainders; ties go to the earlier weight (stable).
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
