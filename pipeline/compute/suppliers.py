"""Compute stage, R6: supplier spend and procurement flags for the report year.

Spend per supplier comes from the accounts-payable export when the year has one, else from
the ledger's cost lines with a counterparty. Aggregated per org. no.; a cell without one valid
org. no. (missing, invalid, several, foreign VAT id) is kept as its own supplier, flagged.
Members and member-controlled bodies are shown apart from market suppliers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from pipeline.classify import counterparty_categories
from pipeline.columns import equal
from pipeline.compute.direct_awards import DirectAwardKinds, analyse_direct_awards
from pipeline.model import CONTROLLING, MEMBER_CONTROLLED, choose
from pipeline.settings import Settings
from pipeline.vocabulary import vocabulary

# The one supplier flag that belongs to single lines (those paid outside the contract period).
OUTSIDE_CONTRACT = "outside_contract_period"
KIND_OVER_LIMIT = "direct_award_kind_over_limit"

SUPPLIER_COLUMNS = [
    "supplier", "orgnr", "orgnr_note", "name", "group", "spend_ore", "lines", "credit_notes",
    "in_list", "procurement_form", "procurement_reference", "contract_from", "contract_to",
    "lines_outside_contract", "share_of_market_spend",
]


@dataclass(frozen=True)
class SupplierAnalysis:
    source: str  # "purchases" | "ledger"
    spend: pd.DataFrame  # one row per supplier (SUPPLIER_COLUMNS)
    lines: pd.DataFrame  # the lines behind it, with `supplier` and source ids
    flags: pd.DataFrame  # one row per (supplier, flag)
    top_share: Fraction | None
    herfindahl: Fraction | None
    direct_awards: DirectAwardKinds | None = None  # R6: direct-award spend by kind

    @property
    def spend_ore(self) -> int:
        return int(self.spend["spend_ore"].sum())


def supplier_lines(
    year_lines: pd.DataFrame, purchases: pd.DataFrame | None
) -> tuple[str, pd.DataFrame]:
    """The lines that count as supplier spend, in one shape: supplier key, orgnr, note, name,
    date, amount_ore, source ids."""
    if purchases is not None:
        frame = pd.DataFrame({
            "orgnr": purchases["supplier_orgnr"].astype("str"),
            "orgnr_raw": purchases["supplier_orgnr_raw"].astype("str"),
            "orgnr_note": purchases["supplier_orgnr_note"].astype("str"),
            "name": purchases["supplier_name"].astype("str"),
            "date": purchases["date"],
            "amount_ore": purchases["amount_ore"].astype("int64"),
            "account": purchases["account"].fillna(0).astype("int64"),
            "source_id": purchases["source_id"],
        })
        source = "purchases"
    else:
        with_counterparty = year_lines["counterparty_raw"].fillna("") != ""
        costs = year_lines.loc[equal(year_lines["line_type"], "cost") & with_counterparty,
                               ["counterparty", "counterparty_raw", "counterparty_note", "date", "amount_ore", "account",
                                "source_id"]]
        frame = pd.DataFrame({
            "orgnr": costs["counterparty"].astype("str"),
            "orgnr_raw": costs["counterparty_raw"].astype("str"),
            "orgnr_note": costs["counterparty_note"].astype("str"),
            "name": "",
            "date": costs["date"],
            "amount_ore": costs["amount_ore"].astype("int64"),
            "account": costs["account"].astype("int64"),
            "source_id": costs["source_id"],
        })
        source = "ledger"
    key = frame["orgnr"].to_numpy(dtype=object, copy=True)
    without = key == ""  # no org. no.: the supplier is known by its number or name as written
    key[without] = frame["orgnr_raw"][without].str.strip().to_numpy(dtype=object)
    frame["supplier"] = pd.Series(key, index=frame.index).replace("", "(saknas)")
    return source, frame.reset_index(drop=True)


def analyse_suppliers(
    year: int,
    year_lines: pd.DataFrame,
    purchases: pd.DataFrame | None,
    supplier_list: pd.DataFrame,
    members: pd.DataFrame,
    counterparties: pd.DataFrame,
    settings: Settings,
) -> SupplierAnalysis:
    source, lines = supplier_lines(year_lines, purchases)
    listed = supplier_list.drop_duplicates("orgnr").set_index("orgnr")
    year_end = pd.Series(pd.Timestamp(year=year, month=12, day=31), index=lines.index)
    category, _ = counterparty_categories(lines["orgnr"], year_end, members, counterparties)
    lines["group"] = choose(category.isin([CONTROLLING, MEMBER_CONTROLLED]).to_numpy(), "member", "market")

    contract_from = lines["orgnr"].map(listed["contract_from"]) if len(listed) else pd.Series(pd.NaT, index=lines.index)
    contract_to = lines["orgnr"].map(listed["contract_to"]) if len(listed) else pd.Series(pd.NaT, index=lines.index)
    dated = lines["date"].notna()
    lines["outside_contract"] = dated & (
        (contract_from.notna() & (lines["date"] < contract_from)) | (contract_to.notna() & (lines["date"] > contract_to))
    )

    grouped = lines.groupby("supplier", sort=True)
    spend = pd.DataFrame({
        "spend_ore": grouped["amount_ore"].sum().astype("int64"),
        "lines": grouped.size(),
        "credit_notes": (lines["amount_ore"] < 0).groupby(lines["supplier"], sort=True).sum().astype("int64"),
        "lines_outside_contract": grouped["outside_contract"].sum().astype("int64"),
        "orgnr": grouped["orgnr"].first(),
        "orgnr_note": grouped["orgnr_note"].first(),
        "group": grouped["group"].first(),
        "name": grouped["name"].first(),
    }).reset_index()
    spend["in_list"] = spend["orgnr"].isin(listed.index) & (spend["orgnr"] != "")
    for column in ("name", "procurement_form", "procurement_reference"):
        from_list = spend["orgnr"].map(listed[column]) if column in listed else None
        if from_list is not None:
            spend[column] = np.where(spend["in_list"], from_list.astype(object).fillna(""), spend.get(column, ""))
        else:
            spend[column] = ""
    spend["contract_from"] = spend["orgnr"].map(listed["contract_from"]) if len(listed) else pd.NaT
    spend["contract_to"] = spend["orgnr"].map(listed["contract_to"]) if len(listed) else pd.NaT

    market = spend[spend["group"] == "market"]
    market_total = int(market["spend_ore"].clip(lower=0).sum())
    shares = [Fraction(int(max(v, 0)), market_total) for v in market["spend_ore"]] if market_total else []
    spend["share_of_market_spend"] = [
        str(Decimal(int(max(v, 0))) / Decimal(market_total)) if (g == "market" and market_total) else ""
        for v, g in zip(spend["spend_ore"], spend["group"])
    ]
    top_share = max(shares) if shares else None
    herfindahl = sum((s * s for s in shares), Fraction(0)) if shares else None

    limit_ore = int(settings.thresholds.direct_award_limit_sek * 100)
    direct_awards = analyse_direct_awards(lines, spend, supplier_list, settings.rules.direct_award_kind, limit_ore)
    flags = _flags(spend, settings, top_share, direct_awards)
    lines["flags"] = line_flags(lines, flags)
    spend = spend.sort_values(["group", "spend_ore", "supplier"], ascending=[False, False, True], kind="stable")
    return SupplierAnalysis(source, spend[SUPPLIER_COLUMNS].reset_index(drop=True), lines, flags, top_share, herfindahl,
                            direct_awards)


def line_flags(lines: pd.DataFrame, flags: pd.DataFrame) -> pd.Series:
    """The supplier flags each line stands behind, as "id, id" text: a supplier's flags are on
    every one of its lines, except `outside_contract_period`, which is only on the lines paid
    outside the contract period. An auditor filters the lines sheet on this column."""
    per_line = flags["flag"] == OUTSIDE_CONTRACT
    by_supplier = flags[~per_line].groupby("supplier", sort=False)["flag"].agg(", ".join)
    supplier_text = lines["supplier"].map(by_supplier).fillna("").astype("str").to_numpy()
    flagged_outside = lines["supplier"].isin(flags.loc[per_line, "supplier"]) & lines["outside_contract"]
    outside_text = np.where(flagged_outside.to_numpy(), OUTSIDE_CONTRACT, "")
    joined = np.where(supplier_text != "", supplier_text, outside_text).astype(object)
    # Both only on the few lines of a flagged supplier paid outside its contract: joined one by one.
    both = np.flatnonzero((supplier_text != "") & (outside_text != ""))
    joined[both] = [f"{text}, {OUTSIDE_CONTRACT}" for text in supplier_text[both].tolist()]
    return pd.Series(joined, index=lines.index, dtype="str")


def _flags(spend: pd.DataFrame, settings: Settings, top_share: Fraction | None,
           direct_awards: DirectAwardKinds | None = None) -> pd.DataFrame:
    limit_ore = int(settings.thresholds.direct_award_limit_sek * 100)
    form = spend["procurement_form"].fillna("").str.strip().str.lower()
    reference = spend["procurement_reference"].fillna("").str.strip()
    market = spend["group"] == "market"
    found = []

    def add(mask: pd.Series, flag: str, reason: str) -> None:
        for row in spend[mask].itertuples():
            found.append({"supplier": row.supplier, "flag": flag, "spend_ore": int(row.spend_ore), "reason": reason})

    add(market & (spend["spend_ore"] > limit_ore) & (form.isin(vocabulary().direct_award_words) | (reference == "")),
        "over_direct_award_limit",
        f"spend above the direct-award limit ({settings.thresholds.direct_award_limit_sek} SEK) "
        "with direct award or no procurement reference")
    add(spend["lines_outside_contract"] > 0, OUTSIDE_CONTRACT, "paid outside the contract period")
    add(~spend["in_list"] & (spend["orgnr"] != ""), "not_in_supplier_list", "missing from the supplier list")
    add(spend["orgnr_note"].isin(["invalid", "multiple", "foreign_vat", "missing"]), "orgnr_not_valid",
        "no single valid Swedish org. no. (missing, invalid, several in one cell, or foreign VAT id)")
    if direct_awards is not None:
        over = direct_awards.rows[direct_awards.rows["kind_over_limit"]]
        kinds_of = over.groupby("supplier")["kind"].agg(lambda k: ", ".join(sorted(set(k))))
        for row in spend[spend["supplier"].isin(kinds_of.index)].itertuples():
            found.append({"supplier": row.supplier, "flag": KIND_OVER_LIMIT, "spend_ore": int(row.spend_ore),
                          "reason": f"direct-award spend of kind {kinds_of[row.supplier]} reaches the limit "
                                    f"({settings.thresholds.direct_award_limit_sek} SEK) added up over the year"})
    if top_share is not None and top_share > Fraction(settings.thresholds.supplier_concentration):
        top = spend[market].sort_values("spend_ore", ascending=False, kind="stable").head(1)
        add(spend.index.isin(top.index), "concentration",
            f"one supplier has more than {settings.thresholds.supplier_concentration} of market spend (lock-in risk)")
    frame = pd.DataFrame(found, columns=["supplier", "flag", "spend_ore", "reason"])
    return frame.sort_values(["flag", "supplier"], kind="stable").reset_index(drop=True)
