"""The organisation profile and every rule choice, read from `settings.toml`.

Every key has a default (the conservative reading of DOMAIN.md); the shipped example writes
them all out. Unknown keys and values of the wrong type are settings errors (exit code 2),
never silently ignored. The result is one frozen object passed explicitly to each stage.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.errors import SettingsError
from pipeline.messages import Text, messages

AccountRanges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Accounts:
    """The chart of accounts as ranges (inclusive). Defaults are BAS."""

    revenue: AccountRanges = ((3000, 3999),)
    grants: AccountRanges = ((3980, 3989),)
    excluded: AccountRanges = ((3740, 3749),)  # öres- och kronutjämning, internal transfers
    costs: AccountRanges = ((4000, 7999),)
    vat: AccountRanges = ((2600, 2699),)
    # Revenue lines without a service code on these accounts get that activity (R5), e.g.
    # membership fees on their own account are cost-sharing; the rest stays "no service code".
    cost_sharing_without_code: AccountRanges = ()
    sales_without_code: AccountRanges = ()


@dataclass(frozen=True)
class Thresholds:
    teckal: Decimal = Decimal("0.80")
    open_market: Decimal = Decimal("0.20")
    review_band: Decimal = Decimal("0.01")
    direct_award_limit_sek: Decimal = Decimal("700000")
    supplier_concentration: Decimal = Decimal("0.25")
    transparency_eur: Decimal = Decimal("40000000")


@dataclass(frozen=True)
class Rules:
    grants: str = "include"  # include | exclude
    allocation_key: str = "revenue"  # revenue | direct_cost | table
    # Allocation key per year where it changed; years not named use allocation_key.
    allocation_key_by_year: tuple[tuple[int, str], ...] = ()
    eur_sek: Decimal = Decimal("11.50")  # exchange rate for the transparency-act screen
    # The "kind" of purchase the direct-award limit adds up over the year (R6, LOU 19 a kap.):
    # account (the cost account), account_group (its first two digits) or category (the supplier
    # list's Inköpskategori).
    direct_award_kind: str = "account"
    # The sign of a ledger's single amount column (Belopp): debit positive as SIE and BAS, or
    # credit positive as some ERPs export it. Debet/Kredit columns and SIE files need none.
    ledger_sign: str = "debit_positive"  # debit_positive | credit_positive
    # How a date written "3/4/2025" is read: auto refuses it (day or month first is unknown),
    # d/m/yyyy reads 3 April, m/d/yyyy 4 March. ISO dates and Excel dates need no setting.
    date_format: str = "auto"  # auto | d/m/yyyy | m/d/yyyy
    # Last year's outputs folder, relative to the input folder; empty: outputs/<folder>/<year - 1>
    previous_report: str = ""

    def key_for(self, year: int) -> str:
        return dict(self.allocation_key_by_year).get(year, self.allocation_key)


@dataclass(frozen=True)
class JournalTests:
    """Thresholds of the journal-entry tests (pipeline/validate/journal). The sources of the
    defaults are written beside each key in inputs/example/settings.toml."""

    round_amount_sek: Decimal = Decimal("10000")  # revenue and cost amounts that are whole multiples
    period_end_days: int = 7  # the last days of the fiscal year
    seldom_used_max_lines: int = 3  # accounts with at most this many lines in the year
    receivable_accounts: AccountRanges = ((1500, 1599),)  # BAS 15 kundfordringar
    bank_accounts: AccountRanges = ((1900, 1999),)  # BAS 19 kassa och bank
    # Further accounts revenue may be credited against; BAS 3740 öres- och kronutjämning is on
    # every rounded customer invoice.
    clearing_accounts: AccountRanges = ((3740, 3749),)
    largest_entries: int = 25  # the top N lines by absolute amount
    materiality_sek: Decimal = Decimal("1000000")  # lines above this are listed
    split_window_days: int = 30  # calendar days of the split-purchase window
    benford_min_lines: int = 1000  # first-digit test
    benford_two_digit_min_lines: int = 3000  # first-two-digits test


@dataclass(frozen=True)
class Organisation:
    name: str = "Organisation"
    orgnr: str = ""
    language: str = "sv"  # sv | en


@dataclass(frozen=True)
class Settings:
    organisation: Organisation = field(default_factory=Organisation)
    accounts: Accounts = field(default_factory=Accounts)
    thresholds: Thresholds = field(default_factory=Thresholds)
    rules: Rules = field(default_factory=Rules)
    journal: JournalTests = field(default_factory=JournalTests)
    # Column mappings per input kind: {"ledger": {"My header": "amount", ...}, ...}
    columns: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def column_map(self, kind: str) -> dict[str, str]:
        return dict(dict(self.columns).get(kind, ()))

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form for the manifest and the report's method section."""
        return {
            "organisation": _plain(self.organisation),
            "accounts": _plain(self.accounts),
            "thresholds": _plain(self.thresholds),
            "rules": _plain(self.rules),
            "journal": _plain(self.journal),
            "columns": {kind: dict(m) for kind, m in self.columns},
        }


