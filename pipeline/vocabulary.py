"""The finance vocabulary as data: `pipeline/data/vocabulary.toml`, read once.

Words people write in the registers (yes/no, classification words, procurement forms), the
account classes that are not rule choices, and the length of the Teckal window. Rule choices
that finance sets per organisation live in settings.toml (`pipeline.settings`), not here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.toml"

AccountRanges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Vocabulary:
    window_years: int
    balance_accounts: AccountRanges
    financial_accounts: AccountRanges
    yes_words: frozenset[str]
    no_words: frozenset[str]
    classification_words: dict[str, str]  # word -> activity (cost_sharing | sales)
    direct_award_words: frozenset[str]

    def window(self, year: int) -> range:
        """The Teckal window's years for report year `year`, oldest first."""
        return range(year - self.window_years + 1, year + 1)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return Vocabulary(
        window_years=int(data["window_years"]),
        balance_accounts=tuple((int(lo), int(hi)) for lo, hi in data["accounts"]["balance"]),
        financial_accounts=tuple((int(lo), int(hi)) for lo, hi in data["accounts"]["financial"]),
        yes_words=frozenset(w.lower() for w in data["words"]["yes"]),
        no_words=frozenset(w.lower() for w in data["words"]["no"]),
        classification_words={word.lower(): activity for activity, words in data["classification"].items()
                               for word in words},
        direct_award_words=frozenset(w.lower() for w in data["procurement"]["direct_award"]),
    )
