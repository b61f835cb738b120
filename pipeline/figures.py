"""The figures compute hands to the writers: small frozen records, one per figure group.

Every field is named as its key in results.json, and `to_json` is the one serialiser: it walks
the records in field order, so results.json's keys and their order follow from these classes.
Money is a two-decimal SEK string, a share a decimal string (or None when there is no share),
as DATA-CONTRACT.md defines them; the writers format these, they never recompute them. A writer
reads attributes (`figures.teckal.window_share`), so a renamed or missing figure fails at once
instead of leaving a row out.

What does not fit a fixed record stays a plain mapping and says so: the settings as written,
the manifest entries of the input files, per-category and per-year maps.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

Money = str  # two-decimal SEK, e.g. "1234.50"
Share = str | None  # decimal string with at least six decimals; None: no share (total 0)

_OMIT_IF_NONE = {"omit_if_none": True}


def to_json(value: Any) -> Any:
    """Plain JSON data (dicts, lists, str, int, bool, None) from figure records."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if f.metadata.get("omit_if_none") and item is None:
                continue
            out[f.metadata.get("json", f.name)] = to_json(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


# --- Teckal (DOMAIN R4) ------------------------------------------------------------------------

@dataclass(frozen=True)
class TeckalYear:
    """One year of the three-year window: its two totals and where they come from."""

    year: int
    controlling_sek: Money
    total_sek: Money
    share: Share
    source: str  # ledger | history | report
    grants_sek: Money | None  # ledger years only
    by_category_sek: dict[str, Money] | None  # counterparty category -> revenue; ledger years only
    # source "report": "<outputs>/<folder>/<year>/results.json sha256:<hash>" of the earlier report
    source_ref: str | None = field(default=None, metadata=_OMIT_IF_NONE)


@dataclass(frozen=True)
class CostBasedShare:
    """The alternative activity measure: full cost split over counterparty categories; for the
    report year, and over the window's ledger years (history years have no costs)."""

    share: Share
    controlling_cost_sek: Money
    attributed_cost_sek: Money
    met: bool
    year: int
    window_share: Share = None
    window_controlling_cost_sek: Money | None = None
    window_attributed_cost_sek: Money | None = None
    window_met: bool | None = None
    window_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class SensitivityCase:
    """The window verdict under one changed assumption."""

    case: str
    window_share: Share
    met: bool
    controlling_sek: Money
    total_sek: Money


# --- The three criteria (DOMAIN R8) ----------------------------------------------------------

@dataclass(frozen=True)
class ActivityCriterion:
    met: bool
    status: str  # met | not_met | provisional
    provisional: bool


@dataclass(frozen=True)
class RepresentationGap:
    """A period in which a controlling member had no formal representative (days inclusive)."""

    orgnr: str
    name: str
    from_: str = field(metadata={"json": "from"})
    to: str
    days: int


@dataclass(frozen=True)
class SharedRepresentative:
    """One person appointed for several members (allowed, directive art. 12(3)(i))."""

    representative: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class ControlCriterion:
    status: str  # documented | gaps | not_documented
    members_without_full_representation: tuple[str, ...]
    controlling_members: int
    fully_represented: int
    gaps: tuple[RepresentationGap, ...]
    shared_representatives: tuple[SharedRepresentative, ...]
    sheet: str


@dataclass(frozen=True)
class PrivateCapitalCriterion:
    status: str  # no_private_owner | flags
    private_members: tuple[str, ...]


@dataclass(frozen=True)
class TeckalCriteria:
    activity: ActivityCriterion
    control: ControlCriterion
    private_capital: PrivateCapitalCriterion


@dataclass(frozen=True)
class Teckal:
    threshold: str
    review_band: str
    grants: str  # include | exclude (settings.rules.grants)
    years: tuple[TeckalYear, ...]
    years_count: int
    missing_years: tuple[int, ...]
    window_controlling_sek: Money
    window_total_sek: Money
    window_share: Share
    mean_share: Share
    mean_disagrees: bool
    met: bool
    review: bool
    headroom_sek: Money | None
    next_year_headroom_sek: Money | None
    # The window share with the other grants treatment; results.json names it after that
    # treatment ("window_share_grants_excluded" when grants are included, and the reverse).
    other_grants_share: Share = field(metadata={"json": "window_share_grants_other"})
    other_grants_met: bool = field(metadata={"json": "met_grants_other"})
    cost_based: CostBasedShare
    sensitivity: tuple[SensitivityCase, ...]
    # R4: the smallest extra controlling revenue that would make a window that is not met, met.
    controlling_needed_sek: Money | None = None
    provisional: bool = False  # fewer than three years of figures: the verdict is preliminary
    # R8: the exemption holds only when all three criteria hold (None: not assessed).
    exemption_holds: bool | None = field(default=None, metadata=_OMIT_IF_NONE)
    criteria: TeckalCriteria | None = field(default=None, metadata=_OMIT_IF_NONE)

    @property
    def other_grants(self) -> str:
        """The grants treatment the alternative share uses: "excluded" or "included"."""
        return "excluded" if self.grants == "include" else "included"


# --- Separate accounts (R5) --------------------------------------------------------------------

@dataclass(frozen=True)
class CauseTotals:
    """Unassigned revenue of one cause (no_service_code, not_in_catalogue, undecided)."""

    revenue_sek: Money
    allocated_cost_sek: Money
    full_cost_sek: Money


@dataclass(frozen=True)
class ActivityTotals:
    """One activity's separate income statement (cost_sharing, sales or unassigned); the
    unassigned one is also kept apart by cause (R5)."""

    revenue_sek: Money
    direct_cost_sek: Money
    allocated_cost_sek: Money
    full_cost_sek: Money
    result_sek: Money
    coverage: Share
    by_cause: dict[str, CauseTotals] | None = field(default=None, metadata=_OMIT_IF_NONE)


@dataclass(frozen=True)
class Activities:
    cost_sharing: ActivityTotals
    sales: ActivityTotals
    unassigned: ActivityTotals

    def of(self, activity: str) -> ActivityTotals:
        """The totals of an activity named by its code word (for loops over ACTIVITIES)."""
        if activity not in ("cost_sharing", "sales", "unassigned"):
            raise KeyError(activity)
        return getattr(self, activity)


@dataclass(frozen=True)
class ServiceAccount:
    """One service's (or unassigned revenue's) separate income statement for the report year."""

    code: str
    name: str
    activity: str
    in_catalogue: bool
    revenue_sek: Money
    non_controlling_revenue_sek: Money
    direct_cost_sek: Money
    allocated_cost_sek: Money
    full_cost_sek: Money
    result_sek: Money
    coverage: Share
    key_weight: str  # öre for the revenue and direct-cost keys; the catalogue's number for a key table
    key_share: Share  # the service's part of the key: its weight over the sum of weights
    # A row without a code is revenue without a service code: no_service_code, or account_range
    # (an activity by account); a service without an activity is not_in_catalogue or undecided.
    cause: str = ""


@dataclass(frozen=True)
class CatalogueEntry:
    """A service as the catalogue documents it (or a code the ledger uses that it lacks)."""

    code: str
    in_catalogue: bool
    activity: str
    name: str
    classification: str
    legal_basis: str
    member_need: str
    target_group: str
    pricing: str
    decision_reference: str
    market_assessment: str
    decision_date: str | None
    exclusivity: bool | None


@dataclass(frozen=True)
class KeyComparison:
    """The report year's activity totals under one allocation key (when the key changed)."""

    key: str
    activities: Activities


@dataclass(frozen=True)
class Allocation:
    key: str
    keys_by_year: dict[str, str]
    key_changed: bool
    comparison: tuple[KeyComparison, ...]
    shared_cost_sek: Money
    unallocated_sek: Money


# --- Open market, suppliers, transparency, flags -----------------------------------------------

@dataclass(frozen=True)
class OpenMarket:
    """The Hamburg test (R5): `met` is on the window basis, everything outside the cooperation;
    `share` is the report year's private share, as before."""

    share: Share
    threshold: str
    met: bool
    private_sek: Money
    total_sek: Money
    window_share: Share = None
    window_outside_sek: Money | None = None
    window_total_sek: Money | None = None
    window_private_share: Share = None
    window_private_sek: Money | None = None
    window_private_total_sek: Money | None = None
    private_years: tuple[int, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class SupplierEntry:
    """One supplier as the report lists it; `share` of market spend for market suppliers only."""

    supplier: str
    name: str
    orgnr: str
    group: str  # market | member
    spend_sek: Money
    procurement_form: str
    procurement_reference: str
    in_list: bool
    share: Share = field(default=None, metadata=_OMIT_IF_NONE)


@dataclass(frozen=True)
class FlaggedSupplier:
    supplier: str
    name: str
    orgnr: str
    group: str
    spend_sek: Money
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    rows: int
    sheet: str


@dataclass(frozen=True)
class DirectAwardKind:
    """Direct-award spend of one kind of purchase in the year, all suppliers together (R6)."""

    kind: str
    spend_sek: Money
    suppliers: tuple[str, ...]
    lines: int
    over_limit: bool


@dataclass(frozen=True)
class Suppliers:
    source: str  # ledger | purchases
    spend_sek: Money
    count: int
    flagged: int
    market_spend_sek: Money
    member_spend_sek: Money
    top_share: Share
    herfindahl: Share
    flags_by_kind: dict[str, int]
    flagged_suppliers: tuple[FlaggedSupplier, ...]
    top_market_suppliers: tuple[SupplierEntry, ...]
    member_suppliers: tuple[SupplierEntry, ...]
    direct_award_kind_setting: str = "account"
    direct_award_limit_sek: Money | None = None
    direct_award_kinds: tuple[DirectAwardKind, ...] = ()  # every kind with direct-award spend, largest first
    direct_award_sheet: str = ""


@dataclass(frozen=True)
class TurnoverYear:
    year: int
    turnover_sek: Money
    turnover_eur: str
    over: bool


@dataclass(frozen=True)
class Transparency:
    """The screen for lag 2005:590 (net turnover against the threshold in two years)."""

    eur_sek: str
    threshold_eur: str
    years: tuple[TurnoverYear, ...]
    applies: bool


@dataclass(frozen=True)
class Flag:
    """A lead for review (R5), with the number of rows behind it on `sheet`."""

    id: str
    subject: str
    amount_sek: Money
    rows: int
    severity: str  # critical | warning
    sheet: str


@dataclass(frozen=True)
class ServiceEvaluation:
    """R9: one service's evaluation: its decision fields, separate accounts, result and flags."""

    code: str
    name: str
    in_catalogue: bool
    classification: str
    activity: str
    complete: bool
    missing_fields: tuple[str, ...]
    has_separate_accounts: bool
    revenue_sek: Money
    full_cost_sek: Money
    result_sek: Money
    coverage: Share
    flags: tuple[str, ...]
    duty_flag: bool


@dataclass(frozen=True)
class Evaluation:
    duty_applies: bool
    duty_first_year: int
    services: tuple[ServiceEvaluation, ...]
    incomplete: tuple[str, ...]
    duty_flags: tuple[str, ...]
    sheet: str


@dataclass(frozen=True)
class RowCounts:
    """Ledger and accounts-payable data rows of the report year's files: read = used + rejected."""

    ledger_read: int
    ledger_used: int
    ledger_rejected: int
    purchases_read: int
    purchases_used: int
    purchases_rejected: int


# --- Data quality (R7) -------------------------------------------------------------------------

@dataclass(frozen=True)
class RejectedReason:
    reason: str
    rows: int


@dataclass(frozen=True)
class RejectedRows:
    total: int
    critical: int
    by_reason: tuple[RejectedReason, ...]
    sheet: str


@dataclass(frozen=True)
class ControlTotal:
    """Control totals of one input file and sheet."""

    kind: str
    file: str
    sheet: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    first_date: str
    last_date: str
    debit_sek: Money
    credit_sek: Money


@dataclass(frozen=True)
class ValidationCheck:
    """One Great Expectations check and its outcome."""

    suite: str
    check: str
    column: str
    severity: str
    description: str
    success: bool
    unexpected_count: int
    element_count: int


@dataclass(frozen=True)
class JournalResult:
    """One journal-entry test: its findings (in the unit an auditor reads) and its sheet."""

    test: str
    findings: int
    severity: str
    description: str
    sheet: str
    # A short result in words and the settings the test read ({"journal.key": value}); absent in
    # the results.json of releases before them.
    detail: str | None = field(default=None, metadata=_OMIT_IF_NONE)
    thresholds: dict[str, str] | None = field(default=None, metadata=_OMIT_IF_NONE)


@dataclass(frozen=True)
class DataQuality:
    rejected: RejectedRows
    control_totals: tuple[ControlTotal, ...]
    control_totals_sheet: str
    validation: tuple[ValidationCheck, ...]
    validation_sheet: str
    journal: tuple[JournalResult, ...]


# --- The second year: what changed since last year's report (issue 18) -------------------------

@dataclass(frozen=True)
class ChangedInput:
    """A prior year's ledger that differs from the one last year's report read."""

    year: int
    file: str  # the changed, added or removed files of that year, comma-separated
    lines_delta: int  # data rows now minus then (the two manifests' row counts)
    revenue_delta_sek: Money | None  # activity revenue now minus then; None: the earlier report lacks it


@dataclass(frozen=True)
class Restated:
    """A prior-year figure recomputed now that differs from what the earlier report stated."""

    year: int
    figure: str  # controlling_sek | total_sek | share
    reported: str | None
    now: str | None


@dataclass(frozen=True)
class Reclassified:
    code: str
    before: str  # activity: cost_sharing | sales | unassigned
    after: str
    decision_reference: str
    decision_date: str | None


@dataclass(frozen=True)
class FlagRef:
    id: str
    subject: str


@dataclass(frozen=True)
class SettingChange:
    setting: str  # dotted, as in results.json's settings
    before: str
    after: str


@dataclass(frozen=True)
class Changes:
    members_joined: tuple[str, ...]
    members_left: tuple[str, ...]
    services_added: tuple[str, ...]
    services_removed: tuple[str, ...]
    services_reclassified: tuple[Reclassified, ...]
    flags_new: tuple[FlagRef, ...]
    flags_still_open: tuple[FlagRef, ...]
    flags_resolved: tuple[FlagRef, ...]
    settings_changed: tuple[SettingChange, ...]

    def named_only(self) -> tuple[tuple[str, str], ...]:
        """(kind, org. no. or service code) of the changes that are a name and nothing more:
        members joined and left, services added and removed, in the order the report lists them."""
        return (*(("member_joined", o) for o in self.members_joined), *(("member_left", o) for o in self.members_left),
                *(("service_added", c) for c in self.services_added),
                *(("service_removed", c) for c in self.services_removed))


@dataclass(frozen=True)
class Compared:
    """One headline figure (dotted results.json key) last year and now."""

    figure: str
    before: Any
    now: Any


@dataclass(frozen=True)
class TrendYear:
    """The yearly share of a year the outputs folder holds a report for (or of this report)."""

    year: int
    share: Share


@dataclass(frozen=True)
class AccountTotal:
    lines: int
    amount_sek: Money


@dataclass(frozen=True)
class LedgerSnapshot:
    """One ledger year as this run read it: kept in results.json so that next year's run can
    tell what changed in that ledger, account by account."""

    year: int
    lines: int
    revenue_sek: Money  # activity revenue (revenue and grants lines)
    accounts: dict[str, AccountTotal]


@dataclass(frozen=True)
class Continuity:
    previous_report: str | None  # the earlier report's year, or None when there is none
    previous_ref: str | None  # its results.json and SHA-256
    changed_inputs: tuple[ChangedInput, ...]
    restated: tuple[Restated, ...]
    changes: Changes | None  # None: no earlier report, or one without the register snapshot
    compared: tuple[Compared, ...]
    trend: tuple[TrendYear, ...]
    members: tuple[str, ...]  # members in force at the end of the year (next year's comparison)
    ledgers: tuple[LedgerSnapshot, ...]
    sheet: str
    ledger_sheet: str


# --- The whole ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """Everything results.json holds. `data_quality`, `settings` and `inputs` are added by the
    run once validation has answered (`with_run_facts`); compute leaves them None."""

    organisation: str
    organisation_orgnr: str
    year: int
    inputs_folder: str
    teckal: Teckal
    activities: Activities
    services: tuple[ServiceAccount, ...]
    service_catalogue: tuple[CatalogueEntry, ...]
    allocation: Allocation
    open_market: OpenMarket
    suppliers: Suppliers
    transparency: Transparency
    flags: tuple[Flag, ...]
    rows: RowCounts
    evaluation: Evaluation | None = field(default=None, metadata=_OMIT_IF_NONE)  # R9
    data_quality: DataQuality | None = field(default=None, metadata=_OMIT_IF_NONE)
    settings: dict[str, Any] | None = field(default=None, metadata=_OMIT_IF_NONE)  # as written
    inputs: tuple[dict[str, Any], ...] | None = field(default=None, metadata=_OMIT_IF_NONE)  # manifest entries
    continuity: Continuity | None = field(default=None, metadata=_OMIT_IF_NONE)  # vs last year's report


def results_json(figures: Figures) -> dict[str, Any]:
    """results.json's content. The alternative grants share is named after its treatment."""
    data = to_json(figures)
    teckal = data["teckal"]
    other = figures.teckal.other_grants
    renamed = {}
    for key, value in teckal.items():
        if key == "window_share_grants_other":
            key = f"window_share_grants_{other}"
        elif key == "met_grants_other":
            key = f"met_grants_{other}"
        renamed[key] = value
    data["teckal"] = renamed
    return data


def figures_from_json(data: dict[str, Any]) -> Figures:
    """The records back from results.json's content (an earlier report, or a test's figures).
    A missing key raises KeyError and an unknown one ValueError: the file is not this version's."""
    teckal = dict(data["teckal"])
    other = "excluded" if teckal.get("grants") == "include" else "included"
    teckal["window_share_grants_other"] = teckal.pop(f"window_share_grants_{other}")
    teckal["met_grants_other"] = teckal.pop(f"met_grants_{other}")
    return _record(Figures, {**data, "teckal": teckal})


def _record(cls: type, data: dict[str, Any]) -> Any:
    hints = get_type_hints(cls)
    known = {f.metadata.get("json", f.name): f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {', '.join(unknown)}")
    values = {}
    for key, f in known.items():
        if key not in data:
            # A field with a default was added later (issue 14's figures): results.json of the
            # version before it reads with that default. Any other missing key is an error.
            if f.metadata.get("omit_if_none") or f.default is not MISSING:
                continue
            raise KeyError(f"{cls.__name__}.{key}")
        values[f.name] = _value(hints[f.name], data[key])
    return cls(**values)


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin in (UnionType, Union):
        options = [a for a in args if a is not type(None)]
        return _value(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        return tuple(_value(args[0], v) for v in value)
    if origin is dict and len(args) == 2 and is_dataclass(args[1]):
        return {k: _value(args[1], v) for k, v in value.items()}
    if is_dataclass(hint):
        return _record(hint, value)
    return value
