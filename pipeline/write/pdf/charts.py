"""The report's two charts, drawn with reportlab.graphics from figures' text values.

The Teckal chart shows each window year's share as a bar against the threshold line and the
window share; the coverage chart shows each service's revenue / full cost against 1.0. Values
are converted to float only to place shapes on the page, never to decide anything.

Each chart is a `ChartDrawing`: besides the shapes it carries a one-sentence text alternative
and the values it plots as a small table, which the HTML twin prints beside the picture.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from pipeline.figures import ServiceAccount, TeckalYear
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.layout import FONT, FONT_BOLD, GREY, INK, NOT_MET_EDGE, RULE

BAR_FILL = colors.HexColor("#5b8cc4")
HISTORY_FILL = colors.HexColor("#a9c1de")
SALES_FILL = colors.HexColor("#d08c3f")
WINDOW_COLOUR = colors.HexColor("#2f855a")
TECKAL_BAR_FILL = colors.HexColor("#a9c4e4")
TECKAL_HISTORY_FILL = colors.HexColor("#dbe6f3")


class ChartDrawing(Drawing):
    """A drawing that also says in words what it shows: `description` (the text alternative)
    and `table` ((header, rows) of the plotted values, display text)."""

    _attrMap = AttrMap(BASE=Drawing, description=AttrMapValue(None), table=AttrMapValue(None))

    def describe(self, description: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.description = description
        self.table = (list(header), [list(row) for row in rows])


def _field(record: Any, name: str) -> Any:
    """A figure's field from a dict or a dataclass alike."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def teckal_chart(years: Sequence[TeckalYear], window_share: str | None, threshold: str, fmt: Formats,
                 labels: dict[str, str], width: float, height: float = 190) -> ChartDrawing:
    """Bars of the yearly shares (0-100 %), a red line at the threshold and a green dashed
    line at the window share. `labels`: source names, "threshold", "window", "no_share", and for
    the words beside the picture "year", "source", "share" and "alt" (a template with {years},
    {threshold} and {window})."""
    drawing = ChartDrawing(width, height)
    left, right, bottom, top = 40, width - 150, 34, height - 12
    plot_height = top - bottom

    def y_of(share: Decimal) -> float:
        return bottom + float(share) * plot_height

    for tick in range(0, 101, 20):
        y = y_of(Decimal(tick) / 100)
        drawing.add(Line(left, y, right, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(left - 5, y - 3, f"{tick} %", fontName=FONT, fontSize=7, fillColor=GREY,
                           textAnchor="end"))
    slot = (right - left) / max(len(years), 1)
    bar_width = min(60, slot * 0.55)
    for index, year in enumerate(years):
        centre = left + slot * (index + 0.5)
        share = year.share
        drawing.add(String(centre, bottom - 12, str(year.year), fontName=FONT_BOLD, fontSize=8,
                           fillColor=INK, textAnchor="middle"))
        drawing.add(String(centre, bottom - 22, labels.get(year.source, ""), fontName=FONT, fontSize=7,
                           fillColor=GREY, textAnchor="middle"))
        if share is None:
            drawing.add(String(centre, bottom + 6, labels["no_share"], fontName=FONT, fontSize=7.5,
                               fillColor=GREY, textAnchor="middle"))
            continue
        value = min(max(Decimal(share), Decimal(0)), Decimal(1))
        # Light fills under dark text: the share inside the bar reads at a contrast above 7:1.
        fill = TECKAL_HISTORY_FILL if year.source == "history" else TECKAL_BAR_FILL
        drawing.add(Rect(centre - bar_width / 2, bottom, bar_width, y_of(value) - bottom, fillColor=fill,
                         strokeColor=None))
        drawing.add(String(centre, y_of(value) - 11, fmt.share(share), fontName=FONT_BOLD, fontSize=7.5,
                           fillColor=INK, textAnchor="middle"))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=INK, strokeWidth=0.6))
    threshold_y = y_of(Decimal(threshold))
    drawing.add(Line(left, threshold_y, right, threshold_y, strokeColor=NOT_MET_EDGE, strokeWidth=1.2))
    drawing.add(String(right + 6, threshold_y - 3, f"{labels['threshold']} {fmt.limit(threshold)}", fontName=FONT,
                       fontSize=7.5, fillColor=NOT_MET_EDGE))
    if window_share is not None:
        window_y = y_of(min(max(Decimal(window_share), Decimal(0)), Decimal(1)))
        drawing.add(Line(left, window_y, right, window_y, strokeColor=WINDOW_COLOUR, strokeWidth=1.2,
                         strokeDashArray=[4, 3]))
        # Keep the two labels apart when the window share sits close to the threshold.
        label_y = window_y + 3 if window_y >= threshold_y else window_y - 9
        if abs(label_y - threshold_y) < 9:
            label_y = threshold_y + 9 if window_y >= threshold_y else threshold_y - 12
        drawing.add(String(right + 6, label_y, f"{labels['window']} {fmt.share(window_share)}", fontName=FONT_BOLD,
                           fontSize=7.5, fillColor=WINDOW_COLOUR))
    rows = [[str(_field(y, "year")), labels.get(_field(y, "source") or "", ""),
             fmt.share(_field(y, "share")) if _field(y, "share") is not None else labels["no_share"]] for y in years]
    rows.append([labels["threshold"], "", fmt.limit(threshold)])
    rows.append([labels["window"], "", fmt.share(window_share)])
    span = [str(_field(y, "year")) for y in years]
    drawing.describe(labels.get("alt", "").format(years="–".join(span[:1] + span[-1:]) if span else "",
                                                  threshold=fmt.limit(threshold), window=fmt.share(window_share)),
                     [labels.get("year", ""), labels.get("source", ""), labels.get("share", "")], rows)
    return drawing


