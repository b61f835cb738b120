"""Page 1 for the board: each criterion's outcome, the serious flags one sentence each, and
the decision asked for, read back from the first page of the PDF (pdftotext -f 1 -l 1).
Figures from tests/test_write_pdf.py: window 3 200 000 / 3 520 000 = 90,91 %, private
60 000 / 1 260 000 = 4,76 %, one serious flag (T03 39 917,35 kr under full cost)."""

from __future__ import annotations

import copy
import subprocess

from pipeline.figures import figures_from_json
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
    assert ("Verksamhetskriteriet: uppfyllt. Av verksamheten 2023–2025 utfördes 90,91 % för de kontrollerande "
            "medlemmarna; kravet är mer än 80 %.") in text
    # The Hamburg share is shown as the alternative basis it is, never as a Teckal requirement.
    assert ("Hamburg-andelen (alternativ grund, inget Teckal-krav): villkoret uppfyllt. 4,76 % av intäkterna kom "
            "utifrån samarbetet") in text
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
    assert "The activity criterion: not met." in text
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


def with_criteria(control: dict, private: dict, holds: bool) -> dict:
    figures = copy.deepcopy(small_figures())
    figures["teckal"]["exemption_holds"] = holds
    figures["teckal"]["criteria"] = {
        "activity": {"met": True, "status": "met", "provisional": False},
        "control": {"members_without_full_representation": [], "controlling_members": 3, "fully_represented": 3,
                    "gaps": [], "shared_representatives": [], "sheet": "Styrning per medlem", **control},
        "private_capital": private}
    return figures


def test_the_exemption_is_not_shown_when_control_has_a_gap(tmp_path):
    # 3 controlling members, 2 represented all year: 1 lacked a representative for part of it.
    figures = with_criteria({"status": "gaps", "fully_represented": 2,
                             "members_without_full_representation": ["212000-0142"]},
                            {"status": "no_private_owner", "private_members": []}, holds=False)
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(figures))
    text = first_page(path)
    assert "Teckal-undantaget är inte visat: minst ett kriterium saknar underlag eller brister" in text
    assert "Verksamhetskriteriet: uppfyllt." in text
    assert "Kontroll: luckor; 2 av 3 kontrollerande medlemmar hade en formell företrädare hela året, 1 saknade" in text
    assert "Privat kapital: ingen privat ägare funnen bland medlemmarna." in text
    assert "Eftersom ett krav inte är uppfyllt ombeds styrelsen också besluta" in text


def test_the_exemption_holds_only_when_all_three_hold(tmp_path):
    figures = with_criteria({"status": "documented"}, {"status": "no_private_owner", "private_members": []},
                            holds=True)
    path = tmp_path / "r.pdf"
    write_pdf(path, figures_from_json(figures))
    text = first_page(path)
    assert "Teckal-undantaget håller: alla tre kriterierna är uppfyllda" in text
    assert "Kontroll: dokumenterad; alla 3 kontrollerande medlemmar" in text
    assert "Eftersom ett krav inte är uppfyllt" not in text
