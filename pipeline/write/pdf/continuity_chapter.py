"""The changes chapter (issue 18): what changed since last year's report, and the trend.

Prior-year ledgers changed since that report (a warning, with the difference per account in
the workbook), prior-year figures that differ from what it stated (side by side, never
replaced), the headline figures then and now, members who joined or left, services added,
removed or reclassified (with the decision reference), flags new, still open and resolved,
settings that changed, and the yearly share of every year the outputs folder holds a report for.
Reads `figures.continuity` only; never recomputes a figure.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from pipeline.figures import Continuity, TeckalYear
from pipeline.write.pdf.charts import teckal_chart
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import CONTENT_WIDTH, data_table

MONEY_FIGURES = ("controlling_sek", "total_sek")


def chapter(ctx: Context) -> list[Flowable]:
    continuity = ctx.figures.continuity
    if continuity is None:
        return []
    story: list[Flowable] = [ctx.heading("changes.title")]
    if continuity.previous_report is None:
        story.append(ctx.para("changes.no_previous", year=ctx.year - 1))
    else:
        story.append(ctx.para("changes.intro", year=continuity.previous_report, ref=continuity.previous_ref or ""))
        story += _changed_inputs(ctx, continuity)
        story += _restated(ctx, continuity)
        story += _compared(ctx, continuity)
        story += _changes(ctx, continuity)
    story += _trend(ctx, continuity)
    if continuity.previous_report is not None:
        story.append(ctx.source(continuity.sheet))
    story.append(PageBreak())
    return story


def _changed_inputs(ctx: Context, c: Continuity) -> list[Flowable]:
    if not c.changed_inputs:
        return [ctx.para("changes.inputs_unchanged", year=c.previous_report)]
    story: list[Flowable] = [ctx.heading("changes.inputs_title", level=2)]
    for entry in c.changed_inputs:
        revenue = ctx.text("changes.revenue_delta", amount=_signed_money(ctx, entry.revenue_delta_sek)) \
            if entry.revenue_delta_sek is not None else ""
        story.append(ctx.para("changes.ledger_changed", year=entry.year, report=c.previous_report, lines=f"{entry.lines_delta:+d}",
                              revenue=revenue, file=entry.file))
    story.append(ctx.source(c.ledger_sheet))
    return story


def _signed_money(ctx: Context, sek_text: str) -> str:
    sign = "-" if sek_text.startswith("-") else "+"
    return f"{sign}{ctx.fmt.money(sek_text.lstrip('-'))}"


def _restated(ctx: Context, c: Continuity) -> list[Flowable]:
    if not c.restated:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[str(r.year), ctx.label("changes.figure", r.figure),
             fmt.money(r.reported) if r.figure in MONEY_FIGURES else fmt.share(r.reported),
             fmt.money(r.now) if r.figure in MONEY_FIGURES else fmt.share(r.now)] for r in c.restated]
    return [ctx.heading("changes.restated_title", level=2), ctx.para("changes.restated_intro", year=c.previous_report),
            data_table([t("common.year"), t("changes.figure_column"), t("changes.reported", year=c.previous_report),
                        t("changes.now")], rows, [20, 60, 40, 40], ctx.styles, numeric=(2, 3))]


def _value(ctx: Context, key: str, value: object) -> str:
    if value is None:
        return ctx.text("common.missing")
    if isinstance(value, bool):
        return ctx.yes_no(value)
    if isinstance(value, int):
        return ctx.fmt.count(value)
    text = str(value)
    if key.endswith("_sek"):
        return ctx.fmt.money(text)
    if key.endswith("share"):
        return ctx.fmt.share(text)
    return ctx.label("changes.status", text)


def _compared(ctx: Context, c: Continuity) -> list[Flowable]:
    if not c.compared:
        return []
    t = ctx.text
    rows = [[ctx.label("changes.figure", x.figure.replace(".", "_")), _value(ctx, x.figure, x.before), _value(ctx, x.figure, x.now)]
            for x in c.compared]
    return [ctx.heading("changes.compared_title", level=2),
            data_table([t("common.figure"), t("changes.reported", year=c.previous_report), t("changes.now")],
                       rows, [80, 40, 40], ctx.styles, numeric=(1, 2))]


def _changes(ctx: Context, c: Continuity) -> list[Flowable]:
    t = ctx.text
    changes = c.changes
    if changes is None:
        return [ctx.para("changes.no_snapshot", year=c.previous_report)]
    rows: list[list[str]] = []

    def add(kind: str, subject: str, detail: str = "") -> None:
        rows.append([t(f"changes.kind.{kind}"), subject, detail])

    for kind, subject in changes.named_only():
        add(kind, subject)
    for s in changes.services_reclassified:
        detail = t("changes.reclassified", before=ctx.label("activity", s.before), after=ctx.label("activity", s.after),
                   reference=s.decision_reference or t("common.missing"))
        add("service_reclassified", s.code, detail)
    for kind, flags in (("flag_new", changes.flags_new), ("flag_resolved", changes.flags_resolved),
                        ("flag_still_open", changes.flags_still_open)):
        for f in flags:
            title = t(f"flag.{f.id}.title") if t.has(f"flag.{f.id}.title") else f.id
            add(kind, f"{title} {f.subject}".strip())
    for s in changes.settings_changed:
        add("setting_changed", s.setting, t("changes.setting", before=s.before or "–", after=s.after or "–"))
    story: list[Flowable] = [ctx.heading("changes.list_title", level=2)]
    if not rows:
        return story + [ctx.para("changes.nothing")]
    grants_changed = any(s.setting == "rules.grants" for s in changes.settings_changed)
    story.append(data_table([t("changes.kind_column"), t("changes.subject"), t("changes.detail")], rows,
                            [40, 60, 70], ctx.styles))
    if grants_changed:
        teckal = ctx.figures.teckal
        story.append(ctx.para("changes.grants_effect", share=ctx.fmt.share(teckal.other_grants_share),
                              now=ctx.fmt.share(teckal.window_share)))
    return story


def _trend(ctx: Context, c: Continuity) -> list[Flowable]:
    if not c.trend:
        return []
    fmt, t = ctx.fmt, ctx.text
    rows = [[str(y.year), fmt.share(y.share)] for y in c.trend]
    bars = [TeckalYear(year=y.year, controlling_sek="", total_sek="", share=y.share,
                       source="ledger" if y.year == ctx.year else "report", grants_sek=None, by_category_sek=None)
            for y in c.trend]
    labels = {"ledger": t("changes.this_report"), "report": t("source.report"),
              "threshold": t("teckal.chart_threshold"), "window": t("teckal.chart_window"),
              "no_share": t("common.no_share")}
    chart = teckal_chart(bars, None, ctx.figures.teckal.threshold, fmt, labels, CONTENT_WIDTH)
    return [KeepTogether([ctx.heading("changes.trend_title", level=2), ctx.para("changes.trend_intro"), chart]),
            data_table([t("common.year"), t("teckal.share")], rows, [30, 30], ctx.styles, numeric=(1,))]