def coverage_charts(services: Sequence[ServiceAccount], fmt: Formats, labels: dict[str, str], width: float,
                    per_chart: int = 24) -> list[ChartDrawing]:
    """The coverage chart, in parts of at most `per_chart` services so that each fits a page."""
    rows = [s for s in services if _field(s, "coverage") is not None]
    while True:
        parts = [rows[i:i + per_chart] for i in range(0, len(rows), per_chart)] or [[]]
        charts = [coverage_chart(part, fmt, labels, width) for part in parts]
        # Long names take up to three lines a row: fewer rows per part, until each fits a page.
        if per_chart == 1 or max(chart.height for chart in charts) <= MAX_CHART_HEIGHT:
            return charts
        per_chart = max(1, per_chart // 2)


NAME_LINES = 3
MAX_CHART_HEIGHT = 560  # points: well inside the page's text frame, with a heading above


def _name_lines(name: str, room: float, size: float) -> list[str]:
    """A service's name in at most NAME_LINES lines that fit `room`, broken between words; a
    name still too long ends in "…" on the last line (the table beside the chart has it whole)."""
    lines = simpleSplit(name, FONT, size, room) or [""]
    if len(lines) <= NAME_LINES:
        return lines
    last = " ".join(lines[NAME_LINES - 1:])
    while last and stringWidth(last + "…", FONT, size) > room:
        last = last[:-1]
    return [*lines[:NAME_LINES - 1], last.rstrip() + "…"]


def coverage_chart(services: Sequence[ServiceAccount], fmt: Formats, labels: dict[str, str], width: float) -> ChartDrawing:
    """One horizontal bar per service with a coverage: revenue / full cost, with a line at 1.0.
    Bars beyond the axis end are cut at the edge and carry their value as text; a value is set
    clear of the 1.0 line, and names wrap between words over two lines rather than being cut.
    For the words beside the picture `labels` also holds "service", "activity", "coverage" and
    "alt" (a template with {n} services and {below} of them under 1.0)."""
    rows = [s for s in services if _field(s, "coverage") is not None]
    size = 7.5
    names = [f"{_field(s, 'code')} {_field(s, 'name') or ''}".strip() for s in rows]
    widest = max((stringWidth(n, FONT, size) for n in names), default=0)
    left = min(max(150, widest + 12), width * 0.4)
    lines_of = [_name_lines(n, left - 10, size) for n in names]
    most_lines = max((len(lines) for lines in lines_of), default=1)
    row_height = 16 if most_lines == 1 else 8 + (size + 1) * most_lines
    top_pad, bottom_pad = 8, 26
    height = top_pad + bottom_pad + row_height * max(len(rows), 1)
    drawing = ChartDrawing(width, height)
    right = width - 40
    largest = max((Decimal(_field(s, "coverage")) for s in rows), default=Decimal(1))
    axis_end = Decimal(2) if largest <= 2 else Decimal(3)

    def x_of(value: Decimal) -> float:
        return left + float(min(max(value, Decimal(0)), axis_end) / axis_end) * (right - left)

    bottom = bottom_pad
    one = x_of(Decimal(1))
    tick = Decimal("0.5")
    value = Decimal(0)
    while value <= axis_end:
        x = x_of(value)
        drawing.add(Line(x, bottom, x, height - top_pad, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(x, bottom - 11, fmt.ratio(str(value)), fontName=FONT, fontSize=7, fillColor=GREY,
                           textAnchor="middle"))
        value += tick
    bar_height = 10
    for index, (service, lines) in enumerate(zip(rows, lines_of)):
        y = height - top_pad - row_height * (index + 1) + (row_height - bar_height) / 2
        coverage = Decimal(_field(service, "coverage"))
        fill = SALES_FILL if _field(service, "activity") == "sales" else BAR_FILL
        end = x_of(coverage)
        drawing.add(Rect(left, y, end - left, bar_height, fillColor=fill, strokeColor=None))
        text_y = y + 2 + (size + 1) / 2 * (len(lines) - 1)
        for number, line in enumerate(lines):
            drawing.add(String(left - 6, text_y - number * (size + 1), line, fontName=FONT, fontSize=size,
                               fillColor=INK, textAnchor="end"))
        shown = fmt.ratio(_field(service, "coverage"))
        shown_width = stringWidth(shown, FONT_BOLD, size)
        # The value goes after its bar, unless the 1.0 line would run through it: then after the line.
        label_x = end + 4 if end + 4 + shown_width < one - 2 or end > one + 1 else max(end, one) + 4
        drawing.add(String(label_x, y + 2, shown, fontName=FONT_BOLD, fontSize=size, fillColor=INK))
    drawing.add(Line(one, bottom - 2, one, height - top_pad + 2, strokeColor=NOT_MET_EDGE, strokeWidth=1.2))
    drawing.add(String(one, 3, labels["full_cost_line"], fontName=FONT, fontSize=7, fillColor=NOT_MET_EDGE,
                       textAnchor="middle"))
    # Legend under the service names, clear of the bars and their values.
    drawing.add(Rect(4, 14, 7, 7, fillColor=BAR_FILL, strokeColor=None))
    drawing.add(String(14, 15, labels["cost_sharing"], fontName=FONT, fontSize=7, fillColor=INK))
    drawing.add(Rect(4, 3, 7, 7, fillColor=SALES_FILL, strokeColor=None))
    drawing.add(String(14, 4, labels["sales"], fontName=FONT, fontSize=7, fillColor=INK))
    drawing.add(Line(left, bottom, left, height - top_pad, strokeColor=INK, strokeWidth=0.6))
    activity_label = {"sales": labels["sales"], "cost_sharing": labels["cost_sharing"]}
    below = sum(1 for s in rows if Decimal(_field(s, "coverage")) < 1)
    drawing.describe(labels.get("alt", "").format(n=len(rows), below=below),
                     [labels.get("service", ""), labels.get("activity", ""), labels.get("coverage", "")],
                     [[f"{_field(s, 'code')} {_field(s, 'name') or ''}".strip(),
                       activity_label.get(_field(s, "activity"), ""), fmt.ratio(_field(s, "coverage"))] for s in rows])
    return drawing
