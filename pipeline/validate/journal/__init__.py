"""Journal-entry tests on one year's ledger: the auditors' standard list (R7, ISA 240).

Entry: `journal_tests(ledger, year, settings)` -> {test name: table}, in TEST_NAMES order, and
`journal_summary(tables, language, settings)` -> one row per test (findings, severity, what it
looks for, a short result, the settings it used). Each table holds the ledger rows behind its
findings (`source_id` and the columns that matter), so every count can be followed to its rows.

Modules, one group of tests each: `integrity` (unbalanced vouchers, duplicates, voucher gaps,
dates outside the year), `dates` (weekends, public holidays, period end), `accounts`
(seldom-used accounts, unusual revenue counter accounts, largest entries), `purchases` (split
purchases, shared with the supplier view), `digits` (Benford, round amounts, strata).

All vectorised (no Python loop over lines); money stays integer öre. This package does not
decide whether the run stops (the validate stage makes `unbalanced_vouchers` critical) and
does not classify counterparties or services.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from pipeline.messages import messages
from pipeline.model import in_ranges
from pipeline.settings import Settings
from pipeline.validate.journal.accounts import largest_entries, seldom_used_accounts, unusual_revenue_combinations
from pipeline.validate.journal.common import (
    LINE_COLUMNS,
    Vouchers,
    activity_revenue_mask,
    amounts,
    blank,
    ledger_vouchers,
    lines,
    ore,
    stripped,
    voucher_codes,
)
from pipeline.validate.journal.dates import REGISTRATION_DATE, holiday_postings, period_end_postings, weekend_postings
from pipeline.validate.journal.digits import (
    BENFORD_MIN_ORE,
    NIGRINI_FIRST_DIGIT_BOUNDS,
    NIGRINI_FIRST_TWO_DIGITS_BOUNDS,
    TOO_FEW_LINES,
    amount_strata,
    benford_first_digit,
    benford_first_two_digits,
    first_digits,
    first_two_digits,
    round_amounts,
)
from pipeline.validate.journal.integrity import (
    DUPLICATE_KEY,
    _voucher_series_and_number,
    duplicate_lines,
    outside_fiscal_year,
    unbalanced_vouchers,
    voucher_gaps,
)
from pipeline.validate.journal.purchases import split_purchases

_first_digits = first_digits  # the name the tests and older code know

__all__ = [
    "BENFORD_MIN_ORE",
    "DUPLICATE_KEY",
    "LINE_COLUMNS",
    "NIGRINI_FIRST_DIGIT_BOUNDS",
    "NIGRINI_FIRST_TWO_DIGITS_BOUNDS",
    "SEVERITY",
    "TEST_NAMES",
    "Vouchers",
    "_first_digits",
    "_voucher_series_and_number",
    "amount_strata",
    "benford_first_digit",
    "benford_first_two_digits",
    "describe_test",
    "duplicate_lines",
    "first_digits",
    "first_two_digits",
    "holiday_postings",
    "journal_summary",
    "journal_tests",
    "largest_entries",
    "ledger_vouchers",
    "outside_fiscal_year",
    "period_end_postings",
    "round_amounts",
    "seldom_used_accounts",
    "split_purchases",
    "supplier_cost_lines",
    "unbalanced_vouchers",
    "unusual_revenue_combinations",
    "voucher_codes",
    "voucher_gaps",
    "weekend_postings",
]

TEST_NAMES = [
    "unbalanced_vouchers", "duplicate_lines", "voucher_gaps", "outside_fiscal_year",
    "revenue_without_counterparty", "revenue_without_service", "round_amounts", "weekend_postings",
    "holiday_postings", "period_end_postings", "seldom_used_accounts", "unusual_revenue_combinations",
    "largest_entries", "split_purchases", "benford_revenue", "benford_costs", "benford_revenue_two_digits",
    "benford_costs_two_digits", "amount_strata",
]

SEVERITY = {
    "unbalanced_vouchers": "critical",
    "duplicate_lines": "warning",
    "voucher_gaps": "warning",
    "outside_fiscal_year": "warning",
    "revenue_without_counterparty": "warning",
    "revenue_without_service": "warning",
    "round_amounts": "warning",
    "weekend_postings": "warning",
    "holiday_postings": "warning",
    "period_end_postings": "warning",
    "seldom_used_accounts": "warning",
    "unusual_revenue_combinations": "warning",
    "largest_entries": "info",
    "split_purchases": "warning",
    "benford_revenue": "warning",
    "benford_costs": "warning",
    "benford_revenue_two_digits": "warning",
    "benford_costs_two_digits": "warning",
    "amount_strata": "info",
}

# The settings each test reads ("section.key"), shown beside its result.
THRESHOLD_SETTINGS = {
    "round_amounts": ("journal.round_amount_sek",),
    "period_end_postings": ("journal.period_end_days",),
    "seldom_used_accounts": ("journal.seldom_used_max_lines",),
    "unusual_revenue_combinations": ("journal.receivable_accounts", "journal.bank_accounts",
                                     "journal.clearing_accounts"),
    "largest_entries": ("journal.largest_entries", "journal.materiality_sek"),
    "split_purchases": ("thresholds.direct_award_limit_sek", "journal.split_window_days"),
    "benford_revenue": ("journal.benford_min_lines",),
    "benford_costs": ("journal.benford_min_lines",),
    "benford_revenue_two_digits": ("journal.benford_two_digit_min_lines",),
    "benford_costs_two_digits": ("journal.benford_two_digit_min_lines",),
}


def describe_test(name: str, language: str = "sv") -> str:
    """What journal test `name` looks for, in Swedish or English (the `journal.*` messages)."""
    return messages(language)(f"journal.{name}")


def journal_tests(ledger: pd.DataFrame, year: int, settings: Settings,
                  vouchers: Vouchers | None = None) -> dict[str, pd.DataFrame]:
    """All journal tests on the ledger lines of fiscal year `year`, by test name (TEST_NAMES).
    `vouchers`: the ledger's voucher index when the caller has made it (`common.Vouchers`)."""
    journal = settings.journal
    revenue = activity_revenue_mask(ledger, settings)
    costs = in_ranges(ledger["account"], settings.accounts.costs)
    # Only the columns the revenue tests report: copying every column of half a ledger is slow.
    revenue_lines = ledger.loc[revenue, [c for c in LINE_COLUMNS if c in ledger.columns]]
    revenue_amounts = amounts(revenue_lines)
    cost_amounts = amounts(ledger)[costs]
    usual = journal.receivable_accounts + journal.bank_accounts + journal.clearing_accounts
    vouchers = voucher_codes(ledger, vouchers)
    return {
        "unbalanced_vouchers": unbalanced_vouchers(ledger, year, vouchers),
        "duplicate_lines": duplicate_lines(ledger, vouchers),
        "voucher_gaps": voucher_gaps(ledger, vouchers),
        "outside_fiscal_year": outside_fiscal_year(ledger, year),
        "revenue_without_counterparty": lines(revenue_lines[blank(revenue_lines, "counterparty")]),
        "revenue_without_service": lines(revenue_lines[blank(revenue_lines, "service")]),
        "round_amounts": round_amounts(ledger, revenue | costs, ore(journal.round_amount_sek)),
        "weekend_postings": weekend_postings(ledger),
        "holiday_postings": holiday_postings(ledger, settings.organisation.language),
        "period_end_postings": period_end_postings(ledger, year, journal.period_end_days),
        "seldom_used_accounts": seldom_used_accounts(ledger, journal.seldom_used_max_lines),
        "unusual_revenue_combinations": unusual_revenue_combinations(ledger, revenue, usual, vouchers),
        "largest_entries": largest_entries(ledger, journal.largest_entries, ore(journal.materiality_sek)),
        "split_purchases": split_purchases(supplier_cost_lines(ledger, costs),
                                           ore(settings.thresholds.direct_award_limit_sek), journal.split_window_days),
        "benford_revenue": benford_first_digit(revenue_amounts, journal.benford_min_lines),
        "benford_costs": benford_first_digit(cost_amounts, journal.benford_min_lines),
        "benford_revenue_two_digits": benford_first_two_digits(revenue_amounts, journal.benford_two_digit_min_lines),
        "benford_costs_two_digits": benford_first_two_digits(cost_amounts, journal.benford_two_digit_min_lines),
        "amount_strata": amount_strata(ledger, revenue, costs),
    }


