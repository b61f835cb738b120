"""Compute stage, R5: separate accounts (särredovisning) per service and per activity.

For one classified ledger year: revenue, direct cost, allocated shared cost, full cost
(självkostnad), result and cost coverage per service, by a documented allocation key:
`revenue` (share of service revenue, the default), `direct_cost` (share of direct cost) or
`table` (the catalogue's Fördelningsnyckel). Shared costs are split exactly in öre.
Also the open-market share and the cost-based activity measure. No file access, no formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Sequence

import numpy as np
import pandas as pd

from pipeline.classify import service_activities
from pipeline.compute.teckal import COUNTS_AS_CONTROLLING
from pipeline.model import ACTIVITY_REVENUE, COST_SHARING, PRIVATE, SALES, UNASSIGNED
from pipeline.money import allocate_ore, exact_text, ratio

STATEMENT_COLUMNS = [
    "year", "code", "name", "activity", "in_catalogue", "revenue_ore", "non_controlling_revenue_ore",
    "direct_cost_ore", "key", "key_weight", "allocated_cost_ore", "full_cost_ore", "result_ore",
]


@dataclass(frozen=True)
class Statements:
    year: int
    key: str
    services: pd.DataFrame  # one row per service code (STATEMENT_COLUMNS)
    shared_cost_ore: int  # cost lines without a service code, before allocation
    unallocated_ore: int  # shared cost that no service could take (all weights zero)
    unassigned_revenue_ore: int  # activity revenue with no service code

    def activity_totals(self) -> dict[str, dict[str, int]]:
        totals = {}
        for activity in (COST_SHARING, SALES, UNASSIGNED):
            rows = self.services[self.services["activity"] == activity]
            totals[activity] = {
                column: int(rows[column].sum())
                for column in ("revenue_ore", "direct_cost_ore", "allocated_cost_ore", "full_cost_ore", "result_ore")
            }
        totals[UNASSIGNED]["revenue_ore"] += self.unassigned_revenue_ore
        totals[UNASSIGNED]["result_ore"] += self.unassigned_revenue_ore
        return totals


def statement_table(statements: Sequence[Statements]) -> pd.DataFrame:
    """The workbook's separate-accounts rows: each year's services, then one row for that year's
    revenue lines without a service code (activity unassigned, no cost), so that a year's rows
    add up to its activity totals: revenue to the year's activity revenue."""
    parts = []
    for statement in statements:
        uncoded = pd.DataFrame([{
            "year": statement.year, "code": "", "name": "", "activity": UNASSIGNED, "in_catalogue": False,
            "revenue_ore": statement.unassigned_revenue_ore, "non_controlling_revenue_ore": 0, "direct_cost_ore": 0,
            "key": statement.key, "key_weight": "", "allocated_cost_ore": 0, "full_cost_ore": 0,
            "result_ore": statement.unassigned_revenue_ore}])
        parts += [statement.services, uncoded.astype(statement.services.dtypes.to_dict())]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=STATEMENT_COLUMNS)


def coverage(revenue_ore: int, full_cost_ore: int) -> Fraction | None:
    """Cost coverage = revenue / full cost; None where there is no cost to cover."""
    return ratio(revenue_ore, full_cost_ore)


