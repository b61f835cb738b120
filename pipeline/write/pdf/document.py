"""Write stage: the evaluation report PDF that the board adopts and Konkurrensverket reads.

`write_pdf` lays out the figures dict (the content of results.json, plus the run stage's
`data_quality`, `inputs`, `outputs` and `settings` when present) as a reportlab document:
cover, contents, summary with the verdict box, the Teckal chapter, separate accounts, service
inventory, open-market share, transparency-act screen, suppliers, flags, data quality, method
and the SHA-256 appendix. `report_pages` lays it out ahead, with stand-ins for the hashes, so
that `write_pdf` lays it out once. It never recomputes a figure and never reads the inputs; every
user-visible string comes from `pipeline/data/report_text.toml`. The same figures give
byte-identical PDFs (fixed document id and dates).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.tableofcontents import TableOfContents

import pipeline.write.pdf.accounts_chapter as accounts
import pipeline.write.pdf.audit_chapter as audit
import pipeline.write.pdf.compliance_chapter as compliance
import pipeline.write.pdf.continuity_chapter as continuity
import pipeline.write.pdf.front as front
import pipeline.write.pdf.teckal_chapter as teckal
from pipeline.figures import Figures
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.layout import (
    ContentsEntry,
    ReportDocument,
    canvas_maker,
    expect_contents,
    make_styles,
    register_fonts,
)
from pipeline.write.pdf.text import Text, load_catalogue

PDF_LANG = {"sv": "sv-SE", "en": "en-GB"}
# Stands in for each output's SHA-256 in `report_pages`: 64 characters, as wide as a hash.
STAND_IN_HASH = "0" * 64


@dataclass(frozen=True)
class Pages:
    """Where a layout of the report put its headings (the contents' entries: level, text, page,
    bookmark key) and how many pages it had (the N of "Sida n av N")."""

    contents: tuple[ContentsEntry, ...]
    total: int


# A table of at most this many rows moves whole to the next page with its heading, intro and
# source note rather than leaving a few rows (or its caption) on a page of their own.
KEEP_WHOLE_ROWS = 12
LEAD_STYLES = ("h1", "h2", "h3", "body", "small")


def keep_tables_whole(story: list[Flowable]) -> list[Flowable]:
    """Short data tables kept together with the heading and paragraphs just above them and the
    source note just below."""
    out: list[Flowable] = []
    index = 0
    while index < len(story):
        item = story[index]
        if isinstance(item, Table) and getattr(item, "repeatRows", 0) and len(item._cellvalues) <= KEEP_WHOLE_ROWS:
            lead: list[Flowable] = []
            while out and isinstance(out[-1], Paragraph) and getattr(out[-1].style, "name", "") in LEAD_STYLES \
                    and len(lead) < 3:
                lead.insert(0, out.pop())
                if lead[0].style.name in ("h1", "h2", "h3"):
                    break
            group = [*lead, item]
            following = story[index + 1] if index + 1 < len(story) else None
            if isinstance(following, Paragraph) and following.style.name == "note":
                group.append(following)
                index += 1
            out.append(KeepTogether(group))
        else:
            out.append(item)
        index += 1
    return out


def report_story(ctx: Context) -> list[Flowable]:
    """The chapters in reading order."""
    return keep_tables_whole([
        *front.cover(ctx),
        *front.summary(ctx),
        *teckal.chapter(ctx),
        *accounts.chapter(ctx),
        *compliance.suppliers(ctx),
        *compliance.flags(ctx),
        *continuity.chapter(ctx),
        *audit.data_quality(ctx),
        *audit.method(ctx),
        *audit.appendix(ctx),
    ])


def report_context(figures: Figures, language: str, output_hashes: tuple[tuple[str, str], ...] = ()) -> Context:
    """What the chapters need to lay out `figures` in `language`; the HTML twin uses it too."""
    if language not in PDF_LANG:
        raise ValueError(f"report language must be one of {', '.join(PDF_LANG)}, not {language!r}")
    register_fonts()
    return Context(figures=figures, text=Text(language, load_catalogue()), fmt=Formats(language),
                   styles=make_styles(), output_hashes=output_hashes)


def write_pdf(path: Path, figures: Figures, language: str = "sv",
              output_hashes: tuple[tuple[str, str], ...] = (), pages: Pages | None = None) -> int:
    """Write the evaluation report for `figures` to `path`, in Swedish ("sv") or English ("en").
    `output_hashes`: (file name, SHA-256) of the outputs written before the PDF, for its appendix.

    reportlab lays the report out once to find the pages of the contents' entries and the page
    total, and again to draw them. `pages`, from `report_pages` (run beside the workbook by
    `pipeline.run`), starts the layout from them: when they hold, the first layout is the last.
    When they do not, `multiBuild` sees it and lays out again until entries and total are
    stable, as it would from the start, so the bytes never depend on `pages`. Returns the
    number of layouts."""
    document, story = _document(path, figures, language, output_hashes)
    if pages is None:
        expect_contents(story)  # two layout passes instead of three
    else:
        _start_from(story, document, pages)
    return document.multiBuild(story, canvasmaker=canvas_maker(figures.year))


def report_pages(figures: Figures, language: str, output_names: tuple[str, ...] = ()) -> Pages:
    """The contents' entries and the page total of the report as `write_pdf` will lay it out,
    from one layout with a stand-in for each output's hash (`output_names`: the outputs the
    appendix will list). Only the appendix, the last chapter, shows the hashes, so the pages
    before it do not depend on them; the page total could only differ if the real hashes took
    more lines than the stand-ins, and then `write_pdf` lays out once more."""
    stand_ins = tuple((name, STAND_IN_HASH) for name in output_names)
    document, story = _document(io.BytesIO(), figures, language, stand_ins, layout_only=True)
    expect_contents(story)
    document.multiBuild(story, canvasmaker=canvas_maker(figures.year))
    return Pages(contents=tuple(_contents(story)._entries), total=document.page_total)


def _document(target: Path | BinaryIO, figures: Figures, language: str,
              output_hashes: tuple[tuple[str, str], ...], layout_only: bool = False
              ) -> tuple[ReportDocument, list[Flowable]]:
    ctx = report_context(figures, language, output_hashes)
    text = ctx.text
    year = figures.year
    organisation = figures.organisation
    title = text("cover.title", year=year)
    document = ReportDocument(
        str(target) if isinstance(target, Path) else target,
        header_text=text("page.header", organisation=organisation, year=year),
        page_label=lambda number, total: text("page.number", number=number, total=total or number),
        layout_only=layout_only,
        title=title,
        author=organisation,
        subject=text("pdf.subject", organisation=organisation, year=year),
        keywords=text("pdf.keywords"),
        creator=text("pdf.creator"),
        producer=text("pdf.creator"),
        lang=PDF_LANG[language],
        displayDocTitle=1,
    )
    return document, report_story(ctx)


def _contents(story: list[Flowable]) -> TableOfContents:
    (contents,) = (flowable for flowable in story if isinstance(flowable, TableOfContents))
    return contents


def _start_from(story: list[Flowable], document: ReportDocument, pages: Pages) -> None:
    """The contents' entries and the page total as `pages` found them, before the first pass."""
    _contents(story)._entries = list(pages.contents)
    document.page_total = pages.total
