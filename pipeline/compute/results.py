"""Compute stage: every figure of the evaluation, from classified ledgers and registers.

`compute_results` is the one entry point. It returns `Results`: `figures`, the typed records
of `pipeline.figures` that become results.json and that the writers read, and `tables`, the rows
behind every figure, keyed by the audit-workbook sheet that holds them. Writers only read these;
they never recompute a figure. Money in figures is SEK text with two decimals, shares decimal text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from pipeline.classify import classify_ledger, counterparty_categories
from pipeline.compute.separate_accounts import (
    Statements,
    cost_based_share,
    coverage,
    open_market_share,
    service_statements,
    statement_table,
)
from pipeline.compute.suppliers import SupplierAnalysis, analyse_suppliers
from pipeline.compute.teckal import COUNTS_AS_CONTROLLING, WindowVerdict, window_verdict, with_unknown_as
from pipeline.figures import (
    Activities,
    ActivityTotals,
    Allocation,
    CatalogueEntry,
    CostBasedShare,
    Figures,
    Flag,
    FlaggedSupplier,
    KeyComparison,
    OpenMarket,
    RowCounts,
    SensitivityCase,
    ServiceAccount,
    SupplierEntry,
    Suppliers,
    Teckal,
    TeckalYear,
    Transparency,
    TurnoverYear,
)
from pipeline.model import (
    ACTIVITY_REVENUE,
    CATEGORIES,
    CONTROLLING,
    COST_SHARING,
    SALES,
    SHEET_FLAG_ROWS,
    SHEET_FLAGS,
    SHEET_LINES,
    SHEET_REVENUE_BY_COUNTERPARTY,
    SHEET_SERVICES,
    SHEET_SUPPLIER_FLAGS,
    SHEET_SUPPLIER_LINES,
    SHEET_SUPPLIERS,
    SHEET_TECKAL,
    UNASSIGNED,
    UNKNOWN,
    Inputs,
)
from pipeline.money import floor_ore, ratio, sek, share_text
from pipeline.settings import Settings
from pipeline.vocabulary import vocabulary


@dataclass
class Results:
    figures: Figures
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def classify_window(inputs: Inputs, settings: Settings, members: pd.DataFrame | None = None) -> dict[int, pd.DataFrame]:
    members = inputs.members if members is None else members
    return {
        year: classify_ledger(lines, members, inputs.counterparties, inputs.services, settings)
        for year, lines in sorted(inputs.ledgers.items())
    }


def compute_results(inputs: Inputs, classified: dict[int, pd.DataFrame], settings: Settings) -> Results:
    year = inputs.year
    lines = classified[year]
    activity = activity_lines(classified)
    verdict = window_verdict(activity, inputs.history, year, settings)
    statements = {y: service_statements(classified[y], inputs.services, y, settings.rules.key_for(y))
                  for y in classified}
    suppliers = analyse_suppliers(year, lines, inputs.purchases, inputs.suppliers, inputs.members,
                                  inputs.counterparties, settings)
    private_ore, activity_ore, open_share = open_market_share(lines)
    flags, flag_rows = _flags(classified, statements, inputs, year)

    figures = Figures(
        organisation=settings.organisation.name,
        organisation_orgnr=settings.organisation.orgnr,
        year=year,
        inputs_folder=inputs.folder_name,
        teckal=_teckal_figures(verdict, activity, inputs, settings, statements[year], lines),
        activities=_activity_figures(statements[year]),
        services=_service_figures(statements[year]),
        service_catalogue=_service_catalogue(statements[year], inputs.services),
        allocation=_allocation_figures(statements, year, lines, inputs, settings),
        open_market=OpenMarket(
            share=share_text(open_share),
            threshold=str(settings.thresholds.open_market),
            met=open_share is None or open_share < Fraction(settings.thresholds.open_market),
            private_sek=sek(private_ore),
            total_sek=sek(activity_ore),
        ),
        suppliers=_supplier_figures(suppliers),
        transparency=_transparency(classified, inputs, settings),
        flags=tuple(flags),
        rows=_row_counts(inputs),
    )
    tables = {
        SHEET_TECKAL: _teckal_table(verdict),
        SHEET_REVENUE_BY_COUNTERPARTY: _revenue_by_counterparty(classified),
        SHEET_SERVICES: statement_table(list(statements.values())),
        SHEET_FLAGS: _flags_table(flags),
        SHEET_FLAG_ROWS: flag_rows,
        SHEET_SUPPLIERS: suppliers.spend,
        SHEET_SUPPLIER_FLAGS: suppliers.flags,
        SHEET_SUPPLIER_LINES: suppliers.lines,
        SHEET_LINES: pd.concat([classified[y].assign(year=y) for y in sorted(classified)], ignore_index=True),
    }
    return Results(figures, tables)


def activity_lines(classified: dict[int, pd.DataFrame]) -> dict[int, pd.DataFrame]:
    """Each year's activity-revenue lines (revenue and grants) with the columns R4 reads.

    The window verdict gives the same figures on these as on all lines; the sensitivity cases,
    which recompute it many times, then filter and reclassify a fifth of a million lines, not all.
    """
    out = {}
    for year, lines in classified.items():
        is_activity = lines["line_type"].isin(ACTIVITY_REVENUE).to_numpy()
        out[year] = lines.loc[is_activity, ["line_type", "category", "revenue_ore", "counterparty", "date"]]
    return out


def _teckal_figures(verdict: WindowVerdict, activity: dict[int, pd.DataFrame], inputs: Inputs, settings: Settings,
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
        next_year_headroom_sek=_next_year_headroom(verdict, inputs.year),
        other_grants_share=share_text(alternative.share),
        other_grants_met=alternative.met,
        cost_based=CostBasedShare(
            share=share_text(cost_share),
            controlling_cost_sek=sek(floor_ore(controlling_cost)),
            attributed_cost_sek=sek(floor_ore(attributed_cost)),
            met=cost_share is not None and cost_share > Fraction(settings.thresholds.teckal),
            year=inputs.year,
        ),
        sensitivity=_sensitivity(activity, inputs, settings),
    )


def _next_year_headroom(verdict: WindowVerdict, year: int) -> str | None:
    """Non-controlling revenue next year's window (Y-1, Y, Y+1) can take if Y+1's controlling
    revenue equals year Y's: (C[Y-1] + 2 C[Y]) / threshold - (T[Y-1] + T[Y] + C[Y])."""
    by_year = {y.year: y for y in verdict.years}
    if year not in by_year or year - 1 not in by_year:
        return None
    previous, current = by_year[year - 1], by_year[year]
    controlling = previous.controlling_ore + 2 * current.controlling_ore
    total = previous.total_ore + current.total_ore + current.controlling_ore
    return sek(floor_ore(Fraction(controlling) / verdict.threshold - total))


