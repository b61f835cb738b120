"""Compute stage: the supplier figures (DOMAIN R6) from the supplier analysis, and the
transparency-act screen."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from pipeline.columns import equal
from pipeline.compute.suppliers import SupplierAnalysis
from pipeline.figures import (
    DirectAwardKind,
    FlaggedSupplier,
    SupplierEntry,
    Suppliers,
    Transparency,
    TurnoverYear,
)
from pipeline.model import (
    SHEET_DIRECT_AWARDS,
    SHEET_SUPPLIER_LINES,
    Inputs,
)
from pipeline.money import ratio, sek, share_text
from pipeline.settings import Settings


def supplier_figures(analysis: SupplierAnalysis) -> Suppliers:
    spend = analysis.spend
    market = spend[spend["group"] == "market"]
    # The concentration share's denominator: market spend with credit-note balances counted as 0.
    market_total_ore = int(market["spend_ore"].clip(lower=0).sum())
    return Suppliers(
        source=analysis.source,
        spend_sek=sek(analysis.spend_ore),
        count=int(len(spend)),
        flagged=int(analysis.flags["supplier"].nunique()),
        market_spend_sek=sek(int(spend.loc[spend["group"] == "market", "spend_ore"].sum())),
        member_spend_sek=sek(int(spend.loc[spend["group"] == "member", "spend_ore"].sum())),
        top_share=share_text(analysis.top_share),
        herfindahl=share_text(analysis.herfindahl),
        flags_by_kind={k: int(v) for k, v in analysis.flags.groupby("flag").size().items()},
        flagged_suppliers=flagged_suppliers(analysis),
        top_market_suppliers=tuple(supplier_entry(row, market_total_ore) for row in
                                   market.sort_values(["spend_ore", "supplier"], ascending=[False, True],
                                                      kind="stable").head(TOP_SUPPLIERS).itertuples()),
        member_suppliers=tuple(supplier_entry(row, None) for row in spend[spend["group"] == "member"].itertuples()),
        **direct_award_figures(analysis),
    )


def direct_award_figures(analysis: SupplierAnalysis) -> dict[str, Any]:
    """R6: every kind with direct-award spend, largest first, with its suppliers (org. nos. where
    valid, else the key the supplier lines use), and whether it reaches the limit."""
    awards = analysis.direct_awards
    if awards is None:
        return {}
    orgnr_of = analysis.spend.set_index("supplier")["orgnr"]
    kinds = tuple(
        DirectAwardKind(kind=row.kind, spend_sek=sek(int(row.spend_ore)),
                        suppliers=tuple(sorted({(orgnr_of.get(s) or s) for s in row.suppliers})),
                        lines=int(row.lines), over_limit=bool(row.over_limit))
        for row in awards.kinds.itertuples())
    return {"direct_award_kind_setting": awards.kind_setting, "direct_award_limit_sek": sek(awards.limit_ore),
            "direct_award_kinds": kinds, "direct_award_sheet": SHEET_DIRECT_AWARDS}


TOP_SUPPLIERS = 10


def supplier_entry(row: Any, market_total_ore: int | None) -> SupplierEntry:
    """One supplier as the report lists it; `share` of market spend for market suppliers."""
    share = share_text(ratio(max(int(row.spend_ore), 0), market_total_ore)) if market_total_ore is not None else None
    return SupplierEntry(supplier=row.supplier, name=row.name, orgnr=row.orgnr, group=row.group,
                         spend_sek=sek(int(row.spend_ore)), procurement_form=row.procurement_form,
                         procurement_reference=row.procurement_reference, in_list=bool(row.in_list), share=share)


def flagged_suppliers(analysis: SupplierAnalysis) -> tuple[FlaggedSupplier, ...]:
    """Each flagged supplier with its flag ids, their reasons, and how many lines of the supplier
    lines sheet stand behind them (filter its `flags` column on the id)."""
    spend = analysis.spend.set_index("supplier")
    flagged_lines = analysis.lines[analysis.lines["flags"] != ""]
    rows_behind = flagged_lines.groupby("supplier").size()
    out = []
    for supplier, flags in analysis.flags.groupby("supplier", sort=False):
        row = spend.loc[supplier]
        out.append(FlaggedSupplier(
            supplier=supplier, name=row["name"], orgnr=row["orgnr"], group=row["group"],
            spend_sek=sek(int(row["spend_ore"])), flags=tuple(flags["flag"]), reasons=tuple(flags["reason"]),
            rows=int(rows_behind.get(supplier, 0)), sheet=SHEET_SUPPLIER_LINES,
        ))
    # Largest spend first: the board reads the big ones first.
    return tuple(sorted(out, key=lambda e: (-int(spend.at[e.supplier, "spend_ore"]), e.supplier)))


def transparency_screen(classified, inputs: Inputs, settings: Settings) -> Transparency:
    """Lag 2005:590 screen: net turnover in EUR against the threshold in each of the last two
    years. Net turnover (nettoomsättning) is activity revenue without grants: grants are other
    operating income in Swedish accounts, not sales."""
    rate = settings.rules.eur_sek
    years = []
    for y in (inputs.year - 1, inputs.year):
        if y not in classified:
            continue
        lines = classified[y]
        turnover_ore = int(lines.loc[equal(lines["line_type"], "revenue"), "revenue_ore"].sum())
        eur = (Decimal(turnover_ore) / 100 / rate).quantize(Decimal("0.01"))
        # Compared exactly: the rounded euro amount could land on the threshold from above.
        exact_eur = Fraction(turnover_ore, 100) / Fraction(rate)
        years.append(TurnoverYear(year=y, turnover_sek=sek(turnover_ore), turnover_eur=str(eur),
                                  over=exact_eur > Fraction(settings.thresholds.transparency_eur)))
    return Transparency(eur_sek=str(rate), threshold_eur=str(settings.thresholds.transparency_eur),
                        years=tuple(years), applies=len(years) == 2 and all(y.over for y in years))
