"""The evaluation report PDF: formats, catalogue, and what a reader finds on the pages.

Each test builds a small figures dict by hand (the shape compute_results returns), writes the
PDF and reads its text back with pdftotext (poppler-utils; those tests skip when it is absent).
Expected texts are written out in the tests, computed by hand from the figures.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.figures import figures_from_json
from pipeline.write.pdf.document import write_pdf
from pipeline.write.pdf.formats import Formats
from pipeline.write.pdf.text import LANGUAGES, Text, load_catalogue
from tests.factories import small_figures

REPORT_DIR = Path(__file__).resolve().parent.parent / "pipeline" / "write" / "pdf"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")

LEDGER_FLAGS = ["sales_below_full_cost", "cost_sharing_non_controlling_revenue", "cost_sharing_surplus",
                "revenue_without_service", "service_not_in_catalogue", "service_without_classification",
                "revenue_unknown_counterparty"]
SUPPLIER_FLAGS = ["over_direct_award_limit", "outside_contract_period", "not_in_supplier_list", "orgnr_not_valid",
                  "concentration"]


def pdf_text(path: Path, layout: bool = False) -> str:
    """The PDF's text with every run of whitespace (no-break spaces included) as one space.
    `layout` keeps table rows on one line; without it, wrapped cell text reads in order."""
    options = ["-layout"] if layout else []
    raw = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout
    return " ".join(raw.decode("utf-8").split())


def spaced(text: str) -> str:
    return " ".join(text.split())


# --- formats -------------------------------------------------------------------------------

def test_swedish_money_share_and_date_formats():
    sv = Formats("sv")
    assert sv.money("1234567.89") == "1\u00a0234\u00a0567,89\u00a0kr"
    assert sv.money("-39917.35") == "-39\u00a0917,35\u00a0kr"
    assert sv.money("0.00") == "0,00\u00a0kr"
    assert sv.amount("1000000.00") == "1\u00a0000\u00a0000,00"
    # 0.9126984127 = 91.26984127 % -> two decimals for display.
    assert sv.share("0.9126984127") == "91,27\u00a0%"
    assert sv.share("0.8000000000") == "80,00\u00a0%"
    assert sv.share(None) == "–"
    assert sv.ratio("0.6004963102") == "0,60"
    assert sv.exact("0.9090909091") == "0,9090909091"
    assert sv.date("2025-12-31T00:00:00") == "2025-12-31"
    assert sv.count(57129) == "57\u00a0129"


def test_english_formats():
    en = Formats("en")
    assert en.money("1234567.89") == "1,234,567.89\u00a0SEK"
    assert en.share("0.9126984127") == "91.27\u00a0%"
    assert en.count(57129) == "57,129"


# --- catalogue -----------------------------------------------------------------------------

def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_catalogue_key_has_both_languages_with_the_same_fields():
    catalogue = load_catalogue()
    assert len(catalogue) > 100
    for key, entry in catalogue.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[language].strip() for language in LANGUAGES), key
        assert _fields(entry["sv"]) == _fields(entry["en"]), key


def test_every_key_the_chapters_name_is_in_the_catalogue():
    catalogue = load_catalogue()
    pattern = re.compile(r"""(?:\bt|text|para|heading|markup|verdict_key =|key =)\(?\s*["']([a-z_]+\.[a-z_.]+)["']""")
    named = set()
    for source in REPORT_DIR.glob("*.py"):
        named |= set(pattern.findall(source.read_text(encoding="utf-8")))
    assert len(named) > 100
    assert sorted(named - set(catalogue)) == []
    for flag_id in LEDGER_FLAGS + SUPPLIER_FLAGS:
        assert f"flag.{flag_id}.title" in catalogue and f"flag.{flag_id}.sentence" in catalogue


# --- the written PDF -----------------------------------------------------------------------

@needs_pdftotext
def test_swedish_report_shows_verdict_window_share_and_each_year(tmp_path):
    figures = small_figures()
    path = tmp_path / "rapport.pdf"
    write_pdf(path, figures_from_json(figures))
    text = pdf_text(path)
    rows = pdf_text(path, layout=True)
    sv = Formats("sv")

    assert "Utvärdering av verksamhet enligt LOS och Teckal 2025" in text
    assert "Samverkansförbundet Åre & Öland" in text
    assert "Uppfyllt: mer än 80 % av verksamheten utförs för medlemmarna" in text
    assert "Ej uppfyllt" not in text
    # Window: 3 200 000 / 3 520 000 = 0.909090... -> 90,91 %.
    assert sv.share(figures["teckal"]["window_share"]) == "90,91\u00a0%"
    assert "90,91 %" in text
    assert "0,9090909091" in text
    # Each year as the writer formats it, checked against hand-written text.
    expected = {2023: ("900 000,00 kr", "1 000 000,00 kr", "90,00 %", "historik"),
                2024: ("1 150 000,00 kr", "1 260 000,00 kr", "91,27 %", "huvudbok"),
                2025: ("1 150 000,00 kr", "1 260 000,00 kr", "91,27 %", "huvudbok")}
    for year in figures["teckal"]["years"]:
        controlling, total, share, source = expected[year["year"]]
        assert spaced(sv.money(year["controlling_sek"])) == controlling
        assert spaced(sv.money(year["total_sek"])) == total
        assert spaced(sv.share(year["share"])) == share
        row = f"{year['year']} {source} {controlling} {total} {share}"
        assert row in rows, row
    # Window row and headroom: 480 000,00 kr; next year's 642 500,00 kr.
    assert "Treårsfönster 3 200 000,00 kr 3 520 000,00 kr 90,91 %" in rows
    assert "480 000,00 kr" in text and "642 500,00 kr" in text
    # The sales service's negative result and its flag sentence.
    assert "-39 917,35" in text
    assert "Säljtjänsten T03 tog in 39 917,35 kr mindre än den kostade" in text
    assert "Underlag: flik 'Teckal per år' i granskningsarbetsboken." in text
    assert "Sida 2 av " in text


@needs_pdftotext
def test_english_report_from_the_same_templates(tmp_path):
    path = tmp_path / "report.pdf"
    write_pdf(path, figures_from_json(small_figures()), language="en")
    text = pdf_text(path)
    rows = pdf_text(path, layout=True)
    assert "Evaluation of activity under LOS and Teckal 2025" in text
    assert "Met: more than 80 % of the activity is carried out for the members" in text
    assert "2024 ledger 1,150,000.00 SEK 1,260,000.00 SEK 91.27 %" in rows
    assert "2023 history 900,000.00 SEK 1,000,000.00 SEK 90.00 %" in rows
    assert "Page 2 of " in text
    assert "Uppfyllt" not in text


@needs_pdftotext
def test_not_met_review_and_few_years_are_stated(tmp_path):
    not_met = small_figures()
    not_met["teckal"].update(met=False, window_share="0.8000000000", review=False)
    write_pdf(tmp_path / "not_met.pdf", figures_from_json(not_met))
    text = pdf_text(tmp_path / "not_met.pdf")
    # Exactly 80 % is not "more than 80 %": the headline follows `met`, not the rounded text.
    assert "Ej uppfyllt: medlemmarnas andel av verksamheten är inte över gränsen" in text
    assert "80,00 %" in text

    review = small_figures()
    review["teckal"].update(review=True, window_share="0.8050000000", years_count=2,
                            years=review["teckal"]["years"][1:])
    write_pdf(tmp_path / "review.pdf", figures_from_json(review))
    text = pdf_text(tmp_path / "review.pdf")
    assert "Uppfyllt, för granskning" in text
    assert "Andelen är baserad på 2 år, inte tre" in text
    assert "trovärdiga prognoser" in text


@needs_pdftotext
def test_provisional_verdict_headroom_and_deficit_sentences(tmp_path):
    # Two years of figures: provisional in the headline and in the Teckal chapter.
    provisional = small_figures()
    provisional["teckal"].update(years_count=2, years=provisional["teckal"]["years"][1:], missing_years=[2023],
                                 provisional=True)
    write_pdf(tmp_path / "provisional.pdf", figures_from_json(provisional))
    text = pdf_text(tmp_path / "provisional.pdf")
    assert "Preliminärt uppfyllt: mer än 80 % på 2 års siffror, inte tre" in text
    assert "Preliminär bedömning: fönstret har siffror för 2 år, inte tre (saknade år: 2023)" in text
    # The headroom sentence names the figure's amount and promises "still above" at it.
    assert "tål ytterligare högst 480 000,00 kr" in text and "ett öre till" in text
    # A deficit: 125,01 kr too much from others, or 500,01 kr more from members (hand case of
    # test_teckal: C 700, T 1 000).
    deficit = small_figures()
    deficit["teckal"].update(met=False, window_share="0.7000000000", headroom_sek="-125.01",
                             controlling_needed_sek="500.01", next_year_headroom_sek="-10.00")
    write_pdf(tmp_path / "deficit.pdf", figures_from_json(deficit))
    text = pdf_text(tmp_path / "deficit.pdf")
    assert "minst 125,01 kr lägre" in text and "minst 500,01 kr högre" in text
    assert "inte över 80 % ens utan intäkter från andra det året; det saknas 10,00 kr" in text


@needs_pdftotext
def test_the_headline_says_the_exemption_holds_only_when_all_three_criteria_hold(tmp_path):
    holds = small_figures()
    holds["teckal"].update(exemption_holds=True, criteria={
        "activity": {"met": True, "status": "met", "provisional": False},
        "control": {"status": "documented", "members_without_full_representation": [], "controlling_members": 2,
                    "fully_represented": 2, "gaps": [], "shared_representatives": [
                        {"representative": "Anna Andersson", "members": ["212000-0142", "212000-1355"]}],
                    "sheet": "Styrning per medlem"},
        "private_capital": {"status": "no_private_owner", "private_members": []}})
    write_pdf(tmp_path / "holds.pdf", figures_from_json(holds))
    text = pdf_text(tmp_path / "holds.pdf")
    assert "Teckal-undantaget håller: alla tre kriterierna är uppfyllda" in text
    assert "Anna Andersson 212000-0142, 212000-1355" in text

    gaps = copy.deepcopy(holds)
    gaps["teckal"]["exemption_holds"] = False
    gaps["teckal"]["criteria"]["control"].update(
        status="gaps", members_without_full_representation=["212000-1355"], fully_represented=1,
        gaps=[{"orgnr": "212000-1355", "name": "Ankeby kommun", "from": "2025-04-01", "to": "2025-04-01", "days": 1}])
    gaps["teckal"]["criteria"]["private_capital"] = {"status": "flags", "private_members": ["556677-8899"]}
    write_pdf(tmp_path / "gaps.pdf", figures_from_json(gaps))
    text = pdf_text(tmp_path / "gaps.pdf")
    assert "Teckal-undantaget håller: alla tre" not in text and "Alla tre kriterierna håller" not in text
    assert ("Teckal-undantaget är inte visat: underlag saknas eller kravet brister för kontrollkriteriet, "
            "kriteriet om privat kapital") in text
    assert "Kontroll: luckor; 1 av 2 kontrollerande medlemmar" in text
    assert "212000-1355 Ankeby kommun 2025-04-01 2025-04-01" in text
    assert "556677-8899 kan tyda på direkt privat kapital" in text


@needs_pdftotext
def test_every_flag_gets_its_sentence_and_a_changed_sensitivity_case_is_named(tmp_path):
    figures = small_figures()
    figures["flags"] = [{"id": flag_id, "subject": "T09", "amount_sek": "1000.00", "rows": 3, "severity": "warning",
                         "sheet": "Flaggor rader"} for flag_id in LEDGER_FLAGS]
    figures["suppliers"]["flags_by_kind"] = {flag_id: 1 for flag_id in SUPPLIER_FLAGS}
    figures["teckal"]["sensitivity"].append({"case": "unknown_as_non_controlling", "window_share": "0.7900000000",
                                             "met": False, "controlling_sek": "2780800.00",
                                             "total_sek": "3520000.00"})
    write_pdf(tmp_path / "flags.pdf", figures_from_json(figures))
    text = pdf_text(tmp_path / "flags.pdf")
    catalogue = Text("sv", load_catalogue())
    for flag_id in LEDGER_FLAGS:
        sentence = catalogue(f"flag.{flag_id}.sentence", subject="T09", amount="1 000,00 kr", rows="3")
        assert spaced(catalogue(f"flag.{flag_id}.title")) in text, flag_id
        assert spaced(sentence) in text, flag_id
    for flag_id in SUPPLIER_FLAGS:
        assert spaced(catalogue(f"flag.{flag_id}.sentence")) in text, flag_id
    assert "Bedömningen ändras om: Okända motparter räknas som andra (nedre gräns)" in text


@needs_pdftotext
def test_run_stage_parts_appear_when_present(tmp_path):
    figures = small_figures()
    input_hash = hashlib.sha256(b"ledger").hexdigest()
    output_hash = hashlib.sha256(b"results").hexdigest()
    figures["inputs"] = [{"path": "2025/ledger.xlsx", "kind": "ledger", "sha256": input_hash, "bytes": 1234,
                          "rows": 18}]
    figures["settings"] = {"organisation": {"name": "x", "orgnr": "", "language": "sv"},
                           "thresholds": {"direct_award_limit_sek": "700000", "teckal": "0.80"}}
    figures["data_quality"] = {
        "rejected": {"total": 1, "critical": 0, "by_reason": [{"reason": "summarad", "rows": 1}],
                     "sheet": "Avvisade rader"},
        "control_totals": [{"kind": "ledger", "file": "2025/ledger.xlsx", "sheet": "Huvudbok", "rows_read": 18,
                            "rows_used": 17, "rows_rejected": 1, "debit_sek": "2345678.00",
                            "credit_sek": "2345678.00", "first_date": "2025-01-02", "last_date": "2025-12-31"}],
        "control_totals_sheet": "Kontrollsummor",
        "validation": [{"suite": "ledger", "check": "expect_not_null", "column": "date", "severity": "critical",
                        "description": "Datum finns", "success": False, "unexpected_count": 2,
                        "element_count": 18}],
        "validation_sheet": "Validering",
        "journal": [{"test": "unbalanced_vouchers", "findings": 0, "severity": "critical",
                     "description": "Obalanserade verifikationer", "sheet": "Journal unbalanced_vouchers"}],
    }
    write_pdf(tmp_path / "full.pdf", figures_from_json(figures), output_hashes=(("results.json", output_hash),))
    text = pdf_text(tmp_path / "full.pdf")
    assert input_hash in text and output_hash in text
    assert "2 345 678,00 2 345 678,00" in text
    assert "2025-01-02 – 2025-12-31" in text
    assert "Direktupphandlingsgränsen för 2025 är en inställning, här 700 000,00 kr" in text
    assert "Obalanserade verifikationer" in text
    assert "2 / 18" in text


def test_same_figures_give_identical_bytes_and_metadata(tmp_path):
    figures = small_figures()
    write_pdf(tmp_path / "a.pdf", figures_from_json(figures))
    write_pdf(tmp_path / "b.pdf", figures_from_json(copy.deepcopy(figures)))
    first, second = (tmp_path / "a.pdf").read_bytes(), (tmp_path / "b.pdf").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    # Creation date from the report year, language and the embedded font.
    assert b"/CreationDate (D:20251231000000+00'00')" in first
    assert b"/Lang (sv-SE)" in first
    assert b"DejaVuSans" in first
    write_pdf(tmp_path / "en.pdf", figures_from_json(figures), language="en")
    assert b"/Lang (en-GB)" in (tmp_path / "en.pdf").read_bytes()


def _long_contents_story(styles) -> list:
    """A contents list of two pages (as the example's), then chapters in KeepTogether groups too."""
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph

    from pipeline.write.pdf.layout import table_of_contents

    story = [Paragraph("Rapport", styles["body"]), table_of_contents(styles), PageBreak()]
    for chapter in range(1, 31):
        story += [Paragraph(f"Kapitel {chapter}", styles["h1"]),
                  KeepTogether([Paragraph(f"Avsnitt {chapter}.1", styles["h2"]),
                                Paragraph("Text om kapitlet. " * 30, styles["body"])]),
                  Paragraph(f"Avsnitt {chapter}.2", styles["h2"]), Paragraph("Mer text. " * 50, styles["body"])]
    return story


@pytest.mark.parametrize("guess", ["right", "wrong"])
def test_the_contents_known_before_the_first_pass_save_a_pass_and_change_no_byte(tmp_path, guess):
    """A contents list that grows from empty to two pages moves every page after it: reportlab
    lays the report out three times. With its entries given beforehand (`expect_contents`) two
    layouts do, and the bytes are the same; a wrong guess (a contents page too many) only costs
    the pass again, never a different report."""
    from pipeline.write.pdf.layout import (
        ReportDocument,
        TableOfContents,
        canvas_maker,
        expect_contents,
        make_styles,
        register_fonts,
    )

    register_fonts()
    styles = make_styles()

    def build(name: str, guessed: bool) -> int:
        document = ReportDocument(str(tmp_path / name), header_text="Förbundet 2025",
                                  page_label=lambda number, total: f"Sida {number} av {total}")
        story = _long_contents_story(styles)
        if guessed:
            expect_contents(story)
            if guess == "wrong":
                contents = next(f for f in story if isinstance(f, TableOfContents))
                contents._entries += [(0, f"Finns inte {n}", 0, f"h{n}") for n in range(100, 140)]
        return document.multiBuild(story, canvasmaker=canvas_maker(2025))

    assert build("reportlab.pdf", guessed=False) == 3
    assert build("guessed.pdf", guessed=True) == (2 if guess == "right" else 3)
    assert (tmp_path / "guessed.pdf").read_bytes() == (tmp_path / "reportlab.pdf").read_bytes()


def test_the_report_gives_its_contents_their_entries_before_the_first_pass(tmp_path, monkeypatch):
    """`write_pdf` uses `expect_contents`: the entries it gives are the ones the layout makes."""
    from pipeline.write.pdf import document
    from pipeline.write.pdf.layout import TableOfContents

    guessed: list[list] = []

    def spy(story):
        document_guess(story)
        guessed.append(next(f for f in story if isinstance(f, TableOfContents))._entries[:])

    document_guess = document.expect_contents
    monkeypatch.setattr(document, "expect_contents", spy)
    contents: list[TableOfContents] = []
    build = document.ReportDocument.multiBuild

    def keeping_the_contents(self, story, **kwargs):
        contents.extend(f for f in story if isinstance(f, TableOfContents))
        return build(self, story, **kwargs)

    monkeypatch.setattr(document.ReportDocument, "multiBuild", keeping_the_contents)
    write_pdf(tmp_path / "rapport.pdf", figures_from_json(small_figures()))
    (entries,) = guessed
    final = contents[0]._lastEntries
    assert len(entries) > 10
    assert [(level, text, key) for level, text, _, key in entries] == [(level, text, key) for level, text, _, key in final]


def test_reportlab_runs_its_c_accelerators():
    # rl_accel is a declared dependency: without it reportlab formats every number and measures
    # every string in Python, which is most of the time a long report takes.
    from reportlab.lib import rl_accel
    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert type(rl_accel.instanceStringWidthTTF).__name__ == "builtin_function_or_method"


def test_same_bytes_with_and_without_reportlabs_c_accelerators(tmp_path):
    # A user whose environment lacks rl_accel still gets the same report, byte for byte.
    figures_file = tmp_path / "figures.json"
    figures_file.write_text(json.dumps(small_figures()), encoding="utf-8")
    write_pdf(tmp_path / "accelerated.pdf", figures_from_json(small_figures()))
    script = ("import json, sys; from pathlib import Path; sys.modules['_rl_accel'] = None\n"
              "from reportlab.lib import rl_accel; assert rl_accel.fp_str is rl_accel._py_fp_str\n"
              "from pipeline.figures import figures_from_json\n"
              "from pipeline.write.pdf.document import write_pdf\n"
              "write_pdf(Path(sys.argv[2]), figures_from_json(json.loads(Path(sys.argv[1]).read_text(encoding='utf-8'))))\n")
    subprocess.run([sys.executable, "-c", script, str(figures_file), str(tmp_path / "python.pdf")],
                   cwd=REPORT_DIR.parents[2], check=True)
    assert (tmp_path / "python.pdf").read_bytes() == (tmp_path / "accelerated.pdf").read_bytes()


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_pdf(tmp_path / "x.pdf", figures_from_json(small_figures()), language="de")


@needs_pdftotext
def test_changed_allocation_key_is_shown_side_by_side_and_pages_are_counted(tmp_path):
    figures = small_figures()
    sales = {"revenue_sek": "60000.00", "full_cost_sek": "95000.00", "result_sek": "-35000.00",
             "coverage": "0.6315789474"}
    figures["allocation"].update(key="direct_cost", key_changed=True,
                                 keys_by_year={"2024": "revenue", "2025": "direct_cost"},
                                 comparison=[{"key": key, "activities": {**figures["activities"],
                                                                          "sales": {**figures["activities"]["sales"], **sales}}}
                                             for key in ("direct_cost", "revenue")])
    path = tmp_path / "key.pdf"
    write_pdf(path, figures_from_json(figures))
    text, rows = pdf_text(path), pdf_text(path, layout=True)
    assert "Nyckeln har ändrats inom fönstret." in text
    assert "Nyckel per år: 2024: intäktsandel; 2025: andel av direkta kostnader." in text
    # 60 000 / 95 000 = 0.6315... -> 0,63
    assert "intäktsandel Säljverksamhet 60 000,00 kr 95 000,00 kr -35 000,00 kr 0,63" in rows
    assert "andel av direkta Säljverksamhet 60 000,00 kr 95 000,00 kr -35 000,00 kr 0,63" in rows
    pages = len(re.findall(r"\f", subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                    check=True).stdout.decode("utf-8")))
    assert f"Sida {pages} av {pages}" in text
    assert f"Sida 2 av {pages}" in text


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pages_found_beforehand_make_one_layout_of_the_same_bytes(tmp_path, language):
    """`report_pages` lays the report out with a stand-in for each output's hash (the run does
    it beside the workbook); `write_pdf` started from its pages lays the report out once,
    against twice without, and writes the same bytes."""
    from pipeline.write.pdf.document import report_pages

    figures = figures_from_json(small_figures())
    hashes = (("results.json", "9f" * 32), ("LOS-underlag-2025.xlsx", "e3" * 32))
    pages = report_pages(figures, language, tuple(name for name, _ in hashes))
    assert write_pdf(tmp_path / "plain.pdf", figures, language, output_hashes=hashes) == 2
    assert write_pdf(tmp_path / "paged.pdf", figures, language, output_hashes=hashes, pages=pages) == 1
    plain = (tmp_path / "plain.pdf").read_bytes()
    assert (tmp_path / "paged.pdf").read_bytes() == plain
    assert pages.total == _page_count(plain) > 5
    assert len(pages.contents) > 10
    assert [key for _, _, _, key in pages.contents] == [f"h{n}" for n in range(1, len(pages.contents) + 1)]


def test_pages_that_do_not_hold_cost_a_layout_never_a_byte(tmp_path):
    """Pages from another layout (every heading a page later, one page more): `multiBuild` sees
    that they do not hold and lays out again, to the same bytes as from the start."""
    from pipeline.write.pdf.document import Pages, report_pages

    figures = figures_from_json(small_figures())
    hashes = (("results.json", "0a" * 32),)
    right = report_pages(figures, "sv", ("results.json",))
    wrong = Pages(contents=tuple((level, text, page + 1, key) for level, text, page, key in right.contents),
                  total=right.total + 1)
    assert write_pdf(tmp_path / "plain.pdf", figures, "sv", output_hashes=hashes) == 2
    assert write_pdf(tmp_path / "wrong.pdf", figures, "sv", output_hashes=hashes, pages=wrong) == 2
    assert (tmp_path / "wrong.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()