def _plain(obj: Any) -> dict[str, Any]:
    out = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[f.name] = value
    return out


SETTINGS_FILE = "settings.toml"
_CHOICES = {
    ("rules", "grants"): ("include", "exclude"),
    ("rules", "allocation_key"): ("revenue", "direct_cost", "table"),
    ("rules", "direct_award_kind"): ("account", "account_group", "category"),
    ("rules", "ledger_sign"): ("debit_positive", "credit_positive"),
    ("rules", "date_format"): ("auto", "d/m/yyyy", "m/d/yyyy"),
    ("organisation", "language"): ("sv", "en"),
}
_COLUMN_KINDS = ("ledger", "members", "counterparties", "services", "suppliers", "history", "purchases",
                 "governance")


def load_settings(folder: Path, language: str | None = None) -> Settings:
    """Read `settings.toml` from the input folder; a missing file means all defaults.

    Settings errors are told in `language` (the --lang flag) when given, else in the file's
    own `[organisation] language` when that much can be read, else in Swedish.
    """
    path = folder / SETTINGS_FILE
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            text = messages(language or "sv")
            raise SettingsError(text("settings.unreadable", file=path.name, detail=exc)) from None
    error_language = language or _stated_language(raw)
    settings = settings_from_dict(raw, path.name, error_language)
    if language:
        settings = _replace(settings, "organisation",
                            language=_choice("organisation", "language", language, path.name, messages(language)))
    return settings


# Names that are no organisation's name: the default and the templates' placeholders.
PLACEHOLDER_NAMES = frozenset({"", "organisation", "organisationens namn", "organisation name",
                               "the organisation's name", "namn", "name"})


def require_organisation(folder: Path, settings: Settings) -> None:
    """A report is for a named organisation: settings.toml must exist and give a real name and
    a valid org. no. (DATA-CONTRACT: both required). Raises SettingsError (exit 2) saying how."""
    from stdnum.se import orgnr as se_orgnr

    text = messages(settings.organisation.language)
    path = Path(folder) / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(text("settings.missing", folder=Path(folder).name))
    problems = []
    if settings.organisation.name.strip().casefold() in PLACEHOLDER_NAMES:
        problems.append(text("settings.no_name", name=settings.organisation.name))
    compact = "".join(ch for ch in settings.organisation.orgnr if ch.isdigit())
    if len(compact) == 12 and compact[:2] in ("16", "19", "20"):
        compact = compact[2:]
    if len(compact) != 10 or not se_orgnr.is_valid(compact):
        problems.append(text("settings.no_orgnr", orgnr=settings.organisation.orgnr))
    if problems:
        raise SettingsError(text("settings.organisation_required", file=f"{Path(folder).name}/{SETTINGS_FILE}",
                                 problems="; ".join(problems)))


def _stated_language(raw: dict[str, Any]) -> str:
    organisation = raw.get("organisation")
    stated = organisation.get("language") if isinstance(organisation, dict) else None
    return stated if stated in _CHOICES[("organisation", "language")] else "sv"


def settings_from_dict(raw: dict[str, Any], source: str = SETTINGS_FILE, language: str = "sv") -> Settings:
    """Settings from the parsed TOML; errors are told in `language` (sv | en)."""
    text = messages(language)
    known = {"organisation": Organisation, "accounts": Accounts, "thresholds": Thresholds, "rules": Rules,
             "journal": JournalTests}
    unknown = sorted(set(raw) - set(known) - {"columns"})
    if unknown:
        raise SettingsError(text("settings.unknown_sections", file=source, unknown=", ".join(unknown),
                                 known=", ".join([*known, "columns"])))
    parts: dict[str, Any] = {}
    for section, cls in known.items():
        values = raw.get(section, {})
        if not isinstance(values, dict):
            raise SettingsError(text("settings.not_table", file=source, section=section))
        parts[section] = _build(cls, section, values, source, text)
    parts["columns"] = _columns(raw.get("columns", {}), source, text)
    return Settings(**parts)


