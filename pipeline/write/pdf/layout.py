"""Page layout of the evaluation report: font, styles, page templates, tables and notes.

Registers the embedded DejaVu Sans (so å, ä, ö and – render in every viewer), defines the
paragraph styles, the document template with its table of contents and PDF outline, and the
canvas that writes the running header and "Sida 3 av 12". It knows nothing about figures.
"""

from __future__ import annotations

import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import TimeStamp
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as ReportlabParagraph
from reportlab.platypus.tableofcontents import TableOfContents


class Paragraph(ReportlabParagraph):
    """reportlab's paragraph, its lines broken once per width. A table asks each cell's
    paragraph for its size to find the row heights, and again when it draws the cell: of the
    4 426 wraps of the report's last layout, 2 836 were the same paragraph at the width of its
    wrap before, each breaking the same lines again (a fifth of the layout's time). A wrap at
    the width of the one before, with the same text fragments, style and broken lines still in
    place, gives that wrap's size again; anything else breaks the lines as reportlab does. A
    split makes new paragraphs and takes the lines of this one away when it keeps nothing, so
    neither meets a stale answer. The bytes of the PDF do not change (tested)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        last = self.__dict__.get("_last_wrap")
        if (last is not None and last[0] == availWidth and last[1] is self.__dict__.get("blPara")
                and last[2] is self.frags and last[3] is self.style):
            self.width, self.height = last[4]
            return last[4]
        size = super().wrap(availWidth, availHeight)
        if "blPara" in self.__dict__:  # a width too narrow to hold anything breaks no lines
            self._last_wrap = (availWidth, self.blPara, self.frags, self.style, size)
        return size


FONT_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.HexColor("#1f2933")
ACCENT = colors.HexColor("#1d4e89")
GREY = colors.HexColor("#6b7280")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#e4ebf3")
ZEBRA_FILL = colors.HexColor("#f6f8fa")
MET_FILL = colors.HexColor("#e3f4e8")
MET_EDGE = colors.HexColor("#2f855a")
REVIEW_FILL = colors.HexColor("#fff4d6")
REVIEW_EDGE = colors.HexColor("#b7791f")
NOT_MET_FILL = colors.HexColor("#fde8e8")
NOT_MET_EDGE = colors.HexColor("#c53030")


def register_fonts() -> None:
    """Register the embedded TTFs once per process (reportlab keeps a global registry)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    # Italic falls back to the upright faces: only two faces are shipped.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def make_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=9.5, textColor=GREY, spaceBefore=2,
                               spaceAfter=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8, leading=10, spaceAfter=0,
                                     alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9.5,
                                    spaceAfter=0),
        "cell_head_right": ParagraphStyle("cell_head_right", parent=base, fontName=FONT_BOLD, fontSize=7.5,
                                          leading=9.5, spaceAfter=0, alignment=TA_RIGHT),
        "cell_code": ParagraphStyle("cell_code", parent=base, fontSize=6.5, leading=8.5, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, textColor=ACCENT,
                             spaceBefore=0, spaceAfter=10, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, textColor=ACCENT,
                             spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=ACCENT,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=FONT_BOLD, fontSize=24, leading=31,
                                      textColor=ACCENT, spaceAfter=14),
        "cover_org": ParagraphStyle("cover_org", parent=base, fontSize=15, leading=20, spaceAfter=6),
        "cover_meta": ParagraphStyle("cover_meta", parent=base, fontSize=10, leading=14, textColor=GREY),
        "verdict": ParagraphStyle("verdict", parent=base, fontName=FONT_BOLD, fontSize=15, leading=20,
                                  alignment=TA_LEFT, spaceAfter=4),
        "verdict_sub": ParagraphStyle("verdict_sub", parent=base, fontSize=9.5, leading=13, spaceAfter=0),
        "board_title": ParagraphStyle("board_title", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16,
                                      textColor=ACCENT, spaceAfter=0),
        "toc_title": ParagraphStyle("toc_title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20,
                                    textColor=ACCENT, spaceAfter=12),
        "toc1": ParagraphStyle("toc1", parent=base, fontName=FONT_BOLD, fontSize=10, leading=14, spaceBefore=3,
                               spaceAfter=0, leftIndent=0),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=8.5, leading=11, spaceAfter=0, leftIndent=14),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
    }


