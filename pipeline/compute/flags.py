"""Compute stage: the leads for review (DOMAIN R5, R9), each with the ledger rows behind it."""

from __future__ import annotations

import pandas as pd

from pipeline.columns import equal, unequal
from pipeline.compute.evaluation import (
    NO_SEPARATE_ACCOUNTS,
)
from pipeline.compute.separate_accounts import (
    Statements,
)
from pipeline.compute.teckal import (
    COUNTS_AS_CONTROLLING,
)
from pipeline.figures import (
    Flag,
)
from pipeline.model import (
    ACTIVITY_REVENUE,
    COST_SHARING,
    SALES,
    SHEET_EVALUATION,
    SHEET_FLAG_ROWS,
    UNKNOWN,
    Inputs,
)
from pipeline.money import sek
from pipeline.vocabulary import vocabulary


def flags_with_rows(classified: dict[int, pd.DataFrame], statements: dict[int, Statements], inputs: Inputs,
           year: int) -> tuple[list[Flag], pd.DataFrame]:
    """R5's flags for the report year, each with the rows behind it (source ids)."""
    # The rows behind a flag show FLAG_ROW_COLUMNS only: filtering those, not every classified
    # column, keeps a million-line year cheap.
    lines = classified[year][[*FLAG_ROW_COLUMNS, "line_type", "service_known"]]
    current = statements[year].service_rows
    flags: list[Flag] = []
    rows: list[pd.DataFrame] = []
    revenue = lines[lines["line_type"].isin(ACTIVITY_REVENUE)]

    def add(flag_id: str, subject: str, amount_ore: int, behind: pd.DataFrame, severity: str = "warning") -> None:
        flags.append(Flag(id=flag_id, subject=subject, amount_sek=sek(amount_ore), rows=int(len(behind)),
                          severity=severity, sheet=SHEET_FLAG_ROWS))
        rows.append(behind.assign(flag=flag_id, subject=subject)[["flag", "subject", *FLAG_ROW_COLUMNS]])

    for row in current[current["activity"] == SALES].itertuples():
        if row.full_cost_ore > 0 and row.revenue_ore < row.full_cost_ore:
            add("sales_below_full_cost", row.code, int(row.full_cost_ore - row.revenue_ore),
                lines[equal(lines["service"], row.code)], severity="critical")
    for row in current[(current["activity"] == COST_SHARING) & (current["non_controlling_revenue_ore"] != 0)].itertuples():
        behind = revenue[equal(revenue["service"], row.code) & ~revenue["category"].isin(COUNTS_AS_CONTROLLING)]
        add("cost_sharing_non_controlling_revenue", row.code, int(row.non_controlling_revenue_ore), behind)
    window_years = [y for y in vocabulary().window(year) if y in statements]
    surplus_years: dict[str, list[int]] = {}
    for y in window_years:
        s = statements[y].service_rows
        for code in s.loc[(s["activity"] == COST_SHARING) & (s["result_ore"] > 0), "code"]:
            surplus_years.setdefault(code, []).append(y)
    for code, years in sorted(surplus_years.items()):
        if len(years) >= 2:
            surplus = sum(int(statements[y].service_rows.set_index("code").at[code, "result_ore"]) for y in years)
            behind = pd.concat([classified[y].loc[equal(classified[y]["service"], code), FLAG_ROW_COLUMNS]
                                for y in years])
            add("cost_sharing_surplus", code, surplus, behind)
    no_service = revenue[equal(revenue["service"].fillna(""), "")]
    if len(no_service):
        add("revenue_without_service", "", int(no_service["revenue_ore"].sum()), no_service)
    unknown_codes = lines[unequal(lines["service"].fillna(""), "") & ~lines["service_known"]]
    for code, behind in unknown_codes.groupby("service", sort=True):
        add("service_not_in_catalogue", code, int(behind["revenue_ore"].sum()), behind)
    undecided = inputs.services[inputs.services["classification"].fillna("").str.strip() == ""]
    for code in sorted(undecided["code"]):
        add("service_without_classification", code, 0, lines[equal(lines["service"], code)])
    unknown = revenue[equal(revenue["category"], UNKNOWN)]
    if len(unknown):
        add("revenue_unknown_counterparty", "", int(unknown["revenue_ore"].sum()), unknown)
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["flag", "subject", *FLAG_ROW_COLUMNS])
    return flags, frame


def add_duty_flags(flags: list[Flag], flag_rows: pd.DataFrame, evaluations: list) -> None:
    """R9: from 2027 a sales service without separate accounts is a serious flag (no rows behind
    it: that is the point)."""
    for e in evaluations:
        if e.duty_flag:
            flags.append(Flag(id=NO_SEPARATE_ACCOUNTS, subject=e.code, amount_sek=sek(0), rows=0,
                              severity="critical", sheet=SHEET_EVALUATION))


FLAG_ROW_COLUMNS = ["source_id", "date", "voucher", "account", "amount_ore", "revenue_ore", "counterparty",
                "category", "service", "activity", "text"]
