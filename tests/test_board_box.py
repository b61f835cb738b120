"""Page 1 for the board: each criterion's outcome, the serious flags one sentence each, and
the decision asked for, read back from the first page of the PDF (pdftotext -f 1 -l 1).
Figures from tests/test_write_pdf.py: window 3 200 000 / 3 520 000 = 90,91 %, private
60 000 / 1 260 000 = 4,76 %, one serious flag (T03 39 917,35 kr under full cost)."""

from __future__ import annotations

import copy
import subprocess

import pytest

from pipeline.figures import figures_from_json
from pipeline.write.pdf import board_box
from pipeline.write.pdf.board_box import CriterionLine
from pipeline.write.pdf.document import write_pdf
from tests.test_write_pdf import needs_pdftotext, small_figures

pytestmark = needs_pdftotext


def first_page(path) -> str:
    raw = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return " ".join(raw.split())


def test_page_one_has_outcomes_serious_flag_and_decision(tmp_path):
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(small_figures()))
    text = first_page(path)
    assert "I korthet för styrelsen" in text
    assert ("Teckal-kravet: uppfyllt. Av verksamheten 2023–2025 utfördes 90,91 % för de kontrollerande "
            "medlemmarna; kravet är mer än 80 %.") in text
    assert "Andelen på den öppna marknaden: uppfyllt. Privata motparter stod för 4,76 % av intäkterna" in text
    assert "Allvarliga flaggor (1):" in text
    assert "Säljtjänsten T03 tog in 39 917,35 kr mindre än den kostade" in text
    assert "Styrelsen ombeds fastställa utvärderingen för 2025." in text
    assert "vem som utreder de allvarliga flaggorna" in text


def test_not_met_asks_the_board_to_decide_on_the_activity(tmp_path):
    figures = copy.deepcopy(small_figures())
    figures["teckal"]["met"] = False
    figures["flags"] = []
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(figures), "en")
    text = first_page(path)
    assert "The Teckal requirement: not met." in text
    assert "Serious flags: none." in text
    assert "how the activity is to change" in text


def test_twenty_serious_flags_show_five_and_count_the_rest(tmp_path):
    figures = copy.deepcopy(small_figures())
    flag = figures["flags"][0]
    figures["flags"] = [{**flag, "subject": f"T{n:02d}"} for n in range(1, 21)]
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(figures))
    text = first_page(path)
    assert "Allvarliga flaggor (20):" in text
    assert "Säljtjänsten T05 tog in" in text and "Säljtjänsten T06 tog in" not in text
    assert "… och 15 till; alla står i kapitlet Flaggor." in text


def test_a_further_criterion_is_one_more_function(tmp_path, monkeypatch):
    def control(ctx):  # as issue 14's control criterion would be added
        return CriterionLine("met", "<b>Kontrollkriteriet: uppfyllt.</b> Medlemmarna utövar kontroll.")

    monkeypatch.setattr(board_box, "CRITERIA", [*board_box.CRITERIA, control])
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(small_figures()))
    assert "Kontrollkriteriet: uppfyllt. Medlemmarna utövar kontroll." in first_page(path)
