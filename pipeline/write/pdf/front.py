"""Cover, table of contents and the summary page with the verdict box.

The verdict box shows `teckal.met` and `teckal.review` as the figures state them; the shares
beside it are display text only.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

import pipeline.write.pdf.criteria as criteria
from pipeline.model import (
    SHEET_FLAGS,
    SHEET_REVENUE_BY_COUNTERPARTY,
    SHEET_SERVICES,
    SHEET_SUPPLIER_FLAGS,
    SHEET_TECKAL,
)
from pipeline.write.pdf.board_box import board_box
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import (
    CONTENT_WIDTH,
    MET_EDGE,
    MET_FILL,
    NOT_MET_EDGE,
    NOT_MET_FILL,
    REVIEW_EDGE,
    REVIEW_FILL,
    Paragraph,
    data_table,
    table_of_contents,
)


def cover(ctx: Context) -> list[Flowable]:
    f, t = ctx.figures, ctx.text
    story: list[Flowable] = [Spacer(1, 18 * mm)]
    story.append(Paragraph(t.markup("cover.organisation", organisation=f.organisation),
                           ctx.styles["cover_org"]))
    if f.organisation_orgnr:
        story.append(Paragraph(t.markup("cover.orgnr", orgnr=f.organisation_orgnr), ctx.styles["cover_meta"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(t.markup("cover.title", year=ctx.year), ctx.styles["cover_title"]))
    story.append(Paragraph(t.markup("cover.period", first=f"{ctx.year}-01-01", last=f"{ctx.year}-12-31"),
                           ctx.styles["cover_meta"]))
    if f.inputs_folder:
        story.append(Paragraph(t.markup("cover.inputs", folder=f.inputs_folder), ctx.styles["cover_meta"]))
    # Page 1 says it: the outcomes, the serious flags and the decision asked for.
    story += [Spacer(1, 8 * mm), *board_box(ctx), Spacer(1, 10 * mm)]
    story.append(Paragraph(t.markup("cover.adoption"), ctx.styles["cover_meta"]))
    story.append(Paragraph(t.markup("cover.produced"), ctx.styles["cover_meta"]))
    story += [NextPageTemplate("body"), PageBreak()]
    story.append(Paragraph(t.markup("toc.title"), ctx.styles["toc_title"]))
    story += [table_of_contents(ctx.styles), PageBreak()]
    return story


def verdict_text(ctx: Context) -> tuple[str, str]:
    """(headline, box kind) from the figures' booleans: met, met for review, not met."""
    teckal = ctx.figures.teckal
    if teckal.window_share is None:
        return ctx.text("summary.verdict_no_share"), "not_met"
    if criteria.has_criteria(ctx):
        return criteria.headline(ctx)
    threshold = ctx.fmt.limit(teckal.threshold)
    if teckal.provisional:
        key = "summary.verdict_provisional_met" if teckal.met else "summary.verdict_provisional_not_met"
        return ctx.text(key, threshold=threshold, n=teckal.years_count), "review" if teckal.met else "not_met"
    if teckal.met and teckal.review:
        return ctx.text("summary.verdict_review"), "review"
    if teckal.met:
        return ctx.text("summary.verdict_met", threshold=threshold), "met"
    return ctx.text("summary.verdict_not_met"), "not_met"


def verdict_box(ctx: Context) -> Table:
    teckal = ctx.figures.teckal
    headline, kind = verdict_text(ctx)
    fill, edge = {"met": (MET_FILL, MET_EDGE), "review": (REVIEW_FILL, REVIEW_EDGE),
                  "not_met": (NOT_MET_FILL, NOT_MET_EDGE)}[kind]
    years = [y.year for y in teckal.years]
    body = [Paragraph(ctx.text.markup("summary.verdict_label"), ctx.styles["verdict_sub"]),
            Paragraph(headline.replace("&", "&amp;"), ctx.styles["verdict"]),
            ctx.para("summary.verdict_detail", "verdict_sub", share=ctx.fmt.share(teckal.window_share),
                     threshold=ctx.fmt.limit(teckal.threshold),
                     first=min(years, default=ctx.year), last=max(years, default=ctx.year),
                     n=teckal.years_count)]
    if criteria.has_criteria(ctx):
        body += criteria.criterion_lines(ctx)
    if kind == "review" and teckal.review:
        body.append(ctx.para("summary.review_note", "verdict_sub", band=ctx.fmt.exact(_points(teckal.review_band))))
    box = Table([[body]], colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LINEBEFORE", (0, 0), (0, -1), 5, edge),
        ("BOX", (0, 0), (-1, -1), 0.6, edge),
        ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
    ]))
    return box


def _points(review_band: str) -> str:
    """The review band as percentage points: "0.01" -> "1" (display only)."""
    return format((Decimal(review_band) * 100).normalize(), "f")


def summary(ctx: Context) -> list[Flowable]:
    f, fmt = ctx.figures, ctx.fmt
    teckal = f.teckal
    story: list[Flowable] = [ctx.heading("summary.title"), verdict_box(ctx), Spacer(1, 6 * mm)]
    if teckal.years_count < 3:
        story.append(ctx.para("teckal.few_years", n=teckal.years_count))
    if teckal.mean_disagrees:
        story.append(ctx.para("teckal.mean_disagrees", mean=fmt.share(teckal.mean_share),
                              share=fmt.share(teckal.window_share)))
    rows = [
        [ctx.text("summary.window_share"), fmt.share(teckal.window_share), SHEET_TECKAL],
        [ctx.text("summary.threshold"), ctx.text("summary.more_than", share=fmt.limit(teckal.threshold)), ""],
        [ctx.text("summary.mean_share"), fmt.share(teckal.mean_share), SHEET_TECKAL],
        [ctx.text("summary.headroom"), fmt.money(teckal.headroom_sek), SHEET_TECKAL],
        [ctx.text("summary.next_year_headroom"), fmt.money(teckal.next_year_headroom_sek), SHEET_TECKAL],
    ]
    cost_based = teckal.cost_based
    if cost_based:
        rows.append([ctx.text("summary.cost_based", year=cost_based.year),
                     fmt.share(cost_based.share), SHEET_SERVICES])
    open_market = f.open_market
    if open_market:
        rows.append([ctx.text("summary.open_market", threshold=fmt.limit(open_market.threshold)),
                     fmt.share(open_market.window_share if open_market.window_share is not None
                               else open_market.share), SHEET_REVENUE_BY_COUNTERPARTY])
    sales = f.activities.sales
    if sales:
        rows.append([ctx.text("summary.sales_coverage"), fmt.ratio(sales.coverage), SHEET_SERVICES])
    flags = f.flags
    critical = sum(1 for flag in flags if flag.severity == "critical")
    rows.append([ctx.text("summary.flags"), ctx.text("summary.flags_value", n=fmt.count(len(flags)),
                                                     critical=fmt.count(critical)), SHEET_FLAGS])
    suppliers = f.suppliers
    if suppliers:
        rows.append([ctx.text("summary.supplier_flags"), fmt.count(suppliers.flagged),
                     SHEET_SUPPLIER_FLAGS])
    story.append(ctx.heading("summary.key_figures", level=3))
    story.append(data_table([ctx.text("common.figure"), ctx.text("common.value"), ctx.text("common.sheet")],
                            rows, [80, 45, 45], ctx.styles, numeric=(1,)))
    story.append(ctx.para("summary.exact_note", "note", exact=fmt.exact(teckal.window_share)))
    # The Teckal chapter follows on the same page when its opening fits below the key figures.
    story.append(CondPageBreak(95 * mm))
    return story
