"""Page 1's box for the board: each criterion's outcome, the serious flags in one plain sentence
each, and what the board is asked to decide.

The outcomes are the figures' own booleans (`teckal.met`, `teckal.review`, `open_market.met`);
the shares beside them are display text. A criterion is one function in CRITERIA that reads its
part of the figures and gives a line, or None when that part is absent: another criterion (such
as control or private capital) is one more function in the list, nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import ACCENT, CONTENT_WIDTH, ZEBRA_FILL

# At most this many serious flags are spelled out on page 1; the rest are counted and the
# flags chapter lists them all.
SERIOUS_ON_PAGE_ONE = 5


@dataclass(frozen=True)
class CriterionLine:
    outcome: str  # "met", "review", "not_met" or "missing"
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
    elif _field(teckal, "met"):
        outcome = "review" if _field(teckal, "review") else "met"
    else:
        outcome = "not_met"
    return CriterionLine(outcome, ctx.text.markup(
        "board.teckal", outcome=ctx.text(f"board.outcome_{outcome}"), share=ctx.fmt.share(share),
        threshold=ctx.fmt.limit(_field(teckal, "threshold")), first=min(years, default=ctx.year),
        last=max(years, default=ctx.year)))


def _open_market(ctx: Context) -> CriterionLine | None:
    market = _field(ctx.figures, "open_market")
    if not market:
        return None
    met = _field(market, "met")
    outcome = "missing" if met is None else "met" if met else "not_met"
    return CriterionLine(outcome, ctx.text.markup(
        "board.open_market", outcome=ctx.text(f"board.outcome_{outcome}"), share=ctx.fmt.share(_field(market, "share")),
        threshold=ctx.fmt.limit(_field(market, "threshold"))))


CRITERIA: list[Callable[[Context], CriterionLine | None]] = [_teckal, _open_market]


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
    if any(line.outcome in ("not_met", "missing") for line in lines):
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
