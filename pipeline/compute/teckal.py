"""Compute stage, R4: the Teckal activity share over the three-year window.

Works on classified ledgers (see classify.py) and the history register. Shares are exact
fractions; the verdict is `window_share > threshold`, strict, never on a rounded figure.
This module does not read files and does not format anything for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from pipeline.columns import equal
from pipeline.model import ACTIVITY_REVENUE, CATEGORIES, CONTROLLING, MEMBER_CONTROLLED, UNKNOWN
from pipeline.money import floor_ore, ratio
from pipeline.settings import Settings
from pipeline.vocabulary import vocabulary

COUNTS_AS_CONTROLLING = (CONTROLLING, MEMBER_CONTROLLED)


@dataclass(frozen=True)
class YearFigures:
    """One year's two totals (öre) and where they came from ("ledger", "history", or "report":
    last year's report, named with its hash in `source_ref`)."""

    year: int
    controlling_ore: int
    total_ore: int
    source: str
    grants_ore: int = 0
    by_category_ore: dict[str, int] = field(default_factory=dict)
    source_ref: str = ""

    @property
    def share(self) -> Fraction | None:
        return ratio(self.controlling_ore, self.total_ore)


@dataclass(frozen=True)
class WindowVerdict:
    years: tuple[YearFigures, ...]
    threshold: Fraction
    review_band: Fraction
    missing_years: tuple[int, ...]

    @property
    def controlling_ore(self) -> int:
        return sum(y.controlling_ore for y in self.years)

    @property
    def total_ore(self) -> int:
        return sum(y.total_ore for y in self.years)

    @property
    def share(self) -> Fraction | None:
        return ratio(self.controlling_ore, self.total_ore)

    @property
    def mean_share(self) -> Fraction | None:
        shares = [y.share for y in self.years if y.share is not None]
        return sum(shares, Fraction(0)) / len(shares) if shares else None

    @property
    def met(self) -> bool:
        return self.share is not None and self.share > self.threshold

    @property
    def review(self) -> bool:
        """Met, but within the review band above the threshold."""
        return self.met and self.share - self.threshold <= self.review_band

    @property
    def mean_disagrees(self) -> bool:
        mean = self.mean_share
        return mean is not None and self.share is not None and (mean > self.threshold) != self.met

    @property
    def provisional(self) -> bool:
        """Fewer than three years have figures: the verdict is preliminary (art. 12(5))."""
        return len(self.years) < 3

    @property
    def headroom_ore(self) -> int | None:
        """R4's strict headroom: the largest whole öre of extra non-controlling revenue with which
        the window is still met; negative is a deficit (see `strict_headroom_ore`)."""
        if self.share is None:
            return None
        return strict_headroom_ore(self.controlling_ore, self.total_ore, self.threshold)

    @property
    def controlling_needed_ore(self) -> int | None:
        """When not met: the smallest extra controlling revenue that would make it met."""
        if self.share is None or self.met:
            return None
        return controlling_needed_ore(self.controlling_ore, self.total_ore, self.threshold)


def strict_headroom_ore(controlling_ore: int, total_ore: int, threshold: Fraction) -> int:
    """The largest whole öre X with controlling / (total + X) > threshold, strictly.

    X < controlling / threshold - total, so X is the largest integer strictly below that bound:
    ceil(bound) - 1. A bound that is itself a whole öre gives one öre less (at the bound the share
    is exactly the threshold, which is not met). When the window is not met X is negative, and -X
    is the smallest whole-öre amount of non-controlling revenue whose removal would make it met.
    """
    bound = Fraction(controlling_ore) / Fraction(threshold) - total_ore
    return -floor_ore(-bound) - 1


def controlling_needed_ore(controlling_ore: int, total_ore: int, threshold: Fraction) -> int:
    """The smallest whole öre K of extra controlling revenue with (C + K) / (T + K) > threshold:
    K (1 - t) > t T - C, so K = floor((t T - C) / (1 - t)) + 1; 0 when already met."""
    t = Fraction(threshold)
    if total_ore and Fraction(controlling_ore, total_ore) > t:
        return 0
    return max(floor_ore((t * total_ore - controlling_ore) / (1 - t)) + 1, 0)


def year_from_ledger(lines: pd.DataFrame, year: int, settings: Settings, grants: str | None = None) -> YearFigures:
    """R4 for one classified ledger year. `grants` overrides the setting (include | exclude)."""
    grants = grants or settings.rules.grants
    # Only three columns are needed: filtering those, not the whole classified frame, keeps the
    # many sensitivity cases cheap on a million lines.
    needed = lines[["line_type", "category", "revenue_ore"]]
    activity = needed[needed["line_type"].isin(ACTIVITY_REVENUE)]
    is_grant = equal(activity["line_type"], "grant")
    counted = activity if grants == "include" else activity[~is_grant]
    by_category = counted.groupby("category")["revenue_ore"].sum()
    by_category_ore = {c: int(by_category.get(c, 0)) for c in CATEGORIES}
    controlling = activity[~is_grant & activity["category"].isin(COUNTS_AS_CONTROLLING)]["revenue_ore"].sum()
    return YearFigures(
        year=year,
        controlling_ore=int(controlling),
        total_ore=int(counted["revenue_ore"].sum()),
        source="ledger",
        grants_ore=int(activity.loc[is_grant, "revenue_ore"].sum()),
        by_category_ore=by_category_ore,
    )


def year_from_history(history: pd.DataFrame, year: int, grants: str = "include") -> YearFigures | None:
    """A year from the history register, or from last year's report (a row with `source_ref`;
    its total includes the grants in `grants_ore`, taken out when grants are excluded)."""
    row = history[history["year"] == year]
    if row.empty:
        return None
    first = row.iloc[0]
    ref = str(first.get("source_ref", "") or "") if "source_ref" in row.columns else ""
    grants_ore = first.get("grants_ore") if "grants_ore" in row.columns else None
    grants_ore = 0 if grants_ore is None or pd.isna(grants_ore) else int(grants_ore)
    total = int(first["total_ore"]) - (grants_ore if grants == "exclude" else 0)
    return YearFigures(year=year, controlling_ore=int(first["controlling_ore"]), total_ore=total,
                       source="report" if ref else "history", grants_ore=grants_ore, source_ref=ref)


def window_verdict(
    classified: dict[int, pd.DataFrame], history: pd.DataFrame, year: int, settings: Settings,
    grants: str | None = None,
) -> WindowVerdict:
    """The window Y-2..Y: ledger years where there is a ledger, else the history register."""
    years, missing = [], []
    for y in vocabulary().window(year):
        if y in classified:
            years.append(year_from_ledger(classified[y], y, settings, grants))
        elif (from_history := year_from_history(history, y, grants or settings.rules.grants)) is not None:
            years.append(from_history)
        else:
            missing.append(y)
    return WindowVerdict(
        years=tuple(years),
        threshold=Fraction(settings.thresholds.teckal),
        review_band=Fraction(settings.thresholds.review_band),
        missing_years=tuple(missing),
    )


def with_unknown_as(lines: pd.DataFrame, category: str) -> pd.DataFrame:
    """Sensitivity: the same lines with unknown counterparties counted as `category`."""
    # A shallow copy is enough: pandas copies on write, so `lines` is left as it was.
    out = lines.copy(deep=False)
    unknown = equal(out["category"], UNKNOWN)
    out["category"] = pd.Series(np.where(unknown, category, out["category"].to_numpy()), index=out.index, dtype="str")
    return out