def service_statements(lines: pd.DataFrame, services: pd.DataFrame, year: int, key: str) -> Statements:
    """Separate income statement per service for one classified ledger year."""
    service = lines["service"].fillna("").astype("str")
    is_revenue = lines["line_type"].isin(ACTIVITY_REVENUE)
    is_cost = lines["line_type"] == "cost"
    coded = service != ""

    revenue = lines[is_revenue & coded].groupby(service[is_revenue & coded])["revenue_ore"].sum()
    non_controlling = lines[is_revenue & coded & ~lines["category"].isin(COUNTS_AS_CONTROLLING)]
    non_controlling_revenue = non_controlling.groupby(service[non_controlling.index])["revenue_ore"].sum()
    direct = lines[is_cost & coded].groupby(service[is_cost & coded])["amount_ore"].sum()
    shared_cost = int(lines.loc[is_cost & ~coded, "amount_ore"].sum())

    catalogue = services.drop_duplicates("code").set_index("code")
    codes = sorted(set(revenue.index) | set(direct.index) | set(catalogue.index))
    table = pd.DataFrame({"code": codes})
    table["year"] = year
    table["in_catalogue"] = table["code"].isin(catalogue.index)
    table["name"] = table["code"].map(catalogue["name"]).fillna("").astype("str")
    # The catalogue decides the activity, also for services without lines this year.
    table["activity"] = table["code"].map(service_activities(services)).fillna(UNASSIGNED).astype("str")
    table["revenue_ore"] = table["code"].map(revenue).fillna(0).astype("int64")
    table["non_controlling_revenue_ore"] = table["code"].map(non_controlling_revenue).fillna(0).astype("int64")
    table["direct_cost_ore"] = table["code"].map(direct).fillna(0).astype("int64")
    table["key"] = key
    weights = _weights(table, catalogue, key)
    table["key_weight"] = [exact_text(w) for w in weights]
    allocated = allocate_ore(shared_cost, weights)
    table["allocated_cost_ore"] = np.array(allocated, dtype="int64")
    table["full_cost_ore"] = table["direct_cost_ore"] + table["allocated_cost_ore"]
    table["result_ore"] = table["revenue_ore"] - table["full_cost_ore"]
    unallocated = shared_cost - sum(allocated)
    unassigned_revenue = int(lines.loc[is_revenue & ~coded, "revenue_ore"].sum())
    return Statements(year, key, table[STATEMENT_COLUMNS], shared_cost, unallocated, unassigned_revenue)


def _weights(table: pd.DataFrame, catalogue: pd.DataFrame, key: str) -> list[Fraction]:
    """The allocation key's weight per service; negative values weigh nothing."""
    if key == "revenue":
        raw = [Fraction(int(v)) for v in table["revenue_ore"]]
    elif key == "direct_cost":
        raw = [Fraction(int(v)) for v in table["direct_cost_ore"]]
    else:
        column = catalogue["allocation_key"] if "allocation_key" in catalogue else pd.Series(dtype="str")
        raw = [_fraction(column.get(code, "")) for code in table["code"]]
    return [max(w, Fraction(0)) for w in raw]


def _fraction(value: object) -> Fraction:
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if text in ("", "nan", "None", "<NA>"):
        return Fraction(0)
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        return Fraction(0)


def open_market_share(lines: pd.DataFrame) -> tuple[int, int, Fraction | None]:
    """Revenue from private counterparties / all activity revenue (art. 12(4)(c))."""
    activity = lines[lines["line_type"].isin(ACTIVITY_REVENUE)]
    private = int(activity.loc[activity["category"] == PRIVATE, "revenue_ore"].sum())
    total = int(activity["revenue_ore"].sum())
    return private, total, ratio(private, total)


def cost_based_share(lines: pd.DataFrame, statements: Statements) -> tuple[Fraction, Fraction, Fraction | None]:
    """R4's alternative measure: each service's full cost split over counterparty categories
    in proportion to its revenue. Returns (controlling cost, attributed cost, share); services
    without revenue cannot be attributed and are left out of both."""
    coded = lines["service"].fillna("").astype("str") != ""
    revenue_lines = lines[lines["line_type"].isin(ACTIVITY_REVENUE) & coded]
    counted = revenue_lines[revenue_lines["line_type"] == "revenue"]
    controlling_by_service = counted[counted["category"].isin(COUNTS_AS_CONTROLLING)] \
        .groupby("service")["revenue_ore"].sum()
    controlling_cost, attributed_cost = Fraction(0), Fraction(0)
    for row in statements.services.itertuples():
        if row.revenue_ore <= 0 or row.full_cost_ore <= 0:
            continue
        controlling_revenue = int(controlling_by_service.get(row.code, 0))
        controlling_cost += Fraction(int(row.full_cost_ore) * controlling_revenue, int(row.revenue_ore))
        attributed_cost += int(row.full_cost_ore)
    share = controlling_cost / attributed_cost if attributed_cost else None
    return controlling_cost, attributed_cost, share
