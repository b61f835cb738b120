"""Separate accounts (R5), the service inventory, the open-market share and the
transparency-act screen. Reads `activities`, `services`, `allocation`, `open_market` and
`transparency` from the figures; the allocation key's weights are shown as the figures hold
them, with each weight's part of the key for reading."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from pipeline.model import ACTIVITIES, SHEET_LINES, SHEET_REVENUE_BY_COUNTERPARTY, SHEET_SERVICES
from pipeline.write.pdf.charts import coverage_chart
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import CONTENT_WIDTH, data_table


def chapter(ctx: Context) -> list[Flowable]:
    f, fmt, t = ctx.figures, ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("accounts.title"), ctx.para("accounts.intro")]
    activities = f.get("activities", {})
    # The two statement tables are wide: amounts go without the unit, which the header names.
    money_header = [t("common.in_unit", label=t(f"accounts.{name}"))
                    for name in ("revenue", "direct_cost", "allocated_cost", "full_cost", "result")]
    money_header.append(t("accounts.coverage"))
    rows = []
    for activity in ACTIVITIES:
        a = activities.get(activity)
        if a is None:
            continue
        rows.append([ctx.label("activity", activity), fmt.amount(a.get("revenue_sek")),
                     fmt.amount(a.get("direct_cost_sek")), fmt.amount(a.get("allocated_cost_sek")),
                     fmt.amount(a.get("full_cost_sek")), fmt.amount(a.get("result_sek")), fmt.ratio(a.get("coverage"))])
    story += [ctx.heading("accounts.activities_title", level=2),
              data_table([t("accounts.activity")] + money_header, rows, [28, 25, 25, 25, 25, 25, 17], ctx.styles,
                         numeric=(1, 2, 3, 4, 5, 6)),
              ctx.source(SHEET_SERVICES)]

    services = f.get("services", [])
    rows = [[f"{s['code']} {s.get('name') or ''}".strip(), ctx.label("activity", s.get("activity", "")),
             fmt.amount(s.get("revenue_sek")), fmt.amount(s.get("direct_cost_sek")),
             fmt.amount(s.get("allocated_cost_sek")), fmt.amount(s.get("full_cost_sek")), fmt.amount(s.get("result_sek")),
             fmt.ratio(s.get("coverage"))]
            for s in services]
    story += [ctx.heading("accounts.services_title", level=2, year=ctx.year),
              data_table([t("accounts.service"), t("accounts.activity")] + money_header, rows,
                         [31, 24, 20, 20, 20, 20, 20, 15], ctx.styles, numeric=(2, 3, 4, 5, 6, 7)),
              ctx.source(SHEET_SERVICES)]
    if any(s.get("coverage") is not None for s in services):
        labels = {"full_cost_line": t("accounts.chart_full_cost"), "cost_sharing": t("activity.cost_sharing"),
                  "sales": t("activity.sales")}
        story.append(KeepTogether([ctx.heading("accounts.chart_title", level=2), ctx.para("accounts.chart_intro"),
                                   coverage_chart(services, fmt, labels, CONTENT_WIDTH), ctx.source(SHEET_SERVICES)]))
    story += _allocation(ctx, services)
    story.append(PageBreak())
    story += inventory(ctx, services)
    story += open_market(ctx)
    story += transparency(ctx)
    story.append(PageBreak())
    return story


def _allocation(ctx: Context, services: list[dict]) -> list[Flowable]:
    allocation = ctx.figures.get("allocation")
    if not allocation:
        return []
    fmt, t = ctx.fmt, ctx.text
    key = allocation.get("key", "")
    story: list[Flowable] = [
        ctx.heading("accounts.allocation_title", level=2),
        ctx.para("accounts.allocation_intro", key=ctx.label("key", key), shared=fmt.money(allocation.get("shared_cost_sek")),
                 unallocated=fmt.money(allocation.get("unallocated_sek"))),
    ]
    weights = [(s, Decimal(str(s["key_weight"]))) for s in services if s.get("key_weight") not in (None, "")]
    weight_sum = sum((w for _, w in weights), Decimal(0))
    rows = []
    for service, weight in weights:
        # Revenue and direct-cost keys weigh in öre; an explicit key table holds plain numbers.
        shown = fmt.money(str(weight / 100)) if key in ("revenue", "direct_cost") else fmt.decimal(str(weight), 4)
        part = Fraction(weight) / Fraction(weight_sum) if weight_sum else None
        part_text = None if part is None else str(Decimal(part.numerator) / Decimal(part.denominator))
        rows.append([f"{service['code']} {service.get('name') or ''}".strip(), shown, fmt.share(part_text),
                     fmt.money(service.get("allocated_cost_sek"))])
    if rows:
        story += [data_table([t("accounts.service"), t("accounts.key_weight"), t("accounts.key_part"),
                              t("accounts.allocated_cost")], rows, [60, 40, 25, 40], ctx.styles, numeric=(1, 2, 3)),
                  ctx.source(SHEET_SERVICES)]
    by_year = allocation.get("keys_by_year") or {}
    if by_year:
        story.append(ctx.para("accounts.keys_by_year",
                              keys="; ".join(f"{y}: {ctx.label('key', k)}" for y, k in sorted(by_year.items()))))
    if allocation.get("key_changed"):
        story.append(ctx.para("accounts.key_changed"))
        rows = []
        for entry in allocation.get("comparison", []):
            for activity in ACTIVITIES:
                a = entry["activities"].get(activity)
                if a is None:
                    continue
                rows.append([ctx.label("key", entry["key"]), ctx.label("activity", activity),
                             fmt.money(a.get("revenue_sek")), fmt.money(a.get("full_cost_sek")),
                             fmt.money(a.get("result_sek")), fmt.ratio(a.get("coverage"))])
        story += [data_table([t("accounts.key"), t("accounts.activity"), t("accounts.revenue"), t("accounts.full_cost"),
                              t("accounts.result"), t("accounts.coverage")], rows, [28, 28, 30, 30, 30, 16],
                             ctx.styles, numeric=(2, 3, 4, 5)),
                  ctx.source(SHEET_SERVICES)]
    return story


def inventory(ctx: Context, services: list[dict]) -> list[Flowable]:
    """The service inventory: classification and the catalogue's documented decision per
    service, then its texts (legal basis, member need, target group, market assessment).
    A code the ledger uses but the catalogue lacks is listed and marked as such."""
    fmt, t = ctx.fmt, ctx.text
    catalogue = ctx.figures.get("service_catalogue")
    if catalogue is None:
        # Figures from before the catalogue was part of them: the services' own fields only.
        catalogue = [{"code": s["code"], "name": s.get("name"), "activity": s.get("activity"),
                      "in_catalogue": s.get("in_catalogue")} for s in services]
    non_controlling = {s["code"]: s.get("non_controlling_revenue_sek") for s in services}

    def field(entry: dict, name: str) -> str:
        if not entry.get("in_catalogue"):
            return t("inventory.not_in_catalogue")
        return entry.get(name) or t("common.missing")

    rows = [[entry["code"], entry.get("name") or "", ctx.label("activity", entry.get("activity", "")),
             ctx.yes_no(entry.get("in_catalogue")), field(entry, "pricing"),
             fmt.date(entry.get("decision_date")) if entry.get("decision_date") else t("common.missing"),
             field(entry, "decision_reference"),
             ctx.yes_no(entry.get("exclusivity")) if entry.get("in_catalogue") else t("common.missing"),
             fmt.amount(non_controlling.get(entry["code"]))]
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
    texts = [[entry["code"], field(entry, "legal_basis"), field(entry, "member_need"), field(entry, "target_group"),
              field(entry, "market_assessment")]
             for entry in catalogue if "legal_basis" in entry or not entry.get("in_catalogue")]
    if texts:
        story += [ctx.heading("inventory.texts_title", level=3), ctx.para("inventory.texts_intro"),
                  data_table([t("inventory.code"), t("inventory.legal_basis"), t("inventory.member_need"),
                              t("inventory.target_group"), t("inventory.market_assessment")],
                             texts, [12, 40, 40, 30, 60], ctx.styles),
                  ctx.source(SHEET_SERVICES)]
    return story


def open_market(ctx: Context) -> list[Flowable]:
    market = ctx.figures.get("open_market")
    if not market:
        return []
    fmt = ctx.fmt
    return [ctx.heading("open_market.title"),
            ctx.para("open_market.intro"),
            ctx.para("open_market.result", share=fmt.share(market.get("share")), private=fmt.money(market.get("private_sek")),
                     total=fmt.money(market.get("total_sek")), threshold=fmt.limit(market["threshold"]),
                     verdict=ctx.verdict_word(market.get("met")).lower()),
            ctx.source(SHEET_REVENUE_BY_COUNTERPARTY)]


def transparency(ctx: Context) -> list[Flowable]:
    screen = ctx.figures.get("transparency")
    if not screen:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[str(y["year"]), fmt.money(y["turnover_sek"]), fmt.eur(y["turnover_eur"]), ctx.yes_no(y["over"])]
            for y in screen.get("years", [])]
    key = "transparency.applies" if screen.get("applies") else "transparency.does_not_apply"
    return [ctx.heading("transparency.title"),
            ctx.para("transparency.intro", threshold=fmt.eur(screen["threshold_eur"]), rate=fmt.decimal(screen["eur_sek"])),
            data_table([t("common.year"), t("transparency.turnover_sek"), t("transparency.turnover_eur"),
                        t("transparency.over")], rows, [20, 50, 50, 40], ctx.styles, numeric=(1, 2)),
            ctx.source(SHEET_LINES), ctx.para(key)]