def _sensitivity(activity: dict[int, pd.DataFrame], inputs: Inputs, settings: Settings) -> tuple[SensitivityCase, ...]:
    """The verdict under other readings: each case changes one assumption. `activity` holds the
    classified activity-revenue lines per year (see `activity_lines`)."""
    def case(name: str, ledgers: dict[int, pd.DataFrame], grants: str | None = None) -> SensitivityCase:
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


def _activity_figures(statements: Statements) -> Activities:
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

    return Activities(cost_sharing=of(COST_SHARING), sales=of(SALES), unassigned=of(UNASSIGNED))


def _service_figures(statements: Statements) -> tuple[ServiceAccount, ...]:
    weights = {row.code: Fraction(Decimal(row.key_weight)) for row in statements.services.itertuples()}
    weight_sum = sum(weights.values(), Fraction(0))
    return tuple(
        ServiceAccount(
            code=row.code, name=row.name, activity=row.activity, in_catalogue=bool(row.in_catalogue),
            revenue_sek=sek(row.revenue_ore), non_controlling_revenue_sek=sek(row.non_controlling_revenue_ore),
            direct_cost_sek=sek(row.direct_cost_ore), allocated_cost_sek=sek(row.allocated_cost_ore),
            full_cost_sek=sek(row.full_cost_ore), result_sek=sek(row.result_ore),
            coverage=share_text(coverage(int(row.revenue_ore), int(row.full_cost_ore))),
            key_weight=row.key_weight,
            key_share=share_text(weights[row.code] / weight_sum) if weight_sum else None,
        )
        for row in statements.services.itertuples()
    )


CATALOGUE_TEXT_FIELDS = ("legal_basis", "member_need", "target_group", "pricing", "decision_reference",
                         "market_assessment")


def _service_catalogue(statements: Statements, services: pd.DataFrame) -> tuple[CatalogueEntry, ...]:
    """The service inventory: each catalogue entry with its documented decision, and each code
    the report year's ledger uses that the catalogue lacks (`in_catalogue` false, fields empty)."""
    catalogue = services.drop_duplicates("code").set_index("code")
    activity = statements.services.set_index("code")["activity"]
    out = []
    for code in statements.services["code"]:
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


