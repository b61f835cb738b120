"""Compute stage, the second year: what changed since last year's report (issue 18).

`with_continuity` adds `figures.continuity` and two workbook tables to the results: the prior
years' ledgers that differ from the ones the earlier report read (lines and revenue then and
now, per account), prior-year figures recomputed now that differ from what that report stated
(kept side by side, never replaced), members who joined or left, services added, removed or
reclassified, flags new, still open and resolved, settings changed, the headline figures then
and now, and the yearly shares of every earlier report. It also keeps this year's snapshot
(members at the year's end, each ledger year per account) for next year's run to compare with.

The earlier report is plain JSON read leniently (pipeline/read/previous.py): what it lacks is
not compared, and `changes` is None when it holds no snapshot to compare with.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from pipeline.columns import equal
from pipeline.figures import (
    AccountTotal,
    ChangedInput,
    Changes,
    Compared,
    Continuity,
    Figures,
    Flag,
    FlagRef,
    LedgerSnapshot,
    Reclassified,
    Restated,
    SettingChange,
    Transparency,
    TrendYear,
    TurnoverYear,
    results_json,
)
from pipeline.model import ACTIVITY_REVENUE, SHEET_CHANGES, SHEET_FLAG_ROWS, SHEET_FLAGS, SHEET_LEDGER_CHANGES, Inputs
from pipeline.money import sek
from pipeline.read.previous import Earlier, PreviousReport, changed_ledger_files, sek_ore
from pipeline.settings import Settings

# The headline figures shown against last year's, as dotted results.json keys; a key either
# report lacks is left out (the legal criteria came with a later release than the share).
COMPARED = (
    "teckal.window_share", "teckal.met", "teckal.review", "teckal.headroom_sek", "teckal.exemption_holds",
    "teckal.criteria.activity.met", "teckal.criteria.control.status", "teckal.criteria.private_capital.status",
    "open_market.share", "open_market.window_share", "open_market.met",
    "activities.cost_sharing.revenue_sek", "activities.sales.revenue_sek", "activities.sales.result_sek",
    "suppliers.flagged",
)
SHARE_FIGURES = ("controlling_sek", "total_sek", "share")


def with_continuity(results: Any, earlier: Earlier, inputs: Inputs, classified: dict[int, pd.DataFrame],
                    settings: Settings) -> Any:
    """The results (pipeline.compute.results.Results) with `figures.continuity` and its tables."""
    results = surplus_with_report(results, earlier.previous, inputs.year, classified)
    continuity, tables = continuity_figures(earlier, inputs, classified, results.figures, settings)
    transparency = transparency_with_report(results.figures.transparency, earlier.previous, inputs.year, settings)
    results.figures = replace(results.figures, continuity=continuity, transparency=transparency)
    results.tables = {**results.tables, **tables}
    return results


def surplus_with_report(results: Any, previous: PreviousReport | None, year: int,
                        classified: dict[int, pd.DataFrame]) -> Any:
    """The flag "cost-sharing surplus over several years" needs last year's result per service:
    when last year's ledger is not in the inputs, a cost-sharing service with a surplus this year
    and, by last year's report, last year too is flagged (amount: both years' surplus; rows: this
    year's lines of the service). Only last year is known from the report: a surplus in the
    window's first year alone is not seen without its ledger."""
    if previous is None or year - 1 in classified:
        return results
    from pipeline.compute.flags import FLAG_ROW_COLUMNS as _ROW_COLUMNS  # the flag rows' columns

    figures = results.figures
    flagged = {f.subject for f in figures.flags if f.id == "cost_sharing_surplus"}
    last_year = {e.get("code"): e for e in previous.results.get("services", [])
                 if e.get("activity") == "cost_sharing" and "result_sek" in e}
    added, rows = [], []
    for service in figures.services:
        before = last_year.get(service.code)
        if (service.activity != "cost_sharing" or service.code in flagged or before is None
                or sek_ore(service.result_sek) <= 0 or sek_ore(before["result_sek"]) <= 0):
            continue
        lines = classified[year]
        behind = lines.loc[equal(lines["service"], service.code), _ROW_COLUMNS]
        added.append(Flag(id="cost_sharing_surplus", subject=service.code,
                          amount_sek=sek(sek_ore(service.result_sek) + sek_ore(before["result_sek"])),
                          rows=len(behind), severity="warning", sheet=SHEET_FLAG_ROWS))
        rows.append(behind.assign(flag="cost_sharing_surplus", subject=service.code)[["flag", "subject", *_ROW_COLUMNS]])
    if not added:
        return results
    results.figures = replace(figures, flags=(*figures.flags, *added))
    tables = dict(results.tables)
    tables[SHEET_FLAG_ROWS] = pd.concat([tables.get(SHEET_FLAG_ROWS), *rows], ignore_index=True)
    tables[SHEET_FLAGS] = pd.concat([tables.get(SHEET_FLAGS), pd.DataFrame(
        [[f.id, f.subject, f.amount_sek, f.rows, f.severity, f.sheet] for f in added],
        columns=["id", "subject", "amount_sek", "rows", "severity", "sheet"])], ignore_index=True)
    results.tables = tables
    return results


