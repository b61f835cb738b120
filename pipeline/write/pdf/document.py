"""Write stage: the evaluation report PDF that the board adopts and Konkurrensverket reads.

`write_pdf` lays out the figures dict (the content of results.json, plus the run stage's
`data_quality`, `inputs`, `outputs` and `settings` when present) as a reportlab document:
cover, contents, summary with the verdict box, the Teckal chapter, separate accounts, service
inventory, open-market share, transparency-act screen, suppliers, flags, data quality, method
and the SHA-256 appendix. It never recomputes a figure and never reads the inputs; every
user-visible string comes from `pipeline/data/report_text.toml`. The same figures give
byte-identical PDFs (fixed document id and dates).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

import pipeline.write.pdf.accounts_chapter as accounts
import pipeline.write.pdf.audit_chapter as audit
import pipeline.write.pdf.compliance_chapter as compliance
import pipeline.write.pdf.continuity_chapter as continuity
import pipeline.write.pdf.front as front
import pipeline.write.pdf.teckal_chapter as teckal
from pipeline.figures import Figures
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.layout import ReportDocument, canvas_maker, expect_contents, make_styles, register_fonts
from pipeline.write.pdf.text import Text, load_catalogue

PDF_LANG = {"sv": "sv-SE", "en": "en-GB"}


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
              output_hashes: tuple[tuple[str, str], ...] = ()) -> None:
    """Write the evaluation report for `figures` to `path`, in Swedish ("sv") or English ("en").
    `output_hashes`: (file name, SHA-256) of the outputs written before the PDF, for its appendix."""
    ctx = report_context(figures, language, output_hashes)
    text = ctx.text
    year = figures.year
    organisation = figures.organisation
    title = text("cover.title", year=year)
    document = ReportDocument(
        str(path),
        header_text=text("page.header", organisation=organisation, year=year),
        page_label=lambda number, total: text("page.number", number=number, total=total or number),
        title=title,
        author=organisation,
        subject=text("pdf.subject", organisation=organisation, year=year),
        keywords=text("pdf.keywords"),
        creator=text("pdf.creator"),
        producer=text("pdf.creator"),
        lang=PDF_LANG[language],
        displayDocTitle=1,
    )
    story = report_story(ctx)
    expect_contents(story)  # two layout passes instead of three
    document.multiBuild(story, canvasmaker=canvas_maker(year))
