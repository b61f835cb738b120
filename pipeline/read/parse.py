"""Cell values to typed columns: amounts in öre, dates, accounts, org. nos., text, flags.

Each parser takes one column of raw cells as the readers deliver them (float, int, str, date,
datetime, None or "") and returns the typed values, an `empty` mask and a per-cell error
message ("" where the cell parsed). Parsers never drop or guess: a cell that cannot be read
exactly gets an error naming its value, and the caller decides what an empty cell means.

Speed: a column is factorised first, so each distinct cell value is parsed once (dates,
accounts, org. nos. and codes repeat a lot); amounts are parsed with vectorised numpy/pandas
string operations, never a float sum and never a per-row Python loop.

Hostile or odd text: Unicode format characters (zero-width spaces, byte-order marks,
left-to-right and right-to-left marks, bidi embeddings and overrides) are invisible copy-paste
debris in an identifier (org. no., account, voucher, code, amount, date) and are removed
there; control characters are replaced by their visible Unicode pictures (U+2400 block), so
the auditor sees that something odd was in the cell. In free text (names, line texts) format
characters that reorder what a reader sees (bidi embeddings, overrides, isolates) are made
visible as [U+202E]; other marks stay, as a name in Arabic or Hebrew needs them. Error messages
come from the message catalogue (`msg`, default English) and show at most `SHOWN_CHARS` of a
cell, so a 100 000-character cell cannot flood a message.

This module does not know about files, headers or rejection policy (see
`pipeline.read.builders`).
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import numpy as np
import pandas as pd
from stdnum.se import orgnr as se_orgnr

from pipeline.files import EXCEL_EPOCH
from pipeline.messages import Text, messages
from pipeline.vocabulary import vocabulary

# Excel serials between these are dates 1927-05-18 .. 2173-10-14; anything else numeric is not.
SERIAL_MIN, SERIAL_MAX = 10_000, 99_999
# An öre amount with more than 15 digits is beyond int64 safety for sums of a million lines.
MAX_ORE_DIGITS = 15

ORGNR_MISSING = "missing"
ORGNR_INVALID = "invalid"
ORGNR_MULTIPLE = "multiple"
ORGNR_FOREIGN_VAT = "foreign_vat"
# Before this a date is no booking date: Excel shows an empty or 0 cell formatted as a date as
# 1900-01-00 (calamine: 1899-12-31); no ledger, membership or contract dates from before 1901.
EARLIEST_DATE = dt.date(1901, 1, 1)
SHOWN_CHARS = 60  # of a cell's text in a message
# Invisible format characters (Unicode category Cf) seen in pasted identifiers; bidi controls
# (U+202A-U+202E, U+2066-U+2069) are the ones that reorder text on screen.
_FORMAT_CHARS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What `clean_identifier` and `clean_free_text` change in a stripped text: a text without any
# is kept as it is, so only the few odd texts go through them one by one.
_IDENTIFIER_CHANGES = re.compile(f"{_FORMAT_CHARS.pattern}|{_CONTROL_CHARS.pattern}")
_FREE_TEXT_CHANGES = re.compile(f"{_BIDI_CONTROLS.pattern}|{_CONTROL_CHARS.pattern}")
# Cell texts that mean "no org. no." in real exports.
_MISSING_TOKENS = {"", "-", "--", "saknas", "null", "none", "n/a", "na", "ej angivet", "okänd", "okand"}


FORMULA_WITHOUT_VALUE = "=?"  # the CellError code of a formula cell with no saved result


class CellError(str):
    """A cell the workbook marks as an Excel error (#REF!, #N/A, #DIV/0!, ...) or as a formula
    without a saved result (`FORMULA_WITHOUT_VALUE`). The reader puts these in place of calamine's "",
    so an error is never taken for an empty cell."""

    @property
    def code(self) -> str:
        return str(self)


def _msg(msg: Text | None) -> Text:
    return msg if msg is not None else messages("en")


def shown(value: Any) -> str:
    """A cell's text for a message: at most SHOWN_CHARS characters, control characters visible."""
    text = visible_controls(cell_text(value))
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS - 1]}… ({len(text)})"


