"""Suppliers (R6) and the flags chapter: every flag in the figures with one plain sentence a
board member understands, its amount, its row count and the sheet that lists its rows."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from pipeline.figures import FlaggedSupplier, SupplierEntry, Suppliers
from pipeline.model import SHEET_FLAG_ROWS, SHEET_FLAGS, SHEET_SUPPLIER_FLAGS, SHEET_SUPPLIER_LINES, SHEET_SUPPLIERS
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import Paragraph, data_table

SUPPLIER_FLAGS = ("direct_award_kind_over_limit", "over_direct_award_limit", "outside_contract_period",
                  "not_in_supplier_list", "orgnr_not_valid", "concentration")


def suppliers(ctx: Context) -> list[Flowable]:
    s = ctx.figures.suppliers
    if not s:
        return []
    fmt, t = ctx.fmt, ctx.text
    settings = (ctx.figures.settings or {}).get("thresholds", {})
    rows = [
        [t("suppliers.source"), ctx.label("supplier_source", s.source)],
        [t("suppliers.spend"), fmt.money(s.spend_sek)],
        [t("suppliers.market_spend"), fmt.money(s.market_spend_sek)],
        [t("suppliers.member_spend"), fmt.money(s.member_spend_sek)],
        [t("suppliers.count"), fmt.count(s.count)],
        [t("suppliers.flagged"), fmt.count(s.flagged)],
        [t("suppliers.top_share"), fmt.share(s.top_share)],
        [t("suppliers.herfindahl"), fmt.decimal(s.herfindahl, 4)],
    ]
    if settings.get("direct_award_limit_sek"):
        rows.append([t("suppliers.direct_award_limit"), fmt.money(settings["direct_award_limit_sek"])])
    if settings.get("supplier_concentration"):
        rows.append([t("suppliers.concentration_limit"), fmt.limit(settings["supplier_concentration"])])
    story: list[Flowable] = [ctx.heading("suppliers.title"), ctx.para("suppliers.intro"),
                             data_table([t("common.figure"), t("common.value")], rows, [100, 70], ctx.styles,
                                        numeric=(1,)),
                             ctx.source(SHEET_SUPPLIERS, SHEET_SUPPLIER_LINES), ctx.para("suppliers.hhi_explained")]
    story += _supplier_lists(ctx, s)
    story += direct_award_kinds(ctx, s)
    by_kind = s.flags_by_kind or {}
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


MAX_KINDS_SHOWN = 12


def direct_award_kinds(ctx: Context, s: Suppliers) -> list[Flowable]:
    """R6: direct-award spend added up by kind; the kinds at or over the limit first are leads.
    Beside it, the split-purchase journal test when the run has one (`split_purchases`)."""
    kinds = s.direct_award_kinds
    if s.direct_award_limit_sek is None:
        return []
    fmt, t = ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("direct_awards.title", level=3),
                             ctx.para("direct_awards.intro", kind=ctx.label("direct_award_kind",
                                                                            s.direct_award_kind_setting),
                                      limit=fmt.money(s.direct_award_limit_sek))]
    over = [k for k in kinds if k.over_limit]
    shown = over + [k for k in kinds if not k.over_limit][:max(MAX_KINDS_SHOWN - len(over), 0)]
    if shown:
        rows = [[k.kind or t("direct_awards.no_category"), fmt.money(k.spend_sek), fmt.count(len(k.suppliers)),
                 fmt.count(k.lines), t("direct_awards.lead") if k.over_limit else ""] for k in shown]
        story += [data_table([t("direct_awards.kind"), t("direct_awards.spend"), t("direct_awards.suppliers"),
                              t("flags.rows"), t("direct_awards.review")], rows, [40, 35, 25, 20, 45], ctx.styles,
                             numeric=(1, 2, 3)),
                  ctx.source(s.direct_award_sheet)]
    story.append(ctx.para("direct_awards.summary", over=fmt.count(len(over)), n=fmt.count(len(kinds))))
    if len(kinds) > len(shown):
        story.append(ctx.para("direct_awards.more", n=fmt.count(len(kinds) - len(shown))))
    quality = ctx.figures.data_quality
    split = [row for row in (quality.journal if quality is not None else ()) if row.test == "split_purchases"]
    if split:
        story.append(ctx.para("direct_awards.split_purchases", findings=fmt.count(split[0].findings)))
        if split[0].sheet:
            story.append(ctx.source(split[0].sheet))
    return story


def _supplier_name(ctx: Context, entry: SupplierEntry | FlaggedSupplier) -> str:
    """Name and org. no.; a supplier without a name in the list is shown by its org. no. (or
    the text that stood in the org. no. cell)."""
    name = entry.name or ""
    number = entry.orgnr or entry.supplier or ""
    return f"{name} ({number})" if name and number else (name or number or ctx.text("common.missing"))


def _supplier_lists(ctx: Context, s: Suppliers) -> list[Flowable]:
    """The flagged suppliers with their rows, the largest market suppliers, and the members and
    member-controlled bodies bought from, shown apart from the market."""
    fmt, t = ctx.fmt, ctx.text
    story: list[Flowable] = []
    flagged = s.flagged_suppliers
    if flagged:
        rows = [[_supplier_name(ctx, e), ctx.label("supplier_group", e.group), fmt.money(e.spend_sek),
                 ", ".join(ctx.text(f"flag.{f}.title") if ctx.text.has(f"flag.{f}.title") else f
                           for f in e.flags),
                 fmt.count(e.rows)]
                for e in flagged]
        sheets = sorted({e.sheet or SHEET_SUPPLIER_LINES for e in flagged})
        story += [ctx.heading("suppliers.flagged_title", level=3), ctx.para("suppliers.flagged_intro"),
                  data_table([t("suppliers.supplier"), t("suppliers.group"), t("suppliers.spend_column"),
                              t("flags.flag"), t("flags.rows")], rows, [55, 20, 28, 55, 14], ctx.styles,
                             numeric=(2, 4)),
                  ctx.source(*sheets)]
    top = s.top_market_suppliers
    if top:
        rows = [[_supplier_name(ctx, e), e.procurement_form or t("common.missing"),
                 fmt.money(e.spend_sek), fmt.share(e.share)] for e in top]
        story += [ctx.heading("suppliers.top_title", level=3, count=len(top)), ctx.para("suppliers.top_intro"),
                  data_table([t("suppliers.supplier"), t("suppliers.form"), t("suppliers.spend_column"),
                              t("suppliers.share")], rows, [70, 30, 35, 25], ctx.styles, numeric=(2, 3)),
                  ctx.source(SHEET_SUPPLIERS)]
    members = s.member_suppliers
    if members is not None:
        story += [ctx.heading("suppliers.members_title", level=3), ctx.para("suppliers.members_intro")]
        if members:
            rows = [[_supplier_name(ctx, e), e.procurement_form or t("common.missing"),
                     fmt.money(e.spend_sek)] for e in members]
            story += [data_table([t("suppliers.supplier"), t("suppliers.form"), t("suppliers.spend_column")], rows,
                                 [80, 40, 40], ctx.styles, numeric=(2,)),
                      ctx.source(SHEET_SUPPLIERS)]
        else:
            story.append(ctx.para("suppliers.no_members"))
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
    items = ctx.figures.flags
    story: list[Flowable] = [ctx.heading("flags.title"), ctx.para("flags.intro")]
    if not items:
        story += [ctx.para("flags.none"), PageBreak()]
        return story
    rows = []
    for flag in items:
        subject = flag.subject or t("flags.no_subject")
        rows.append([
            ctx.label("severity", flag.severity),
            _flag_cell(ctx, flag.id, subject=subject, amount=fmt.money(flag.amount_sek),
                       rows=fmt.count(flag.rows)),
            subject, fmt.money(flag.amount_sek), fmt.count(flag.rows),
        ])
    sheets = sorted({flag.sheet or SHEET_FLAG_ROWS for flag in items})
    story += [data_table([t("flags.severity"), t("flags.flag"), t("flags.subject"), t("flags.amount"), t("flags.rows")],
                         rows, [18, 92, 18, 28, 14], ctx.styles, numeric=(3, 4)),
              ctx.source(SHEET_FLAGS, *sheets), PageBreak()]
    return story