def supplier_cost_lines(ledger: pd.DataFrame, costs: np.ndarray) -> pd.DataFrame:
    """The ledger's cost lines with a counterparty, in the shape `split_purchases` reads: the
    supplier is the normalised org. no., else the counterparty as written; a voucher is one
    invoice."""
    wanted = [c for c in ("date", "voucher", "amount_ore", "counterparty", "counterparty_raw", "source_id")
              if c in ledger.columns]
    # Only these columns: copying every column of half a ledger is slow.
    rows = ledger.loc[costs & ~blank(ledger, "counterparty_raw" if "counterparty_raw" in ledger.columns
                                     else "counterparty"), wanted]
    normalised = stripped(rows["counterparty"]) if "counterparty" in rows.columns else np.full(len(rows), "", object)
    written = stripped(rows["counterparty_raw"]) if "counterparty_raw" in rows.columns else normalised
    return pd.DataFrame({
        "supplier": np.where(normalised != "", normalised, written),
        "date": rows["date"].to_numpy(),
        "invoice": stripped(rows["voucher"]),
        "amount_ore": amounts(rows),
        "source_id": rows["source_id"].to_numpy(),
    })


def journal_summary(tables: dict[str, pd.DataFrame], language: str = "sv",
                    settings: Settings | None = None) -> pd.DataFrame:
    """One row per test: name, number of findings, severity, what it looks for, a short result
    (`detail`) and the settings it used (`thresholds`: {"section.key": value}), in `language`.

    Findings are counted in the unit an auditor reads: vouchers for unbalanced vouchers and
    unusual revenue combinations; accounts for seldom-used accounts; patterns for split
    purchases; missing numbers plus reused numbers for voucher gaps; lines above materiality for
    the largest entries; 1 for a Benford test whose verdict is marginal or nonconforming (never
    for one with too few lines); none for the strata, which are information only; else lines.
    """
    text = messages(language)
    settings = settings or Settings()
    rows = []
    for name in [n for n in TEST_NAMES if n in tables]:
        table = tables[name]
        findings = _findings(name, table)
        rows.append({"test": name, "findings": int(findings), "severity": SEVERITY[name],
                     "description": describe_test(name, language), "detail": _detail(name, table, findings, text, settings),
                     "thresholds": {key: _setting_value(settings, key) for key in THRESHOLD_SETTINGS.get(name, ())}})
    return pd.DataFrame(rows, columns=["test", "findings", "severity", "description", "detail", "thresholds"])


