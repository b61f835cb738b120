"""The second year (issue 18), end to end through the real CLI: a first year's report, the
next year's folder made from it, and a second report that reads the first one's outputs.

Year one (2024): ledgers 2022-2024; members Ankeby (controlling) and Ale; services T01 and T02,
both cost-sharing; the 2024 ledger bills 50 kr to Ankeby for T99, a code not in the catalogue
(the flag "service not in the catalogue, T99").
Year two (2025), made with `next-year`: Ale leaves on 2025-06-30, Alingsås joins on 2025-03-01,
T02 is reclassified as sales activity by "Styrelsen 2025-02-14 § 7", the 2025 ledger has no
T99 line (the flag is resolved), 2023's ledger is gone (its totals come from the 2024 report),
and the 2024 ledger was changed after the 2024 report: one more invoice of 12 500 kr to Ankeby.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tests.test_cli import run_cli
from tests.workbooks import LEDGER_HEADER, MEMBER, invoice, small_ledger, write_folder, write_sheet

pytestmark = pytest.mark.slow

LEAVER = "212000-1215"
JOINER = "212000-3278"
DECISION = "Styrelsen 2025-02-14 § 7"
MEMBER_HEADER = ["Orgnr", "Namn", "Typ", "Medlem från", "Medlem till", "Kontrollerande"]
SERVICE_HEADER = ["Tjänstekod", "Namn", "Klassificering", "Rättslig grund", "Medlemsbehov", "Målgrupp",
                  "Prissättning", "Beslutsdatum", "Beslutsreferens", "Marknadsbedömning", "Exklusivitet",
                  "Fördelningsnyckel"]


def _services(t02: str, pricing: str, decided: dt.date, reference: str) -> list[list]:
    return [["T01", "E-arkiv", "samverkan", "KL 3 kap.", "Arkiv", "Medlemmar", "självkostnad",
             dt.date(2020, 1, 1), "Styrelsen 2020-01", "Ingen marknad", "nej", 1],
            ["T02", "Utbildning", t02, "KL 2 kap.", "Kurser", "Medlemmar", pricing, decided, reference,
             "Kurser finns på marknaden", "nej", 1]]


def _ledger_2024() -> list[list]:
    # Ankeby 900 + 50 (T99), the outsider 100: controlling 950 of 1 050.
    return small_ledger(2024) + invoice("2024-06-01", "A 3", 3010, 50, MEMBER, "T99")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("second-year")
    first = write_folder(root / "tiny-2024", years=(2022, 2023, 2024), ledgers={2024: _ledger_2024()})
    write_sheet(first / "members.xlsx", "Medlemmar", MEMBER_HEADER,
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja"],
                 [LEAVER, "Ale kommun", "kommun", dt.date(2015, 1, 1), None, "ja"]])
    write_sheet(first / "services.xlsx", "Tjänster", SERVICE_HEADER,
                _services("samverkan", "självkostnad", dt.date(2020, 1, 1), "Styrelsen 2020-02"))
    out = root / "out"
    one = run_cli("report", "--inputs", str(first), "--outputs", str(out), "--year", "2024", "--lang", "en")
    assert one.returncode == 0, one.stderr

    made = run_cli("next-year", "--inputs", str(first), "--outputs", str(out), "--year", "2025", "--lang", "en")
    assert made.returncode == 0, made.stderr
    second = root / "tiny-2025"
    assert (second / "2025" / "README.txt").is_file() and (second / "members.xlsx").is_file()
    assert not (second / "2023").exists()  # prior ledgers are not copied: the window takes the report's

    write_sheet(second / "members.xlsx", "Medlemmar", MEMBER_HEADER,
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja"],
                 [LEAVER, "Ale kommun", "kommun", dt.date(2015, 1, 1), dt.date(2025, 6, 30), "ja"],
                 [JOINER, "Alingsås kommun", "kommun", dt.date(2025, 3, 1), None, "ja"]])
    write_sheet(second / "services.xlsx", "Tjänster", SERVICE_HEADER,
                _services("säljverksamhet", "marknadspris", dt.date(2025, 2, 14), DECISION))
    write_sheet(second / "2025" / "ledger-2025.xlsx", "Huvudbok", LEDGER_HEADER, small_ledger(2025))
    # The 2024 books changed after the 2024 report: one more invoice, two more lines, +12 500 kr.
    write_sheet(second / "2024" / "ledger-2024.xlsx", "Huvudbok", LEDGER_HEADER,
                _ledger_2024() + invoice("2024-12-15", "A 9", 3010, 12500, MEMBER, "T01"))

    check = run_cli("check", "--inputs", str(second), "--outputs", str(out), "--year", "2025", "--lang", "en")
    two = run_cli("report", "--inputs", str(second), "--outputs", str(out), "--year", "2025", "--lang", "en")
    assert two.returncode == 0, two.stderr
    folder = out / "tiny-2025" / "2025"
    return {"out": out, "check": check, "two": two, "folder": folder,
            "results": json.loads((folder / "results.json").read_text(encoding="utf-8")),
            "first_results": out / "tiny-2024" / "2024" / "results.json"}


def test_window_year_without_ledger_or_history_comes_from_the_first_report(two_years):
    years = {y["year"]: y for y in two_years["results"]["teckal"]["years"]}
    first = two_years["first_results"]
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    # 2023 as the 2024 report stated it: 900 of 1 000.
    assert years[2023]["source"] == "report"
    assert years[2023]["source_ref"] == f"out/tiny-2024/2024/results.json sha256:{digest}"
    assert (years[2023]["controlling_sek"], years[2023]["total_sek"]) == ("900.00", "1000.00")
    assert years[2024]["source"] == "ledger" and "source_ref" not in years[2024]
    # Window: (900 + 13 450 + 900) / (1 000 + 13 550 + 1 000) = 15 250 / 15 550 = 0.98070739...
    assert two_years["results"]["teckal"]["window_share"].startswith("0.980707")


def test_changed_prior_year_ledger_is_detected_with_its_difference(two_years):
    continuity = two_years["results"]["continuity"]
    assert continuity["previous_report"] == "2024"
    # Manifest rows 8 then 10; activity revenue 1 050 then 13 550.
    assert continuity["changed_inputs"] == [{"year": 2024, "file": "2024/ledger-2024.xlsx", "lines_delta": 2,
                                             "revenue_delta_sek": "12500.00"}]
    warning = "the 2024 ledger has changed since the 2024 report: +2 lines, revenue +12\u00a0500 kr"
    assert warning in two_years["two"].stderr
    assert warning in two_years["check"].stdout, two_years["check"].stdout + two_years["check"].stderr
    # Recomputed 2024 figures beside what the 2024 report stated, never silently replaced.
    restated = {(r["year"], r["figure"]): (r["reported"], r["now"]) for r in continuity["restated"]}
    assert restated[(2024, "controlling_sek")] == ("950.00", "13450.00")
    assert restated[(2024, "total_sek")] == ("1050.00", "13550.00")
    # Per account in the workbook: the invoice debits 1510 and credits 3010 with 12 500.
    sheet = load_workbook(next(two_years["folder"].glob("LOS-*-2025.xlsx")), read_only=True)["Ändrad huvudbok"]
    # Columns: year, account, lines then, now, delta, sum then, now, delta (headers in the report's language).
    rows = list(sheet.iter_rows(values_only=True))[1:]
    by_account = {str(r[1]): r for r in rows}
    assert set(by_account) == {"1510", "3010"}
    assert (by_account["1510"][4], by_account["1510"][7]) == (1, 12500)
    assert (by_account["3010"][4], by_account["3010"][7]) == (1, -12500)


def test_changes_list_the_planted_join_leave_reclassification_and_resolved_flag(two_years):
    changes = two_years["results"]["continuity"]["changes"]
    assert changes["members_joined"] == [JOINER]
    assert changes["members_left"] == [LEAVER]
    assert changes["services_reclassified"] == [{"code": "T02", "before": "cost_sharing", "after": "sales",
                                                 "decision_reference": DECISION, "decision_date": "2025-02-14"}]
    assert {"id": "service_not_in_catalogue", "subject": "T99"} in changes["flags_resolved"]
    assert all(f["subject"] != "T99" for f in changes["flags_new"] + changes["flags_still_open"])
    trend = two_years["results"]["continuity"]["trend"]
    # 2024: 950 / 1 050 = 0.904761...; 2025: 900 / 1 000.
    assert [(t["year"], t["share"][:8]) for t in trend] == [(2024, "0.904761"), (2025, "0.900000")]


def test_the_changes_chapter_in_the_pdf_lists_them(two_years):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf = next(two_years["folder"].glob("LOS-*-2025.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    chapter = text[text.rindex("Changes since last year's report\n"):]  # past the contents page
    for expected in ("Member joined", JOINER, "Member left", LEAVER, "Service reclassified", DECISION,
                     "Flag resolved", "the 2024 ledger has changed since the 2024 report", "The share year by year"):
        assert expected in chapter, expected
