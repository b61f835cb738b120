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
from pipeline.columns import equal, unequal
from pipeline.compute.teckal import COUNTS_AS_CONTROLLING
from pipeline.model import (
    ACCOUNT_RANGE,
    ACTIVITY_REVENUE,
    COST_SHARING,
    NO_SERVICE_CODE,
    NOT_IN_CATALOGUE,
    PRIVATE,
    SALES,
    UNASSIGNED,
    UNASSIGNED_CAUSES,
    UNDECIDED,
)
from pipeline.money import allocate_ore, exact_text, ratio

STATEMENT_COLUMNS = [
    "year", "code", "name", "activity", "cause", "in_catalogue", "revenue_ore", "non_controlling_revenue_ore",
    "direct_cost_ore", "key", "key_weight", "allocated_cost_ore", "full_cost_ore", "result_ore",
]
# Rows of revenue without a service code carry no code; `cause` names them: NO_SERVICE_CODE, or
# ACCOUNT_RANGE (an activity given by the account). A service row's cause is "" when it has an
# activity, else NOT_IN_CATALOGUE or UNDECIDED.


@dataclass(frozen=True)
class Statements:
    year: int
    key: str
    services: pd.DataFrame  # one row per service code (STATEMENT_COLUMNS)
    shared_cost_ore: int  # cost lines without a service code, before allocation
    unallocated_ore: int  # shared cost that no service could take (all weights zero)
    unassigned_revenue_ore: int  # activity revenue with no service code (and no activity by account)

    def activity_totals(self) -> dict[str, dict[str, int]]:
        """Per activity; every revenue-bearing row is in the table (no-code rows included), so the
        activities add up to the year's activity revenue and operating costs."""
        totals = {}
        for activity in (COST_SHARING, SALES, UNASSIGNED):
            rows = self.services[self.services["activity"] == activity]
            totals[activity] = _sums(rows)
        return totals

    def unassigned_by_cause(self) -> dict[str, dict[str, int]]:
        rows = self.services[self.services["activity"] == UNASSIGNED]
        return {cause: _sums(rows[rows["cause"] == cause]) for cause in UNASSIGNED_CAUSES}

    @property
    def service_rows(self) -> pd.DataFrame:
        """The rows of real service codes (the no-code rows left out)."""
        return self.services[self.services["code"] != ""]


def _sums(rows: pd.DataFrame) -> dict[str, int]:
    return {column: int(rows[column].sum())
            for column in ("revenue_ore", "direct_cost_ore", "allocated_cost_ore", "full_cost_ore", "result_ore")}


def statement_table(statements: Sequence[Statements]) -> pd.DataFrame:
    """The workbook's separate-accounts rows: each year's statement, services and the rows of
    revenue without a service code (by cause), so that a year's rows add up to its activity
    revenue and operating costs."""
    parts = [statement.services for statement in statements]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=STATEMENT_COLUMNS)


def coverage(revenue_ore: int, full_cost_ore: int) -> Fraction | None:
    """Cost coverage = revenue / full cost; None where there is no cost to cover."""
    return ratio(revenue_ore, full_cost_ore)


def service_statements(lines: pd.DataFrame, services: pd.DataFrame, year: int, key: str) -> Statements:
    """Separate income statement per service for one classified ledger year."""
    service = lines["service"].fillna("").astype("str")
    is_revenue = lines["line_type"].isin(ACTIVITY_REVENUE)
    is_cost = equal(lines["line_type"], "cost")
    coded = unequal(service, "")

    # Only the summed column is taken out for each group: at a million lines, copying every
    # column of the lines taken would cost more than the sums.
    revenue = lines.loc[is_revenue & coded, "revenue_ore"].groupby(service[is_revenue & coded]).sum()
    non_controlling = is_revenue & coded & ~lines["category"].isin(COUNTS_AS_CONTROLLING)
    non_controlling_revenue = lines.loc[non_controlling, "revenue_ore"].groupby(service[non_controlling]).sum()
    direct = lines.loc[is_cost & coded, "amount_ore"].groupby(service[is_cost & coded]).sum()
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
    table["cause"] = np.where(table["activity"] != UNASSIGNED, "",
                              np.where(table["in_catalogue"], UNDECIDED, NOT_IN_CATALOGUE))
    table = pd.concat([table, _no_code_rows(lines, is_revenue & ~coded, year)], ignore_index=True)
    table["key"] = key
    weights = _weights(table, catalogue, key)
    table["key_weight"] = [exact_text(w) for w in weights]
    allocated = allocate_ore(shared_cost, weights)
    table["allocated_cost_ore"] = np.array(allocated, dtype="int64")
    table["full_cost_ore"] = table["direct_cost_ore"] + table["allocated_cost_ore"]
    table["result_ore"] = table["revenue_ore"] - table["full_cost_ore"]
    unallocated = shared_cost - sum(allocated)
    unassigned_revenue = int(lines.loc[is_revenue & ~coded & equal(lines["activity"], UNASSIGNED), "revenue_ore"].sum())
    return Statements(year, key, table[STATEMENT_COLUMNS], shared_cost, unallocated, unassigned_revenue)


