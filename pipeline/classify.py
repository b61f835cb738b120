"""Classify stage: give every ledger line its role, counterparty category and activity.

- `line_type` from the chart of accounts (R2): revenue, grant, excluded, cost, vat, balance,
  financial, other. Grants are activity revenue that can never count as controlling.
- `category` of each line with a counterparty (R3), decided on the line's own date:
  controlling, member_controlled, other_public, private or unknown, with `category_basis`
  saying which register decided it.
- `activity` from the service catalogue (R5): cost_sharing, sales or unassigned.

Vectorised: membership periods are joined to the lines, never looked up row by row. This
stage adds columns; it computes no totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.model import (
    CONTROLLING, COST_SHARING, MEMBER_CONTROLLED, OTHER_PUBLIC, PRIVATE, SALES, UNASSIGNED, UNKNOWN,
)
from pipeline.settings import AccountRanges, Settings

CLASSIFICATION_WORDS = {
    "samverkan": COST_SHARING,
    "kostnadsdelning": COST_SHARING,
    "cost_sharing": COST_SHARING,
    "cost-sharing": COST_SHARING,
    "säljverksamhet": SALES,
    "saljverksamhet": SALES,
    "sales": SALES,
}

BASIS_MEMBER = "member register"
BASIS_MEMBER_OUTSIDE = "member register, outside membership period"
BASIS_MEMBER_NONCONTROLLING = "member register, not a controlling member"
BASIS_CONTROLLED = "counterparty register, controlled by a member"
BASIS_REGISTER = "counterparty register"
BASIS_ORGNR_ONLY = "classified by org. no. only"
BASIS_NONE = "no valid counterparty"


def in_ranges(accounts: pd.Series, ranges: AccountRanges) -> np.ndarray:
    values = accounts.to_numpy()
    hit = np.zeros(len(values), dtype=bool)
    for lo, hi in ranges:
        hit |= (values >= lo) & (values <= hi)
    return hit


def line_types(accounts: pd.Series, settings: Settings) -> pd.Series:
    """The role of each line's account in the activity measure (R2)."""
    chart = settings.accounts
    kind = np.full(len(accounts), "other", dtype=object)
    values = accounts.to_numpy()
    kind[(values >= 1000) & (values <= 2999)] = "balance"
    kind[in_ranges(accounts, chart.vat)] = "vat"
    kind[(values >= 8000) & (values <= 8999)] = "financial"
    kind[in_ranges(accounts, chart.costs)] = "cost"
    revenue = in_ranges(accounts, chart.revenue)
    kind[revenue] = "revenue"
    kind[revenue & in_ranges(accounts, chart.grants)] = "grant"
    kind[in_ranges(accounts, chart.excluded)] = "excluded"
    return pd.Series(kind, index=accounts.index, dtype="str")


def service_activities(services: pd.DataFrame) -> pd.Series:
    """Service code -> activity; a code without a classification decision is unassigned."""
    words = services["classification"].astype("str").str.strip().str.lower()
    activity = words.map(CLASSIFICATION_WORDS).fillna(UNASSIGNED)
    return pd.Series(activity.to_numpy(), index=services["code"].to_numpy(), dtype="str")


