"""Message catalogues: every user-visible string, in Swedish and English.

A catalogue is a TOML file mapping a dotted key to {sv, en}; code asks for a key and fills in
named fields with `str.format`. One template set serves both languages, so no code branches on
the language. Two catalogues: `pipeline/data/report_text.toml` (the PDF) and
`pipeline/data/messages.toml` (what the command line says: progress, errors, rejection reasons).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

DATA = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA / "report_text.toml"
MESSAGES_PATH = DATA / "messages.toml"
LANGUAGES = ("sv", "en")


class CatalogueError(KeyError):
    """A key the chapters ask for is missing from the catalogue, or lacks a language."""


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, dict[str, str]]:
    """The catalogue flattened to {"dotted.key": {"sv": ..., "en": ...}}."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        if any(language in node for language in LANGUAGES):
            flat[prefix] = node
            return
        for name, child in node.items():
            walk(f"{prefix}.{name}" if prefix else name, child)

    walk("", raw)
    return flat


@dataclass(frozen=True)
class Text:
    """The catalogue in one language. `text(key, **fields)` gives plain text; `markup` gives
    the same with the fields escaped for a reportlab Paragraph (the templates may hold <b>)."""

    language: str
    entries: dict[str, dict[str, str]]

    def template(self, key: str, /) -> str:
        try:
            return self.entries[key][self.language]
        except KeyError:
            raise CatalogueError(f"no {self.language!r} text for {key!r} in the message catalogue") from None

    def __call__(self, key: str, /, **fields: object) -> str:
        return self.template(key).format(**fields)

    def markup(self, key: str, /, **fields: object) -> str:
        return self.template(key).format(**{k: escape(str(v)) for k, v in fields.items()})

    def has(self, key: str) -> bool:
        return key in self.entries

    def count(self, key: str, n: int, /) -> str:
        """A count with its noun in the right number: `key`_one for 1 ("1 rad"), else
        `key`_many with {n} ("3 rader")."""
        return self(f"{key}_one") if n == 1 else self(f"{key}_many", n=n)


@lru_cache(maxsize=None)
def _messages() -> dict[str, dict[str, str]]:
    return load_catalogue(MESSAGES_PATH)


def messages(language: str) -> Text:
    """The command line's catalogue in one language ("sv" or "en")."""
    return Text(language if language in LANGUAGES else "sv", _messages())
