"""The three Teckal criteria (R8) as the board reads them: the headline that says the exemption
holds only when all three hold, one line per criterion for the summary box, and the chapter
section that treats each criterion on its own with its evidence and gaps. Reads
`figures.teckal.criteria` and `exemption_holds` only; computes nothing."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from pipeline.figures import Teckal
from pipeline.model import SHEET_GOVERNANCE, SHEET_GOVERNANCE_GAPS
from pipeline.write.pdf.common import Context
from pipeline.write.pdf.layout import data_table

MAX_GAPS_SHOWN = 25


def has_criteria(ctx: Context) -> bool:
    return ctx.figures.teckal.criteria is not None


def headline(ctx: Context) -> tuple[str, str]:
    """(headline, box kind): the exemption holds only when all three criteria hold."""
    teckal = ctx.figures.teckal
    if teckal.exemption_holds:
        return ctx.text("criteria.headline_holds"), "review" if teckal.review else "met"
    lacking = [ctx.text(f"criteria.name_{name}") for name in ("activity", "control", "private_capital")
               if not _holds(teckal, name)]
    kind = "review" if teckal.criteria.activity.status == "provisional" and len(lacking) == 1 else "not_met"
    return ctx.text("criteria.headline_not_shown", lacking=", ".join(lacking)), kind


def _holds(teckal: Teckal, name: str) -> bool:
    criteria = teckal.criteria
    if name == "activity":
        return criteria.activity.status == "met"
    if name == "control":
        return criteria.control.status == "documented"
    return criteria.private_capital.status == "no_private_owner"


def criterion_lines(ctx: Context, style: str = "verdict_sub") -> list[Flowable]:
    """One line per criterion, each with its own verdict."""
    teckal, fmt = ctx.figures.teckal, ctx.fmt
    criteria = teckal.criteria
    control, private = criteria.control, criteria.private_capital
    lines = [ctx.para(f"criteria.activity_{criteria.activity.status}", style, share=fmt.share(teckal.window_share),
                      threshold=fmt.limit(teckal.threshold), n=teckal.years_count)]
    lines.append(ctx.para(f"criteria.control_{control.status}", style, n=control.fully_represented,
                          m=control.controlling_members, missing=len(control.members_without_full_representation)))
    lines.append(ctx.para(f"criteria.private_{private.status}", style, members=", ".join(private.private_members)))
    return lines


def chapter_section(ctx: Context) -> list[Flowable]:
    """The Teckal chapter's part on the three criteria: each on its own, evidence and gaps."""
    if not has_criteria(ctx):
        return []
    teckal = ctx.figures.teckal
    control, private = teckal.criteria.control, teckal.criteria.private_capital
    story: list[Flowable] = [ctx.heading("criteria.title", level=2), ctx.para("criteria.intro")]
    story += criterion_lines(ctx, "body")
    story.append(ctx.para("criteria.headline_sentence_holds" if teckal.exemption_holds
                          else "criteria.headline_sentence_not_shown"))

    story.append(ctx.heading("criteria.control_title", level=3))
    story.append(ctx.para("criteria.control_intro"))
    if control.status == "not_documented":
        story.append(ctx.para("criteria.control_no_register"))
    gaps = control.gaps
    if gaps:
        rows = [[g.orgnr, g.name, ctx.fmt.date(g.from_), ctx.fmt.date(g.to), ctx.fmt.count(g.days)]
                for g in gaps[:MAX_GAPS_SHOWN]]
        story.append(KeepTogether([
            ctx.para("criteria.gaps_intro", n=len(gaps)),
            data_table([ctx.text("criteria.orgnr"), ctx.text("criteria.member"), ctx.text("criteria.gap_from"),
                        ctx.text("criteria.gap_to"), ctx.text("criteria.gap_days")], rows, [28, 62, 26, 26, 18],
                       ctx.styles, numeric=(4,)),
            ctx.source(SHEET_GOVERNANCE_GAPS)]))
        if len(gaps) > MAX_GAPS_SHOWN:
            story.append(ctx.para("criteria.more_gaps", n=len(gaps) - MAX_GAPS_SHOWN))
    shared = control.shared_representatives
    if shared:
        rows = [[s.representative, ", ".join(s.members)] for s in shared]
        story.append(ctx.para("criteria.shared_intro"))
        story.append(data_table([ctx.text("criteria.representative"), ctx.text("criteria.members")], rows, [50, 110],
                                ctx.styles))
    story.append(ctx.source(SHEET_GOVERNANCE))

    story.append(ctx.heading("criteria.private_title", level=3))
    story.append(ctx.para("criteria.private_intro"))
    if private.private_members:
        story.append(ctx.para("criteria.private_found", members=", ".join(private.private_members)))
    return story
