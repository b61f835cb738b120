"""The Teckal chapter (R4): the three-year chart, the per-year table with each year's
source, the window against the mean, grants both ways, the cost-based measure, headroom and
the sensitivity table. Reads `figures.teckal` only."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

import pipeline.write.pdf.criteria as criteria
from pipeline.figures import Teckal, TeckalYear
from pipeline.model import CATEGORIES, SHEET_LINES, SHEET_REVENUE_BY_COUNTERPARTY, SHEET_SERVICES, SHEET_TECKAL
from pipeline.write.pdf.charts import teckal_chart
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import CONTENT_WIDTH, data_table


def chapter(ctx: Context) -> list[Flowable]:
    teckal = ctx.figures.teckal
    fmt, t = ctx.fmt, ctx.text
    years = teckal.years
    story: list[Flowable] = [ctx.heading("teckal.title"), ctx.para("teckal.intro")]

    labels = {"ledger": t("source.ledger"), "history": t("source.history"), "threshold": t("teckal.chart_threshold"),
              "window": t("teckal.chart_window"), "no_share": t("common.no_share"), "year": t("common.year"),
              "source": t("teckal.source"), "share": t("teckal.share"), "alt": t.template("chart.teckal_alt")}
    chart = teckal_chart(years, teckal.window_share, teckal.threshold, fmt, labels, CONTENT_WIDTH)
    story.append(KeepTogether([ctx.heading("teckal.chart_title", level=2), chart, ctx.source(SHEET_TECKAL)]))

    story.append(ctx.heading("teckal.years_title", level=2))
    rows = [[str(y.year), ctx.label("source", y.source), fmt.money(y.controlling_sek),
             fmt.money(y.total_sek), fmt.share(y.share)] for y in years]
    first = min((y.year for y in years), default=ctx.year)
    last = max((y.year for y in years), default=ctx.year)
    rows.append([t("teckal.window_row", first=first, last=last), "", fmt.money(teckal.window_controlling_sek),
                 fmt.money(teckal.window_total_sek), fmt.share(teckal.window_share)])
    story.append(data_table([t("common.year"), t("teckal.source"), t("teckal.controlling"), t("teckal.total"),
                             t("teckal.share")], rows, [34, 22, 40, 40, 24], ctx.styles, numeric=(2, 3, 4),
                            bold_last_row=True))
    story.append(ctx.source(SHEET_TECKAL))
    story.append(ctx.para("teckal.sources_explained"))
    if teckal.years_count < 3:
        story.append(ctx.para("teckal.few_years", n=teckal.years_count))
    if teckal.missing_years:
        story.append(ctx.para("teckal.missing_years", years=", ".join(str(y) for y in teckal.missing_years)))

    story.append(ctx.heading("teckal.verdict_title", level=2))
    verdict_key = "teckal.verdict_met" if teckal.met else "teckal.verdict_not_met"
    story.append(ctx.para(verdict_key, share=fmt.share(teckal.window_share),
                          threshold=fmt.limit(teckal.threshold), exact=fmt.exact(teckal.window_share)))
    if teckal.review:
        story.append(ctx.para("teckal.review"))
    story.append(ctx.para("teckal.mean", mean=fmt.share(teckal.mean_share),
                          share=fmt.share(teckal.window_share)))
    if teckal.mean_disagrees:
        story.append(ctx.para("teckal.mean_disagrees", mean=fmt.share(teckal.mean_share),
                              share=fmt.share(teckal.window_share)))
    if teckal.provisional:
        story.append(ctx.para("teckal.provisional", n=teckal.years_count,
                              years=", ".join(str(y) for y in teckal.missing_years) or "–"))
    story += headroom_paragraphs(ctx, teckal)

    story += criteria.chapter_section(ctx)
    story += _categories(ctx, years)
    story += _grants(ctx, teckal)
    story += _cost_based(ctx, teckal)
    story += _sensitivity(ctx, teckal)
    story.append(PageBreak())
    return story


def headroom_paragraphs(ctx: Context, teckal: Teckal) -> list[Flowable]:
    """The headroom (or deficit) sentences. Each names an amount computed by R4's strict rule,
    so "still above" holds at that amount and fails one öre beyond it."""
    fmt, out = ctx.fmt, []
    threshold = fmt.limit(teckal.threshold)
    headroom = teckal.headroom_sek
    if headroom is not None:
        if not headroom.startswith("-"):
            out.append(ctx.para("teckal.headroom", amount=fmt.money(headroom), threshold=threshold))
        else:
            out.append(ctx.para("teckal.deficit", amount=fmt.money(headroom.lstrip("-")), threshold=threshold,
                                needed=fmt.money(teckal.controlling_needed_sek)))
    next_year = teckal.next_year_headroom_sek
    if next_year is not None:
        key = "teckal.next_year_headroom" if not next_year.startswith("-") else "teckal.next_year_deficit"
        out.append(ctx.para(key, amount=fmt.money(next_year.lstrip("-")), threshold=threshold,
                            next=ctx.year + 1, previous=ctx.year - 1, year=ctx.year))
    return out


def _categories(ctx: Context, years: tuple[TeckalYear, ...]) -> list[Flowable]:
    """Revenue per counterparty category for the years read from a ledger."""
    ledger_years = [y for y in years if y.by_category_sek]
    if not ledger_years:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[ctx.label("category", c)] + [fmt.money(y.by_category_sek.get(c)) for y in ledger_years]
            for c in CATEGORIES]
    if any(y.grants_sek is not None for y in ledger_years):
        rows.append([t("teckal.grants_row")] + [fmt.money(y.grants_sek) for y in ledger_years])
    header = [t("teckal.category")] + [str(y.year) for y in ledger_years]
    widths = [50] + [40] * len(ledger_years)
    return [KeepTogether([ctx.heading("teckal.categories_title", level=2), ctx.para("teckal.categories_intro"),
                          data_table(header, rows, widths, ctx.styles, numeric=tuple(range(1, len(header)))),
                          ctx.source(SHEET_REVENUE_BY_COUNTERPARTY)])]


def _grants(ctx: Context, teckal: Teckal) -> list[Flowable]:
    fmt, t = ctx.fmt, ctx.text
    setting = teckal.grants
    other = "exclude" if setting == "include" else "include"
    other_share = teckal.other_grants_share
    other_met = teckal.other_grants_met
    rows = [[ctx.label("grants", setting) + " " + t("teckal.grants_setting_mark"), fmt.share(teckal.window_share),
             ctx.verdict_word(teckal.met)],
            [ctx.label("grants", other), fmt.share(other_share), ctx.verdict_word(other_met)]]
    return [KeepTogether([ctx.heading("teckal.grants_title", level=2), ctx.para("teckal.grants_intro"),
                          data_table([t("teckal.grants_reading"), t("teckal.share"), t("common.verdict")], rows,
                                     [90, 40, 40], ctx.styles, numeric=(1,)),
                          ctx.source(SHEET_TECKAL, SHEET_LINES)])]


def _cost_based(ctx: Context, teckal: Teckal) -> list[Flowable]:
    cost = teckal.cost_based
    if not cost:
        return []
    fmt = ctx.fmt
    return [ctx.heading("teckal.cost_based_title", level=2),
            ctx.para("teckal.cost_based", year=cost.year, share=fmt.share(cost.share),
                     controlling=fmt.money(cost.controlling_cost_sek),
                     total=fmt.money(cost.attributed_cost_sek), verdict=ctx.verdict_word(cost.met).lower(),
                     turnover=fmt.share(teckal.window_share)),
            *([ctx.para("teckal.cost_based_window", share=fmt.share(cost.window_share),
                        controlling=fmt.money(cost.window_controlling_cost_sek),
                        total=fmt.money(cost.window_attributed_cost_sek),
                        verdict=ctx.verdict_word(cost.window_met).lower(),
                        n=len(cost.window_years), years=", ".join(str(y) for y in cost.window_years))]
              if cost.window_years else []),
            ctx.source(SHEET_SERVICES)]


def _sensitivity(ctx: Context, teckal: Teckal) -> list[Flowable]:
    cases = teckal.sensitivity or []
    if not cases:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[ctx.label("sensitivity", c.case), fmt.money(c.controlling_sek), fmt.money(c.total_sek),
             fmt.share(c.window_share), ctx.verdict_word(c.met)] for c in cases]
    changed = [ctx.label("sensitivity", c.case) for c in cases if c.met != teckal.met]
    conclusion = (ctx.para("teckal.sensitivity_holds", n=len(cases)) if not changed else
                  ctx.para("teckal.sensitivity_changes", cases="; ".join(changed)))
    return [KeepTogether([ctx.heading("teckal.sensitivity_title", level=2), ctx.para("teckal.sensitivity_intro"),
                          data_table([t("teckal.case"), t("teckal.controlling"), t("teckal.total"), t("teckal.share"),
                                      t("common.verdict")], rows, [58, 36, 36, 22, 24], ctx.styles,
                                     numeric=(1, 2, 3)),
                          ctx.source(SHEET_TECKAL, SHEET_LINES), conclusion]), Spacer(1, 4)]
