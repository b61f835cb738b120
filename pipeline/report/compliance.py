"""Suppliers (R6) and the flags chapter: every flag in the figures with one plain sentence a
board member understands, its amount, its row count and the sheet that lists its rows."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Paragraph

from pipeline.compute import SHEET_FLAG_ROWS, SHEET_FLAGS, SHEET_SUPPLIER_FLAGS, SHEET_SUPPLIER_LINES, SHEET_SUPPLIERS
from pipeline.report.common import Context
from pipeline.report.layout import data_table

SUPPLIER_FLAGS = ("over_direct_award_limit", "outside_contract_period", "not_in_supplier_list", "orgnr_not_valid",
                  "concentration")


def suppliers(ctx: Context) -> list[Flowable]:
    s = ctx.figures.get("suppliers")
    if not s:
        return []
    fmt, t = ctx.fmt, ctx.text
    settings = ctx.figures.get("settings", {}).get("thresholds", {})
    rows = [
        [t("suppliers.source"), ctx.label("supplier_source", s.get("source", ""))],
        [t("suppliers.spend"), fmt.money(s.get("spend_sek"))],
        [t("suppliers.market_spend"), fmt.money(s.get("market_spend_sek"))],
        [t("suppliers.member_spend"), fmt.money(s.get("member_spend_sek"))],
        [t("suppliers.count"), fmt.count(s.get("count"))],
        [t("suppliers.flagged"), fmt.count(s.get("flagged"))],
        [t("suppliers.top_share"), fmt.share(s.get("top_share"))],
        [t("suppliers.herfindahl"), fmt.decimal(s.get("herfindahl"), 4)],
    ]
    if settings.get("direct_award_limit_sek"):
        rows.append([t("suppliers.direct_award_limit"), fmt.money(settings["direct_award_limit_sek"])])
    if settings.get("supplier_concentration"):
        rows.append([t("suppliers.concentration_limit"), fmt.limit(settings["supplier_concentration"])])
    story: list[Flowable] = [ctx.heading("suppliers.title"), ctx.para("suppliers.intro"),
                             data_table([t("common.figure"), t("common.value")], rows, [100, 70], ctx.styles,
                                        numeric=(1,)),
                             ctx.source(SHEET_SUPPLIERS, SHEET_SUPPLIER_LINES), ctx.para("suppliers.hhi_explained")]
    by_kind = s.get("flags_by_kind") or {}
    kinds = [k for k in SUPPLIER_FLAGS if k in by_kind] + sorted(k for k in by_kind if k not in SUPPLIER_FLAGS)
    story.append(ctx.heading("suppliers.flags_title", level=2))
    if kinds:
        rows = [[_flag_cell(ctx, kind, subject=""), fmt.count(by_kind[kind])] for kind in kinds]
        story += [data_table([t("flags.flag"), t("suppliers.suppliers")], rows, [140, 30], ctx.styles, numeric=(1,),
                             markup_columns=(0,)),
                  ctx.source(SHEET_SUPPLIER_FLAGS)]
    else:
        story.append(ctx.para("suppliers.no_flags"))
    story.append(PageBreak())
    return story


def _flag_cell(ctx: Context, flag_id: str, **fields: object) -> Paragraph:
    """Bold title, then the one-sentence explanation; an unknown id is shown as is."""
    title_key, sentence_key = f"flag.{flag_id}.title", f"flag.{flag_id}.sentence"
    if not ctx.text.has(title_key):
        return Paragraph(f"<b>{flag_id}</b>", ctx.styles["cell"])
    markup = f"<b>{ctx.text.markup(title_key)}</b><br/>{ctx.text.markup(sentence_key, **fields)}"
    return Paragraph(markup, ctx.styles["cell"])


def flags(ctx: Context) -> list[Flowable]:
    fmt, t = ctx.fmt, ctx.text
    items = ctx.figures.get("flags", [])
    story: list[Flowable] = [ctx.heading("flags.title"), ctx.para("flags.intro")]
    if not items:
        story += [ctx.para("flags.none"), PageBreak()]
        return story
    rows = []
    for flag in items:
        subject = flag.get("subject") or t("flags.no_subject")
        rows.append([
            ctx.label("severity", flag.get("severity", "")),
            _flag_cell(ctx, flag["id"], subject=subject, amount=fmt.money(flag.get("amount_sek")),
                       rows=fmt.count(flag.get("rows"))),
            subject, fmt.money(flag.get("amount_sek")), fmt.count(flag.get("rows")),
        ])
    sheets = sorted({flag.get("sheet") or SHEET_FLAG_ROWS for flag in items})
    story += [data_table([t("flags.severity"), t("flags.flag"), t("flags.subject"), t("flags.amount"), t("flags.rows")],
                         rows, [18, 92, 18, 28, 14], ctx.styles, numeric=(3, 4)),
              ctx.source(SHEET_FLAGS, *sheets), PageBreak()]
    return story