def visible_controls(text: str) -> str:
    """Control characters as their Unicode pictures: "\x07" -> "␇" (DEL -> "␡")."""
    if not _CONTROL_CHARS.search(text):
        return text
    return _CONTROL_CHARS.sub(lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20
                              else "\u2421" if m.group() == "\x7f" else f"[U+{ord(m.group()):04X}]", text)


def clean_identifier(text: str) -> str:
    """An identifier's text: format characters removed, control characters made visible."""
    return visible_controls(_FORMAT_CHARS.sub("", text)).strip()


def clean_free_text(text: str) -> str:
    """Free text: control characters and bidi controls made visible, everything else kept."""
    text = _BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return visible_controls(text)


@dataclass
class Parsed:
    """One parsed column: `values`, `empty` (cell blank) and `error` ("" = fine)."""

    values: np.ndarray
    empty: np.ndarray
    error: np.ndarray

    @property
    def bad(self) -> np.ndarray:
        if self.error.ndim == 1 and self.error.strides[0] == 0 and len(self.error):
            # One message for every cell (`spread_errors`' view of "" when none has an error):
            # compared once, not a million times on each call.
            return np.full(len(self.error), self.error[0] != "", dtype=bool)
        return self.error != ""


_NO_ERROR = np.array("", dtype=object)


def spread_errors(errors: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each cell's error message from those of the distinct values (`codes` into `errors`). In
    the usual column no value has one: then every cell reads "" from one read-only view, not an
    array of its own (8 MB a million cells, for each column parsed)."""
    if not (errors != "").any():
        return np.broadcast_to(_NO_ERROR, codes.shape)
    return errors[codes]


def _as_object(cells: Any) -> np.ndarray:
    if isinstance(cells, pd.Series):
        cells = cells.to_numpy(dtype=object)
    return np.asarray(cells, dtype=object)


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, NaN, or text of only whitespace (never an error cell)."""
    if isinstance(value, CellError):
        return False
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value
    )


def blank_mask(cells: Any) -> np.ndarray:
    """True where a cell is empty (None, NaN, "" or only whitespace)."""
    return _per_unique(_as_object(cells), lambda v: (is_blank(v), ""), np.bool_, True).values


def _per_unique(cells: np.ndarray, parse_one: Callable[[Any], tuple[Any, str]], dtype: Any,
                na_value: Any, plain_text: re.Pattern | None = None) -> Parsed:
    """Apply `parse_one` to each distinct cell value once; spread the results back by code.

    With `plain_text`, a distinct value of type exactly `str` (not a `CellError`) whose stripped
    text has no match of `plain_text` is its own stripped text without error, set in one
    vectorised step; `parse_one` must give the same for it. Only the rest goes through Python.
    """
    codes, values, empties, errors = _per_unique_values(cells, parse_one, dtype, na_value, plain_text)
    return Parsed(_spread_text(values, codes), empties[codes], spread_errors(errors, codes))


class _ByArray:
    """Facts about particular arrays, kept by the array itself (an equal array, or another at
    the same address, is not it) and forgotten when it goes. `id(array) in facts` asks."""

    def __init__(self) -> None:
        self._facts: dict[int, tuple[weakref.ref, Any]] = {}

    def remember(self, cells: np.ndarray, fact: Any) -> None:
        key = id(cells)
        self._facts[key] = (weakref.ref(cells, lambda _: self._facts.pop(key, None)), fact)

    def recall(self, cells: np.ndarray) -> Any:
        found = self._facts.get(id(cells))
        return found[1] if found is not None and found[0]() is cells else None

    def __contains__(self, key: int) -> bool:
        return key in self._facts


# Object arrays of parsed cells known to hold only str (`only_text`).
_KNOWN_TEXT = _ByArray()


