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

from pipeline.columns import equal, factorize
from pipeline.model import (
    ACTIVITY_REVENUE,
    CONTROLLING,
    COST_SHARING,
    MEMBER_CONTROLLED,
    OTHER_PUBLIC,
    PRIVATE,
    SALES,
    UNASSIGNED,
    UNKNOWN,
    filled,
    in_ranges,
)
from pipeline.settings import Settings
from pipeline.vocabulary import vocabulary

BASIS_MEMBER = "member register"
BASIS_MEMBER_OUTSIDE = "member register, outside membership period"
BASIS_MEMBER_NONCONTROLLING = "member register, not a controlling member"
BASIS_CONTROLLED = "counterparty register, controlled by a member"
BASIS_REGISTER = "counterparty register"
BASIS_ORGNR_ONLY = "classified by org. no. only"
BASIS_NONE = "no valid counterparty"


def line_types(accounts: pd.Series, settings: Settings) -> pd.Series:
    """The role of each line's account in the activity measure (R2)."""
    chart = settings.accounts
    kind = filled(len(accounts), "other")
    words = vocabulary()
    kind[in_ranges(accounts, words.balance_accounts)] = "balance"
    kind[in_ranges(accounts, chart.vat)] = "vat"
    kind[in_ranges(accounts, words.financial_accounts)] = "financial"
    kind[in_ranges(accounts, chart.costs)] = "cost"
    revenue = in_ranges(accounts, chart.revenue)
    kind[revenue] = "revenue"
    kind[revenue & in_ranges(accounts, chart.grants)] = "grant"
    kind[in_ranges(accounts, chart.excluded)] = "excluded"
    return pd.Series(kind, index=accounts.index, dtype="str")


def service_activities(services: pd.DataFrame) -> pd.Series:
    """Service code -> activity; a code without a classification decision is unassigned."""
    words = services["classification"].astype("str").str.strip().str.lower()
    activity = words.map(vocabulary().classification_words).fillna(UNASSIGNED)
    return pd.Series(activity.to_numpy(), index=services["code"].to_numpy(), dtype="str")


