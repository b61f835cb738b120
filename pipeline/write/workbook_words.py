"""The audit workbook's words for people: column headers and code values in the report's
language, from pipeline/data/workbook_words.toml.

The tables keep their codes (the results.json keys and values); the workbook writer asks here
what to show instead. The Kolumner sheet keeps each header's key, so an auditor can go from a
header to results.json and back. It also lifts the Teckal table's window row out of the year
column, so that column holds years only.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

import pandas as pd

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "workbook_words.toml"
WINDOW = "window"  # the Teckal table's year value for the three-year window row


@lru_cache(maxsize=None)
def _words() -> dict:
    return tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))


def header(key: str, language: str) -> str:
    """The column's header in `language`; the key itself when the file has none."""
    entry = _words()["headers"].get(key)
    return entry[language] if entry else key


def shown_column(name: str, language: str) -> str:
    """An input or table column named for people: money in öre is named as written, in kronor."""
    if not name:
        return name
    return header(f"{name[:-4]}_sek" if name.endswith("_ore") else name, language)


def header_keys(language: str) -> dict[str, str]:
    """Header in `language` -> key, for reading a written workbook back."""
    return {entry[language]: key for key, entry in _words()["headers"].items()}


def value_names(column: str, language: str) -> dict[str, str]:
    """Code -> display name for the column's values; empty when its values are not codes."""
    words = _words()
    listed = words["value_lists"].get(column)
    if listed is None:
        return {}
    if listed == "@columns":  # values that name columns (a check's column): their headers
        names = {key: entry[language] for key, entry in words["headers"].items()}
        return {**names, **{f"{key[:-4]}_ore": name for key, name in names.items() if key.endswith("_sek")}}
    return {code: entry[language] for code, entry in words["values"][listed].items()}


def shown_value(value: str, names: dict[str, str], language: str = "sv") -> str:
    """A code value as shown; a comma-separated list of codes is shown code by code; a text
    that a "re:" pattern matches is shown from its template, numbers written the language's way."""
    if value in names:
        return names[value]
    if "," in value:
        parts = [part.strip() for part in value.split(",")]
        if all(part in names for part in parts):
            return ", ".join(names[part] for part in parts)
    for pattern, template in names.items():
        if pattern.startswith("re:"):
            found = re.fullmatch(pattern[3:], value)
            if found:
                mark = "," if language == "sv" else "."
                return template.format(**{k: _number(v, mark) for k, v in found.groupdict().items()})
    return value


def _number(text: str, decimal_mark: str) -> str:
    """"700000" -> "700 000"; "0.25" -> "0,25" (sv) or "0.25" (en)."""
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    grouped = " ".join(groups) if decimal_mark == "," else ",".join(groups)
    return f"{grouped}{decimal_mark}{fraction}" if fraction else grouped


def localise_values(values: pd.Series, column: str, language: str) -> pd.Series:
    """The column's (distinct) values with codes replaced by their display names."""
    names = value_names(column, language)
    if not names:
        return values
    return values.map(lambda v: shown_value(v, names, language) if isinstance(v, str) else v)


def journal_sheet_name(test: str) -> str:
    """The sheet that holds a journal test's rows: a Swedish name, never the test's code."""
    return _words()["journal_sheets"].get(test, test.replace("_", " ").capitalize())[:31]


def window_apart(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """The Teckal table with its window row told apart by a "scope" column (year / the whole
    window) and an empty year, so the year column holds only whole years."""
    if "year" not in frame.columns or not (frame["year"].astype(str) == WINDOW).any():
        return frame
    is_window = frame["year"].astype(str) == WINDOW
    years = pd.to_numeric(frame["year"].where(~is_window), errors="coerce").astype("Int64")
    first, last = years.min(), years.max()
    scope = _words()["scope"]
    year_word, window_word = scope["year"][language], scope["window"][language]
    out = frame.copy()
    out.insert(0, "scope", [window_word.format(first=first, last=last) if w else year_word for w in is_window])
    out["year"] = years
    return out
