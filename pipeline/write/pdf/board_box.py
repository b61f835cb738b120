"""Page 1's box for the board: each criterion's outcome, the serious flags in one plain sentence
each, and what the board is asked to decide.

The outcomes are the figures' own booleans and statuses (`teckal.exemption_holds`, `teckal.met`,
`teckal.review`, `teckal.provisional`, the control and private-capital criteria, and the
Hamburg share, shown as the alternative basis it is); the shares beside them are display text.
A criterion is one function in CRITERIA that reads its part of the figures and gives a line, or
None when that part is absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab.platypus import Flowable, Table, TableStyle

from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import ACCENT, CONTENT_WIDTH, ZEBRA_FILL, Paragraph

# At most this many serious flags are spelled out on page 1; the rest are counted and the
# flags chapter lists them all.
SERIOUS_ON_PAGE_ONE = 5


@dataclass(frozen=True)
class CriterionLine:
    outcome: str  # "met", "review", "not_met", "missing", or "info" (shown, no decision follows)
    markup: str  # one sentence, Paragraph markup


def _field(record: Any, name: str) -> Any:
    """A figure's field from a dict or a dataclass alike."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def _teckal(ctx: Context) -> CriterionLine | None:
    teckal = _field(ctx.figures, "teckal")
    if not teckal:
        return None
    share = _field(teckal, "window_share")
    years = [_field(y, "year") for y in _field(teckal, "years") or []]
    if share is None:
        outcome = "missing"
    elif getattr(teckal, "provisional", False):
        outcome = "provisional"
    elif _field(teckal, "met"):
        outcome = "review" if _field(teckal, "review") else "met"
    else:
        outcome = "not_met"
    return CriterionLine(outcome, ctx.text.markup(
        "board.teckal", outcome=ctx.text(f"board.outcome_{outcome}"), share=ctx.fmt.share(share),
        threshold=ctx.fmt.limit(_field(teckal, "threshold")), first=min(years, default=ctx.year),
        last=max(years, default=ctx.year)))


def _exemption(ctx: Context) -> CriterionLine | None:
    """The headline: the exemption holds only when all three criteria hold (DOMAIN R8)."""
    teckal = ctx.figures.teckal
    if teckal.criteria is None:
        return None
    holds = bool(teckal.exemption_holds)
    outcome = ("review" if teckal.review else "met") if holds else "not_met"
    return CriterionLine(outcome, ctx.text.markup("board.exemption_holds" if holds else "board.exemption_not_shown"))


def _control(ctx: Context) -> CriterionLine | None:
    criteria = ctx.figures.teckal.criteria
    if criteria is None:
        return None
    control = criteria.control
    outcome = {"documented": "met", "gaps": "not_met"}.get(control.status, "missing")
    missing = control.controlling_members - control.fully_represented
    return CriterionLine(outcome, ctx.text.markup(
        f"criteria.control_{control.status}", m=ctx.fmt.count(control.controlling_members),
        n=ctx.fmt.count(control.fully_represented), missing=ctx.fmt.count(missing)))


def _private_capital(ctx: Context) -> CriterionLine | None:
    criteria = ctx.figures.teckal.criteria
    if criteria is None:
        return None
    private = criteria.private_capital
    outcome = "met" if private.status == "no_private_owner" else "not_met"
    return CriterionLine(outcome, ctx.text.markup(f"criteria.private_{private.status}",
                                                  members=", ".join(private.private_members)))


def _hamburg(ctx: Context) -> CriterionLine | None:
    """The open-market (Hamburg) share: an alternative legal basis, not a Teckal requirement; its
    outcome does not change what the board is asked to decide."""
    market = ctx.figures.open_market
    share = market.window_share if market.window_share is not None else market.share
    return CriterionLine("info", ctx.text.markup(
        "board.hamburg", outcome=ctx.text("board.outcome_met" if market.met else "board.outcome_not_met"),
        share=ctx.fmt.share(share), threshold=ctx.fmt.limit(market.threshold)))


CRITERIA: list[Callable[[Context], CriterionLine | None]] = [_exemption, _teckal, _control, _private_capital, _hamburg]


def criterion_lines(ctx: Context) -> list[CriterionLine]:
    return [line for line in (criterion(ctx) for criterion in CRITERIA) if line is not None]


def serious_flags(ctx: Context) -> list[Any]:
    return [flag for flag in _field(ctx.figures, "flags") or [] if _field(flag, "severity") == "critical"]


def serious_flag_sentence(ctx: Context, flag: Any) -> str:
    """The flag's one plain sentence (markup), as the flags chapter words it."""
    flag_id = _field(flag, "id")
    subject = _field(flag, "subject") or ctx.text("flags.no_subject")
    key = f"flag.{flag_id}.sentence"
    if not ctx.text.has(key):
        return ctx.text.markup("board.unknown_flag", subject=subject)
    return ctx.text.markup(key, subject=subject, amount=ctx.fmt.money(_field(flag, "amount_sek")),
                           rows=ctx.fmt.count(_field(flag, "rows")))


def decision_markup(ctx: Context, lines: list[CriterionLine], serious: list[Any]) -> str:
    """What the board is asked to decide: adopt the evaluation, and act where something fails."""
    parts = [ctx.text.markup("board.decide_adopt", year=ctx.year)]
    if any(line.outcome in ("not_met", "missing", "provisional") for line in lines):
        parts.append(ctx.text.markup("board.decide_not_met"))
    if any(line.outcome == "review" for line in lines):
        parts.append(ctx.text.markup("board.decide_review"))
    if serious:
        parts.append(ctx.text.markup("board.decide_flags"))
    return " ".join(parts)


def board_box(ctx: Context) -> list[Flowable]:
    """The box: a heading row, one row per criterion, the serious flags, the decision. One row
    per part, so a long box continues on the next page instead of running off this one."""
    style, strong = ctx.styles["verdict_sub"], ctx.styles["board_title"]
    lines = criterion_lines(ctx)
    serious = serious_flags(ctx)
    rows: list[list[list[Flowable]]] = [[[Paragraph(ctx.text.markup("board.title"), strong)]]]
    rows += [[[Paragraph(line.markup, style)]] for line in lines]
    if serious:
        shown = serious[:SERIOUS_ON_PAGE_ONE]
        rows.append([[Paragraph(ctx.text.markup("board.serious_title", n=len(serious)), style)]])
        rows += [[[Paragraph(f"\u2022 {serious_flag_sentence(ctx, flag)}", style)]] for flag in shown]
        if len(serious) > len(shown):
            rows.append([[Paragraph(ctx.text.markup("board.more_flags", n=len(serious) - len(shown)), style)]])
    else:
        rows.append([[Paragraph(ctx.text.markup("board.no_serious"), style)]])
    rows.append([[Paragraph(decision_markup(ctx, lines, serious), style)]])
    box = Table(rows, colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ZEBRA_FILL),
        ("BOX", (0, 0), (-1, -1), 0.6, ACCENT),
        ("LINEBEFORE", (0, 0), (0, -1), 4, ACCENT),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, 0), 8),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ("TOPPADDING", (0, -1), (-1, -1), 6),
    ]))
    return [box]