def transparency_with_report(transparency: Transparency, previous: PreviousReport | None, year: int,
                             settings: Settings) -> Transparency:
    """The transparency-act screen needs last year's net turnover: when last year's ledger is not
    in the inputs, it is taken from last year's report (converted at this year's rate, compared
    exactly, as compute does)."""
    if previous is None or any(y.year == year - 1 for y in transparency.years):
        return transparency
    stated = next((y for y in previous.results.get("transparency", {}).get("years", []) if y.get("year") == year - 1),
                  None)
    if stated is None:
        return transparency
    turnover_ore = sek_ore(stated["turnover_sek"])
    rate = settings.rules.eur_sek
    exact_eur = Fraction(turnover_ore, 100) / Fraction(rate)
    earlier = TurnoverYear(year=year - 1, turnover_sek=stated["turnover_sek"],
                           turnover_eur=str((Decimal(turnover_ore) / 100 / rate).quantize(Decimal("0.01"))),
                           over=exact_eur > Fraction(settings.thresholds.transparency_eur))
    years = tuple(sorted((*transparency.years, earlier), key=lambda y: y.year))
    return replace(transparency, years=years, applies=len(years) == 2 and all(y.over for y in years))


def ledger_snapshot(lines: pd.DataFrame, year: int) -> LedgerSnapshot:
    """One classified ledger year: its lines, activity revenue, and lines and amount per account."""
    revenue = int(lines.loc[lines["line_type"].isin(ACTIVITY_REVENUE), "revenue_ore"].sum())
    # Grouped on the account numbers themselves, then ordered as texts ("1510" < "193"): a text
    # per line of a million would be made only to be grouped.
    grouped = lines.groupby(lines["account"] if pd.api.types.is_integer_dtype(lines["account"])
                            else lines["account"].astype(str), sort=True)["amount_ore"]
    totals = {str(a): AccountTotal(lines=int(n), amount_sek=sek(int(s)))
              for a, n, s in zip(grouped.size().index, grouped.size().to_numpy(), grouped.sum().to_numpy())}
    accounts = dict(sorted(totals.items()))
    return LedgerSnapshot(year=year, lines=len(lines), revenue_sek=sek(revenue), accounts=accounts)


def members_at_year_end(members: pd.DataFrame, year: int) -> tuple[str, ...]:
    """Org. nos. of the members in force on 31 December of `year`, sorted."""
    end = pd.Timestamp(date(year, 12, 31))
    start = pd.to_datetime(members["member_from"])
    stop = pd.to_datetime(members["member_to"])
    in_force = (start.isna() | (start <= end)) & (stop.isna() | (stop >= end))
    return tuple(sorted({str(o) for o in members.loc[in_force, "orgnr"] if str(o)}))


def continuity_figures(earlier: Earlier, inputs: Inputs, classified: dict[int, pd.DataFrame], figures: Figures,
                       settings: Settings) -> tuple[Continuity, dict[str, pd.DataFrame]]:
    year = inputs.year
    previous = earlier.previous
    snapshots = tuple(ledger_snapshot(classified[y], y) for y in sorted(classified))
    members = members_at_year_end(inputs.members, year)
    changed, ledger_table = ledger_changes(previous, inputs, {s.year: s for s in snapshots})
    own = next((y.share for y in figures.teckal.years if y.year == year), None)
    trend = tuple(TrendYear(year=y, share=s) for y, s in {**earlier.trend, year: own}.items())
    restated: tuple[Restated, ...] = ()
    changes = None
    compared: tuple[Compared, ...] = ()
    if previous is not None:
        restated = restated_figures(previous, figures)
        changes = register_changes(previous, figures, members, settings)
        compared = compared_figures(previous, figures)
    continuity = Continuity(
        previous_report=str(previous.year) if previous is not None else None,
        previous_ref=previous.ref if previous is not None else None,
        changed_inputs=changed, restated=restated, changes=changes, compared=compared, trend=trend,
        members=members, ledgers=snapshots, sheet=SHEET_CHANGES, ledger_sheet=SHEET_LEDGER_CHANGES,
    )
    tables = {}
    if previous is not None:
        tables[SHEET_CHANGES] = changes_table(continuity)
    if len(ledger_table):
        tables[SHEET_LEDGER_CHANGES] = ledger_table
    return continuity, tables


