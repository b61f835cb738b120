"""`layout.Paragraph` breaks its lines once per width, and otherwise as reportlab's paragraph."""

from __future__ import annotations

import copy

from reportlab.platypus import Paragraph as ReportlabParagraph

from pipeline.write.pdf.layout import Paragraph, make_styles, register_fonts

TEXT = ("Samverkan mellan kommuner och regioner redovisas skilt från säljverksamheten, "
        "och varje tjänst prövas mot självkostnaden. ") * 4


def _style():
    register_fonts()
    return make_styles()["body"]


def _lines(paragraph):
    return [(line[0], [w for w in line[1]]) if isinstance(line, tuple) else repr(line)
            for line in paragraph.blPara.lines]


def test_same_size_and_lines_as_reportlab_at_every_width(monkeypatch):
    style = _style()
    ours, theirs = Paragraph(TEXT, style), ReportlabParagraph(TEXT, style)
    breaks = []
    plain = ReportlabParagraph.breakLines
    monkeypatch.setattr(ReportlabParagraph, "breakLines", lambda self, widths: breaks.append(widths) or plain(self, widths))
    for width in (400, 400, 250, 250, 250, 400, 60, 60):
        assert ours.wrap(width, 800) == theirs.wrap(width, 800)
        assert (ours.width, ours.height) == (theirs.width, theirs.height)
        assert _lines(ours) == _lines(theirs)
    # Counted by hand: reportlab broke the lines 8 times; ours once per change of width (400,
    # 250, 400, 60), 4 times: 12 in all.
    assert len(breaks) == 12


def test_a_changed_style_or_text_or_split_breaks_the_lines_again():
    style = _style()
    paragraph = Paragraph(TEXT, style)
    width, height = paragraph.wrap(300, 800)
    # Another style (larger leading) at the same width: measured again, not the old answer.
    taller = copy.copy(style)
    taller.leading = style.leading * 2
    paragraph.style = taller
    assert paragraph.wrap(300, 800) == (width, 2 * height)
    # A split that keeps nothing takes the broken lines away: the next wrap breaks them again.
    paragraph.style = style
    assert paragraph.wrap(300, 800) == (width, height)
    assert paragraph.split(300, 1) == []
    assert "blPara" not in paragraph.__dict__
    assert paragraph.wrap(300, 800) == (width, height) and "blPara" in paragraph.__dict__
    # Split in two: both parts are our paragraphs, and their sizes add up to the whole.
    first, second = paragraph.split(300, height / 2)
    assert isinstance(first, Paragraph) and isinstance(second, Paragraph)
    assert first.height + second.wrap(300, 800)[1] == height
