"""Compute stage, R5's open-market test (the Hamburg exemption, LOU 3 kap. 17 §, art. 12(4)(c)).

An *alternative* legal basis for cooperation between the members, not a Teckal requirement:
revenue from anyone outside the cooperation (every category except `controlling` and
`member_controlled`: other public bodies are outside it too) over total activity revenue, on the
same three-year basis as R4 (art. 12(5)), against a strict "< 20 %". The private part is shown
beside it; years from the history register have no categories, so the private part rests on the
ledger years and says which. Exact fractions; no formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pipeline.compute.teckal import WindowVerdict
from pipeline.model import PRIVATE
from pipeline.money import ratio


@dataclass(frozen=True)
class OpenMarketWindow:
    outside_ore: int  # Σ (total - controlling) over the window years
    total_ore: int
    private_ore: int  # Σ private revenue over the ledger years of the window
    private_total_ore: int  # Σ total over the same ledger years
    private_years: tuple[int, ...]
    threshold: Fraction

    @property
    def share(self) -> Fraction | None:
        return ratio(self.outside_ore, self.total_ore)

    @property
    def private_share(self) -> Fraction | None:
        return ratio(self.private_ore, self.private_total_ore)

    @property
    def met(self) -> bool:
        """Strictly below the threshold; exactly 20 % is not met. No revenue: nothing to test."""
        return self.share is not None and self.share < self.threshold


def open_market_window(verdict: WindowVerdict, threshold: Fraction) -> OpenMarketWindow:
    """The window's outside share from the same years and totals as the Teckal verdict."""
    ledger_years = [y for y in verdict.years if y.by_category_ore]
    return OpenMarketWindow(
        outside_ore=sum(y.total_ore - y.controlling_ore for y in verdict.years),
        total_ore=verdict.total_ore,
        private_ore=sum(y.by_category_ore.get(PRIVATE, 0) for y in ledger_years),
        private_total_ore=sum(y.total_ore for y in ledger_years),
        private_years=tuple(y.year for y in ledger_years),
        threshold=Fraction(threshold),
    )