def ledger_changes(previous: PreviousReport | None, inputs: Inputs, now: dict[int, LedgerSnapshot]
                   ) -> tuple[tuple[ChangedInput, ...], pd.DataFrame]:
    """Each prior year whose ledger files differ from the earlier manifest's: lines and revenue
    now minus then, and the per-account table (lines and amount then, now, and the difference)."""
    columns = ["year", "account", "lines_before", "lines_now", "lines_delta", "amount_before_ore",
               "amount_now_ore", "amount_delta_ore"]
    changed_files = changed_ledger_files(previous, inputs.files, inputs.year)
    if previous is None or not changed_files:
        return (), pd.DataFrame(columns=columns)
    before_snapshots = {int(s["year"]): s for s in previous.results.get("continuity", {}).get("ledgers", [])}
    rows_before = _rows_by_year(previous.manifest.get("inputs", []))
    rows_now = _rows_by_year(inputs.files)
    entries, records = [], []
    for y, files in sorted(changed_files.items()):
        before, current = before_snapshots.get(y), now.get(y)
        revenue_delta = None
        if before is not None and current is not None:
            revenue_delta = sek(sek_ore(current.revenue_sek) - sek_ore(before["revenue_sek"]))
            accounts_before = before.get("accounts", {})
            for account in sorted(set(accounts_before) | set(current.accounts)):
                then = accounts_before.get(account, {"lines": 0, "amount_sek": "0.00"})
                new = current.accounts.get(account, AccountTotal(0, "0.00"))
                then_ore, new_ore = sek_ore(then["amount_sek"]), sek_ore(new.amount_sek)
                if then["lines"] == new.lines and then_ore == new_ore:
                    continue
                records.append({"year": y, "account": account, "lines_before": int(then["lines"]),
                                "lines_now": new.lines, "lines_delta": new.lines - int(then["lines"]),
                                "amount_before_ore": then_ore, "amount_now_ore": new_ore,
                                "amount_delta_ore": new_ore - then_ore})
        entries.append(ChangedInput(year=y, file=", ".join(files), lines_delta=rows_now.get(y, 0) - rows_before.get(y, 0),
                                    revenue_delta_sek=revenue_delta))
    return tuple(entries), pd.DataFrame(records, columns=columns)


