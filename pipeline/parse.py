"""Cell values to typed columns: amounts in öre, dates, accounts, org. nos., text, flags.

Each parser takes one column of raw cells as the readers deliver them (float, int, str, date,
datetime, None or "") and returns the typed values, an `empty` mask and a per-cell error
message ("" where the cell parsed). Parsers never drop or guess: a cell that cannot be read
exactly gets an error naming its value, and the caller decides what an empty cell means.

Speed: a column is factorised first, so each distinct cell value is parsed once (dates,
accounts, org. nos. and codes repeat a lot); amounts are parsed with vectorised numpy/pandas
string operations, never a float sum and never a per-row Python loop.

This module does not know about files, headers or rejection policy (see `pipeline.read`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import numpy as np
import pandas as pd
from stdnum.se import orgnr as se_orgnr

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # serial 1 = 1900-01-01 after Lotus' leap-year bug
# Excel serials between these are dates 1927-05-18 .. 2173-10-14; anything else numeric is not.
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999
# An öre amount with more than 15 digits is beyond int64 safety for sums of a million lines.
MAX_ORE_DIGITS = 15

ORGNR_MISSING = "missing"
ORGNR_INVALID = "invalid"
ORGNR_MULTIPLE = "multiple"
ORGNR_FOREIGN_VAT = "foreign_vat"
# Cell texts that mean "no org. no." in real exports.
_MISSING_TOKENS = {"", "-", "--", "saknas", "null", "none", "n/a", "na", "ej angivet", "okänd", "okand"}


@dataclass
class Parsed:
    """One parsed column: `values`, `empty` (cell blank) and `error` ("" = fine)."""

    values: np.ndarray
    empty: np.ndarray
    error: np.ndarray

    @property
    def bad(self) -> np.ndarray:
        return self.error != ""


def _as_object(cells: Any) -> np.ndarray:
    if isinstance(cells, pd.Series):
        cells = cells.to_numpy(dtype=object)
    return np.asarray(cells, dtype=object)


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, NaN, or text of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value
    )


def blank_mask(cells: Any) -> np.ndarray:
    """True where a cell is empty (None, NaN, "" or only whitespace)."""
    return _per_unique(_as_object(cells), lambda v: (is_blank(v), ""), np.bool_, True).values


def _per_unique(cells: np.ndarray, parse_one: Callable[[Any], tuple[Any, str]], dtype: Any,
                na_value: Any) -> Parsed:
    """Apply `parse_one` to each distinct cell value once; spread the results back by code."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    results = [parse_one(u) for u in uniques]
    # One extra slot at the end serves code -1 (None/NaN): an empty cell.
    values = np.empty(len(results) + 1, dtype=dtype)
    errors = np.empty(len(results) + 1, dtype=object)
    empties = np.zeros(len(results) + 1, dtype=bool)
    for i, (value, error) in enumerate(results):
        values[i] = value
        errors[i] = error
        empties[i] = is_blank(uniques[i])
    values[-1], errors[-1], empties[-1] = na_value, "", True
    return Parsed(values[codes], empties[codes], errors[codes])


def matches(texts: Any, pattern: re.Pattern) -> np.ndarray:
    """True where the text starts with a match of `pattern`; each distinct text tried once."""
    codes, uniques = pd.factorize(_as_object(texts), use_na_sentinel=True)
    hits = np.array([bool(pattern.match(str(u))) for u in uniques] + [False], dtype=bool)
    return hits[codes]