def cell(text: object, style: ParagraphStyle) -> Paragraph:
    """A table cell that wraps instead of overflowing; plain text is escaped. "§ 34" stays on
    one line."""
    return Paragraph(escape(str(text)).replace("§ ", "§\u00a0"), style)


CELL_PADDING = 3
SMALLEST_FONT = 5.5
TABLE_SCALES = (1.0, 0.9, 0.8)  # a wide table is set a size smaller as a whole, not column by column


def _fitting_size(text: str, style: ParagraphStyle, width: float) -> float:
    """The font size at which the text's longest unbreakable word fits `width`: amounts are
    joined by no-break spaces and hashes have none, so they cannot wrap and must not overflow."""
    words = [w for w in text.split(" ") if w] or [text]
    widest = max(pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in words)
    if widest <= width:
        return style.fontSize
    return max(SMALLEST_FONT, style.fontSize * width / widest * 0.98)


def _longest_word(text: str, style: ParagraphStyle) -> float:
    words = [w for w in str(text).split(" ") if w] or [str(text)]
    return max(pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in words)


def _widened(widths: Sequence[float], minimums: Sequence[float]) -> list[float]:
    """Column widths where every column is at least its minimum (its longest word), the room
    taken from columns with slack in proportion to their width; the total stays the same. When
    the minimums do not fit at all, the widths stay as given and the fonts shrink instead."""
    total = sum(widths)
    if sum(minimums) > total:
        return list(widths)
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(widths)) if i not in fixed]
        room = total - sum(fixed.values())
        weight = sum(widths[i] for i in free)
        proposal = {i: room * widths[i] / weight for i in free}
        short = {i: minimums[i] for i, w in proposal.items() if w < minimums[i]}
        if not short:
            return [fixed.get(i, proposal.get(i, 0.0)) for i in range(len(widths))]
        fixed.update(short)


def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    if size >= style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}_{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)


