"""Separate accounts (R5), the service inventory, the open-market share and the
transparency-act screen. Reads `activities`, `services`, `allocation`, `open_market` and
`transparency` from the figures; the allocation key's weights are shown as the figures hold
them, with each weight's part of the key for reading."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from pipeline.figures import Activities, CatalogueEntry, ServiceAccount
from pipeline.model import ACTIVITIES, SHEET_LINES, SHEET_REVENUE_BY_COUNTERPARTY, SHEET_SERVICES, SHEET_TECKAL
from pipeline.write.pdf.charts import coverage_charts
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import CONTENT_WIDTH, data_table


def chapter(ctx: Context) -> list[Flowable]:
    f, fmt, t = ctx.figures, ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("accounts.title"), ctx.para("accounts.intro")]
    activities = f.activities
    # The two statement tables are wide: amounts go without the unit, which the header names.
    money_header = [t("common.in_unit", label=t(f"accounts.{name}"))
                    for name in ("revenue", "direct_cost", "allocated_cost", "full_cost", "result")]
    money_header.append(t("accounts.coverage"))
    rows = []
    for activity in ACTIVITIES:
        a = activities.of(activity)
        rows.append([ctx.label("activity", activity), fmt.amount(a.revenue_sek),
                     fmt.amount(a.direct_cost_sek), fmt.amount(a.allocated_cost_sek),
                     fmt.amount(a.full_cost_sek), fmt.amount(a.result_sek), fmt.ratio(a.coverage)])
    story += [ctx.heading("accounts.activities_title", level=2),
              data_table([t("accounts.activity")] + money_header, rows, [28, 25, 25, 25, 25, 25, 17], ctx.styles,
                         numeric=(1, 2, 3, 4, 5, 6)),
              ctx.source(SHEET_SERVICES)]

    services = f.services
    rows = [[_service_name(ctx, s), ctx.label("activity", s.activity),
             fmt.amount(s.revenue_sek), fmt.amount(s.direct_cost_sek),
             fmt.amount(s.allocated_cost_sek), fmt.amount(s.full_cost_sek), fmt.amount(s.result_sek),
             fmt.ratio(s.coverage)]
            for s in services]
    story += [ctx.heading("accounts.services_title", level=2, year=ctx.year),
              data_table([t("accounts.service"), t("accounts.activity")] + money_header, rows,
                         [31, 24, 20, 20, 20, 20, 20, 15], ctx.styles, numeric=(2, 3, 4, 5, 6, 7)),
              ctx.source(SHEET_SERVICES)]
    story += _unassigned(ctx, f.activities)
    if any(s.coverage is not None for s in services):
        labels = {"full_cost_line": t("accounts.chart_full_cost"), "cost_sharing": t("activity.cost_sharing"),
                  "sales": t("activity.sales"), "service": t("accounts.service"), "activity": t("accounts.activity"),
                  "coverage": t("accounts.coverage"), "alt": t.template("chart.coverage_alt")}
        story.append(KeepTogether([ctx.heading("accounts.chart_title", level=2), ctx.para("accounts.chart_intro"),
                                   *coverage_charts([s for s in services if s.code], fmt, labels, CONTENT_WIDTH),
                                   ctx.source(SHEET_SERVICES)]))
    story += _allocation(ctx, services)
    story.append(PageBreak())
    story += inventory(ctx, services)
    story += evaluation(ctx)
    story += open_market(ctx)
    story += transparency(ctx)
    story.append(PageBreak())
    return story


def _service_name(ctx: Context, service: ServiceAccount) -> str:
    """A service as the tables name it; a row without a code is named by its cause."""
    if not service.code:
        return ctx.label("cause", service.cause or "no_service_code")
    return f"{service.code} {service.name or ''}".strip()


def _unassigned(ctx: Context, activities: Activities) -> list[Flowable]:
    by_cause = activities.unassigned.by_cause
    if not by_cause:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[ctx.label("cause", cause), fmt.amount(v.revenue_sek), fmt.amount(v.allocated_cost_sek),
             fmt.amount(v.full_cost_sek)] for cause, v in by_cause.items()]
    return [KeepTogether([ctx.heading("unassigned.title", level=2), ctx.para("unassigned.intro"),
                          data_table([t("unassigned.cause"), t("common.in_unit", label=t("accounts.revenue")),
                                      t("common.in_unit", label=t("accounts.allocated_cost")),
                                      t("common.in_unit", label=t("accounts.full_cost"))], rows, [70, 35, 35, 35],
                                     ctx.styles, numeric=(1, 2, 3)),
                          ctx.source(SHEET_SERVICES)])]


def _allocation(ctx: Context, services: tuple[ServiceAccount, ...]) -> list[Flowable]:
    allocation = ctx.figures.allocation
    if not allocation:
        return []
    fmt, t = ctx.fmt, ctx.text
    key = allocation.key
    story: list[Flowable] = [
        ctx.heading("accounts.allocation_title", level=2),
        ctx.para("accounts.allocation_intro", key=ctx.label("key", key), shared=fmt.money(allocation.shared_cost_sek),
                 unallocated=fmt.money(allocation.unallocated_sek)),
    ]
    rows = []
    for service in services:
        # Revenue and direct-cost keys weigh in öre; an explicit key table holds plain numbers.
        weight = Decimal(service.key_weight)
        shown = fmt.money(str(weight / 100)) if key in ("revenue", "direct_cost") else fmt.decimal(str(weight), 4)
        rows.append([_service_name(ctx, service), shown, fmt.share(service.key_share),
                     fmt.money(service.allocated_cost_sek)])
    if rows:
        story += [data_table([t("accounts.service"), t("accounts.key_weight"), t("accounts.key_part"),
                              t("accounts.allocated_cost")], rows, [60, 40, 25, 40], ctx.styles, numeric=(1, 2, 3)),
                  ctx.source(SHEET_SERVICES)]
    by_year = allocation.keys_by_year or {}
    if by_year:
        story.append(ctx.para("accounts.keys_by_year",
                              keys="; ".join(f"{y}: {ctx.label('key', k)}" for y, k in sorted(by_year.items()))))
    if allocation.key_changed:
        story.append(ctx.para("accounts.key_changed"))
        rows = []
        for entry in allocation.comparison:
            for activity in ACTIVITIES:
                a = entry.activities.of(activity)
                rows.append([ctx.label("key", entry.key), ctx.label("activity", activity),
                             fmt.money(a.revenue_sek), fmt.money(a.full_cost_sek),
                             fmt.money(a.result_sek), fmt.ratio(a.coverage)])
        story += [data_table([t("accounts.key"), t("accounts.activity"), t("accounts.revenue"), t("accounts.full_cost"),
                              t("accounts.result"), t("accounts.coverage")], rows, [28, 28, 30, 30, 30, 16],
                             ctx.styles, numeric=(2, 3, 4, 5)),
                  ctx.source(SHEET_SERVICES)]
    return story


def inventory(ctx: Context, services: tuple[ServiceAccount, ...]) -> list[Flowable]:
    """The service inventory: classification and the catalogue's documented decision per
    service, then its texts (legal basis, member need, target group, market assessment).
    A code the ledger uses but the catalogue lacks is listed and marked as such."""
    fmt, t = ctx.fmt, ctx.text
    catalogue = ctx.figures.service_catalogue
    non_controlling = {s.code: s.non_controlling_revenue_sek for s in services}

    def field(entry: CatalogueEntry, name: str) -> str:
        if not entry.in_catalogue:
            return t("inventory.not_in_catalogue")
        return getattr(entry, name) or t("common.missing")

    rows = [[entry.code, entry.name or t("common.missing"), ctx.label("activity", entry.activity),
             ctx.yes_no(entry.in_catalogue), field(entry, "pricing"),
             fmt.date(entry.decision_date) if entry.decision_date else t("common.missing"),
             field(entry, "decision_reference"),
             ctx.yes_no(entry.exclusivity) if entry.in_catalogue else t("common.missing"),
             fmt.amount(non_controlling.get(entry.code))]
            for entry in catalogue]
    story: list[Flowable] = [
        ctx.heading("inventory.title"), ctx.para("inventory.intro"),
        data_table([t("inventory.code"), t("inventory.name"), t("inventory.classification"),
                    t("inventory.in_catalogue"), t("inventory.pricing"), t("inventory.decision_date"),
                    t("inventory.decision_reference"), t("inventory.exclusivity"),
                    t("common.in_unit", label=t("inventory.non_controlling"))],
                   rows, [11, 28, 19, 13, 19, 19, 32, 14, 24], ctx.styles, numeric=(8,)),
        ctx.source(SHEET_SERVICES),
    ]
    texts = [[entry.code, field(entry, "legal_basis"), field(entry, "member_need"), field(entry, "target_group"),
              field(entry, "market_assessment")]
             for entry in catalogue]
    if texts:
        story += [ctx.heading("inventory.texts_title", level=3), ctx.para("inventory.texts_intro"),
                  data_table([t("inventory.code"), t("inventory.legal_basis"), t("inventory.member_need"),
                              t("inventory.target_group"), t("inventory.market_assessment")],
                             texts, [12, 40, 40, 30, 60], ctx.styles),
                  ctx.source(SHEET_SERVICES)]
    return story


def evaluation(ctx: Context) -> list[Flowable]:
    """R9: one row per service a board can read; the sheet lets an auditor filter."""
    figures = ctx.figures.evaluation
    if figures is None:
        return []
    fmt, t = ctx.fmt, ctx.text
    services = figures.services
    rows = []
    for e in services:
        missing = t("evaluation.not_in_catalogue") if not e.in_catalogue else \
            ", ".join(t(f"evaluation_field.{f}") for f in e.missing_fields)
        rows.append([e.code, e.name or "", e.classification or t("common.missing"), ctx.yes_no(e.complete), missing,
                     ctx.yes_no(e.has_separate_accounts), fmt.amount(e.result_sek), fmt.count(len(e.flags))])
    duty = ctx.para("evaluation.duty_applies", year=ctx.year) if figures.duty_applies else \
        ctx.para("evaluation.duty_not_yet", first=figures.duty_first_year, year=ctx.year)
    complete = sum(1 for e in services if e.complete)
    summary = ctx.para("evaluation.all_complete", n=len(services)) if complete == len(services) else \
        ctx.para("evaluation.summary", complete=complete, n=len(services), incomplete=", ".join(figures.incomplete))
    return [ctx.heading("evaluation.title"), ctx.para("evaluation.intro"), duty,
            data_table([t("evaluation.code"), t("evaluation.service"), t("evaluation.classification"),
                        t("evaluation.complete"), t("evaluation.missing"), t("evaluation.accounts"),
                        t("common.in_unit", label=t("evaluation.result")), t("evaluation.flags")],
                       rows, [12, 34, 22, 16, 44, 17, 22, 12], ctx.styles, numeric=(6, 7)),
            ctx.source(figures.sheet), summary]


def open_market(ctx: Context) -> list[Flowable]:
    market = ctx.figures.open_market
    if not market:
        return []
    fmt = ctx.fmt
    story = [ctx.heading("open_market.title"), ctx.para("open_market.intro")]
    if market.window_share is not None or market.years:
        years = market.years or (ctx.year,)
        story.append(ctx.para("open_market.result", share=fmt.share(market.window_share),
                              outside=fmt.money(market.window_outside_sek),
                              total=fmt.money(market.window_total_sek), threshold=fmt.limit(market.threshold),
                              verdict=ctx.verdict_word(market.met).lower(), first=min(years), last=max(years)))
        story.append(ctx.para("open_market.private", share=fmt.share(market.window_private_share),
                              private=fmt.money(market.window_private_sek),
                              total=fmt.money(market.window_private_total_sek),
                              years=", ".join(str(y) for y in market.private_years)))
    story.append(ctx.para("open_market.year_private", year=ctx.year, share=fmt.share(market.share),
                          private=fmt.money(market.private_sek), total=fmt.money(market.total_sek)))
    story.append(ctx.source(SHEET_REVENUE_BY_COUNTERPARTY, SHEET_TECKAL))
    return story


def transparency(ctx: Context) -> list[Flowable]:
    screen = ctx.figures.transparency
    if not screen:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[str(y.year), fmt.money(y.turnover_sek), fmt.eur(y.turnover_eur), ctx.yes_no(y.over)]
            for y in screen.years]
    key = "transparency.applies" if screen.applies else "transparency.does_not_apply"
    return [ctx.heading("transparency.title"),
            ctx.para("transparency.intro", threshold=fmt.eur(screen.threshold_eur), rate=fmt.decimal(screen.eur_sek)),
            data_table([t("common.year"), t("transparency.turnover_sek"), t("transparency.turnover_eur"),
                        t("transparency.over")], rows, [20, 50, 50, 40], ctx.styles, numeric=(1, 2)),
            ctx.source(SHEET_LINES), ctx.para(key)]
