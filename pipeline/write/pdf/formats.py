"""Swedish and English display forms of the figures' money, shares, counts and dates.

The figures carry money as SEK text with two decimals and shares as decimal text; these
functions only change how they look ("1 234 567,89 kr", "91,27 %"). They never round a value
that a verdict depends on: verdicts come from the figures' booleans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

# A no-break space keeps "1 234 567,89 kr" on one line; reportlab does not break at U+00A0.
NBSP = "\u00a0"
MISSING = "–"


@dataclass(frozen=True)
class Formats:
    language: str = "sv"

    @property
    def _separators(self) -> tuple[str, str]:
        """(thousands, decimal) for the language."""
        return (NBSP, ",") if self.language == "sv" else (",", ".")

    def _grouped(self, value: Decimal, decimals: int) -> str:
        thousands, point = self._separators
        quantized = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
        sign = "-" if quantized < 0 else ""
        whole, _, fraction = f"{abs(quantized):f}".partition(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        text = sign + thousands.join(groups)
        return f"{text}{point}{fraction}" if decimals else text

    def money(self, sek_text: str | None) -> str:
        """"1234567.89" -> "1 234 567,89 kr" (sv) or "1,234,567.89 SEK" (en)."""
        if sek_text is None:
            return MISSING
        amount = self._grouped(Decimal(str(sek_text)), 2)
        return f"{amount}{NBSP}kr" if self.language == "sv" else f"{amount}{NBSP}SEK"

    def amount(self, sek_text: str | None) -> str:
        """Money without the unit, for wide tables whose header names it: "1 234 567,89"."""
        if sek_text is None:
            return MISSING
        return self._grouped(Decimal(str(sek_text)), 2)

    def eur(self, eur_text: str | None) -> str:
        if eur_text is None:
            return MISSING
        return f"{self._grouped(Decimal(str(eur_text)), 2)}{NBSP}EUR"

    def share(self, share_text: str | None) -> str:
        """"0.9126984127" -> "91,27 %": two decimals for display only."""
        if share_text is None:
            return MISSING
        return f"{self._grouped(Decimal(str(share_text)) * 100, 2)}{NBSP}%"

    def limit(self, share_text: str) -> str:
        """A threshold as a percentage without trailing zeros: "0.80" -> "80 %", "0.805" -> "80,5 %"."""
        _, point = self._separators
        percent = format((Decimal(str(share_text)) * 100).normalize(), "f")
        return f"{percent.replace('.', point)}{NBSP}%"

    def exact(self, share_text: str | None) -> str:
        """The share as the figures hold it, with the language's decimal mark."""
        if share_text is None:
            return MISSING
        _, point = self._separators
        return str(share_text).replace(".", point)

    def ratio(self, ratio_text: str | None) -> str:
        """Cost coverage: "1.6664670529" -> "1,67"."""
        if ratio_text is None:
            return MISSING
        return self._grouped(Decimal(str(ratio_text)), 2)

    def count(self, number: int | str | None) -> str:
        if number is None or number == "":
            return MISSING
        return self._grouped(Decimal(int(number)), 0)

    def decimal(self, text: str | int | None, decimals: int = 2) -> str:
        if text is None or text == "":
            return MISSING
        return self._grouped(Decimal(str(text)), decimals)

    def date(self, value: str | date | datetime | None) -> str:
        """ISO dates (2025-12-31) in both languages; text dates keep their first ten characters."""
        if value is None or value == "":
            return MISSING
        if isinstance(value, (date, datetime)):
            return value.strftime("%Y-%m-%d")
        return str(value)[:10]
