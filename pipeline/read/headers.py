"""Find the header row of a sheet and map its headers to canonical fields.

The alias table is data (`pipeline/data/aliases.toml`); settings.toml's `[columns.<kind>]`
overrides it. Matching ignores case, accents and punctuation and accepts truncated headers
(at least `MIN_PREFIX` characters, the start of exactly one field's aliases). The header row
is the row among the first `SCAN_ROWS` that satisfies the most required fields, so title rows
above it are fine.

This module does not parse values and does not decide what a missing column means beyond
reporting which requirement is unmet.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

ALIASES_FILE = Path(__file__).resolve().parents[1] / "data" / "aliases.toml"
SCAN_ROWS = 30
MIN_PREFIX = 5

# A requirement is met when all fields of any one of its alternatives are present.
Requirement = tuple[tuple[str, ...], ...]
REQUIRED: dict[str, tuple[Requirement, ...]] = {
    # A Period column (YYYYMM) stands in for the date where an export has no date column.
    "ledger": ((("date",), ("period",)), (("voucher",),), (("account",),), (("amount",), ("debit", "credit"))),
    "purchases": ((("supplier_orgnr",),), (("amount",),)),
    "members": ((("orgnr",),), (("name",),), (("member_from",),)),
    "counterparties": ((("orgnr",),), (("name",),)),
    "services": ((("code",),), (("name",),), (("classification",),)),
    "suppliers": ((("orgnr",),), (("name",),)),
    "history": ((("year",),), (("controlling_sek",),), (("total_sek",),)),
    "governance": ((("orgnr",),), (("representative",),), (("appointed_from",),)),
}


def normalise_header(text: Any) -> str:
    """Lower case, accents removed, only letters and digits: "Ver.nr " -> "vernr"."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", without_accents)


