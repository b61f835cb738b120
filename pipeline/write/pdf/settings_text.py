"""The run's settings as a board member or auditor reads them: a label in the report's language
and the value written the language's way ("0,80", "700 000 kr", "4000–7999", "svenska"), never
the settings file's keys or raw TOML ("thresholds.teckal", "[[4000, 7999]]", "{}").

The labels are in report_text.toml under [setting]; a setting without a label there is shown by
its section and name, so a new setting is never hidden (tests/test_write_pdf_language.py lists
the settings of the example and fails when one has no label).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.write.pdf.common import Context

# How each setting's value reads; any other value is shown by its type.
MONEY_SEK = {"thresholds.direct_award_limit_sek", "journal.round_amount_sek", "journal.materiality_sek"}
MONEY_EUR = {"thresholds.transparency_eur"}
RATE_SEK = {"rules.eur_sek"}
CODED = {"rules.allocation_key": "key", "rules.grants": "grants"}
# Settings whose value is a code word with its own label under [setting] "value.<name>.<code>".
WORDED = {"rules.direct_award_kind", "rules.ledger_sign", "rules.date_format"}


def settings_rows(ctx: Context, settings: dict[str, Any]) -> list[list[str]]:
    """[label, value] per setting, in the order of the settings file's sections."""
    rows = []
    for section in settings:
        values = settings[section]
        if isinstance(values, dict) and section != "columns":
            for name in values:
                rows.append([_label(ctx, f"{section}.{name}"), _value(ctx, f"{section}.{name}", values[name])])
        else:
            rows.append([_label(ctx, section), _value(ctx, section, values)])
    return rows


def setting_label(ctx: Context, key: str) -> str:
    """A setting's label in the report's language ("journal.period_end_days" -> its words)."""
    return _label(ctx, key)


def setting_value(ctx: Context, key: str, value: Any) -> str:
    """A setting's value written the report language's way."""
    return _value(ctx, key, value)


def _label(ctx: Context, key: str) -> str:
    entry = f"setting.{key}"
    return ctx.text(entry) if ctx.text.has(entry) else key


def _number(ctx: Context, value: Any) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    decimals = max(0, -number.normalize().as_tuple().exponent) if number != number.to_integral_value() else 0
    # Thresholds keep the decimals they were given ("0.80" -> "0,80").
    given = str(value).partition(".")[2]
    return ctx.fmt.decimal(str(number), max(decimals, len(given)) if given.isdigit() else decimals)


def _value(ctx: Context, key: str, value: Any) -> str:
    t = ctx.text
    if value is None or value == "" or value == [] or value == {}:
        return t("setting.none")
    if key in CODED:
        return ctx.label(CODED[key], str(value))
    if key in WORDED:
        entry = f"setting.value.{key.split('.', 1)[1]}.{value}"
        return t(entry) if t.has(entry) else str(value)
    if key == "organisation.language":
        return t(f"setting.language_{value}") if t.has(f"setting.language_{value}") else str(value)
    if key in MONEY_SEK:
        return f"{_number(ctx, value)}\u00a0{t('setting.sek')}"
    if key in MONEY_EUR:
        return f"{_number(ctx, value)}\u00a0EUR"
    if key in RATE_SEK:
        return t("setting.rate", rate=_number(ctx, value))
    if (key.startswith("accounts.") or key.endswith("_accounts")) and isinstance(value, list):
        return ", ".join(_account_range(r) for r in value)
    if key == "rules.allocation_key_by_year" and isinstance(value, (dict, list)):
        pairs = value.items() if isinstance(value, dict) else [tuple(p) for p in value if len(p) == 2]
        return "; ".join(f"{year}: {ctx.label('key', str(key_name))}" for year, key_name in pairs)
    if key == "columns" and isinstance(value, dict):
        return "; ".join(f"{header} \u2192 {column}" for header, column in value.items())
    if isinstance(value, bool):
        return ctx.yes_no(value)
    if isinstance(value, (int, float, str)) and _number(ctx, value) is not None and not isinstance(value, bool):
        return _number(ctx, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _account_range(bounds: Any) -> str:
    """[4000, 7999] -> "4000–7999"; one account alone as itself."""
    if isinstance(bounds, (list, tuple)) and len(bounds) == 2:
        low, high = bounds
        return str(low) if low == high else f"{low}\u2013{high}"
    return str(bounds)