def _no_code_rows(lines: pd.DataFrame, no_code: pd.Series, year: int) -> pd.DataFrame:
    """Revenue without a service code as rows of its own, one per activity it has (by account
    range, R5) and one for the rest (`no_service_code`), so that they take their part of the
    shared costs like any service and the statement adds up."""
    revenue = lines.loc[no_code, ["activity", "category", "revenue_ore"]]
    rows = []
    for activity in (COST_SHARING, SALES, UNASSIGNED):
        part = revenue[revenue["activity"] == activity]
        if part.empty:
            continue
        non_controlling = part[~part["category"].isin(COUNTS_AS_CONTROLLING)]
        rows.append({"code": "", "year": year, "in_catalogue": False, "name": "", "activity": activity,
                     "revenue_ore": int(part["revenue_ore"].sum()),
                     "non_controlling_revenue_ore": int(non_controlling["revenue_ore"].sum()), "direct_cost_ore": 0,
                     "cause": NO_SERVICE_CODE if activity == UNASSIGNED else ACCOUNT_RANGE})
    frame = pd.DataFrame(rows, columns=["code", "year", "in_catalogue", "name", "activity", "revenue_ore",
                                        "non_controlling_revenue_ore", "direct_cost_ore", "cause"])
    return frame.astype({"revenue_ore": "int64", "non_controlling_revenue_ore": "int64", "direct_cost_ore": "int64",
                         "in_catalogue": bool})


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
    private = int(activity.loc[equal(activity["category"], PRIVATE), "revenue_ore"].sum())
    total = int(activity["revenue_ore"].sum())
    return private, total, ratio(private, total)


def cost_based_share(lines: pd.DataFrame, statements: Statements) -> tuple[Fraction, Fraction, Fraction | None]:
    """R4's alternative measure: each service's full cost split over counterparty categories
    in proportion to its revenue. Returns (controlling cost, attributed cost, share); services
    without revenue cannot be attributed and are left out of both."""
    service = lines["service"].fillna("").astype("str")
    counted = lines.loc[equal(lines["line_type"], "revenue"), ["category", "activity", "revenue_ore"]]
    controlling = counted[counted["category"].isin(COUNTS_AS_CONTROLLING)]
    controlling_by_service = controlling.groupby(service[controlling.index])["revenue_ore"].sum()
    # Revenue without a code is its own row per activity (see _no_code_rows).
    no_code = controlling[service[controlling.index] == ""]
    controlling_by_activity = no_code.groupby("activity")["revenue_ore"].sum()
    controlling_cost, attributed_cost = Fraction(0), Fraction(0)
    for row in statements.services.itertuples():
        if row.revenue_ore <= 0 or row.full_cost_ore <= 0:
            continue
        controlling_revenue = int(controlling_by_service.get(row.code, 0)) if row.code != "" \
            else int(controlling_by_activity.get(row.activity, 0))
        controlling_cost += Fraction(int(row.full_cost_ore) * controlling_revenue, int(row.revenue_ore))
        attributed_cost += int(row.full_cost_ore)
    share = controlling_cost / attributed_cost if attributed_cost else None
    return controlling_cost, attributed_cost, share