@functools.cache
def _alias_table(path: Path = ALIASES_FILE) -> dict[str, dict[str, tuple[str, ...]]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    table = {}
    for kind, fields in raw.items():
        table[kind] = {
            field: tuple(dict.fromkeys([normalise_header(field), *(normalise_header(a) for a in aliases)]))
            for field, aliases in fields.items()
        }
    return table


def known_fields(kind: str) -> list[str]:
    return list(_alias_table()[kind])


@dataclass(frozen=True)
class HeaderMatch:
    """The header row found in a sheet: its 0-based index, its texts and field -> column."""

    row_index: int
    headers: tuple[str, ...]
    columns: dict[str, int]
    missing: tuple[str, ...]  # unmet requirements, described ("amount or debit+credit")
    # Fields that more than one column would be read as: field -> all those column indexes.
    duplicates: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Fields matched only as a truncated or misspelt header: field -> the header ("Belop").
    fuzzy: dict[str, str] = field(default_factory=dict)


def match_header(header: Any, kind: str, overrides: dict[str, str] | None = None) -> str | None:
    """The canonical field a header means for an input kind, or None."""
    return header_match(header, kind, overrides)[0]


SETTINGS, ALIAS, PREFIX = "settings", "alias", "prefix"


def header_match(header: Any, kind: str, overrides: dict[str, str] | None = None) -> tuple[str | None, str]:
    """(field, how): how the header was matched: SETTINGS (a column map), ALIAS (a name of the
    alias table) or PREFIX (a truncated or misspelt header that starts one field's names only,
    "Belop" -> amount: stated to the user, never silent); (None, "") when it means nothing."""
    key = normalise_header(header)
    if not key:
        return None, ""
    for mapped_header, field in (overrides or {}).items():
        if normalise_header(mapped_header) == key:
            return _field_name(field), SETTINGS
    exact, prefixed = _lookup_tables(kind)
    if key in exact:
        return exact[key], ALIAS
    if len(key) >= MIN_PREFIX:
        fields = prefixed.get(key, ())
        if len(fields) == 1:
            return fields[0], PREFIX
    return None, ""


# Money fields per input kind, and the words that say a column is not in kronor.
MONEY_FIELDS = ("amount", "debit", "credit", "controlling_sek", "total_sek")
UNIT_WORDS = frozenset({"tkr", "tkronor", "tusental", "tusentals", "tusen", "ksek", "tsek", "kkr", "msek", "mkr",
                        "mnkr", "mdkr", "miljoner", "mn", "thousand", "thousands", "millions", "million", "oere",
                        "ore", "öre", "ören", "oren", "cent"})
_UNIT_THOUSANDS = re.compile(r"(?:'|\b1\s?)000\b")  # "(1 000 kr)", "SEK '000"


_ORE_WORDS = frozenset({"öre", "ore", "oere", "ören", "oren"})
_KRONOR_WORDS = frozenset({"kr", "kronor", "sek"})


def unit_word(header: Any) -> str | None:
    """The unit word in a header that is not plain kronor ("Belopp (tkr)" -> "tkr"), or None.
    "öre" beside "kr" ("Belopp kr/öre") means kronor with öre, not öre."""
    if header is None:
        return None
    text = unicodedata.normalize("NFC", str(header)).casefold()  # "ö" typed as o and a combining mark
    words = re.findall(r"[a-zåäö]+", text)
    for word in words:
        if word in UNIT_WORDS and not (word in _ORE_WORDS and _KRONOR_WORDS.intersection(words)):
            return word
    match = _UNIT_THOUSANDS.search(text)
    return match.group(0).strip() if match else None


def money_header_with_unit(row: Sequence[Any], kind: str, overrides: dict[str, str] | None = None
                           ) -> tuple[int, str, str] | None:
    """(column index, header, unit word) of the first header in `row` that names a money field
    in another unit than kronor: the header itself, or the header without its unit word, means
    amount/debit/credit (or a history total). Amounts in tkr would be read 1000 times too small,
    amounts in öre 100 times too large."""
    for index, cell in enumerate(row):
        unit = unit_word(cell)
        if unit is None:
            continue
        stripped = re.sub(re.escape(unit), " ", str(cell), flags=re.IGNORECASE)
        fields = {match_header(cell, kind, overrides), match_header(stripped, kind, overrides)}
        if fields & set(MONEY_FIELDS):
            return index, str(cell).strip(), unit
    return None


@functools.cache
def _lookup_tables(kind: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """For one input kind: normalised alias -> its field (the first field in the alias table
    naming it), and every start of an alias at least MIN_PREFIX long -> the fields with an
    alias starting so. Built once: the header scan looks up every cell of the first rows of
    every file, which scanning all aliases per cell made cost about half a second a run."""
    exact: dict[str, str] = {}
    prefixed: dict[str, dict[str, None]] = {}
    for field, names in _alias_table()[kind].items():
        for name in names:
            exact.setdefault(name, field)
            for end in range(MIN_PREFIX, len(name) + 1):
                prefixed.setdefault(name[:end], {})[field] = None
    return exact, {start: tuple(fields) for start, fields in prefixed.items()}


def unknown_mapped_fields(kind: str, overrides: dict[str, str]) -> list[str]:
    """Fields named in a settings column map that the input kind does not have."""
    return sorted({f for f in overrides.values() if _field_name(f) not in _alias_table()[kind]})


def _field_name(field: str) -> str:
    # Settings may name a money field by its output column (amount_ore) or its sheet form.
    return {"amount_ore": "amount", "controlling_ore": "controlling_sek", "total_ore": "total_sek",
            "counterparty_raw": "counterparty", "supplier_orgnr_raw": "supplier_orgnr"}.get(field, field)


def _row_fields(row: Sequence[Any], kind: str, overrides: dict[str, str] | None) -> list[tuple[str | None, str]]:
    """(field, how) per header cell. A field the settings map a header to is that header's
    alone: a built-in name for the same field elsewhere in the row is then not read as it
    (the column map wins over the aliases; two date columns are no longer a conflict)."""
    matches = [header_match(cell, kind, overrides) for cell in row]
    mapped = {name for name, how in matches if how == SETTINGS}
    return [(name, how) if how == SETTINGS or name not in mapped else (None, "") for name, how in matches]


def _columns_of(row: Sequence[Any], kind: str, overrides: dict[str, str] | None) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, (name, _) in enumerate(_row_fields(row, kind, overrides)):
        if name and name not in columns:  # the first column with a field's name wins
            columns[name] = index
    return columns


def _duplicates(row: Sequence[Any], kind: str, overrides: dict[str, str] | None) -> dict[str, tuple[int, ...]]:
    """Fields that two or more columns of the header row would be read as."""
    seen: dict[str, list[int]] = {}
    for index, (name, _) in enumerate(_row_fields(row, kind, overrides)):
        if name:
            seen.setdefault(name, []).append(index)
    return {name: tuple(indexes) for name, indexes in seen.items() if len(indexes) > 1}


def _fuzzy(row: Sequence[Any], kind: str, overrides: dict[str, str] | None) -> dict[str, str]:
    """Field -> header text of the headers matched only as a truncation or misspelling."""
    return {name: str(row[index]).strip() for index, (name, how) in enumerate(_row_fields(row, kind, overrides))
            if name and how == PREFIX}


def _unmet(columns: dict[str, int], kind: str) -> list[str]:
    unmet = []
    for requirement in REQUIRED[kind]:
        if not any(all(f in columns for f in alternative) for alternative in requirement):
            unmet.append(" or ".join("+".join(alternative) for alternative in requirement))
    return unmet


def find_header_row(rows: Sequence[Sequence[Any]], kind: str,
                    overrides: dict[str, str] | None = None) -> HeaderMatch:
    """The row among the first SCAN_ROWS that meets the most requirements (then: matches the
    most fields; then: comes first). `missing` is empty when every requirement is met."""
    best: tuple[int, int, int] | None = None
    best_match = HeaderMatch(0, (), {}, tuple(_unmet({}, kind)))
    for index, row in enumerate(rows[:SCAN_ROWS]):
        columns = _columns_of(row, kind, overrides)
        if not columns:
            continue
        unmet = _unmet(columns, kind)
        score = (len(REQUIRED[kind]) - len(unmet), len(columns), -index)
        if best is None or score > best:
            best = score
            headers = tuple("" if c is None else str(c).strip() for c in row)
            best_match = HeaderMatch(index, headers, columns, tuple(unmet), _duplicates(row, kind, overrides),
                                     _fuzzy(row, kind, overrides))
    return best_match
