"""The HTML twin: the PDF's own story printed as semantic HTML.

Built from the hand-made figures of tests/test_write_pdf.py; expected texts are written out
and computed by hand. The browser check with axe-core is tests/test_html_accessibility.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pipeline.figures import figures_from_json
from pipeline.write.html import markup_to_html, render_html, write_html
from pipeline.write.pdf.document import write_pdf
from tests.test_write_pdf import needs_pdftotext, pdf_text, small_figures


class Outline(HTMLParser):
    """Headings, tables (caption, header cells, rows) and figures of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict] = []
        self.figures: list[str] = []
        self.tags: set[str] = set()
        self._text: list[str] | None = None
        self._where = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag) or tag in ("caption", "th", "td"):
            self._text, self._where = [], tag
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        if tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        if tag == "svg":
            self.figures.append(attrs.get("aria-label", ""))

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None or tag != self._where:
            return
        text = " ".join("".join(self._text).split())
        if tag == "caption":
            self.tables[-1]["caption"] = text
        elif tag in ("th", "td"):
            self.tables[-1]["rows"][-1].append(text)
        else:
            self.headings.append((int(tag[1]), text))
        self._text = None


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_markup_keeps_bold_and_breaks_and_escapes_text():
    assert markup_to_html("<b>Åre &amp; Öland</b> &lt;1<br/>x") == "<strong>Åre &amp; Öland</strong> &lt;1<br>x"
    assert markup_to_html('<font color="red">röd</font>') == "röd"


def test_page_has_language_one_h1_and_no_outline_gaps():
    html = render_html(figures_from_json(small_figures()), "sv")
    assert html.startswith('<!DOCTYPE html>\n<html lang="sv">')
    page = outline(html)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and page.headings[0] == (1, "Utvärdering av verksamhet enligt LOS och Teckal 2025")
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # never h2 -> h4
    assert (2, "Sammanfattning") in page.headings


def test_years_table_has_caption_header_cells_and_the_hand_computed_values():
    page = outline(render_html(figures_from_json(small_figures()), "sv"))
    years = next(t for t in page.tables if t["caption"] == "Tabell: Intäkter per år")
    assert years["rows"][0] == ["År", "Källa", "Intäkter från medlemmar", "Verksamhetens intäkter", "Andel"]
    # 2024: 1 150 000 of 1 260 000 = 91,27 %; window 3 200 000 / 3 520 000 = 90,91 %.
    # (The outline reads no-break spaces as plain ones.)
    assert ["2024", "huvudbok", "1 150 000,00 kr", "1 260 000,00 kr", "91,27 %"] in years["rows"]
    assert years["rows"][-1] == ["Treårsfönster 2023–2025", "", "3 200 000,00 kr", "3 520 000,00 kr", "90,91 %"]


def test_every_table_has_a_caption_and_header_cells():
    html = render_html(figures_from_json(small_figures()), "en")
    page = outline(html)
    assert len(page.tables) >= 10
    assert all(t["caption"] for t in page.tables)
    assert html.count("<thead><tr><th") == len(page.tables)


def test_charts_carry_a_text_alternative_and_the_values_they_plot():
    page = outline(render_html(figures_from_json(small_figures()), "sv"))
    assert len(page.figures) == 2
    teckal, coverage = page.figures
    assert teckal.startswith("Stapeldiagram över Teckal-andelen för varje år 2023–2025 mot kravet mer än 80\u00a0%")
    assert "treårsandelen 90,91\u00a0%" in teckal
    # T01 1,67 and T03 0,60: one of the two services below 1,0.
    assert "för 2 tjänster" in coverage and "1 av dem ligger under 1,0" in coverage
    values = [t for t in page.tables if t["caption"].startswith("Värden i diagrammet")]
    assert [r[-1] for r in values[0]["rows"][1:]] == ["90,00 %", "91,27 %", "91,27 %", "80 %", "90,91 %"]
    assert values[1]["rows"][1:] == [["T01 E-tjänster", "Samverkan", "1,67"], ["T03 Konferens", "Säljverksamhet",
                                                                              "0,60"]]


def test_page_is_self_contained_without_scripts_or_addresses_outside():
    html = render_html(figures_from_json(small_figures()), "sv")
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r'(?:src|href)="(?!#)', html)  # only links within the page
    assert "<style>" in html


def test_same_figures_give_the_same_bytes(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_html(a, figures_from_json(small_figures()), "sv", pdf_name="LOS-utvardering-2025.pdf")
    write_html(b, figures_from_json(small_figures()), "sv", pdf_name="LOS-utvardering-2025.pdf")
    assert a.read_bytes() == b.read_bytes()
    assert "PDF-filen LOS-utvardering-2025.pdf" in a.read_text(encoding="utf-8")


@needs_pdftotext
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_heading_and_table_header_is_the_pdfs_own_text(tmp_path, language):
    """One story, two renderings: what the HTML says under its headings is what the PDF says."""
    path = tmp_path / "report.pdf"
    write_pdf(path, figures_from_json(small_figures()), language)
    text = pdf_text(path)
    page = outline(render_html(figures_from_json(small_figures()), language))
    for _, heading in page.headings:
        assert heading in text, heading
    for table in page.tables:
        if table["caption"].startswith(("Värden i diagrammet", "Values in the chart")):
            continue
        for header in table["rows"][0]:
            # A header wrapped over lines reads across the row in the PDF's text: word by word.
            words = set(text.split())
            assert all(word in words for word in header.split()), header
