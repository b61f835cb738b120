"""Compute stage: the separate-accounts figures (DOMAIN R5, R9): activity totals, each
service's statement and key share, the service inventory, the allocation key and the LOS
evaluation per service."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from pipeline.compute.evaluation import (
    DUTY_FIRST_YEAR,
)
from pipeline.compute.separate_accounts import (
    Statements,
    coverage,
    service_statements,
)
from pipeline.figures import (
    Activities,
    ActivityTotals,
    Allocation,
    CatalogueEntry,
    CauseTotals,
    Evaluation,
    KeyComparison,
    ServiceAccount,
    ServiceEvaluation,
)
from pipeline.model import (
    COST_SHARING,
    SALES,
    SHEET_EVALUATION,
    UNASSIGNED,
    Inputs,
)
from pipeline.money import sek, share_text
from pipeline.settings import Settings
from pipeline.vocabulary import vocabulary


def activity_figures(statements: Statements) -> Activities:
    totals = statements.activity_totals()

    def of(activity: str) -> ActivityTotals:
        t = totals[activity]
        return ActivityTotals(
            revenue_sek=sek(t["revenue_ore"]),
            direct_cost_sek=sek(t["direct_cost_ore"]),
            allocated_cost_sek=sek(t["allocated_cost_ore"]),
            full_cost_sek=sek(t["full_cost_ore"]),
            result_sek=sek(t["result_ore"]),
            coverage=share_text(coverage(t["revenue_ore"], t["full_cost_ore"])),
        )

    by_cause = {cause: CauseTotals(revenue_sek=sek(t["revenue_ore"]), allocated_cost_sek=sek(t["allocated_cost_ore"]),
                                   full_cost_sek=sek(t["full_cost_ore"]))
                for cause, t in statements.unassigned_by_cause().items()}
    return Activities(cost_sharing=of(COST_SHARING), sales=of(SALES),
                      unassigned=dataclasses.replace(of(UNASSIGNED), by_cause=by_cause))


def service_figures(statements: Statements) -> tuple[ServiceAccount, ...]:
    # By position: the rows of revenue without a code share the empty code.
    weights = [Fraction(Decimal(row.key_weight)) for row in statements.services.itertuples()]
    weight_sum = sum(weights, Fraction(0))
    return tuple(
        ServiceAccount(
            code=row.code, name=row.name, activity=row.activity, in_catalogue=bool(row.in_catalogue),
            revenue_sek=sek(row.revenue_ore), non_controlling_revenue_sek=sek(row.non_controlling_revenue_ore),
            direct_cost_sek=sek(row.direct_cost_ore), allocated_cost_sek=sek(row.allocated_cost_ore),
            full_cost_sek=sek(row.full_cost_ore), result_sek=sek(row.result_ore),
            coverage=share_text(coverage(int(row.revenue_ore), int(row.full_cost_ore))),
            key_weight=row.key_weight,
            key_share=share_text(weight / weight_sum) if weight_sum else None,
            cause=row.cause,
        )
        for row, weight in zip(statements.services.itertuples(), weights)
    )


CATALOGUE_TEXT_FIELDS = ("legal_basis", "member_need", "target_group", "pricing", "decision_reference",
                         "market_assessment")


def service_catalogue(statements: Statements, services: pd.DataFrame) -> tuple[CatalogueEntry, ...]:
    """The service inventory: each catalogue entry with its documented decision, and each code
    the report year's ledger uses that the catalogue lacks (`in_catalogue` false, fields empty)."""
    catalogue = services.drop_duplicates("code").set_index("code")
    activity = statements.service_rows.set_index("code")["activity"]
    out = []
    for code in statements.service_rows["code"]:
        known = code in catalogue.index
        entry: dict[str, Any] = {"code": code, "in_catalogue": known, "activity": activity[code]}
        row = catalogue.loc[code] if known else None
        entry["name"] = _text(row, "name")
        entry["classification"] = _text(row, "classification")
        for name in CATALOGUE_TEXT_FIELDS:
            entry[name] = _text(row, name)
        decided = row["decision_date"] if row is not None and "decision_date" in row else None
        entry["decision_date"] = pd.Timestamp(decided).date().isoformat() if pd.notna(decided) and decided != "" \
            else None
        entry["exclusivity"] = _yes_no(row["exclusivity"]) if row is not None and "exclusivity" in row else None
        out.append(CatalogueEntry(**entry))
    return tuple(out)


def _text(row: pd.Series | None, name: str) -> str:
    if row is None or name not in row or pd.isna(row[name]):
        return ""
    return str(row[name]).strip()


def _yes_no(value: object) -> bool | None:
    """Exklusivitet as the reader left it: a bool, or the word as written (ja/nej); else unknown."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    word = str(value).strip().lower() if value is not None and not pd.isna(value) else ""
    words = vocabulary()
    return True if word in words.yes_words else False if word in words.no_words else None


def allocation_figures(statements: dict[int, Statements], year: int, lines: pd.DataFrame, inputs: Inputs,
                        settings: Settings) -> Allocation:
    current = statements[year]
    keys = {y: s.key for y, s in sorted(statements.items())}
    comparison = []
    if len(set(keys.values())) > 1:
        # The key changed inside the window: show the report year under every key used, side by side.
        for key in sorted(set(keys.values())):
            other = service_statements(lines, inputs.services, year, key)
            comparison.append(KeyComparison(key=key, activities=activity_figures(other)))
    return Allocation(
        key=current.key,
        keys_by_year={str(y): k for y, k in keys.items()},
        key_changed=len(set(keys.values())) > 1,
        comparison=tuple(comparison),
        shared_cost_sek=sek(current.shared_cost_ore),
        unallocated_sek=sek(current.unallocated_ore),
    )


def evaluation_figures(evaluations: list, year: int) -> Evaluation:
    return Evaluation(
        duty_applies=year >= DUTY_FIRST_YEAR,
        duty_first_year=DUTY_FIRST_YEAR,
        services=tuple(ServiceEvaluation(
            code=e.code, name=e.name, in_catalogue=e.in_catalogue, classification=e.classification,
            activity=e.activity, complete=e.complete, missing_fields=tuple(e.missing_fields),
            has_separate_accounts=e.has_separate_accounts, revenue_sek=sek(e.revenue_ore),
            full_cost_sek=sek(e.full_cost_ore), result_sek=sek(e.result_ore),
            coverage=share_text(coverage(e.revenue_ore, e.full_cost_ore)), flags=tuple(e.flags),
            duty_flag=e.duty_flag) for e in evaluations),
        incomplete=tuple(sorted(e.code for e in evaluations if not e.complete)),
        duty_flags=tuple(sorted(e.code for e in evaluations if e.duty_flag)),
        sheet=SHEET_EVALUATION,
    )