def data_table(header: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
               styles: dict[str, ParagraphStyle], numeric: Sequence[int] = (), markup_columns: Sequence[int] = (),
               bold_last_row: bool = False, code_columns: Sequence[int] = ()) -> Table:
    """A long table that splits across pages with its header repeated.

    `widths_mm` are relative column widths scaled to the text width; `numeric` columns are
    right-aligned; `markup_columns` hold trusted Paragraph markup; `code_columns` (hashes) use
    the small face. Text cells wrap; a column whose longest word does not fit is set smaller,
    the whole column alike so its figures line up.
    """
    scale = CONTENT_WIDTH / (sum(widths_mm) * mm)
    col_widths = [w * mm * scale for w in widths_mm]

    def base_style(column: int, head: bool) -> ParagraphStyle:
        if head:
            return styles["cell_head_right" if column in numeric else "cell_head"]
        return styles["cell_code"] if column in code_columns else (
            styles["cell_right"] if column in numeric else styles["cell"])

    # Headers wrap between words, never inside one, and the whole table keeps one size: each
    # column is first made wide enough for its longest word (hashes excepted: they are set
    # small), at the styles' size or, where that cannot fit, at one smaller size for the table.
    def minimum(column: int, scale: float) -> float:
        words = [_longest_word(header[column], base_style(column, True)) * scale]
        if column in code_columns:  # hashes may be set as small as SMALLEST_FONT, never broken
            style = base_style(column, False)
            words += [_longest_word(row[column], style) * SMALLEST_FONT / style.fontSize for row in rows
                      if not isinstance(row[column], Paragraph)]
        elif column not in markup_columns:
            words += [_longest_word(row[column], base_style(column, False)) * scale for row in rows
                      if not isinstance(row[column], Paragraph)]
        extra = 2 * CELL_PADDING if column - 1 in numeric and column not in numeric and column not in code_columns else 0
        return max(words) + 2 * CELL_PADDING + extra + 0.5

    for scale in TABLE_SCALES:
        minimums = [minimum(i, scale) for i in range(len(header))]
        if sum(minimums) <= sum(col_widths):
            break
    col_widths = _widened(col_widths, minimums)
    if scale < 1:
        scaled = {name: _sized(style, style.fontSize * scale) for name, style in styles.items()
                  if name.startswith("cell")}
        styles = {**styles, **scaled}

    def column_style(column: int, head: bool, values: Sequence[object]) -> ParagraphStyle:
        style = base_style(column, head)
        plain = [str(v) for v in values if not isinstance(v, Paragraph)]
        if column in markup_columns and not head or not plain:
            return style
        room = col_widths[column] - 2 * CELL_PADDING
        return _sized(style, min(_fitting_size(text, style, room) for text in plain))

    # Each column is set at one size, small enough for its longest word; figure columns share
    # one size so they read as one block. Text still wraps between words.
    body_styles = [column_style(i, False, [row[i] for row in rows]) for i in range(len(header))]
    figure_size = min((body_styles[i].fontSize for i in numeric), default=None)
    if figure_size is not None:
        body_styles = [_sized(style, figure_size) if i in numeric else style for i, style in enumerate(body_styles)]
    head_styles = [column_style(i, True, [header[i]]) for i in range(len(header))]

    def styled(value: object, column: int, head: bool = False) -> Paragraph:
        if isinstance(value, Paragraph):
            return value
        style = head_styles[column] if head else body_styles[column]
        if column in markup_columns and not head:
            return Paragraph(str(value), style)
        return cell(value, style)

    body = [[styled(h, i, head=True) for i, h in enumerate(header)]]
    body += [[styled(v, i) for i, v in enumerate(row)] for row in rows]
    table = Table(body, colWidths=col_widths, repeatRows=1, hAlign="LEFT", spaceBefore=2, spaceAfter=4)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for index in range(2, len(body), 2):
        commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA_FILL))
    # A left-aligned column right after a right-aligned figure gets room, so the two never touch.
    for column in range(1, len(header)):
        if column - 1 in numeric and column not in numeric and column not in code_columns:
            commands.append(("LEFTPADDING", (column, 0), (column, -1), 3 * CELL_PADDING))
    if bold_last_row and len(body) > 2:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
    table.setStyle(TableStyle(commands))
    return table