def _all_str(values: np.ndarray) -> bool:
    """Every value a str (a subclass too), none missing: one look at each."""
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"


def _spread_text(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`values[codes]`, known to hold only str (`know_text`) when every distinct value is one."""
    spread = values[codes]
    if _all_str(values):
        know_text(spread)
    return spread


def know_text(cells: np.ndarray) -> None:
    """Let `only_text` answer True for this very array (every value a str) without a look."""
    _KNOWN_TEXT.remember(cells, True)


def only_text(cells: np.ndarray) -> bool:
    """Whether every value of the object array is a str (none missing, none of another type):
    known without a look at each value for a column parsed from its distinct values
    (`parse_text`, `parse_free_text`), whose distinct values were looked at instead (at a
    million lines 12 ms less a column); looked at otherwise."""
    return bool(_KNOWN_TEXT.recall(cells)) or _all_str(cells)


def _per_unique_values(cells: np.ndarray, parse_one: Callable[[Any], tuple[Any, str]], dtype: Any,
                       na_value: Any, plain_text: re.Pattern | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_per_unique` before spreading: (codes, values, empties, errors), the last three per
    distinct value plus one slot at the end that code -1 (None/NaN, an empty cell) points to."""
    codes, uniques = factorize(cells)
    count = len(uniques)
    values = np.empty(count + 1, dtype=dtype)
    errors = np.full(count + 1, "", dtype=object)
    empties = np.ones(count + 1, dtype=bool)
    values[-1] = na_value
    # map(type) runs in C; a CellError is a str subclass and must not count as plain text.
    is_str = np.fromiter(map(type, uniques), dtype=object, count=count) == str
    slow = ~is_str
    if is_str.any():
        where = np.flatnonzero(is_str)
        # Python's own strip, as `is_blank` and `cell_text` use.
        stripped = list(map(str.strip, uniques[where]))
        stripped_array = _object_array(stripped)
        empties[where] = stripped_array == ""
        if plain_text is None:
            slow = np.ones(count, dtype=bool)
        else:
            odd = contains_any(stripped, plain_text)
            values[where[~odd]] = stripped_array[~odd]
            slow[where[odd]] = True
    for i in np.flatnonzero(slow):
        value = uniques[i]
        values[i], errors[i] = parse_one(value)
        if not is_str[i]:
            empties[i] = is_blank(value)
    return codes, values, empties, errors


def _object_array(values: list[Any]) -> np.ndarray:
    # fromiter skips np.array's search for nested sequences (slow on type objects, say).
    return np.fromiter(values, dtype=object, count=len(values))


# Columns whose codes the reader already has (`know_codes`): (codes, values) by the column.
_KNOWN_CODES = _ByArray()


def know_codes(cells: np.ndarray, codes: np.ndarray, values: np.ndarray) -> None:
    """Let `factorize` answer for this very array of cells (`cells[i]` is `values[codes[i]]`)
    without hashing them: a sheet read by columns comes with its codes (`RawSheet.column_codes`),
    and a ledger's columns are each parsed once or twice, at a million lines 0.1 s each. The
    answer goes with the array: another array at the same address is hashed as before."""
    _KNOWN_CODES.remember(cells, (codes, values))


def factorize(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize of an object column: codes (-1 for None/NaN) and the distinct values, each
    the first cell object holding it. A column of only floats (calamine's numbers) is hashed
    as float64, about three times faster; its distinct values are then taken from the cells
    at their first position, so they are the very objects the object hash would give. A column
    the reader gave codes for (`know_codes`) is not hashed: its values may then repeat a value
    (a float -0.0 beside 0.0, an empty text beside the empty cell), each parsed on its own."""
    known = _KNOWN_CODES.recall(cells)
    if known is not None:
        return known
    # The first cell rules out most columns before a full scan by infer_dtype.
    if len(cells) > 1 and isinstance(cells[0], float) and pd.api.types.infer_dtype(cells, skipna=False) == "floating":
        codes, _ = pd.factorize(cells.astype(np.float64), use_na_sentinel=True)
        # Codes count up in order of first appearance: a code's first cell is where it
        # exceeds every code before it (no sort needed; -1 never does).
        before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
        return codes, cells[codes > before]
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    return codes, _as_object(uniques)


# A separator no `contains_any` pattern matches: newline is neither a format nor a control
# character in the sense of the patterns above (it is kept in free text).
_SEPARATOR = "\n"


def contains_any(texts: list[str], pattern: re.Pattern) -> np.ndarray:
    """True where a text holds a match of `pattern`, a class of single characters that never
    matches a newline. One search over the joined texts instead of one per text: the common
    case (no match anywhere) costs one pass in C; a match is placed by its offset."""
    hits = np.zeros(len(texts), dtype=bool)
    if not texts:
        return hits
    joined = _SEPARATOR.join(texts)
    if pattern.search(joined) is None:
        return hits
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    positions = np.fromiter((m.start() for m in pattern.finditer(joined)), dtype=np.int64)
    hits[np.searchsorted(ends, positions, side="right")] = True
    return hits


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
    """Identifier columns (voucher, code, org. no., reference): stripped str, "" for empty;
    numbers without a spurious ".0"; format characters removed, control characters visible."""
    return _per_unique(_as_object(cells), _one_identifier, object, "", plain_text=_IDENTIFIER_CHANGES)


def _one_identifier(value: Any) -> tuple[str, str]:
    return clean_identifier(cell_text(value)), ""


def parse_free_text(cells: Any) -> Parsed:
    """Free-text columns (names, line texts): as `parse_text`, but only control characters
    and bidi controls are changed (made visible); other marks a script needs stay."""
    return _per_unique(_as_object(cells), lambda v: (clean_free_text(cell_text(v)), ""), object, "",
                       plain_text=_FREE_TEXT_CHANGES)


# ---------------------------------------------------------------- amounts

_AMOUNT_NOISE = re.compile("[\\s\u00a0\u202f\u2009'\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_AMOUNT_SHAPE = re.compile(
    r"^(?P<open>\()?(?P<sign>[+\-\u2212])?(?:(?P<a>\d+)(?:[.,](?P<af>\d*))?"
    r"|(?P<b>\d{1,3}(?:,\d{3})+)(?:\.(?P<bf>\d*))?"
    r"|(?P<c>\d{1,3}(?:\.\d{3})+)(?:,(?P<cf>\d*))?)(?P<trail>-)?(?(open)\))$"
)
_CURRENCY = re.compile(r"(?i)^(?:sek|kr\.?)|(?:sek|kr\.?|:-)$")


def parse_amounts_ore(cells: Any, label: str = "amount", msg: Text | None = None) -> Parsed:
    """Amounts to integer öre. Numbers take a vectorised exact path; text a vectorised regex.

    Accepted text: "1 234,50", "-1.234,50", "1234.50", "1,234.50", "(1 234,50)", "1 234,50 kr",
    "1234:-", trailing minus, non-breaking or thin spaces. A single separator is a decimal
    separator (Swedish "12,50" and English "12.50"). More than two significant decimals is an
    error: money must be exact. A float cell is taken at its shortest repr ("1234.5" -> 123450);
    float noise from formulas (0.30000000000000004) rounds to the öre it obviously means.
    """
    msg = _msg(msg)
    codes, uniques = factorize(_as_object(cells))
    n = len(uniques)
    ore = np.zeros(n + 1, dtype=np.int64)
    error = np.full(n + 1, "", dtype=object)
    empty = np.zeros(n + 1, dtype=bool)
    empty[-1] = True
    if n:
        kinds = pd.Series(uniques, dtype=object).map(type)
        is_number = kinds.isin([float, int, np.float64, np.int64]).to_numpy()
        is_text = (kinds == str).to_numpy()
        _numbers_to_ore(uniques, is_number, ore, error, label, msg)
        text_blank = np.zeros(n, dtype=bool)
        if is_text.any():
            stripped = pd.Series(uniques[is_text], dtype=object).str.strip()
            text_blank[np.flatnonzero(is_text)] = (stripped == "").to_numpy()
        empty[:n] = text_blank | pd.isna(pd.Series(uniques, dtype=object)).to_numpy()
        _texts_to_ore(uniques, is_text & ~text_blank, ore, error, label, msg)
        other = ~is_number & ~is_text & ~empty[:n]
        for i in np.flatnonzero(other):
            error[i] = msg("parse.not_a_number", label=label, value=shown(uniques[i]))
    return Parsed(ore[codes], empty[codes], spread_errors(error, codes))


def _numbers_to_ore(uniques: np.ndarray, mask: np.ndarray, ore: np.ndarray, error: np.ndarray,
                    label: str, msg: Text) -> None:
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
        cents, message = _decimal_to_ore(Decimal(repr(float(value))), shown(value), label, msg, noise_ok=True)
        ore[i], error[i] = cents, message


def _decimal_to_ore(number: Decimal, text: str, label: str, msg: Text, noise_ok: bool) -> tuple[int, str]:
    if not number.is_finite() or abs(number) >= Decimal(10) ** (MAX_ORE_DIGITS - 2):
        return 0, msg("parse.out_of_range", label=label, value=text)
    cents = number.quantize(Decimal("0.01"))
    if cents != number and not (noise_ok and abs(cents - number) < Decimal("1e-9")):
        return 0, msg("parse.too_precise", label=label, value=text)
    return int(cents * 100), ""


# One separator followed by exactly three digits and nothing else: "24,990", "-12.500".
_AMBIGUOUS = re.compile(r"^\(?[+\-\u2212]?\d{1,3}(?P<sep>[.,])\d{3}-?\)?$")
# Texts that show which separator is the decimal one: a separator with one, two or four and
# more digits after it at the end, or thousands groups before the other separator.
_DECIMAL_COMMA = re.compile(r"(?:^|[^\d.,])\d+(?:\.\d{3})*,(?:\d{1,2}|\d{4,})-?\)?$|\d\.\d{3}(?:\.\d{3})+$")
_DECIMAL_POINT = re.compile(r"(?:^|[^\d.,])\d+(?:,\d{3})*\.(?:\d{1,2}|\d{4,})-?\)?$|\d,\d{3}(?:,\d{3})+$")


def decimal_separator(compact: pd.Series) -> str | None:
    """The decimal separator the column's texts settle on: "," or ".", or None when no text
    shows it (or texts show both, a column of mixed conventions)."""
    comma = bool(compact.str.contains(_DECIMAL_COMMA, regex=True).any())
    point = bool(compact.str.contains(_DECIMAL_POINT, regex=True).any())
    return "," if comma and not point else "." if point and not comma else None


def _texts_to_ore(uniques: np.ndarray, mask: np.ndarray, ore: np.ndarray, error: np.ndarray,
                  label: str, msg: Text) -> None:
    if not mask.any():
        return
    index = np.flatnonzero(mask)
    texts = pd.Series(uniques[index], dtype=object).str.strip()
    compact = texts.str.replace(_AMOUNT_NOISE, "", regex=True).str.replace(_CURRENCY, "", regex=True)
    parts = compact.str.extract(_AMOUNT_SHAPE)
    # "24,990" is 24 990 kr in an English export and 24,99 kr in a Swedish one: only the other
    # values of the column can tell, else the cell is rejected, never guessed.
    separator = compact.str.extract(_AMBIGUOUS)["sep"]
    ambiguous = separator.notna()
    unresolved = pd.Series(False, index=compact.index)
    if ambiguous.any():
        decimal = decimal_separator(compact[~ambiguous])
        grouping = ambiguous & (separator != decimal) if decimal else pd.Series(False, index=compact.index)
        unresolved = ambiguous & (decimal is None)
        # A thousands separator: the three digits belong to the whole kronor.
        parts.loc[grouping, "a"] = parts.loc[grouping, "a"] + parts.loc[grouping, "af"]
        parts.loc[grouping, "af"] = ""
    matched = parts["a"].notna() | parts["b"].notna() | parts["c"].notna()
    whole = parts["a"].fillna(parts["b"]).fillna(parts["c"]).fillna("0").str.replace(r"[.,]", "", regex=True)
    fraction = parts["af"].fillna(parts["bf"]).fillna(parts["cf"]).fillna("").str.rstrip("0")
    negative = (parts["sign"].isin(["-", "\u2212"]) | parts["open"].notna() | parts["trail"].notna())
    double_sign = parts["sign"].isin(["-", "\u2212"]) & (parts["open"].notna() | parts["trail"].notna())
    whole = whole.str.lstrip("0").replace("", "0")
    too_long = whole.str.len() > MAX_ORE_DIGITS - 2
    too_precise = fraction.str.len() > 2
    good = (matched & ~too_long & ~too_precise & ~double_sign & ~unresolved).to_numpy()
    cents = (whole.where(good, "0").astype(np.int64) * 100
             + fraction.where(good, "").str.ljust(2, "0").astype(np.int64))
    ore[index[good]] = np.where(negative.to_numpy()[good], -cents.to_numpy()[good], cents.to_numpy()[good])
    for position in np.flatnonzero(~good):
        text = shown(texts.iloc[position])
        if unresolved.iloc[position]:
            digits = re.sub(r"[^\d]", "", compact.iloc[position])
            error[index[position]] = msg("parse.ambiguous_separator", label=label, value=text,
                                         whole=f"{int(digits):,}".replace(",", "\u00a0"),
                                         decimal=f"{digits[:-3]},{digits[-3:-1]}")
        elif matched.iloc[position] and too_precise.iloc[position]:
            error[index[position]] = msg("parse.too_precise", label=label, value=text)
        elif matched.iloc[position] and too_long.iloc[position]:
            error[index[position]] = msg("parse.too_large", label=label, value=text)
        else:
            error[index[position]] = msg("parse.not_a_number", label=label, value=text)


# ---------------------------------------------------------------- dates

_DATE_ISO = re.compile(
    r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DATE_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_SLASH = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
DAY_FIRST, MONTH_FIRST = "d/m/yyyy", "m/d/yyyy"  # settings [rules] date_format
_PERIOD = re.compile(r"^(\d{4})[-/ ]?(\d{2})$")


def _one_date(value: Any, label: str, msg: Text, date_format: str = "auto") -> tuple[Any, str]:
    if is_blank(value):
        return np.datetime64("NaT", "ns"), ""
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if day < EARLIEST_DATE:
            key = "parse.day_zero" if day <= dt.date(1900, 1, 1) and day.year >= 1899 else "parse.not_a_date"
            return np.datetime64("NaT", "ns"), msg(key, label=label, value=shown(value))
        return np.datetime64(day, "ns"), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19_000_101 <= number <= 21_001_231:
            return _ymd(str(int(number))[:4], str(int(number))[4:6], str(int(number))[6:], value, label, msg)
        if SERIAL_MIN <= number <= SERIAL_MAX:
            # A fractional serial is a time of day on that date: the date is the whole part.
            return (EXCEL_EPOCH + np.timedelta64(int(number), "D")).astype("datetime64[ns]"), ""
        key = "parse.day_zero" if 0 <= number < 2 else "parse.not_a_date"
        return np.datetime64("NaT", "ns"), msg(key, label=label, value=shown(value))
    if isinstance(value, str):
        text = clean_identifier(value)
        match = _DATE_ISO.match(text)
        if match:
            return _ymd(*match.groups(), value, label, msg)
        match = _DATE_DMY.match(text)
        if match:
            day, month, year = match.groups()
            return _ymd(year, month, day, value, label, msg)
        match = _DATE_SLASH.match(text)
        if match:
            first, second, year = match.groups()
            if date_format == DAY_FIRST:
                return _ymd(year, second, first, value, label, msg)
            if date_format == MONTH_FIRST:
                return _ymd(year, first, second, value, label, msg)
            # 3/4/2025 is 3 April in Sweden and 4 March in a US export: never guessed.
            return np.datetime64("NaT", "ns"), msg("parse.date_order", label=label, value=shown(value))
    return np.datetime64("NaT", "ns"), msg("parse.not_a_date", label=label, value=shown(value))


def _ymd(year: str, month: str, day: str, value: Any, label: str, msg: Text) -> tuple[Any, str]:
    try:
        return _one_date(dt.date(int(year), int(month), int(day)), label, msg)
    except ValueError:
        return np.datetime64("NaT", "ns"), msg("parse.not_a_date", label=label, value=shown(value))


def parse_dates(cells: Any, label: str = "date", msg: Text | None = None, date_format: str = "auto") -> Parsed:
    """Dates as datetime64[ns]: Excel dates and serials, ISO text with or without a time,
    "20250301", "01.03.2025"; "3/4/2025" only with `date_format` d/m/yyyy or m/d/yyyy (else an
    error saying the order is unknown). The time of day is dropped: ledgers book on dates. A
    date before EARLIEST_DATE is an error (Excel's day zero is an empty cell formatted as a date)."""
    msg = _msg(msg)
    return _per_unique(_as_object(cells), lambda v: _one_date(v, label, msg, date_format), "datetime64[ns]",
                       np.datetime64("NaT", "ns"))


def _one_period(value: Any, label: str, msg: Text) -> tuple[Any, str]:
    if is_blank(value):
        return np.datetime64("NaT", "ns"), ""
    match = _PERIOD.match(clean_identifier(cell_text(value)))
    if match and 1 <= int(match.group(2)) <= 12:
        return _ymd(match.group(1), match.group(2), "1", value, label, msg)
    return np.datetime64("NaT", "ns"), msg("parse.not_a_period", label=label, value=shown(value))


def parse_periods(cells: Any, label: str = "period", msg: Text | None = None) -> Parsed:
    """Accounting periods YYYYMM ("202503", 202503, "2025-03") as the period's first day."""
    msg = _msg(msg)
    return _per_unique(_as_object(cells), lambda v: _one_period(v, label, msg), "datetime64[ns]",
                       np.datetime64("NaT", "ns"))


# ---------------------------------------------------------------- accounts

_ACCOUNT = re.compile(r"^(\d{3,8})(?:\.0+$|[\s\-–:.]+(.*))?$")  # "3011.0": a number written as text


_LONG_NUMBER = re.compile(r"^\d{9,}(?:\.0+)?$")


def _one_account(value: Any, label: str, msg: Text) -> tuple[Any, str]:
    text = clean_identifier(cell_text(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 0 < value < 10**8:
            return (int(value), ""), ""
    else:
        match = _ACCOUNT.match(text)
        if match:
            return (int(match.group(1)), (match.group(2) or "").strip()), ""
    if _LONG_NUMBER.match(text):
        # An org. no., a bank account or an invoice number in the account column: say so.
        digits = len(text.split(".")[0])
        return (0, ""), msg("parse.not_bas", label=label, value=shown(text), digits=digits)
    return (0, ""), msg("parse.not_an_account", label=label, value=shown(text))


def parse_accounts(cells: Any, label: str = "account", msg: Text | None = None) -> tuple[Parsed, np.ndarray]:
    """Account numbers as int64; "3011 Tjänsteintäkter" gives 3011 and the name beside it."""
    msg = _msg(msg)
    codes, pairs, empties, errors = _per_unique_values(_as_object(cells), lambda v: _one_account(v, label, msg),
                                                       object, (0, ""))
    # Split the (number, name) pairs per distinct value, then spread both by code.
    numbers = np.fromiter((pair[0] for pair in pairs), dtype=np.int64, count=len(pairs))
    names = np.fromiter((pair[1] for pair in pairs), dtype=object, count=len(pairs))
    return Parsed(numbers[codes], empties[codes], spread_errors(errors, codes)), names[codes]


# ---------------------------------------------------------------- org. nos.

_ORGNR_TOKEN = re.compile(r"(?<![\dA-Z])(?:SE)?\s?(\d{6,8}[-\s]?\d{4})(?:\s?01)?(?!\d)", re.IGNORECASE)
# A foreign VAT id: two country letters, then 2-13 characters with at least one digit.
_FOREIGN_VAT = re.compile(r"^(?!SE)[A-Z]{2}(?=[0-9A-Z]{2,13}$)[0-9A-Z]*\d[0-9A-Z]*$")


def normalise_orgnr(text: str) -> tuple[str, str]:
    """One cell to ("NNNNNN-NNNN", "") or ("", note), note one of missing, invalid,
    multiple, foreign_vat. Accepted forms: NNNNNN-NNNN, 10 digits, 12 digits with 16 or a
    century prefix (19/20, sole traders), and the VAT form SE NNNNNNNNNN 01."""
    cleaned = _FORMAT_CHARS.sub("", text).strip()
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
    # Each distinct cell is cleaned and normalised once (the empty slot too: "" is missing).
    codes, texts, _, _ = _per_unique_values(_as_object(cells), _one_identifier, object, "",
                                            plain_text=_IDENTIFIER_CHANGES)
    pairs = [normalise_orgnr(text) for text in texts]
    normalised = _object_array([p[0] for p in pairs])
    notes = _object_array([p[1] for p in pairs])
    return _spread_text(normalised, codes), _spread_text(notes, codes), _spread_text(texts, codes)


# ---------------------------------------------------------------- flags, integers, decimals

def _one_flag(value: Any, label: str, default: bool, msg: Text) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    text = clean_identifier(cell_text(value)).lower()
    if text == "":
        return default, ""
    if text in vocabulary().yes_words:
        return True, ""
    if text in vocabulary().no_words:
        return False, ""
    return default, msg("parse.not_a_flag", label=label, value=shown(value))


def parse_flags(cells: Any, label: str, default: bool, msg: Text | None = None) -> Parsed:
    """ja/nej (yes/no, true/false, 1/0, x) to bool; an empty cell is `default`."""
    msg = _msg(msg)
    return _per_unique(_as_object(cells), lambda v: _one_flag(v, label, default, msg), np.bool_, default)


def _one_integer(value: Any, label: str, msg: Text) -> tuple[int, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), ""
    text = clean_identifier(cell_text(value))
    if text.isdigit():
        return int(text), ""
    return 0, msg("parse.not_whole", label=label, value=shown(text))


def parse_integers(cells: Any, label: str, msg: Text | None = None) -> Parsed:
    msg = _msg(msg)
    return _per_unique(_as_object(cells), lambda v: _one_integer(v, label, msg), np.int64, 0)


def _one_decimal(value: Any, label: str, msg: Text) -> tuple[Any, str]:
    if is_blank(value):
        return None, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ""
    text = re.sub(r"[\s\u00a0]", "", clean_identifier(cell_text(value))).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, msg("parse.not_a_number", label=label, value=shown(value))
    if not number.is_finite():
        return None, msg("parse.not_a_number", label=label, value=shown(value))
    return number, ""


def parse_decimals(cells: Any, label: str, msg: Text | None = None) -> Parsed:
    """Plain numbers (not money) as Decimal objects; None where empty."""
    msg = _msg(msg)
    return _per_unique(_as_object(cells), lambda v: _one_decimal(v, label, msg), object, None)