def cell_text(value: Any) -> str:
    """A cell as the text a reader of the sheet sees: 12.0 -> "12", dates as ISO, blanks ""."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(cells: Any) -> Parsed:
    """Text columns: stripped str, "" for empty; numbers without a spurious ".0"."""
    return _per_unique(_as_object(cells), lambda v: (cell_text(v), ""), object, "")


# ---------------------------------------------------------------- amounts

_AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f\u2009']")
_AMOUNT_SHAPE = re.compile(
    r"^(?P<open>\()?(?P<sign>[+\-\u2212])?(?:(?P<a>\d+)(?:[.,](?P<af>\d*))?"
    r"|(?P<b>\d{1,3}(?:,\d{3})+)(?:\.(?P<bf>\d*))?"
    r"|(?P<c>\d{1,3}(?:\.\d{3})+)(?:,(?P<cf>\d*))?)(?P<trail>-)?(?(open)\))$"
)
_CURRENCY = re.compile(r"(?i)^(?:sek|kr\.?)|(?:sek|kr\.?|:-)$")


def parse_amounts_ore(cells: Any, label: str = "amount") -> Parsed:
    """Amounts to integer öre. Numbers take a vectorised exact path; text a vectorised regex.

    Accepted text: "1 234,50", "-1.234,50", "1234.50", "1,234.50", "(1 234,50)", "1 234,50 kr",
    "1234:-", trailing minus, non-breaking or thin spaces. A single separator is a decimal
    separator (Swedish "12,50" and English "12.50"). More than two significant decimals is an
    error: money must be exact. A float cell is taken at its shortest repr ("1234.5" -> 123450);
    float noise from formulas (0.30000000000000004) rounds to the öre it obviously means.
    """
    raw = _as_object(cells)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    uniques = _as_object(uniques)
    n = len(uniques)
    ore = np.zeros(n + 1, dtype=np.int64)
    error = np.full(n + 1, "", dtype=object)
    empty = np.zeros(n + 1, dtype=bool)
    empty[-1] = True
    if n:
        kinds = pd.Series(uniques, dtype=object).map(type)
        is_number = kinds.isin([float, int, np.float64, np.int64]).to_numpy()
        is_text = (kinds == str).to_numpy()
        _numbers_to_ore(uniques, is_number, ore, error, label)
        text_blank = np.zeros(n, dtype=bool)
        if is_text.any():
            stripped = pd.Series(uniques[is_text], dtype=object).str.strip()
            text_blank[np.flatnonzero(is_text)] = (stripped == "").to_numpy()
        empty[:n] = text_blank | pd.isna(pd.Series(uniques, dtype=object)).to_numpy()
        _texts_to_ore(uniques, is_text & ~text_blank, ore, error, label)
        other = ~is_number & ~is_text & ~empty[:n]
        for i in np.flatnonzero(other):
            error[i] = f"{label} '{cell_text(uniques[i])}' is not a number"
    return Parsed(ore[codes], empty[codes], error[codes])


def _numbers_to_ore(uniques: np.ndarray, mask: np.ndarray, ore: np.ndarray, error: np.ndarray,
                    label: str) -> None:
    if not mask.any():
        return
    index = np.flatnonzero(mask)
    numbers = uniques[index].astype(np.float64)
    scaled = numbers * 100.0
    rounded = np.rint(scaled)
    finite = np.isfinite(scaled) & (np.abs(scaled) < 10.0**MAX_ORE_DIGITS)
    # A two-decimal number times 100 lands within a few ulps of an integer.
    tolerance = np.maximum(1e-6, np.abs(scaled) * 1e-13)
    exact = finite & (np.abs(scaled - rounded) <= tolerance)
    ore[index[exact]] = rounded[exact].astype(np.int64)
    for i in index[~exact]:
        value = uniques[i]
        cents, message = _decimal_to_ore(Decimal(repr(float(value))), cell_text(value), label, noise_ok=True)
        ore[i], error[i] = cents, message


def _decimal_to_ore(number: Decimal, shown: str, label: str, noise_ok: bool) -> tuple[int, str]:
    if not number.is_finite() or abs(number) >= Decimal(10) ** (MAX_ORE_DIGITS - 2):
        return 0, f"{label} '{shown}' is not a number in range"
    cents = number.quantize(Decimal("0.01"))
    if cents != number and not (noise_ok and abs(cents - number) < Decimal("1e-9")):
        return 0, f"{label} '{shown}' has more than two decimals (money must be exact)"
    return int(cents * 100), ""


def _texts_to_ore(uniques: np.ndarray, mask: np.ndarray, ore: np.ndarray, error: np.ndarray,
                  label: str) -> None:
    if not mask.any():
        return
    index = np.flatnonzero(mask)
    shown = pd.Series(uniques[index], dtype=object).str.strip()
    compact = shown.str.replace(_AMOUNT_NOISE, "", regex=True).str.replace(_CURRENCY, "", regex=True)
    parts = compact.str.extract(_AMOUNT_SHAPE)
    matched = parts["a"].notna() | parts["b"].notna() | parts["c"].notna()
    whole = parts["a"].fillna(parts["b"]).fillna(parts["c"]).fillna("0").str.replace(r"[.,]", "", regex=True)
    fraction = parts["af"].fillna(parts["bf"]).fillna(parts["cf"]).fillna("").str.rstrip("0")
    negative = (parts["sign"].isin(["-", "\u2212"]) | parts["open"].notna() | parts["trail"].notna())
    double_sign = parts["sign"].isin(["-", "\u2212"]) & (parts["open"].notna() | parts["trail"].notna())
    whole = whole.str.lstrip("0").replace("", "0")
    too_long = whole.str.len() > MAX_ORE_DIGITS - 2
    too_precise = fraction.str.len() > 2
    good = (matched & ~too_long & ~too_precise & ~double_sign).to_numpy()
    cents = (whole.where(good, "0").astype(np.int64) * 100
             + fraction.where(good, "").str.ljust(2, "0").astype(np.int64))
    ore[index[good]] = np.where(negative.to_numpy()[good], -cents.to_numpy()[good], cents.to_numpy()[good])
    for position in np.flatnonzero(~good):
        text = shown.iloc[position]
        if matched.iloc[position] and too_precise.iloc[position]:
            error[index[position]] = f"{label} '{text}' has more than two decimals (money must be exact)"
        elif matched.iloc[position] and too_long.iloc[position]:
            error[index[position]] = f"{label} '{text}' is too large"
        else:
            error[index[position]] = f"{label} '{text}' is not a number"


# ---------------------------------------------------------------- dates

_DATE_ISO = re.compile(
    r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DATE_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _one_date(value: Any, label: str) -> tuple[Any, str]:
    if is_blank(value):
        return np.datetime64("NaT", "ns"), ""
    if isinstance(value, dt.datetime):
        return np.datetime64(value.replace(tzinfo=None), "ns"), ""
    if isinstance(value, dt.date):
        return np.datetime64(value, "ns"), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19_000_101 <= number <= 21_001_231:
            return _ymd(str(int(number))[:4], str(int(number))[4:6], str(int(number))[6:], value, label)
        if SERIAL_MIN <= number <= SERIAL_MAX:
            # A fractional serial is a time of day on that date: the date is the whole part.
            return (EXCEL_EPOCH + np.timedelta64(int(number), "D")).astype("datetime64[ns]"), ""
        return np.datetime64("NaT", "ns"), f"{label} '{cell_text(value)}' is not a date"
    if isinstance(value, str):
        text = value.strip()
        match = _DATE_ISO.match(text)
        if match:
            return _ymd(*match.groups(), value, label)
        match = _DATE_DMY.match(text)
        if match:
            day, month, year = match.groups()
            return _ymd(year, month, day, value, label)
    return np.datetime64("NaT", "ns"), f"{label} '{cell_text(value)}' is not a date"


def _ymd(year: str, month: str, day: str, value: Any, label: str) -> tuple[Any, str]:
    try:
        return np.datetime64(dt.date(int(year), int(month), int(day)), "ns"), ""
    except ValueError:
        return np.datetime64("NaT", "ns"), f"{label} '{cell_text(value)}' is not a date"


def parse_dates(cells: Any, label: str = "date") -> Parsed:
    """Dates as datetime64[ns]: Excel dates and serials, ISO text with or without a time,
    "20250301", "01.03.2025". The time of day is dropped: ledgers book on dates."""
    return _per_unique(_as_object(cells), lambda v: _one_date(v, label), "datetime64[ns]",
                       np.datetime64("NaT", "ns"))


# ---------------------------------------------------------------- accounts

_ACCOUNT = re.compile(r"^(\d{3,8})(?:\.0+$|[\s\-–:.]+(.*))?$")  # "3011.0": a number written as text


def _one_account(value: Any, label: str) -> tuple[Any, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 0 < value < 10**8:
            return (int(value), ""), ""
        return (0, ""), f"{label} '{cell_text(value)}' is not an account number"
    text = cell_text(value)
    match = _ACCOUNT.match(text)
    if not match:
        return (0, ""), f"{label} '{text}' is not an account number"
    return (int(match.group(1)), (match.group(2) or "").strip()), ""


def parse_accounts(cells: Any, label: str = "account") -> tuple[Parsed, np.ndarray]:
    """Account numbers as int64; "3011 Tjänsteintäkter" gives 3011 and the name beside it."""
    parsed = _per_unique(_as_object(cells), lambda v: _one_account(v, label), object, (0, ""))
    numbers = np.fromiter((pair[0] for pair in parsed.values), dtype=np.int64, count=len(parsed.values))
    names = np.fromiter((pair[1] for pair in parsed.values), dtype=object, count=len(parsed.values))
    return Parsed(numbers, parsed.empty, parsed.error), names


# ---------------------------------------------------------------- org. nos.

_ORGNR_TOKEN = re.compile(r"(?<![\dA-Z])(?:SE)?\s?(\d{6,8}[-\s]?\d{4})(?:\s?01)?(?!\d)", re.IGNORECASE)
# A foreign VAT id: two country letters, then 2-13 characters with at least one digit.
_FOREIGN_VAT = re.compile(r"^(?!SE)[A-Z]{2}(?=[0-9A-Z]{2,13}$)[0-9A-Z]*\d[0-9A-Z]*$")


def normalise_orgnr(text: str) -> tuple[str, str]:
    """One cell to ("NNNNNN-NNNN", "") or ("", note), note one of missing, invalid,
    multiple, foreign_vat. Accepted forms: NNNNNN-NNNN, 10 digits, 12 digits with 16 or a
    century prefix (19/20, sole traders), and the VAT form SE NNNNNNNNNN 01."""
    cleaned = text.strip()
    if cleaned.lower() in _MISSING_TOKENS:
        return "", ORGNR_MISSING
    compact = re.sub(r"[\s\-.]", "", cleaned).upper()
    found = _ORGNR_TOKEN.findall(cleaned)
    if len(found) > 1:
        return "", ORGNR_MULTIPLE
    if compact.startswith("SE") and compact.endswith("01") and len(compact) == 14:
        compact = compact[2:12]
    elif _FOREIGN_VAT.match(compact):
        return "", ORGNR_FOREIGN_VAT
    if not compact.isdigit():
        return "", ORGNR_INVALID
    if len(compact) == 12 and compact[:2] in ("16", "19", "20"):
        compact = compact[2:]
    if len(compact) != 10 or not se_orgnr.is_valid(compact):
        return "", ORGNR_INVALID
    return f"{compact[:6]}-{compact[6:]}", ""


def parse_orgnrs(cells: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Org. no. column to (normalised, note, raw text), all str arrays; "" where none."""
    raw = parse_text(cells).values
    codes, uniques = pd.factorize(raw)
    pairs = [normalise_orgnr(u) for u in uniques]
    normalised = np.array([p[0] for p in pairs] or [""], dtype=object)
    notes = np.array([p[1] for p in pairs] or [""], dtype=object)
    return normalised[codes], notes[codes], raw


