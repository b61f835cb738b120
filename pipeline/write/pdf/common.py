"""What every chapter shares: the figures, the catalogue in the report's language, the
number formats and the styles, plus small builders for headings, paragraphs and the grey
"Underlag: flik '...'" note that names the audit-workbook sheet behind a figure."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from pipeline.figures import Figures
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.layout import Paragraph
from pipeline.write.pdf.text import Text


@dataclass(frozen=True)
class Context:
    figures: Figures
    text: Text
    fmt: Formats
    styles: dict[str, ParagraphStyle]
    output_hashes: tuple[tuple[str, str], ...] = ()  # (file name, SHA-256) of the outputs before the PDF

    @property
    def year(self) -> int:
        return self.figures.year

    def heading(self, key: str, /, level: int = 1, **fields: object) -> Paragraph:
        # h1 and h2 go into the table of contents; h3 (same look as h2) does not.
        return Paragraph(self.text.markup(key, **fields), self.styles[{1: "h1", 2: "h2"}.get(level, "h3")])

    def para(self, key: str, style: str = "body", /, **fields: object) -> Paragraph:
        return Paragraph(self.text.markup(key, **fields), self.styles[style])

    def source(self, *sheets: str) -> Flowable:
        """The workbook sheet(s) that hold the rows behind the figure above."""
        named = [s for s in sheets if s]
        key = "common.source" if len(named) == 1 else "common.sources"
        return self.para(key, "note", sheet=named[0] if len(named) == 1 else "', '".join(named))

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return self.text("common.missing")
        return self.text("common.yes" if value else "common.no")

    def verdict_word(self, met: bool | None) -> str:
        if met is None:
            return self.text("common.missing")
        return self.text("common.met" if met else "common.not_met")

    def label(self, group: str, name: str) -> str:
        """A code value's display name (activity, source, case ...), or the code itself."""
        key = f"{group}.{name}"
        return self.text(key) if self.text.has(key) else str(name)
