"""The report's message catalogue: every user-visible string, in Swedish and English.

`pipeline/data/report_text.toml` maps a dotted key to {sv, en}; the chapters ask for a key and
fill in named fields with `str.format`. One template set serves both languages, so a chapter
never branches on the language.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "report_text.toml"
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
            raise CatalogueError(f"report_text.toml: no {self.language!r} text for {key!r}") from None

    def __call__(self, key: str, /, **fields: object) -> str:
        return self.template(key).format(**fields)

    def markup(self, key: str, /, **fields: object) -> str:
        return self.template(key).format(**{k: escape(str(v)) for k, v in fields.items()})

    def has(self, key: str) -> bool:
        return key in self.entries