def _findings(name: str, table: pd.DataFrame) -> int:
    if name in ("unbalanced_vouchers", "unusual_revenue_combinations"):
        return int(table["voucher"].nunique())
    if name == "voucher_gaps":
        gaps = table[table["finding"] == "gap"]
        reused = table[table["finding"] == "reused"]
        return int(gaps["missing_count"].sum()) + len(reused[["series", "first_number"]].drop_duplicates())
    if name == "seldom_used_accounts":
        return int(table["account"].nunique())
    if name == "split_purchases":
        return int(table["split_group"].nunique())
    if name == "largest_entries":
        return int(table["above_materiality"].sum())
    if name.startswith("benford_"):
        return int(table["verdict"].iloc[0] in ("marginal", "nonconforming")) if len(table) else 0
    if name == "amount_strata":
        return 0
    return len(table)


def _detail(name: str, table: pd.DataFrame, findings: int, text, settings: Settings) -> str:
    """A short result in words: the share, the verdict, or what a count is made of."""
    journal = settings.journal

    def n(count: int) -> str:  # 12 345 in Swedish, 12,345 in English
        grouped = f"{int(count):,}"
        return grouped.replace(",", "\u00a0") if text.language == "sv" else grouped

    if name == "round_amounts":
        tested = int(table.attrs.get("lines_tested", 0))
        return text("journal_detail.round_amounts", found=n(len(table)), tested=n(tested),
                    share=_percent(Fraction(len(table), tested) if tested else Fraction(0), text.language))
    if name == "period_end_postings":
        registered = int(table["registered_after_year_end"].sum())
        key = "journal_detail.period_end_registered" if REGISTRATION_DATE in table.columns \
            else "journal_detail.period_end_no_registration"
        return text(key, last=n(table["in_last_days"].sum()), days=n(journal.period_end_days), registered=n(registered))
    if name in ("weekend_postings", "holiday_postings"):
        return text("journal_detail.lines_days", lines=n(len(table)), days=n(table["date"].nunique()))
    if name == "seldom_used_accounts":
        return text("journal_detail.accounts_lines", accounts=n(findings), lines=n(len(table)))
    if name == "unusual_revenue_combinations":
        return text("journal_detail.vouchers_lines", vouchers=n(findings), lines=n(len(table)))
    if name == "split_purchases":
        return text("journal_detail.patterns_lines", patterns=n(findings), lines=n(len(table)))
    if name == "largest_entries":
        return text("journal_detail.largest_entries", above=n(findings), top=n(table["in_top"].sum()))
    if name.startswith("benford_") and len(table):
        first = table.iloc[0]
        if first["verdict"] == TOO_FEW_LINES:
            return text("journal_detail.too_few_lines", lines=n(first["lines"]), minimum=n(first["min_lines"]))
        if first["verdict"] == "no lines":
            return text("journal_detail.no_lines")
        mad = f"{first['mad']:.4f}".replace(".", "," if text.language == "sv" else ".")
        return text("journal_detail.benford", lines=n(first["lines"]), mad=mad,
                    verdict=text(f"journal_verdict.{first['verdict']}"))
    return ""


def _percent(share: Fraction, language: str) -> str:
    """A share as a percentage with two decimals, for reading only (nothing is compared on it)."""
    percent = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    shown = f"{percent} %"
    return shown.replace(".", ",") if language == "sv" else shown


def _setting_value(settings: Settings, key: str) -> str:
    section, name = key.split(".")
    value = getattr(getattr(settings, section), name)
    if isinstance(value, tuple):
        return ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in value)
    return str(value)