# ---------------------------------------------------------------- flags, integers, decimals

_YES = {"ja", "j", "yes", "y", "true", "sant", "x", "1"}
_NO = {"nej", "n", "no", "false", "falskt", "0"}


def _one_flag(value: Any, label: str, default: bool) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    text = cell_text(value).lower()
    if text == "":
        return default, ""
    if text in _YES:
        return True, ""
    if text in _NO:
        return False, ""
    return default, f"{label} '{cell_text(value)}' is neither ja nor nej"


def parse_flags(cells: Any, label: str, default: bool) -> Parsed:
    """ja/nej (yes/no, true/false, 1/0, x) to bool; an empty cell is `default`."""
    return _per_unique(_as_object(cells), lambda v: _one_flag(v, label, default), np.bool_, default)


def _one_integer(value: Any, label: str) -> tuple[int, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), ""
    text = cell_text(value)
    if text.isdigit():
        return int(text), ""
    return 0, f"{label} '{text}' is not a whole number"


def parse_integers(cells: Any, label: str) -> Parsed:
    return _per_unique(_as_object(cells), lambda v: _one_integer(v, label), np.int64, 0)


def _one_decimal(value: Any, label: str) -> tuple[Any, str]:
    if is_blank(value):
        return None, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ""
    text = re.sub(r"[\s\u00a0]", "", cell_text(value)).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, f"{label} '{cell_text(value)}' is not a number"
    if not number.is_finite():
        return None, f"{label} '{cell_text(value)}' is not a number"
    return number, ""


def parse_decimals(cells: Any, label: str) -> Parsed:
    """Plain numbers (not money) as Decimal objects; None where empty."""
    return _per_unique(_as_object(cells), lambda v: _one_decimal(v, label), object, None)