def _allocation_figures(statements: dict[int, Statements], year: int, lines: pd.DataFrame, inputs: Inputs,
                        settings: Settings) -> Allocation:
    current = statements[year]
    keys = {y: s.key for y, s in sorted(statements.items())}
    comparison = []
    if len(set(keys.values())) > 1:
        # The key changed inside the window: show the report year under every key used, side by side.
        for key in sorted(set(keys.values())):
            other = service_statements(lines, inputs.services, year, key)
            comparison.append(KeyComparison(key=key, activities=_activity_figures(other)))
    return Allocation(
        key=current.key,
        keys_by_year={str(y): k for y, k in keys.items()},
        key_changed=len(set(keys.values())) > 1,
        comparison=tuple(comparison),
        shared_cost_sek=sek(current.shared_cost_ore),
        unallocated_sek=sek(current.unallocated_ore),
    )


def _supplier_figures(analysis: SupplierAnalysis) -> Suppliers:
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
        flagged_suppliers=_flagged_suppliers(analysis),
        top_market_suppliers=tuple(_supplier_entry(row, market_total_ore) for row in
                                   market.sort_values(["spend_ore", "supplier"], ascending=[False, True],
                                                      kind="stable").head(TOP_SUPPLIERS).itertuples()),
        member_suppliers=tuple(_supplier_entry(row, None) for row in spend[spend["group"] == "member"].itertuples()),
    )


TOP_SUPPLIERS = 10


def _supplier_entry(row: Any, market_total_ore: int | None) -> SupplierEntry:
    """One supplier as the report lists it; `share` of market spend for market suppliers."""
    share = share_text(ratio(max(int(row.spend_ore), 0), market_total_ore)) if market_total_ore is not None else None
    return SupplierEntry(supplier=row.supplier, name=row.name, orgnr=row.orgnr, group=row.group,
                         spend_sek=sek(int(row.spend_ore)), procurement_form=row.procurement_form,
                         procurement_reference=row.procurement_reference, in_list=bool(row.in_list), share=share)


def _flagged_suppliers(analysis: SupplierAnalysis) -> tuple[FlaggedSupplier, ...]:
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


def _transparency(classified, inputs: Inputs, settings: Settings) -> Transparency:
    """Lag 2005:590 screen: net turnover in EUR against the threshold in each of the last two
    years. Net turnover (nettoomsättning) is activity revenue without grants: grants are other
    operating income in Swedish accounts, not sales."""
    rate = settings.rules.eur_sek
    years = []
    for y in (inputs.year - 1, inputs.year):
        if y not in classified:
            continue
        lines = classified[y]
        turnover_ore = int(lines.loc[lines["line_type"] == "revenue", "revenue_ore"].sum())
        eur = (Decimal(turnover_ore) / 100 / rate).quantize(Decimal("0.01"))
        # Compared exactly: the rounded euro amount could land on the threshold from above.
        exact_eur = Fraction(turnover_ore, 100) / Fraction(rate)
        years.append(TurnoverYear(year=y, turnover_sek=sek(turnover_ore), turnover_eur=str(eur),
                                  over=exact_eur > Fraction(settings.thresholds.transparency_eur)))
    return Transparency(eur_sek=str(rate), threshold_eur=str(settings.thresholds.transparency_eur),
                        years=tuple(years), applies=len(years) == 2 and all(y.over for y in years))


