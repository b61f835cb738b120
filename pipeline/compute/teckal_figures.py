"""Compute stage: the Teckal figures (DOMAIN R4, R8) from the window verdict: the years, the
strict headroom, the three criteria, the cost-based measure and the sensitivity cases."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd

from pipeline.classify import counterparty_categories
from pipeline.compute.governance import Governance
from pipeline.compute.separate_accounts import (
    Statements,
    cost_based_share,
)
from pipeline.compute.teckal import (
    WindowVerdict,
    strict_headroom_ore,
    window_verdict,
    with_unknown_as,
)
from pipeline.figures import (
    ActivityCriterion,
    ControlCriterion,
    CostBasedShare,
    PrivateCapitalCriterion,
    RepresentationGap,
    SensitivityCase,
    SharedRepresentative,
    Teckal,
    TeckalCriteria,
    TeckalYear,
)
from pipeline.model import (
    CONTROLLING,
    SHEET_GOVERNANCE,
    Inputs,
)
from pipeline.money import floor_ore, sek, share_text
from pipeline.settings import Settings


def teckal_figures(verdict: WindowVerdict, activity: dict[int, pd.DataFrame], inputs: Inputs, settings: Settings,
                    statements: Statements, lines: pd.DataFrame) -> Teckal:
    other_grants = "exclude" if settings.rules.grants == "include" else "include"
    alternative = window_verdict(activity, inputs.history, inputs.year, settings, grants=other_grants)
    controlling_cost, attributed_cost, cost_share = cost_based_share(lines, statements)
    return Teckal(
        threshold=str(settings.thresholds.teckal),
        review_band=str(settings.thresholds.review_band),
        grants=settings.rules.grants,
        years=tuple(
            TeckalYear(
                year=y.year,
                controlling_sek=sek(y.controlling_ore),
                total_sek=sek(y.total_ore),
                share=share_text(y.share),
                source=y.source,
                grants_sek=sek(y.grants_ore) if y.source == "ledger" else None,
                by_category_sek={c: sek(v) for c, v in y.by_category_ore.items()} if y.by_category_ore else None,
                source_ref=y.source_ref or None,
            )
            for y in verdict.years
        ),
        years_count=len(verdict.years),
        missing_years=tuple(verdict.missing_years),
        window_controlling_sek=sek(verdict.controlling_ore),
        window_total_sek=sek(verdict.total_ore),
        window_share=share_text(verdict.share),
        mean_share=share_text(verdict.mean_share),
        mean_disagrees=verdict.mean_disagrees,
        met=verdict.met,
        review=verdict.review,
        headroom_sek=sek(verdict.headroom_ore) if verdict.headroom_ore is not None else None,
        next_year_headroom_sek=next_year_headroom(verdict, inputs.year),
        other_grants_share=share_text(alternative.share),
        other_grants_met=alternative.met,
        cost_based=CostBasedShare(
            share=share_text(cost_share),
            controlling_cost_sek=sek(floor_ore(controlling_cost)),
            attributed_cost_sek=sek(floor_ore(attributed_cost)),
            met=cost_share is not None and cost_share > Fraction(settings.thresholds.teckal),
            year=inputs.year,
        ),
        sensitivity=sensitivity_cases(activity, inputs, settings,
                                      {settings.rules.grants: verdict, other_grants: alternative}),
        controlling_needed_sek=sek(verdict.controlling_needed_ore) if verdict.controlling_needed_ore is not None
        else None,
        provisional=verdict.provisional,
    )


def cost_based_window(classified: dict[int, pd.DataFrame], statements: dict[int, Statements], year: int,
                       settings: Settings) -> dict[str, Any]:
    """R4's cost-based measure over the three years: Σ controlling cost / Σ attributed cost over
    the window years that have a ledger (history years have no costs; the figure says how many)."""
    years = [y for y in range(year - 2, year + 1) if y in classified]
    controlling, attributed = Fraction(0), Fraction(0)
    for y in years:
        c, a, _ = cost_based_share(classified[y], statements[y])
        controlling += c
        attributed += a
    share = controlling / attributed if attributed else None
    return {
        "window_share": share_text(share),
        "window_controlling_cost_sek": sek(floor_ore(controlling)),
        "window_attributed_cost_sek": sek(floor_ore(attributed)),
        "window_met": share is not None and share > Fraction(settings.thresholds.teckal),
        "window_years": tuple(years),
    }


def criteria_figures(verdict: WindowVerdict, governance: Governance) -> dict[str, Any]:
    """R8: the three Teckal criteria, each on its own, and whether the exemption holds (all three;
    a provisional activity verdict is not a plain "holds")."""
    activity_status = "provisional" if verdict.provisional else ("met" if verdict.met else "not_met")
    present = governance.register_present
    control = ControlCriterion(
        status=governance.control_status,
        members_without_full_representation=tuple(governance.members_without_full_representation),
        controlling_members=len(governance.members),
        fully_represented=sum(1 for m in governance.members if m.fully_represented) if present else 0,
        gaps=tuple(RepresentationGap(orgnr=m.orgnr, name=m.name, from_=s.isoformat(), to=e.isoformat(),
                                     days=(e - s).days + 1)
                   for m in governance.members for s, e in m.gaps) if present else (),
        shared_representatives=tuple(SharedRepresentative(representative=person, members=tuple(orgnrs))
                                     for person, orgnrs in governance.shared_representatives),
        sheet=SHEET_GOVERNANCE,
    )
    holds = verdict.met and not verdict.provisional and governance.control_holds and governance.private_capital_holds
    return {
        "exemption_holds": bool(holds),
        "criteria": TeckalCriteria(
            activity=ActivityCriterion(met=verdict.met, status=activity_status, provisional=verdict.provisional),
            control=control,
            private_capital=PrivateCapitalCriterion(status=governance.private_capital_status,
                                                    private_members=tuple(governance.private_members)),
        ),
    }


def next_year_headroom(verdict: WindowVerdict, year: int) -> str | None:
    """Non-controlling revenue next year's window (Y-1, Y, Y+1) can take and still be met if Y+1's
    controlling revenue equals year Y's: the strict headroom of controlling C[Y-1] + 2 C[Y] over
    total T[Y-1] + T[Y] + C[Y] (R4: the largest whole öre that keeps the share above)."""
    by_year = {y.year: y for y in verdict.years}
    if year not in by_year or year - 1 not in by_year:
        return None
    previous, current = by_year[year - 1], by_year[year]
    controlling = previous.controlling_ore + 2 * current.controlling_ore
    total = previous.total_ore + current.total_ore + current.controlling_ore
    return sek(strict_headroom_ore(controlling, total, verdict.threshold))


def sensitivity_cases(activity: dict[int, pd.DataFrame], inputs: Inputs, settings: Settings,
                      made: dict[str, WindowVerdict] | None = None) -> tuple[SensitivityCase, ...]:
    """The verdict under other readings: each case changes one assumption. `activity` holds the
    classified activity-revenue lines per year (see `activity_lines`); `made`: the window
    verdicts of `activity` already made, by their grants setting ("include", "exclude"), which
    the cases that read the same lines the same way take instead of computing them again."""
    made = made or {}

    def case(name: str, ledgers: dict[int, pd.DataFrame], grants: str | None = None) -> SensitivityCase:
        v = made.get(grants or settings.rules.grants) if ledgers is activity else None
        if v is None:
            v = window_verdict(ledgers, inputs.history, inputs.year, settings, grants=grants)
        return SensitivityCase(case=name, window_share=share_text(v.share), met=v.met,
                               controlling_sek=sek(v.controlling_ore), total_sek=sek(v.total_ore))

    undated = inputs.members.assign(member_from=pd.NaT, member_to=pd.NaT)
    # Only the category depends on the membership dates: recompute that, keep the rest.
    undated_categories = {
        y: lines.assign(category=counterparty_categories(lines["counterparty"], lines["date"], undated,
                                                         inputs.counterparties)[0])
        for y, lines in activity.items()
    }
    return (
        case("as_reported", activity),
        case("grants_excluded", activity, grants="exclude"),
        case("grants_included", activity, grants="include"),
        case("unknown_as_controlling", {y: with_unknown_as(c, CONTROLLING) for y, c in activity.items()}),
        case("unknown_as_non_controlling", activity),
        case("membership_changes_ignored", undated_categories),
    )