def _rows_by_year(files: list[dict[str, Any]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for entry in files:
        head = str(entry.get("path", "")).split("/", 1)[0]
        if entry.get("kind") == "ledger" and head.isdigit():
            out[int(head)] = out.get(int(head), 0) + int(entry.get("rows", 0) or 0)
    return out


def restated_figures(previous: PreviousReport, figures: Figures) -> tuple[Restated, ...]:
    """Window years both reports state, where this run's figure differs from the earlier one's.
    Years this run took from that very report are the same by construction and left out."""
    out = []
    for y in figures.teckal.years:
        reported = previous.teckal_years.get(y.year)
        if reported is None or y.source == "report":
            continue
        for name in SHARE_FIGURES:
            then, now = reported.get(name), getattr(y, name)
            if _differs(name, then, now):
                out.append(Restated(year=y.year, figure=name, reported=then, now=now))
    return tuple(out)


def _differs(name: str, then: Any, now: Any) -> bool:
    if then is None or now is None:
        return (then is None) != (now is None)
    if name.endswith("_sek"):
        return sek_ore(then) != sek_ore(now)
    from decimal import Decimal

    return Decimal(str(then)) != Decimal(str(now))


def register_changes(previous: PreviousReport, figures: Figures, members: tuple[str, ...],
                     settings: Settings) -> Changes | None:
    earlier = previous.results
    before_members = earlier.get("continuity", {}).get("members")
    if before_members is None:
        return None
    services_before = {e["code"]: e for e in earlier.get("service_catalogue", []) if e.get("in_catalogue", True)}
    services_now = {e.code: e for e in figures.service_catalogue if e.in_catalogue}
    reclassified = tuple(
        Reclassified(code=code, before=services_before[code].get("activity", ""), after=services_now[code].activity,
                     decision_reference=services_now[code].decision_reference,
                     decision_date=services_now[code].decision_date)
        for code in sorted(set(services_before) & set(services_now))
        if services_before[code].get("activity", "") != services_now[code].activity
    )
    flags_before = {(f["id"], f.get("subject", "")) for f in earlier.get("flags", [])}
    flags_now = {(f.id, f.subject) for f in figures.flags}
    return Changes(
        members_joined=tuple(sorted(set(members) - set(before_members))),
        members_left=tuple(sorted(set(before_members) - set(members))),
        services_added=tuple(sorted(set(services_now) - set(services_before))),
        services_removed=tuple(sorted(set(services_before) - set(services_now))),
        services_reclassified=reclassified,
        flags_new=tuple(FlagRef(*f) for f in sorted(flags_now - flags_before)),
        flags_still_open=tuple(FlagRef(*f) for f in sorted(flags_now & flags_before)),
        flags_resolved=tuple(FlagRef(*f) for f in sorted(flags_before - flags_now)),
        settings_changed=settings_changes(earlier.get("settings"), settings.as_dict()),
    )


def settings_changes(before: dict[str, Any] | None, now: dict[str, Any]) -> tuple[SettingChange, ...]:
    """Every setting whose value differs (the language of the report is not a rule)."""
    if not before:
        return ()
    flat_before, flat_now = _flatten(before), _flatten(now)
    ignored = {"organisation.language"}
    return tuple(SettingChange(setting=k, before=_plain(flat_before.get(k)), after=_plain(flat_now.get(k)))
                 for k in sorted(set(flat_before) | set(flat_now))
                 if k not in ignored and _plain(flat_before.get(k)) != _plain(flat_now.get(k)))


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) if not isinstance(v, (list, tuple)) else "-".join(map(str, v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compared_figures(previous: PreviousReport, figures: Figures) -> tuple[Compared, ...]:
    now = results_json(figures)
    out = []
    for key in COMPARED:
        then_value, now_value = _at(previous.results, key), _at(now, key)
        if then_value is _MISSING and now_value is _MISSING:
            continue
        out.append(Compared(figure=key, before=None if then_value is _MISSING else then_value,
                            now=None if now_value is _MISSING else now_value))
    return tuple(out)


_MISSING = object()


def _at(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def changes_table(continuity: Continuity) -> pd.DataFrame:
    """The changes sheet: one row per change, its kind, its subject, before and after."""
    rows: list[dict[str, Any]] = []

    def add(kind: str, subject: str, before: Any = "", after: Any = "", reference: str = "", flag: str = "",
            figure: str = "", setting: str = "") -> None:
        # Codes (flag, figure, setting) in columns of their own, so the workbook shows each in
        # words; before and after as written in results.json.
        rows.append({"kind": kind, "flag": flag, "figure": figure, "setting": setting, "subject": subject,
                     "before": "" if before is None else str(before), "after": "" if after is None else str(after),
                     "reference": reference})

    for c in continuity.changed_inputs:
        add("ledger_changed", f"{c.year}: {c.file}", "", f"{c.lines_delta:+d} / {c.revenue_delta_sek or ''}")
    for r in continuity.restated:
        add("restated", f"{r.year} {r.figure}", r.reported, r.now, continuity.previous_ref or "")
    changes = continuity.changes
    if changes is not None:
        for kind, subject in changes.named_only():
            add(kind, subject)
        for s in changes.services_reclassified:
            add("service_reclassified", s.code, s.before, s.after, s.decision_reference)
        for kind, flags in (("flag_new", changes.flags_new), ("flag_still_open", changes.flags_still_open),
                            ("flag_resolved", changes.flags_resolved)):
            for f in flags:
                add(kind, f.subject, flag=f.id)
        for s in changes.settings_changed:
            add("setting_changed", "", s.before, s.after, setting=s.setting)
    for c in continuity.compared:
        add("figure", "", c.before, c.now, figure=c.figure)
    return pd.DataFrame(rows, columns=["kind", "flag", "figure", "setting", "subject", "before", "after", "reference"])


def changed_inputs_only(earlier: Earlier, inputs: Inputs, settings: Settings) -> tuple[ChangedInput, ...]:
    """For `check`: the prior-year ledgers changed since last year's report, classifying only
    those years (the full comparison is the report's)."""
    from pipeline.classify import classify_ledger

    changed = changed_ledger_files(earlier.previous, inputs.files, inputs.year)
    snapshots = {y: ledger_snapshot(classify_ledger(inputs.ledgers[y], inputs.members, inputs.counterparties,
                                                    inputs.services, settings), y)
                 for y in changed if y in inputs.ledgers}
    return ledger_changes(earlier.previous, inputs, snapshots)[0]