def counterparty_categories(
    orgnrs: pd.Series, dates: pd.Series, members: pd.DataFrame, counterparties: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """R3 for each (org. no., date) pair: (category, basis). Index follows `orgnrs`."""
    orgnr = orgnrs.fillna("").astype("str").to_numpy()
    # A ledger names a few hundred counterparties on a million lines: everything that does not
    # depend on the date is decided once per distinct org. no. and spread back by its code.
    codes, uniques = factorize(orgnr)
    uniques = np.asarray(uniques, dtype=object)
    line_dates = pd.to_datetime(dates).to_numpy().astype("datetime64[ns]")

    # 1. a controlling member on that date
    controlling_now = _controlling_on(codes, uniques, line_dates, members)

    # 2. controlled by an org. no. that is a controlling member on that date
    controller_of = pd.Series(uniques).map(_controller_map(counterparties)).astype(object).fillna("").to_numpy()
    controller_codes, controllers = pd.factorize(controller_of)
    controller_controls = _controlling_on(controller_codes[codes], np.asarray(controllers, dtype=object),
                                          line_dates, members) & ~controlling_now

    # 3. register sector, else the org. no. group digit (2 = public body); per distinct org. no.
    sector = pd.Series(uniques).map(_sector_map(counterparties)).astype(object).fillna("")
    public_word = sector.isin(["offentlig", "public", "other_public"]).to_numpy()
    private_word = sector.isin(["privat", "private"]).to_numpy()
    in_register = public_word | private_word
    public_digit = np.array([s[:1] == "2" for s in uniques], dtype=bool)
    # A member outside its period (or not controlling) falls to the same rule: its register sector,
    # else its org. no. group.
    rest_category = np.where(in_register, np.where(public_word, OTHER_PUBLIC, PRIVATE),
                             np.where(public_digit, OTHER_PUBLIC, PRIVATE)).astype(object)
    # Members that did not decide it above say so: an auditor needs to see why a member is not controlling.
    is_member = pd.Index(uniques).isin(members["orgnr"])
    noncontrolling_members = members.loc[~members["controlling"].astype(bool), "orgnr"]
    is_noncontrolling = pd.Index(uniques).isin(noncontrolling_members)
    rest_basis = np.select(
        [is_noncontrolling, is_member, in_register],
        [BASIS_MEMBER_NONCONTROLLING, BASIS_MEMBER_OUTSIDE, BASIS_REGISTER],
        BASIS_ORGNR_ONLY,
    ).astype(object)
    has_orgnr = uniques != ""
    rest_category[~has_orgnr] = UNKNOWN
    rest_basis[~has_orgnr] = BASIS_NONE

    category = rest_category[codes]
    basis = rest_basis[codes]
    category[controller_controls] = MEMBER_CONTROLLED
    basis[controller_controls] = BASIS_CONTROLLED
    category[controlling_now] = CONTROLLING
    basis[controlling_now] = BASIS_MEMBER
    return (
        pd.Series(category, index=orgnrs.index, dtype="str"),
        pd.Series(basis, index=orgnrs.index, dtype="str"),
    )


def _controlling_on(codes: np.ndarray, orgnrs: np.ndarray, dates: np.ndarray, members: pd.DataFrame) -> np.ndarray:
    """True where `orgnrs[codes[i]]` is a controlling member on `dates[i]` (datetime64[ns])."""
    result = np.zeros(len(codes), dtype=bool)
    controlling = members.loc[members["controlling"].astype(bool), ["orgnr", "member_from", "member_to"]]
    if controlling.empty or len(codes) == 0:
        return result
    periods = pd.DataFrame({
        "code": pd.Index(orgnrs).get_indexer(controlling["orgnr"]),
        "start": controlling["member_from"].to_numpy().astype("datetime64[ns]"),
        "end": controlling["member_to"].to_numpy().astype("datetime64[ns]"),
    })
    empty = np.flatnonzero(orgnrs == "")
    periods = periods[(periods["code"] >= 0) & ~periods["code"].isin(empty)]
    # A member that left and joined again has several periods: test the first period of every
    # member on all lines, then the second, and so on; a line inside any of them counts.
    periods["nth"] = periods.groupby("code").cumcount()
    for _, nth in periods.groupby("nth"):
        has_period = np.zeros(len(orgnrs), dtype=bool)
        start = np.full(len(orgnrs), np.datetime64("NaT"), dtype="datetime64[ns]")
        end = start.copy()
        has_period[nth["code"]] = True
        start[nth["code"]] = nth["start"]
        end[nth["code"]] = nth["end"]
        line_start, line_end = start[codes], end[codes]
        within = (np.isnat(line_start) | (dates >= line_start)) & (np.isnat(line_end) | (dates <= line_end))
        result |= has_period[codes] & within
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
    # Shallow: the new columns go on the copy only (pandas copies on write), and a million
    # lines are not duplicated in memory.
    out = ledger.copy(deep=False)
    out["line_type"] = line_types(out["account"], settings)
    is_revenue = out["line_type"].isin(ACTIVITY_REVENUE).to_numpy()
    out["revenue_ore"] = np.where(is_revenue, -out["amount_ore"].to_numpy(), 0).astype("int64")

    category, basis = counterparty_categories(out["counterparty"], out["date"], members, counterparties)
    out["category"] = category
    out["category_basis"] = basis

    activity_of = service_activities(services)
    service = out["service"].fillna("").astype("str")
    no_code = equal(service, "")
    out["service_known"] = service.isin(activity_of.index) | no_code
    # Each line's activity taken from one text object per activity (a code outside the catalogue
    # takes the last, UNASSIGNED): `Series.map` made a text object per line.
    words = np.append(activity_of.astype(object).fillna(UNASSIGNED).to_numpy(dtype=object), UNASSIGNED)
    word_codes, distinct_words = pd.factorize(words)
    activity = np.asarray(distinct_words, dtype=object)[word_codes[activity_of.index.get_indexer(service)]]
    # Revenue without a code takes an activity from its account where the settings say so (R5).
    chart = settings.accounts
    activity[no_code & in_ranges(out["account"], chart.cost_sharing_without_code)] = COST_SHARING
    activity[no_code & in_ranges(out["account"], chart.sales_without_code)] = SALES
    out["activity"] = pd.Series(activity, index=out.index, dtype="str")
    return out
