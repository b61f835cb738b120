"""Compute stage, R6: direct-award spend added up by *kind* of purchase (LOU 19 a kap.).

The direct-award limit applies to the value of purchases of the same kind in the fiscal year
added together, not per supplier: two consultants at 400 000 kr each for the same kind of work
are 800 000 kr of one kind. Direct-award spend is the lines of market suppliers whose supplier
list says direct award or gives no procurement reference (suppliers missing from the list
included), and lines paid outside a supplier's contract period. The kind is a setting
(`rules.direct_award_kind`): the cost account (default), the account group (its first two
digits, BAS kontogrupp) or the supplier list's Inköpskategori.

A kind at or over the limit is a lead for review: direct award is allowed only *below* the limit,
and whether purchases really are of the same kind is a judgement the figures cannot make.
The split-purchase pattern (one supplier's invoices each under the limit, together over it
within some days) is a journal test (pipeline/validate/journal.py, `split_purchases`); the
report shows its findings beside this view when the run has them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.vocabulary import vocabulary

NO_CATEGORY = ""

KIND_COLUMNS = ["kind", "supplier", "orgnr", "name", "spend_ore", "lines", "reason", "kind_spend_ore",
                "kind_over_limit"]


@dataclass(frozen=True)
class DirectAwardKinds:
    kind_setting: str  # account | account_group | category
    limit_ore: int
    kinds: pd.DataFrame  # one row per kind: kind, spend_ore, suppliers (tuple), lines, over_limit
    rows: pd.DataFrame  # one row per (kind, supplier), KIND_COLUMNS: the audit sheet
    lines: pd.DataFrame  # the direct-award lines with their kind (source ids)


def direct_award_lines(lines: pd.DataFrame, spend: pd.DataFrame) -> pd.DataFrame:
    """The supplier lines that count as direct-award spend, with `reason`: `direct_award` (the
    list says so), `no_reference` (no procurement reference, or not in the list) or
    `outside_contract` (paid outside the contract period)."""
    by_supplier = spend.set_index("supplier")
    # Trimmed per supplier, then taken to its lines (a supplier the list lacks has neither).
    form_of = by_supplier["procurement_form"].fillna("").astype("str").str.strip().str.lower()
    reference_of = by_supplier["procurement_reference"].fillna("").astype("str").str.strip()
    form = lines["supplier"].map(form_of).fillna("")
    reference = lines["supplier"].map(reference_of).fillna("")
    market = (lines["group"] == "market").to_numpy()
    direct = form.isin(vocabulary().direct_award_words).to_numpy()
    no_reference = (reference == "").to_numpy()
    outside = lines["outside_contract"].to_numpy(dtype=bool)
    reason = np.select([direct, no_reference, outside], ["direct_award", "no_reference", "outside_contract"], "")
    chosen = market & (reason != "")
    return lines[chosen].assign(reason=reason[chosen])


def kind_of(lines: pd.DataFrame, supplier_list: pd.DataFrame, setting: str) -> pd.Series:
    """Each line's kind of purchase as text, by the setting."""
    account = lines["account"].fillna(0).astype("int64").astype("str")
    if setting == "account":
        return account
    if setting == "account_group":
        return account.str[:2]
    category = supplier_list.drop_duplicates("orgnr").set_index("orgnr")["category"] \
        if "category" in supplier_list else pd.Series(dtype="str")
    return lines["orgnr"].map(category).fillna(NO_CATEGORY).astype("str").str.strip()


def analyse_direct_awards(lines: pd.DataFrame, spend: pd.DataFrame, supplier_list: pd.DataFrame, setting: str,
                          limit_ore: int) -> DirectAwardKinds:
    """Direct-award spend per kind, largest first; `over_limit` when the kind's sum reaches the limit."""
    chosen = direct_award_lines(lines, spend)
    chosen = chosen.assign(kind=kind_of(chosen, supplier_list, setting).to_numpy())
    per_supplier = chosen.groupby(["kind", "supplier"], sort=True).agg(
        orgnr=("orgnr", "first"), name=("name", "first"), spend_ore=("amount_ore", "sum"),
        lines=("amount_ore", "size"), reason=("reason", lambda r: ", ".join(sorted(set(r))))).reset_index()
    names = spend.set_index("supplier")["name"]
    per_supplier["name"] = per_supplier["supplier"].map(names).fillna(per_supplier["name"]).astype("str")
    kind_spend = per_supplier.groupby("kind")["spend_ore"].sum()
    per_supplier["kind_spend_ore"] = per_supplier["kind"].map(kind_spend).astype("int64")
    per_supplier["kind_over_limit"] = per_supplier["kind_spend_ore"] >= limit_ore
    kinds = pd.DataFrame({
        "kind": kind_spend.index.astype("str"),
        "spend_ore": kind_spend.to_numpy(dtype="int64"),
        "suppliers": [tuple(sorted(per_supplier.loc[per_supplier["kind"] == k, "supplier"])) for k in kind_spend.index],
        "lines": [int(per_supplier.loc[per_supplier["kind"] == k, "lines"].sum()) for k in kind_spend.index],
    })
    kinds["over_limit"] = kinds["spend_ore"] >= limit_ore
    kinds = kinds.sort_values(["spend_ore", "kind"], ascending=[False, True], kind="stable").reset_index(drop=True)
    order = {k: i for i, k in enumerate(kinds["kind"])}
    per_supplier = per_supplier.assign(_order=per_supplier["kind"].map(order)).sort_values(
        ["_order", "spend_ore", "supplier"], ascending=[True, False, True], kind="stable").drop(columns="_order")
    return DirectAwardKinds(setting, limit_ore, kinds, per_supplier[KIND_COLUMNS].reset_index(drop=True),
                            chosen.reset_index(drop=True))