def _flags(classified: dict[int, pd.DataFrame], statements: dict[int, Statements], inputs: Inputs,
           year: int) -> tuple[list[Flag], pd.DataFrame]:
    """R5's flags for the report year, each with the rows behind it (source ids)."""
    # The rows behind a flag show _ROW_COLUMNS only: filtering those, not every classified
    # column, keeps a million-line year cheap.
    lines = classified[year][[*_ROW_COLUMNS, "line_type", "service_known"]]
    current = statements[year].services
    flags: list[Flag] = []
    rows: list[pd.DataFrame] = []
    revenue = lines[lines["line_type"].isin(ACTIVITY_REVENUE)]

    def add(flag_id: str, subject: str, amount_ore: int, behind: pd.DataFrame, severity: str = "warning") -> None:
        flags.append(Flag(id=flag_id, subject=subject, amount_sek=sek(amount_ore), rows=int(len(behind)),
                          severity=severity, sheet=SHEET_FLAG_ROWS))
        rows.append(behind.assign(flag=flag_id, subject=subject)[["flag", "subject", *_ROW_COLUMNS]])

    for row in current[current["activity"] == SALES].itertuples():
        if row.full_cost_ore > 0 and row.revenue_ore < row.full_cost_ore:
            add("sales_below_full_cost", row.code, int(row.full_cost_ore - row.revenue_ore),
                lines[lines["service"] == row.code], severity="critical")
    for row in current[(current["activity"] == COST_SHARING) & (current["non_controlling_revenue_ore"] != 0)].itertuples():
        behind = revenue[(revenue["service"] == row.code) & ~revenue["category"].isin(COUNTS_AS_CONTROLLING)]
        add("cost_sharing_non_controlling_revenue", row.code, int(row.non_controlling_revenue_ore), behind)
    window_years = [y for y in vocabulary().window(year) if y in statements]
    surplus_years: dict[str, list[int]] = {}
    for y in window_years:
        s = statements[y].services
        for code in s.loc[(s["activity"] == COST_SHARING) & (s["result_ore"] > 0), "code"]:
            surplus_years.setdefault(code, []).append(y)
    for code, years in sorted(surplus_years.items()):
        if len(years) >= 2:
            surplus = sum(int(statements[y].services.set_index("code").at[code, "result_ore"]) for y in years)
            behind = pd.concat([classified[y].loc[classified[y]["service"] == code, _ROW_COLUMNS] for y in years])
            add("cost_sharing_surplus", code, surplus, behind)
    no_service = revenue[revenue["service"].fillna("") == ""]
    if len(no_service):
        add("revenue_without_service", "", int(no_service["revenue_ore"].sum()), no_service)
    unknown_codes = lines[(lines["service"].fillna("") != "") & ~lines["service_known"]]
    for code, behind in unknown_codes.groupby("service", sort=True):
        add("service_not_in_catalogue", code, int(behind["revenue_ore"].sum()), behind)
    undecided = inputs.services[inputs.services["classification"].fillna("").str.strip() == ""]
    for code in sorted(undecided["code"]):
        add("service_without_classification", code, 0, lines[lines["service"] == code])
    unknown = revenue[revenue["category"] == UNKNOWN]
    if len(unknown):
        add("revenue_unknown_counterparty", "", int(unknown["revenue_ore"].sum()), unknown)
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["flag", "subject", *_ROW_COLUMNS])
    return flags, frame


_ROW_COLUMNS = ["source_id", "date", "voucher", "account", "amount_ore", "revenue_ore", "counterparty",
                "category", "service", "activity", "text"]


def _row_counts(inputs: Inputs) -> RowCounts:
    counts = {"ledger_read": 0, "ledger_used": 0, "ledger_rejected": 0,
              "purchases_read": 0, "purchases_used": 0, "purchases_rejected": 0}
    for totals in inputs.totals:
        kind = totals.kind
        in_report_year = totals.file.startswith(f"{inputs.year}/")
        if kind in ("ledger", "purchases") and in_report_year:
            counts[f"{kind}_read"] += totals.rows_read
            counts[f"{kind}_used"] += totals.rows_used
            counts[f"{kind}_rejected"] += totals.rows_rejected
    return RowCounts(**counts)


def _flags_table(flags: list[Flag]) -> pd.DataFrame:
    """The flags sheet: one row per flag, its fields as columns."""
    columns = ["id", "subject", "amount_sek", "rows", "severity", "sheet"]
    return pd.DataFrame([[getattr(f, c) for c in columns] for f in flags], columns=columns)


def _teckal_table(verdict: WindowVerdict) -> pd.DataFrame:
    records = []
    for y in verdict.years:
        record = {"year": y.year, "source": y.source, "controlling_ore": y.controlling_ore, "total_ore": y.total_ore,
                  "share": share_text(y.share), "grants_ore": y.grants_ore}
        for category in CATEGORIES:
            # Prefixed: "controlling_ore" alone is the Teckal numerator (controlling + member-controlled).
            record[f"category_{category}_ore"] = y.by_category_ore.get(category) if y.by_category_ore else None
        records.append(record)
    records.append({"year": "window", "source": "", "controlling_ore": verdict.controlling_ore,
                    "total_ore": verdict.total_ore, "share": share_text(verdict.share)})
    return pd.DataFrame(records)


def _revenue_by_counterparty(classified: dict[int, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    for y, lines in sorted(classified.items()):
        revenue = lines[lines["line_type"].isin(ACTIVITY_REVENUE)]
        grouped = revenue.groupby(["counterparty_raw", "counterparty", "category", "category_basis", "line_type"],
                                  dropna=False, sort=True)["revenue_ore"].agg(["sum", "size"]).reset_index()
        frames.append(grouped.rename(columns={"sum": "revenue_ore", "size": "lines"}).assign(year=y))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