def counterparty_categories(
    orgnrs: pd.Series, dates: pd.Series, members: pd.DataFrame, counterparties: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """R3 for each (org. no., date) pair: (category, basis). Index follows `orgnrs`."""
    n = len(orgnrs)
    category = np.full(n, UNKNOWN, dtype=object)
    basis = np.full(n, BASIS_NONE, dtype=object)
    orgnr = orgnrs.fillna("").astype("str").to_numpy()
    has_orgnr = orgnr != ""
    dates = pd.to_datetime(dates).astype("datetime64[ns]").reset_index(drop=True)

    controlling_now = _controlling_on(pd.Series(orgnr), dates, members)

    # 1. a controlling member on that date
    category[controlling_now] = CONTROLLING
    basis[controlling_now] = BASIS_MEMBER

    # 2. controlled by an org. no. that is a controlling member on that date
    controller = pd.Series(orgnr).map(_controller_map(counterparties)).fillna("")
    controller_controls = _controlling_on(controller, dates, members) & ~controlling_now
    category[controller_controls] = MEMBER_CONTROLLED
    basis[controller_controls] = BASIS_CONTROLLED

    # 3. register sector, else the org. no. group digit (2 = public body)
    rest = has_orgnr & ~controlling_now & ~controller_controls
    sector = pd.Series(orgnr).map(_sector_map(counterparties)).fillna("").to_numpy()
    public_word = np.isin(sector, ["offentlig", "public", "other_public"])
    private_word = np.isin(sector, ["privat", "private"])
    in_register = rest & (public_word | private_word)
    category[in_register & public_word] = OTHER_PUBLIC
    category[in_register & private_word] = PRIVATE
    basis[in_register] = BASIS_REGISTER

    by_digit = rest & ~in_register
    first_digit = np.array([s[:1] for s in orgnr], dtype=object)
    category[by_digit & (first_digit == "2")] = OTHER_PUBLIC
    category[by_digit & (first_digit != "2")] = PRIVATE
    basis[by_digit] = BASIS_ORGNR_ONLY

    # Members that did not decide it above say so: an auditor needs to see why a member is not controlling.
    member_orgnrs = set(members["orgnr"])
    is_member = np.isin(orgnr, list(member_orgnrs)) & rest
    noncontrolling_members = set(members.loc[~members["controlling"].astype(bool), "orgnr"])
    is_noncontrolling = np.isin(orgnr, list(noncontrolling_members)) & rest
    basis[is_member] = BASIS_MEMBER_OUTSIDE
    basis[is_noncontrolling] = BASIS_MEMBER_NONCONTROLLING
    if is_member.any():
        # A member outside its period is public by its org. no. unless the register says otherwise.
        category[is_member & ~in_register] = np.where(first_digit[is_member & ~in_register] == "2", OTHER_PUBLIC, PRIVATE)

    return (
        pd.Series(category, index=orgnrs.index, dtype="str"),
        pd.Series(basis, index=orgnrs.index, dtype="str"),
    )


def _controlling_on(orgnr: pd.Series, dates: pd.Series, members: pd.DataFrame) -> np.ndarray:
    """True where `orgnr` is a controlling member on the date at the same position."""
    result = np.zeros(len(orgnr), dtype=bool)
    controlling = members.loc[members["controlling"].astype(bool), ["orgnr", "member_from", "member_to"]]
    if controlling.empty or len(orgnr) == 0:
        return result
    lines = pd.DataFrame({"orgnr": orgnr.to_numpy(), "date": dates.to_numpy(), "pos": np.arange(len(orgnr))})
    lines = lines[lines["orgnr"] != ""]
    joined = lines.merge(controlling, on="orgnr", how="inner")
    start = joined["member_from"].astype("datetime64[ns]")
    end = joined["member_to"].astype("datetime64[ns]")
    within = (start.isna() | (joined["date"] >= start)) & (end.isna() | (joined["date"] <= end))
    result[joined.loc[within, "pos"].to_numpy()] = True
    return result


def _controller_map(counterparties: pd.DataFrame) -> dict[str, str]:
    controlled = counterparties[counterparties["controlled_by"].fillna("") != ""]
    return dict(zip(controlled["orgnr"], controlled["controlled_by"]))


def _sector_map(counterparties: pd.DataFrame) -> dict[str, str]:
    sector = counterparties["sector"].fillna("").astype("str").str.strip().str.lower()
    return dict(zip(counterparties["orgnr"], sector))


def classify_ledger(
    ledger: pd.DataFrame,
    members: pd.DataFrame,
    counterparties: pd.DataFrame,
    services: pd.DataFrame,
    settings: Settings,
) -> pd.DataFrame:
    """The ledger with `line_type`, `revenue_ore`, `category`, `category_basis`, `activity`,
    `service_known` added. `revenue_ore` is the activity revenue (credit positive) of revenue
    and grant lines, 0 elsewhere."""
    out = ledger.copy()
    out["line_type"] = line_types(out["account"], settings)
    is_revenue = out["line_type"].isin(["revenue", "grant"]).to_numpy()
    out["revenue_ore"] = np.where(is_revenue, -out["amount_ore"].to_numpy(), 0).astype("int64")

    category, basis = counterparty_categories(out["counterparty"], out["date"], members, counterparties)
    out["category"] = category
    out["category_basis"] = basis

    activity_of = service_activities(services)
    service = out["service"].fillna("").astype("str")
    out["service_known"] = service.isin(activity_of.index) | (service == "")
    out["activity"] = service.map(activity_of).fillna(UNASSIGNED).astype("str")
    return out
