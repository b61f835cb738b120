"""The report's two charts, drawn with reportlab.graphics from figures' text values.

The Teckal chart shows each window year's share as a bar against the threshold line and the
window share; the coverage chart shows each service's revenue / full cost against 1.0. Values
are converted to float only to place shapes on the page, never to decide anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from pipeline.figures import ServiceAccount, TeckalYear
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.layout import FONT, FONT_BOLD, GREY, INK, NOT_MET_EDGE, RULE

BAR_FILL = colors.HexColor("#5b8cc4")
HISTORY_FILL = colors.HexColor("#a9c1de")
SALES_FILL = colors.HexColor("#d08c3f")
WINDOW_COLOUR = colors.HexColor("#2f855a")


def teckal_chart(years: Sequence[TeckalYear], window_share: str | None, threshold: str, fmt: Formats,
                 labels: dict[str, str], width: float, height: float = 190) -> Drawing:
    """Bars of the yearly shares (0-100 %), a red line at the threshold and a green dashed
    line at the window share. `labels`: source names, "threshold", "window", "no_share"."""
    drawing = Drawing(width, height)
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
        fill = HISTORY_FILL if year.source == "history" else BAR_FILL
        drawing.add(Rect(centre - bar_width / 2, bottom, bar_width, y_of(value) - bottom, fillColor=fill,
                         strokeColor=None))
        drawing.add(String(centre, y_of(value) - 11, fmt.share(share), fontName=FONT_BOLD, fontSize=7.5,
                           fillColor=colors.white, textAnchor="middle"))
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
    return drawing


def coverage_chart(services: Sequence[ServiceAccount], fmt: Formats, labels: dict[str, str], width: float) -> Drawing:
    """One horizontal bar per service with a coverage: revenue / full cost, with a line at 1.0.
    Bars beyond the axis end are cut at the edge and carry their value as text."""
    rows = [s for s in services if s.coverage is not None]
    row_height = 16
    top_pad, bottom_pad = 8, 26
    height = top_pad + bottom_pad + row_height * max(len(rows), 1)
    drawing = Drawing(width, height)
    left, right = 150, width - 40
    largest = max((Decimal(s.coverage) for s in rows), default=Decimal(1))
    axis_end = Decimal(2) if largest <= 2 else Decimal(3)

    def x_of(value: Decimal) -> float:
        return left + float(min(max(value, Decimal(0)), axis_end) / axis_end) * (right - left)

    bottom = bottom_pad
    tick = Decimal("0.5")
    value = Decimal(0)
    while value <= axis_end:
        x = x_of(value)
        drawing.add(Line(x, bottom, x, height - top_pad, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(x, bottom - 11, fmt.ratio(str(value)), fontName=FONT, fontSize=7, fillColor=GREY,
                           textAnchor="middle"))
        value += tick
    for index, service in enumerate(rows):
        y = height - top_pad - row_height * (index + 1) + 3
        coverage = Decimal(service.coverage)
        fill = SALES_FILL if service.activity == "sales" else BAR_FILL
        drawing.add(Rect(left, y, x_of(coverage) - left, row_height - 6, fillColor=fill, strokeColor=None))
        name = f"{service.code} {service.name or ''}".strip()
        if len(name) > 30:
            name = name[:29] + "…"
        drawing.add(String(left - 6, y + 2, name, fontName=FONT, fontSize=7.5, fillColor=INK, textAnchor="end"))
        drawing.add(String(x_of(coverage) + 4, y + 2, fmt.ratio(service.coverage), fontName=FONT_BOLD,
                           fontSize=7.5, fillColor=INK))
    one = x_of(Decimal(1))
    drawing.add(Line(one, bottom - 2, one, height - top_pad + 2, strokeColor=NOT_MET_EDGE, strokeWidth=1.2))
    drawing.add(String(one, 3, labels["full_cost_line"], fontName=FONT, fontSize=7, fillColor=NOT_MET_EDGE,
                       textAnchor="middle"))
    # Legend under the service names, clear of the bars and their values.
    drawing.add(Rect(4, 14, 7, 7, fillColor=BAR_FILL, strokeColor=None))
    drawing.add(String(14, 15, labels["cost_sharing"], fontName=FONT, fontSize=7, fillColor=INK))
    drawing.add(Rect(4, 3, 7, 7, fillColor=SALES_FILL, strokeColor=None))
    drawing.add(String(14, 4, labels["sales"], fontName=FONT, fontSize=7, fillColor=INK))
    drawing.add(Line(left, bottom, left, height - top_pad, strokeColor=INK, strokeWidth=0.6))
    return drawing
