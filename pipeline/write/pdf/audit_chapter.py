"""For the auditor: data quality (row counts, rejected rows, control totals, validation and
journal tests), method, settings and assumptions with the open legal questions, and the
appendix with the SHA-256 of every input and output. Parts whose figures are absent are left
out rather than shown empty."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak

from pipeline.figures import DataQuality, ValidationCheck
from pipeline.model import SHEET_LINES
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import data_table
from pipeline.write.pdf.settings_text import setting_label, setting_value, settings_rows
from pipeline.write.workbook_words import shown_column

OPEN_QUESTIONS = ("law_text", "grants", "more_than", "direct_award_limit")


def data_quality(ctx: Context) -> list[Flowable]:
    f, fmt, t = ctx.figures, ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("quality.title"), ctx.para("quality.intro")]
    counts = f.rows
    quality = f.data_quality
    if counts:
        rows = [[ctx.label("kind", kind), fmt.count(getattr(counts, f"{kind}_read")),
                 fmt.count(getattr(counts, f"{kind}_used")), fmt.count(getattr(counts, f"{kind}_rejected"))] for kind in ("ledger", "purchases")]
        story += [ctx.heading("quality.rows_title", level=2, year=ctx.year),
                  data_table([t("quality.input"), t("quality.read"), t("quality.used"), t("quality.rejected")], rows,
                             [70, 33, 33, 33], ctx.styles, numeric=(1, 2, 3)),
                  ctx.source(quality.control_totals_sheet if quality else SHEET_LINES)]
    if not quality:
        story += [ctx.para("quality.not_available"), PageBreak()]
        return story
    rejected = quality.rejected or {}
    if rejected:
        story.append(ctx.heading("quality.rejected_title", level=2))
        story.append(ctx.para("quality.rejected_summary", total=fmt.count(rejected.total),
                              critical=fmt.count(rejected.critical)))
        if rejected.by_reason:
            rows = [[r.reason, fmt.count(r.rows)] for r in rejected.by_reason]
            story.append(data_table([t("quality.reason"), t("quality.rows")], rows, [140, 30], ctx.styles,
                                    numeric=(1,)))
        story.append(ctx.source(rejected.sheet))
    totals = quality.control_totals or []
    if totals:
        rows = [[f"{escape(c.file)}<br/>{escape(c.sheet or '')} · {escape(ctx.label('kind', c.kind))}",
                 fmt.count(c.rows_read), fmt.count(c.rows_used), fmt.count(c.rows_rejected),
                 fmt.amount(c.debit_sek), fmt.amount(c.credit_sek),
                 _period(ctx, c.first_date, c.last_date)] for c in totals]
        story += [ctx.heading("quality.totals_title", level=2), ctx.para("quality.totals_intro"),
                  data_table([t("quality.file"), t("quality.read"), t("quality.used"), t("quality.rejected"),
                              t("common.in_unit", label=t("quality.debit")), t("common.in_unit", label=t("quality.credit")),
                              t("quality.period")],
                             rows, [46, 14, 15, 15, 28, 28, 21], ctx.styles, numeric=(1, 2, 3, 4, 5),
                             markup_columns=(0, 6)),
                  ctx.source(quality.control_totals_sheet)]
    story += _validation(ctx, quality)
    story += _journal(ctx, quality)
    story.append(PageBreak())
    return story


def _period(ctx: Context, first: str | None, last: str | None) -> str:
    """Markup: first date, then "– last date" on the next line."""
    if not first and not last:
        return ctx.text("common.missing")
    return f"{escape(ctx.fmt.date(first))}<br/>– {escape(ctx.fmt.date(last))}"


def _validation(ctx: Context, quality: DataQuality) -> list[Flowable]:
    checks = quality.validation or []
    if not checks:
        return []
    fmt, t = ctx.fmt, ctx.text
    suites: dict[str, list[ValidationCheck]] = {}
    for check in checks:
        suites.setdefault(check.suite, []).append(check)
    rows = [[ctx.label("kind", suite), fmt.count(len(items)), fmt.count(sum(1 for c in items if c.success)),
             fmt.count(sum(1 for c in items if not c.success))] for suite, items in suites.items()]
    story: list[Flowable] = [
        ctx.heading("quality.validation_title", level=2), ctx.para("quality.validation_intro"),
        data_table([t("quality.suite"), t("quality.checks"), t("quality.passed"), t("quality.failed")], rows,
                   [80, 30, 30, 30], ctx.styles, numeric=(1, 2, 3)),
    ]
    failed = [c for c in checks if not c.success]
    if failed:
        rows = [[ctx.label("kind", c.suite), c.description or c.check,
                 shown_column(c.column or "", ctx.text.language),
                 ctx.label("severity", c.severity),
                 f"{fmt.count(c.unexpected_count)} / {fmt.count(c.element_count)}"] for c in failed]
        story += [ctx.para("quality.failed_intro"),
                  data_table([t("quality.suite"), t("quality.check"), t("quality.column"), t("flags.severity"),
                              t("quality.unexpected")], rows, [26, 66, 26, 20, 24], ctx.styles, numeric=(4,))]
    elif any(j.findings for j in quality.journal or ()):
        story.append(ctx.para("quality.all_rules_passed_journal_findings"))
    else:
        story.append(ctx.para("quality.all_passed"))
    story.append(ctx.source(quality.validation_sheet))
    return story


def _journal(ctx: Context, quality: DataQuality) -> list[Flowable]:
    """The journal tests: first, in words, which tests found something and on which sheet its
    rows are (or that none did); then one line per test with its result and its settings."""
    tests = quality.journal or []
    if not tests:
        return []
    fmt, t = ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("quality.journal_title", level=2), ctx.para("quality.journal_intro")]
    found = [j for j in tests if j.findings]
    if found:
        story.append(ctx.para("quality.journal_found", count=fmt.count(len(found)), total=fmt.count(len(tests))))
        for j in found:
            story.append(ctx.para("quality.journal_found_item", "note", test=ctx.label("journal", j.test),
                                  findings=fmt.count(j.findings), detail=f" ({j.detail})" if j.detail else "",
                                  sheet=j.sheet))
    else:
        story.append(ctx.para("quality.journal_nothing", total=fmt.count(len(tests))))
    rows = [[ctx.label("journal", j.test), fmt.count(j.findings), ctx.label("severity", j.severity), j.detail or "",
             "; ".join(f"{setting_label(ctx, key)}: {setting_value(ctx, key, value)}"
                       for key, value in (j.thresholds or {}).items()),
             j.sheet] for j in tests]
    story.append(data_table([t("quality.test"), t("quality.findings"), t("flags.severity"), t("quality.result"),
                             t("quality.settings_used"), t("common.sheet")], rows,
                            [34, 12, 16, 38, 34, 42], ctx.styles, numeric=(1,)))
    return story


def method(ctx: Context) -> list[Flowable]:
    f, fmt, t = ctx.figures, ctx.fmt, ctx.text
    teckal = f.teckal
    story: list[Flowable] = [ctx.heading("method.title")]
    for part in ("stages", "categories", "share", "accounts", "suppliers", "exact"):
        story.append(ctx.heading(f"method.{part}_title", level=3))
        story.append(ctx.para(f"method.{part}", threshold=fmt.limit(teckal.threshold)))
    story.append(ctx.heading("method.assumptions_title", level=2))
    story.append(ctx.para("method.assumption_grants", setting=ctx.label("grants", teckal.grants)))
    story.append(ctx.para("method.assumption_strict", threshold=fmt.limit(teckal.threshold)))
    story.append(ctx.para("method.assumption_key", key=ctx.label("key", f.allocation.key)))
    story.append(ctx.para("method.assumption_headroom"))
    story.append(ctx.para("method.assumption_criteria"))
    story.append(ctx.para("method.assumption_hamburg", threshold=fmt.limit(f.open_market.threshold)))
    story.append(ctx.para("method.assumption_direct_award"))
    settings = f.settings
    if settings:
        rows = settings_rows(ctx, settings)
        story += [ctx.heading("method.settings_title", level=2), ctx.para("method.settings_intro"),
                  data_table([t("method.setting"), t("common.value")], rows, [70, 100], ctx.styles)]
    direct_award = (settings or {}).get("thresholds", {}).get("direct_award_limit_sek")
    story.append(ctx.heading("method.questions_title", level=2))
    for question in OPEN_QUESTIONS:
        story.append(ctx.para(f"method.question_{question}", limit=fmt.money(direct_award) if direct_award
                              else t("common.missing"), year=ctx.year, threshold=fmt.limit(teckal.threshold)))
    story.append(PageBreak())
    return story


def appendix(ctx: Context) -> list[Flowable]:
    f, fmt, t = ctx.figures, ctx.fmt, ctx.text
    story: list[Flowable] = [ctx.heading("appendix.title"), ctx.para("appendix.intro")]
    inputs = f.inputs or []
    if inputs:
        rows = [[i["path"], ctx.label("kind", i["kind"]), fmt.count(i["bytes"]), fmt.count(i["rows"]),
                 i["sha256"]] for i in inputs]
        story += [ctx.heading("appendix.inputs_title", level=3),
                  data_table([t("appendix.path"), t("quality.kind"), t("appendix.bytes"), t("quality.rows"), "SHA-256"],
                             rows, [42, 18, 16, 12, 82], ctx.styles, numeric=(2, 3), code_columns=(4,))]
    outputs = ctx.output_hashes
    if outputs:
        rows = [[name, sha256] for name, sha256 in outputs]
        story += [ctx.heading("appendix.outputs_title", level=3), ctx.para("appendix.outputs_intro"),
                  data_table([t("appendix.path"), "SHA-256"], rows, [88, 82], ctx.styles, code_columns=(1,))]
    if not inputs and not outputs:
        story.append(ctx.para("appendix.not_available"))
    return story
