"""Write stage: the report's accessible HTML twin, from the very story the PDF is built from.

`write_html` asks the PDF chapters for their flowables (`report_story`) and prints each as
semantic HTML: headings by paragraph style, paragraphs with their bold and italics, data tables
as <table> with a caption, header cells and row headers, the verdict box as a framed section,
and each chart as inline SVG with its text alternative and the table of the values it plots.
There is no second copy of the wording: every word comes from the same flowables. The page is
one file with inline CSS, no scripts and no links out, so it opens offline from the outputs
folder; `lang` is the report's language. Page furniture (spacers, page breaks) is dropped and
the PDF's table of contents becomes a list of links to the headings.

It relies on reportlab's Paragraph `.text`/`.style`, Table `._cellvalues`/`.repeatRows`/
`._bkgrndcmds`/`._linecmds` and KeepTogether `._content` (reportlab 5.1); tests/test_write_html.py
fails if they change shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.tableofcontents import TableOfContents

from pipeline.figures import Figures
from pipeline.write.pdf.charts import ChartDrawing
from pipeline.write.pdf.document import report_context, report_story

HTML_LANG = {"sv": "sv", "en": "en"}

# Paragraph style -> HTML heading level. The cover title is the page's one h1; the PDF's chapter
# headings (h1) are h2 and so on, so the outline has no gaps.
HEADING_LEVEL = {"cover_title": 1, "toc_title": 2, "board_title": 2, "h1": 2, "h2": 3, "h3": 4}
# Paragraph style -> class, for the look; unknown styles print as plain paragraphs.
PARAGRAPH_CLASS = {"note": "note", "small": "small", "cover_org": "cover-org", "cover_meta": "meta",
                   "verdict": "verdict", "verdict_sub": "verdict-sub", "centre": "centre"}

CSS = """
:root { color: #1f2933; background: #ffffff; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 16px; line-height: 1.5;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1, h2, h3, h4 { color: #1d4e89; line-height: 1.25; }
h1 { font-size: 2rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 0.75rem; border-bottom: 2px solid #cbd2d9; padding-bottom: 0.25rem; }
h3 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }
h4 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
a { color: #1d4e89; }
.skip { position: absolute; left: -100rem; }
.skip:focus { position: static; }
.cover-org { font-size: 1.3rem; margin-bottom: 0.25rem; }
.meta, .note { color: #4b5563; }
.note { font-size: 0.875rem; }
.small { font-size: 0.9rem; }
.twin { border: 1px solid #cbd2d9; padding: 0.5rem 0.75rem; background: #f6f8fa; }
.box { border: 1px solid; border-left-width: 0.4rem; padding: 0.75rem 1rem; margin: 1rem 0; }
.box p { margin: 0.25rem 0; }
.box h2 { margin: 0 0 0.5rem; border-bottom: none; font-size: 1.3rem; }
.verdict { font-size: 1.35rem; font-weight: bold; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 0.75rem; }
table { border-collapse: collapse; font-size: 0.875rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; border-bottom: 1px solid #cbd2d9; }
thead th { background: #e4ebf3; border-bottom: 2px solid #1d4e89; }
tbody tr:nth-child(even) { background: #f6f8fa; }
tbody th { font-weight: normal; }
.num { text-align: right; white-space: nowrap; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.75rem; word-break: break-all; }
figure { margin: 1rem 0; }
figure svg { width: 100%; max-width: 48rem; height: auto; }
figcaption { margin-top: 0.25rem; }
nav ol { padding-left: 1.25rem; }
nav ol ol { font-size: 0.95rem; }
"""


class _Markup(HTMLParser):
    """reportlab paragraph markup -> HTML: <b>, <i>, <u>, <br/>, <super>/<sub> and links kept,
    <font> and the rest dropped with their text kept; all text escaped anew."""

    KEEP = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "u": "u", "super": "sup", "sup": "sup",
            "sub": "sub"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
        elif tag in self.KEEP:
            self.out.append(f"<{self.KEEP[tag]}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.KEEP:
            self.out.append(f"</{self.KEEP[tag]}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def markup_to_html(text: str) -> str:
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return "".join(parser.out).strip()


def plain_text(text: str) -> str:
    return re.sub(r"<[^>]+>", "", markup_to_html(text)).replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">")


@dataclass
class _Page:
    """The page as it is printed: body blocks, the headings for the contents list, and the
    last heading's text (a table's caption)."""

    text: Any = None
    blocks: list[str] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    last_heading: str = ""
    toc_at: int | None = None
    charts: int = 0


def _hex(colour: Any) -> str:
    return "#" + colour.hexval()[2:] if hasattr(colour, "hexval") else ""


def _paragraph(page: _Page, para: Paragraph) -> None:
    style = getattr(para.style, "name", "body")
    html = markup_to_html(para.text)
    if not html:
        return
    level = HEADING_LEVEL.get(style)
    if level is not None:
        # The PDF's h3 look also serves sections straight under a chapter: never skip a level.
        level = min(level, (page.headings[-1][0] if page.headings else 0) + 1)
        anchor = f"s{len(page.headings) + 1}"
        page.headings.append((level, anchor, html))
        page.last_heading = plain_text(para.text)
        page.blocks.append(f'<h{level} id="{anchor}">{html}</h{level}>')
        return
    css = PARAGRAPH_CLASS.get(style)
    page.blocks.append(f'<p class="{css}">{html}</p>' if css else f"<p>{html}</p>")


def _cell(value: Any) -> tuple[str, bool, bool]:
    """(html, right-aligned, code face) of one table cell."""
    if isinstance(value, Paragraph):
        style = value.style
        return markup_to_html(value.text), style.alignment == TA_RIGHT, style.name.startswith("cell_code")
    if isinstance(value, (list, tuple)):
        return " ".join(_cell(v)[0] for v in value), False, False
    return escape("" if value is None else str(value)), False, False


def _is_box(table: Table) -> bool:
    """The verdict box, the board's box and their kin: one column whose cells hold flowables."""
    values = table._cellvalues
    return bool(values) and all(len(row) == 1 and isinstance(row[0], (list, tuple)) for row in values)


def _box(page: _Page, table: Table) -> None:
    fill = next((_hex(c[3]) for c in getattr(table, "_bkgrndcmds", []) if c[0] == "BACKGROUND"), "")
    edge = next((_hex(c[4]) for c in getattr(table, "_linecmds", []) if c[0] in ("BOX", "LINEBEFORE")), "")
    inner = _Page(text=page.text, headings=page.headings)
    for row in table._cellvalues:
        _flowable(inner, row[0])
    style = "; ".join(s for s in (f"background: {fill}" if fill else "", f"border-color: {edge}" if edge else "") if s)
    page.blocks.append(f'<section class="box" style="{style}">' + "".join(inner.blocks) + "</section>")


def table_html(caption: str, header: list[str], rows: Iterable[list[str]], numeric: set[int] = frozenset(),
               code: set[int] = frozenset()) -> str:
    """A data table: caption, one header row of column headers, the first column as row headers."""

    def attrs(column: int) -> str:
        classes = [name for name, on in (("num", column in numeric), ("code", column in code)) if on]
        return f' class="{" ".join(classes)}"' if classes else ""

    # A wide table scrolls sideways inside its own region, which keyboard users can reach.
    label = f' aria-label="{caption}"' if caption else ""
    out = [f'<div class="table-wrap" role="region" tabindex="0"{label}><table>']
    if caption:
        out.append(f"<caption>{caption}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col"{attrs(i)}>{h}</th>' for i, h in enumerate(header))
               + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            tag = 'th scope="row"' if i == 0 else "td"
            cells.append(f"<{tag}{attrs(i)}>{value}</{tag.split()[0]}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _table(page: _Page, table: Table) -> None:
    text = page.text
    if _is_box(table):
        _box(page, table)
        return
    values = table._cellvalues
    repeat = table.repeatRows if isinstance(table.repeatRows, int) else len(table.repeatRows)
    head_rows = max(repeat, 1)
    cells = [[_cell(v) for v in row] for row in values]
    header = [c[0] for c in cells[head_rows - 1]]
    body = cells[head_rows:]
    numeric = {i for i in range(len(header)) if body and all(row[i][1] for row in body)}
    code = {i for i in range(len(header)) if body and all(row[i][2] for row in body)}
    caption = escape(text("html.table_of", title=page.last_heading)) if page.last_heading else ""
    page.blocks.append(table_html(caption, header, [[c[0] for c in row] for row in body], numeric, code))


def _svg(drawing: Drawing, number: int, label: str) -> str:
    """The drawing as inline SVG, named for assistive tools, with ids unique on the page."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<title>.*?</title>\s*<desc>.*?</desc>", "", svg, flags=re.S)
    svg = svg.replace('id="clip"', f'id="chart{number}-clip"').replace("url(#clip)", f"url(#chart{number}-clip)")
    svg = svg.replace('id="group"', f'id="chart{number}-group"')
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    # The PDF's embedded face by its font name; in the page, the same face if installed, else sans-serif.
    svg = svg.replace("font-family: DejaVuSans-Bold", "font-family: 'DejaVu Sans', Verdana, sans-serif; font-weight: bold")
    svg = svg.replace("font-family: DejaVuSans", "font-family: 'DejaVu Sans', Verdana, sans-serif")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return svg.strip()


def _chart(page: _Page, drawing: Drawing) -> None:
    text = page.text
    page.charts += 1
    description = getattr(drawing, "description", "") if isinstance(drawing, ChartDrawing) else ""
    description = description or page.last_heading
    figure = [f"<figure>{_svg(drawing, page.charts, description)}",
              f"<figcaption>{escape(description)}</figcaption></figure>"]
    page.blocks.append("".join(figure))
    data = getattr(drawing, "table", None) if isinstance(drawing, ChartDrawing) else None
    if data:
        header, rows = data
        numeric = {len(header) - 1}
        caption = escape(text("html.chart_values", title=page.last_heading))
        page.blocks.append(table_html(caption, [escape(h) for h in header],
                                      [[escape(v) for v in row] for row in rows], numeric))


def _flowable(page: _Page, flowable: Any) -> None:
    if isinstance(flowable, (list, tuple)):
        for item in flowable:
            _flowable(page, item)
    elif isinstance(flowable, Paragraph):
        _paragraph(page, flowable)
    elif isinstance(flowable, TableOfContents):
        page.toc_at = len(page.blocks)
    elif isinstance(flowable, Table):
        _table(page, flowable)
    elif isinstance(flowable, Drawing):
        _chart(page, flowable)
    elif hasattr(flowable, "_content"):
        _flowable(page, flowable._content)
    # Spacers, page breaks and page-template switches are page furniture: nothing to print.


def _contents(headings: list[tuple[int, str, str]]) -> str:
    """The chapters (h2) and their sections (h3) as nested lists of links."""
    out = ["<nav aria-labelledby=\"toc-heading\"><ol>"]
    open_sub = False
    for level, anchor, html in headings:
        if level == 2:
            if open_sub:
                out.append("</ol></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f'<li><a href="#{anchor}">{html}</a>')
        elif level == 3:
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f'<li><a href="#{anchor}">{html}</a></li>')
    out.append("</ol></li>" if open_sub else "</li>")
    out.append("</ol></nav>")
    return "".join(out)


def render_html(figures: Figures, language: str, pdf_name: str = "",
                output_hashes: tuple[tuple[str, str], ...] = ()) -> str:
    """The whole page as text: the same story the PDF is built from, printed as HTML."""
    ctx = report_context(figures, language, output_hashes)
    text = ctx.text
    page = _Page(text=text)
    _flowable(page, report_story(ctx))
    # The PDF's contents heading (toc_title) names the list; the list itself is made here.
    blocks = list(page.blocks)
    if page.toc_at is not None:
        toc_heading = blocks[page.toc_at - 1]
        blocks[page.toc_at - 1] = toc_heading.replace("<h2 ", '<h2 class="toc" ', 1).replace(
            re.search(r'id="[^"]+"', toc_heading).group(0), 'id="toc-heading"')
        chapters = [h for h in page.headings if h[2] != markup_to_html(text.markup("toc.title"))]
        blocks.insert(page.toc_at, _contents([h for h in chapters if h[0] in (2, 3)]))
    year = figures.year
    organisation = figures.organisation
    title = f'{text("cover.title", year=year)} – {organisation}' if organisation else text("cover.title", year=year)
    twin = f'<p class="twin">{escape(text("html.twin", pdf=pdf_name))}</p>' if pdf_name else ""
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{HTML_LANG[language]}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f'<a class="skip" href="#content">{escape(text("html.skip"))}</a>',
        '<main id="content">',
        twin,
        *blocks,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def write_html(path: Path, figures: Figures, language: str = "sv", pdf_name: str = "",
               output_hashes: tuple[tuple[str, str], ...] = ()) -> None:
    """Write the HTML twin of the report for `figures` to `path` (UTF-8, LF line ends)."""
    path.write_text(render_html(figures, language, pdf_name, output_hashes), encoding="utf-8", newline="\n")