def fixed_timestamp(year: int) -> TimeStamp:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set, else the last day of the report
    year, so the same figures always give the same bytes."""
    stamp = TimeStamp(invariant=1)
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return stamp
    moment = datetime(year, 12, 31, tzinfo=timezone.utc).timestamp()
    stamp.t = moment
    stamp.lt = time.gmtime(moment)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def canvas_maker(year: int) -> type[Canvas]:
    """A canvas whose PDF dates come from `fixed_timestamp`, not the clock."""

    class ReportCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = fixed_timestamp(year)

    return ReportCanvas


# A table-of-contents entry as `ReportDocument.afterFlowable` makes it: level, text, page, key.
ContentsEntry = tuple[int, str, int, str]


class ReportDocument(BaseDocTemplate):
    """A4 portrait; the cover template has no header. Every h1 and h2 paragraph becomes a
    table-of-contents entry and a PDF bookmark. Build it with `multiBuild`: the page total for
    "Sida n av N" is taken from the previous pass, and the passes go on until it is stable.
    `layout_only`: one pass and no more, only to see where the pages fall (`report_pages`)."""

    def __init__(self, filename: Any, header_text: str, page_label: Callable[[int, int], str],
                 layout_only: bool = False, **kwargs):
        super().__init__(filename, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, invariant=1,
                         initialFontName=FONT, initialFontSize=9.5, initialLeading=12, **kwargs)
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="cover", frames=[frame]),
                               PageTemplate(id="body", frames=[frame], onPage=self._decorate)])
        self.header_text = header_text
        self.page_label = page_label
        self.page_total = 0
        self.layout_only = layout_only
        self._heading_count = 0

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = PAGE_HEIGHT - 14 * mm
        canvas.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN_X, top, self.header_text)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 11 * mm, self.page_label(doc.page, self.page_total))
        canvas.restoreState()

    def _allSatisfied(self):
        stable = self.page_total == self.page
        self.page_total = self.page
        return self.layout_only or (super()._allSatisfied() and stable)

    def afterFlowable(self, flowable):
        level = heading_level(flowable)
        if level is None:
            return
        text = flowable.getPlainText()
        # Keys follow the story order, so they are the same on every pass and every run.
        self._heading_count += 1
        key = f"h{self._heading_count}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))

    def handle_documentBegin(self):
        self._heading_count = 0
        super().handle_documentBegin()


def heading_level(flowable: Flowable) -> int | None:
    """0 for an h1 paragraph, 1 for an h2: the headings the contents list; None for the rest."""
    return {"h1": 0, "h2": 1}.get(getattr(getattr(flowable, "style", None), "name", ""))


def expect_contents(story: Sequence[Flowable]) -> None:
    """Give the story's table of contents its entries before the first pass, without page numbers.

    Without them the first pass lays out an empty contents page, every page after it moves when
    the second pass fills it, and a third pass is needed to see the pages stable: three layouts of
    the whole report. With them the first pass already has the contents at their full length (a
    page number does not change an entry's height: the room for it is kept on every line), so
    its pages are final and the second pass is the last. This is only the first guess:
    `multiBuild` still goes on until the entries and the page total are stable, so a heading
    missed here costs a pass, never a different report. That holds because a page break follows
    the contents (`front.cover`): what comes after them is laid out the same whatever they
    hold, so the passes after the first all reach the same entries and page total."""
    headings = [f for f in _drawn_flowables(story) if heading_level(f) is not None]
    # As `ReportDocument.afterFlowable` makes them: level, text, page, key by story order.
    entries = [(heading_level(f), f.getPlainText(), 0, f"h{n}") for n, f in enumerate(headings, 1)]
    for contents in story:
        if isinstance(contents, TableOfContents):
            contents._entries = list(entries)


def _drawn_flowables(story: Sequence[Flowable]) -> list[Flowable]:
    """The story's flowables in drawing order, the contents of KeepTogether groups in place of the group."""
    out: list[Flowable] = []
    for flowable in story:
        content = getattr(flowable, "_content", None) if isinstance(flowable, KeepTogether) else None
        out += _drawn_flowables(content) if content is not None else [flowable]
    return out


DOT_STEP = 4.5  # points between the contents' leader dots, the same on every line


class ReportContents(TableOfContents):
    """The table of contents with even leader dots: small grey dots on one grid for every
    level, from just after the entry's text to just before its right-aligned page number
    (reportlab's own leaders are right-aligned runs of " . " in each level's font)."""

    def wrap(self, availWidth, availHeight):
        entries = self._lastEntries or [(0, "", 0, None)]

        def entry_end(canvas, kind, label):
            page, level = (int(part) for part in label.split(","))
            style = self.getLevelStyle(level)
            x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
            number = str(page)
            number_x = availWidth - pdfmetrics.stringWidth(number, style.fontName, style.fontSize)
            canvas.saveState()
            canvas.setFont(style.fontName, style.fontSize)
            canvas.drawString(number_x, y, number)
            canvas.setFont(FONT, 7)
            canvas.setFillColor(GREY)
            dot = math.ceil((x + 6) / DOT_STEP) * DOT_STEP
            while dot < number_x - 6:
                canvas.drawString(dot, y, ".")
                dot += DOT_STEP
            canvas.restoreState()

        self.canv.setNamedCB("contentsEntryEnd", entry_end)
        rows = []
        for level, text, page, key in entries:
            style = self.getLevelStyle(level)
            linked = f'<a href="#{key}">{text}</a>' if key else text
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            # Room on the right for the dots and the number: long entries wrap before it.
            rows.append([Paragraph(f'{linked}<onDraw name="contentsEntryEnd" label="{page},{level}"/>',
                                   ParagraphStyle(f"{style.name}_room", parent=style, rightIndent=36))])
        self._table = Table(rows, colWidths=(availWidth,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


def table_of_contents(styles: dict[str, ParagraphStyle]) -> TableOfContents:
    toc = ReportContents(dotsMinLevel=0)
    toc.levelStyles = [styles["toc1"], styles["toc2"]]
    return toc