def _build(cls: type, section: str, values: dict[str, Any], source: str, text: Text) -> Any:
    defaults = cls()
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise SettingsError(text("settings.unknown_keys", file=source, section=section, unknown=", ".join(unknown),
                                 known=", ".join(sorted(names))))
    kwargs = {}
    for name, value in values.items():
        default = getattr(defaults, name)
        where = f"{source}: [{section}] {name}"
        if isinstance(default, Decimal):
            kwargs[name] = _decimal(value, where, text)
        elif isinstance(default, int) and not isinstance(default, bool):
            kwargs[name] = _count(value, where, text)
        elif name == "allocation_key_by_year":
            kwargs[name] = _key_by_year(value, where, text)
        elif isinstance(default, tuple):
            kwargs[name] = _ranges(value, where, text)
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise SettingsError(text("settings.not_text", where=where, kind=_toml_type(value)))
            kwargs[name] = _choice(section, name, value, source, text) if (section, name) in _CHOICES else value
    return replace(defaults, **kwargs)


def _toml_type(value: Any) -> str:
    """The TOML name of a value's type, as the person who wrote the file sees it."""
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    return names.get(type(value), type(value).__name__)


def _replace(settings: Settings, section: str, **kwargs: Any) -> Settings:
    return replace(settings, **{section: replace(getattr(settings, section), **kwargs)})


def _choice(section: str, name: str, value: str, source: str, text: Text) -> str:
    allowed = _CHOICES[(section, name)]
    if value not in allowed:
        raise SettingsError(text("settings.not_allowed", file=source, section=section, name=name, value=repr(value),
                                 allowed=", ".join(allowed)))
    return value


def _decimal(value: Any, where: str, text: Text) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SettingsError(text("settings.not_number", where=where, value=_toml_type(value)))
    try:
        # Floats from TOML go through their shortest repr, so 0.8 becomes exactly 0.8.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).replace(" ", ""))
    except InvalidOperation:
        raise SettingsError(text("settings.not_number", where=where, value=repr(value))) from None
    if not number.is_finite() or number < 0:
        raise SettingsError(text("settings.negative", where=where, value=repr(value)))
    return number


def _count(value: Any, where: str, text: Text) -> int:
    """A whole number of days, lines or entries: 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(text("settings.not_count", where=where, value=repr(value)))
    if value < 0:
        raise SettingsError(text("settings.negative", where=where, value=repr(value)))
    return value


def _ranges(value: Any, where: str, text: Text) -> AccountRanges:
    if not isinstance(value, list):
        raise SettingsError(text("settings.range_list", where=where))
    out = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = [item, item]
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(a, int) and not isinstance(a, bool) for a in item)
            or item[0] > item[1]
        ):
            raise SettingsError(text("settings.not_range", where=where, value=repr(item)))
        out.append((item[0], item[1]))
    return tuple(out)


def _key_by_year(value: Any, where: str, text: Text) -> tuple[tuple[int, str], ...]:
    if not isinstance(value, dict):
        raise SettingsError(text("settings.key_by_year_table", where=where))
    allowed = _CHOICES[("rules", "allocation_key")]
    out = []
    for year, key in value.items():
        if not str(year).isdigit() or key not in allowed:
            raise SettingsError(text("settings.key_by_year_item", where=where, year=year, value=repr(key),
                                     allowed=", ".join(allowed)))
        out.append((int(year), key))
    return tuple(sorted(out))


def _columns(value: Any, source: str, text: Text) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    if not isinstance(value, dict):
        raise SettingsError(text("settings.columns_table", file=source))
    out = []
    for kind, mapping in sorted(value.items()):
        if kind not in _COLUMN_KINDS:
            raise SettingsError(text("settings.columns_kind", file=source, kind=kind, known=", ".join(_COLUMN_KINDS)))
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise SettingsError(text("settings.columns_map", file=source, kind=kind))
        out.append((kind, tuple(sorted(mapping.items()))))
    return tuple(out)
