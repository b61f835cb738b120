"""Issue 8: bad input never crashes the run, never loses a row, never executes anything.

Every corpus case (`tests/corpus`) runs through the real command line, like finance runs it,
and the test asserts the exit code (0 report written, 1 data failed, 2 usage or settings
error), the exact message naming file, sheet, row and column, and that no traceback leaks.
Messages are Swedish by default; a few cases run with --lang en or an English settings file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests import corpus
from tests.corpus import LEDGER, YEAR
from tests.workbooks import LEDGER_HEADER, MEMBER, OUTSIDER, invoice, small_ledger, write_sheet

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run_cli(*args: str, language: str | None = None) -> subprocess.CompletedProcess:
    extra = ["--lang", language] if language else []
    return subprocess.run([sys.executable, "-m", "pipeline", *args, *extra], cwd=REPO, capture_output=True,
                          text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"})


def report(folder: Path, tmp_path: Path, *args: str, language: str | None = None) -> subprocess.CompletedProcess:
    return run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), *args, language=language)


# ---------------------------------------------------------------- the corpus, one builder each


def empty_workbook(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    Workbook().save(folder / LEDGER)  # one sheet, no cell
    return folder


def zero_bytes(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / LEDGER).write_bytes(b"")
    return folder


def dangling_link(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / LEDGER).unlink()
    (folder / LEDGER).symlink_to("../saknas/ledger-2025.xlsx")  # a link to a drive that is not there
    return folder


def renamed_pdf(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / LEDGER).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return folder


def corrupt_zip(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    data = (folder / LEDGER).read_bytes()
    (folder / LEDGER).write_bytes(data[: len(data) // 2])  # a download cut off half-way
    return folder


def password_protected(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    corpus.encrypted_package(folder / LEDGER)
    return folder


def missing_sheet(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    workbook = Workbook()
    workbook.active.title = "Instruktioner"  # the data sheet was deleted; only the help sheet is left
    workbook.active.append(["Fyll i medlemmarna på fliken Medlemmar."])
    workbook.save(folder / "members.xlsx")
    return folder


def header_only(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    write_sheet(folder / "members.xlsx", "Medlemmar", corpus.MEMBER_HEADER, [])
    return folder


def duplicated_headers(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = [row + [row[3]] for row in small_ledger(YEAR)]
    corpus.write_ledger(folder, rows, LEDGER_HEADER + ["Belopp"])
    return folder


def merged_header(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    corpus.xlsxwriter_ledger(folder, small_ledger(YEAR), merge_title="Huvudbok 2025 (utdrag ur ekonomisystemet)")
    return folder


def error_cells(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[1][3] = "#REF!"  # openpyxl stores these texts as Excel error cells (t="e")
    rows[3][4] = "#N/A"
    rows[5][3] = "#DIV/0!"
    corpus.write_ledger(folder, rows)
    return folder


def formulas_with_cached_values(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    # Row 3 (data row 1) books -900 as "=-(1000-100)"; its cached value -900 is what is read.
    formulas = {(0, 3): ("=1000-100", 900), (1, 3): ("=-(1000-100)", -900)}
    corpus.xlsxwriter_ledger(folder, small_ledger(YEAR), formulas=formulas)
    return folder


def formula_without_value(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[1][3] = "=-D2"  # openpyxl writes the formula only: no saved result
    corpus.write_ledger(folder, rows)
    return folder


def future_date(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    for row in rows[4:6]:
        row[0] = dt.date(2205, 5, 1)  # 2205 for 2025: a typing error
    corpus.write_ledger(folder, rows)
    return folder


def next_year_date(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    for row in rows[4:6]:
        row[0] = dt.date(YEAR + 1, 1, 15)  # booked in January of the next year: a warning
    corpus.write_ledger(folder, rows)
    return folder


def date_1900(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[4][0] = dt.datetime(1900, 1, 1)
    corpus.write_ledger(folder, rows)
    return folder


def negative_zero(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR) + [[dt.date(YEAR, 6, 1), "C 1", 3010, -0.0, MEMBER, "T01", "", "Nollrad"],
                                 [dt.date(YEAR, 6, 1), "C 1", 1510, "-0,00", MEMBER, "", "", "Nollrad"]]
    corpus.write_ledger(folder, rows)
    return folder


def three_decimals(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[3][3] = -100.005
    corpus.write_ledger(folder, rows)
    return folder


def fifteen_digit_account(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[1][2] = 123456789012345
    corpus.write_ledger(folder, rows)
    return folder


def long_text_cell(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[1][7] = "PLACEHOLDER-TEXT"
    path = corpus.write_ledger(folder, rows)
    # Excel and openpyxl cap a cell at 32 767 characters; an ERP export need not.
    corpus.replace_in_sheet_xml(path, "PLACEHOLDER-TEXT", "x" * 100_000)
    return folder


def long_amount_cell(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[3][3] = "PLACEHOLDER-AMOUNT"
    path = corpus.write_ledger(folder, rows)
    corpus.replace_in_sheet_xml(path, "PLACEHOLDER-AMOUNT", "9" * 100_000)
    return folder


def control_characters(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    rows = small_ledger(YEAR)
    rows[1][4] = "\u200f" + MEMBER  # a right-to-left mark pasted before the org. no.
    rows[1][7] = "Faktura\x07 \u202eanalfdnuK"  # a bell and a right-to-left override in the text
    corpus.ledger_csv(folder, rows)
    return folder


def duplicate_member(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    write_sheet(folder / "members.xlsx", "Medlemmar", corpus.MEMBER_HEADER,
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja"],
                 [MEMBER, "Ankeby kommun", "kommun", dt.date(2019, 1, 1), None, "ja"]])
    return folder


def member_to_before_from(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    write_sheet(folder / "members.xlsx", "Medlemmar", corpus.MEMBER_HEADER,
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), dt.date(2014, 12, 31), "ja"]])
    return folder


def service_both_ways(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    write_sheet(folder / "services.xlsx", "Tjänster", corpus.SERVICE_HEADER,
                [["T01", "E-arkiv", "samverkan"], ["T01", "E-arkiv", "säljverksamhet"]])
    return folder


def settings_unknown_key(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / "settings.toml").write_text('[rules]\ngrants = "include"\ngrant_treatment = "exclude"\n',
                                          encoding="utf-8")
    return folder


def settings_wrong_type(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / "settings.toml").write_text('[thresholds]\nteckal = "åttio procent"\n', encoding="utf-8")
    return folder


def zip_bomb(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    corpus.zip_bomb(folder / LEDGER)
    return folder


def size_lie(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    corpus.size_lie_workbook(folder / LEDGER)
    return folder


def xml_entities(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    corpus.doctype_workbook(folder / LEDGER)
    return folder


def macro_workbook(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / LEDGER).unlink()
    corpus.macro_workbook(folder / f"{YEAR}/ledger-{YEAR}.xlsm")
    return folder


def missing_year(tmp_path):
    return corpus.valid_folder(tmp_path)  # run with --year 2026, which has no folder


def missing_earlier_year(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    for path in (folder / "2023").iterdir():
        path.unlink()
    (folder / "2023").rmdir()
    return folder



# ---------------------------------------------------------------- expected outcome per case

L = "2025/ledger-2025.xlsx"
W = f"{L}, flik Huvudbok"
# case: (exit code, lines stderr must hold exactly, extra arguments)
STOPS = {
    "empty_workbook": (1, [f"fel: {L}: filen innehåller inga data (flikar: Sheet)"], ()),
    "zero_bytes": (1, [f"fel: {L}: filen är tom (0 byte)"], ()),
    "dangling_link": (1, [f"fel: {L}: är en länk till en fil som inte finns (../saknas/ledger-2025.xlsx); lägg filen "
                          "själv i mappen eller gör länken hel igen"], ()),
    "renamed_pdf": (1, [f"fel: {L}: kan inte läsas som en arbetsbok (filen är ett PDF-dokument med fel filändelse). "
                        "Är det verkligen en Excel-fil?"], ()),
    "corrupt_zip": (1, [f"fel: {L}: kan inte läsas som en arbetsbok (zip-arkivet är skadat eller ofullständigt). "
                        "Är det verkligen en Excel-fil?"], ()),
    "password_protected": (1, [f"fel: {L}: arbetsboken är krypterad (lösenordsskyddad); spara den som .xlsx utan "
                               "lösenord"], ()),
    "missing_sheet": (1, ["fel: members.xlsx: filen innehåller inga data (flikar: -)"], ()),
    "header_only": (1, ["fel: members.xlsx: inga rader under rubrikraden; ett obligatoriskt register eller "
                        "rapportårets huvudbok kan inte vara tomt"], ()),
    "duplicated_headers": (1, [f"fel: {W}: kolumnerna D 'Belopp', I 'Belopp' läses alla som amount; det går inte "
                               "att veta vilken som gäller. Byt namn på eller ta bort alla utom en."], ()),
    "error_cells": (1, [
        f"  {W}, rad 3, kolumn Belopp: Belopp: cellen innehåller Excel-felet #REF! (en formel som inte kunde "
        "räknas ut); rätta den i källfilen",
        f"  {W}, rad 5, kolumn Motpart: Motpart: cellen innehåller Excel-felet #N/A (en formel som inte kunde "
        "räknas ut); rätta den i källfilen",
        f"  {W}, rad 7, kolumn Belopp: Belopp: cellen innehåller Excel-felet #DIV/0! (en formel som inte kunde "
        "räknas ut); rätta den i källfilen"], ()),
    "formula_without_value": (1, [
        f"  {W}, rad 3, kolumn Belopp: Belopp: cellen har en formel utan sparat resultat (filen är inte sparad i "
        "Excel); öppna och spara den i Excel"], ()),
    "future_date": (1, [
        f"  {W}, rad 6, kolumn Datum: datum 2205-05-01 ligger mer än ett år utanför räkenskapsåret 2025 i sin "
        "årsmapp (skrivfel?)",
        f"  {W}, rad 7, kolumn Datum: datum 2205-05-01 ligger mer än ett år utanför räkenskapsåret 2025 i sin "
        "årsmapp (skrivfel?)"], ()),
    "date_1900": (1, [f"  {W}, rad 6, kolumn Datum: datum '1900-01-01' är Excels dag noll: en tom cell eller en "
                      "nolla formaterad som datum"], ()),
    "three_decimals": (1, [f"  {W}, rad 5, kolumn Belopp: belopp '-100.005' har fler än två decimaler (pengar "
                           "måste vara exakta)"], ()),
    "fifteen_digit_account": (1, [f"  {W}, rad 3, kolumn Konto: konto '123456789012345' är inget BAS-konto (15 "
                                  "siffror; ett BAS-konto har 4)"], ()),
    "long_amount_cell": (1, [f"  {W}, rad 5, kolumn Belopp: belopp '{'9' * 59}… (100000)' är för stort"], ()),
    "duplicate_member": (1, ["  members.xlsx, flik Medlemmar, rad 2, kolumn org.nr: ",
                             "  members.xlsx, flik Medlemmar, rad 3, kolumn org.nr: "], ()),
    "member_to_before_from": (1, ["  members.xlsx, flik Medlemmar, rad 2, kolumn medlem till, medlem från: "], ()),
    "service_both_ways": (1, ["  services.xlsx, flik Tjänster, rad 2, kolumn tjänstekod: ",
                              "  services.xlsx, flik Tjänster, rad 3, kolumn tjänstekod: "], ()),
    "settings_unknown_key": (2, ["fel: settings.toml: okänd(a) nyckel/nycklar i [rules]: grant_treatment; kända: "
                                 "allocation_key, allocation_key_by_year, date_format, direct_award_kind, eur_sek, "
                                 "grants, ledger_sign, previous_report"], ()),
    "settings_wrong_type": (2, ["fel: settings.toml: [thresholds] teckal måste vara ett tal, inte 'åttio procent'"],
                            ()),
    "zip_bomb": (1, [f"fel: {L}: delen xl/worksheets/padding.xml packas upp till 1028 gånger sin packade storlek, "
                     "över gränsen 200; den öppnas inte (en zip-bomb?)"], ()),
    "size_lie": (1, [f"fel: {L}: delen xl/worksheets/sheet1.xml blir större uppackad än arkivet anger; arkivet är "
                     "skadat eller manipulerat"], ()),
    "xml_entities": (1, [f"fel: {L}: delen xl/worksheets/sheet1.xml innehåller en XML-dokumenttypdeklaration "
                         "(DOCTYPE/ENTITY), som Excel aldrig skriver; den öppnas inte"], ()),
    "missing_year": (2, ["fel: org/2026: ingen huvudbok för 2026 (årsmappar med huvudbok: 2023, 2024, 2025)"],
                     ("--year", "2026")),
}


@pytest.mark.parametrize("case", sorted(STOPS))
def test_bad_input_stops_with_the_exact_message_and_exit_code(case, tmp_path):
    exit_code, lines, extra = STOPS[case]
    folder = globals()[case](tmp_path)
    result = report(folder, tmp_path, *extra)
    assert result.returncode == exit_code, result.stderr
    stderr_lines = result.stderr.splitlines()
    for line in lines:
        # A line ending in ": " is a location whose check text belongs to the validation suites.
        assert any(s == line or (line.endswith(": ") and s.startswith(line)) for s in stderr_lines), \
            f"{line!r} not in\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "org" / "2025" / "results.json").exists()


def test_messages_follow_the_lang_flag(tmp_path):
    folder = error_cells(tmp_path)
    result = report(folder, tmp_path, language="en")
    assert result.returncode == 1
    assert (f"  {L}, sheet Huvudbok, row 3, column Belopp: Belopp: the cell holds the Excel error #REF! (a formula "
            "that could not be calculated); fix it in the source file") in result.stderr.splitlines()


def test_settings_errors_follow_the_lang_flag_before_the_file_is_understood(tmp_path):
    folder = settings_wrong_type(tmp_path)
    result = report(folder, tmp_path, language="en")
    assert result.returncode == 2
    assert "settings.toml: [thresholds] teckal must be a number, not 'åttio procent'" in result.stderr
    assert "Traceback" not in result.stderr


def results_of(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out" / "org" / "2025" / "results.json").read_text(encoding="utf-8"))


# Cases that must give a report: the figures are those of the valid folder (900 of 1000 each
# year from members: window 2700 / 3000 = 0.9) unless said otherwise.
@pytest.mark.parametrize("case, rows_read", [
    ("merged_header", 6), ("formulas_with_cached_values", 6), ("negative_zero", 8), ("next_year_date", 6),
    ("control_characters", 6), ("long_text_cell", 6), ("macro_workbook", 6),
])
def test_odd_but_readable_input_gives_the_hand_computed_report(case, rows_read, tmp_path):
    folder = globals()[case](tmp_path)
    result = report(folder, tmp_path, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    figures = results_of(tmp_path)
    assert figures["teckal"]["window_share"].startswith("0.900000")
    assert figures["rows"]["ledger_read"] == rows_read and figures["rows"]["ledger_rejected"] == 0


def test_a_line_dated_in_the_next_year_is_a_listed_warning(tmp_path):
    report(next_year_date(tmp_path), tmp_path, "--quiet")
    [date_check] = [v for v in results_of(tmp_path)["data_quality"]["validation"]
                    if v["column"] == "date" and v["suite"] == "ledger" and not v["success"]
                    and v["check"] != "missing_months"]
    assert (date_check["severity"], date_check["unexpected_count"]) == ("warning", 2)


def test_control_characters_are_made_visible_and_marks_stripped_from_org_nos(tmp_path):
    from python_calamine import CalamineWorkbook

    report(control_characters(tmp_path), tmp_path, "--quiet")
    # The right-to-left mark before the member's org. no. is gone: 900 of 1000 stays controlling.
    assert results_of(tmp_path)["teckal"]["years"][-1]["controlling_sek"] == "900.00"
    workbook = CalamineWorkbook.from_path(str(tmp_path / "out" / "org" / "2025" / "LOS-underlag-2025.xlsx"))
    cells = {str(c) for name in workbook.sheet_names for row in workbook.get_sheet_by_name(name).to_python()
             for c in row}
    assert "Faktura\u2407 [U+202E]analfdnuK" in cells
    assert not any("\u202e" in c or "\x07" in c for c in cells)


def test_missing_earlier_year_reports_on_the_years_there_are(tmp_path):
    result = report(missing_earlier_year(tmp_path), tmp_path, "--quiet")
    assert result.returncode == 0, result.stderr
    years = results_of(tmp_path)["teckal"]["years"]
    assert [y["year"] for y in years] == [2024, 2025]
    # 1800 / 2000 over the two ledger years.
    assert results_of(tmp_path)["teckal"]["window_share"].startswith("0.900000")


# ---------------------------------------------------------------- inputs are never modified


def test_a_full_report_run_leaves_every_input_file_byte_identical(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    (folder / "settings.toml").write_text('[organisation]\nname = "Test"\norgnr = "222000-0000"\n', encoding="utf-8")

    def hashes() -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    before = hashes()
    assert report(folder, tmp_path, "--quiet").returncode == 0
    assert hashes() == before
    assert len(before) == 7  # settings, 3 registers, 3 ledgers: nothing added to the input folder


# ---------------------------------------------------------------- atomic outputs


# Killed when the run says it has read, validated, and written the workbook (the PDF, manifest
# and renames still to come): points in the run itself, whatever the speed of the machine.
@pytest.mark.parametrize("kill_at", ["läst:", "validerat:", "skrev LOS-underlag"])
def test_killing_the_run_leaves_the_previous_outputs_intact(kill_at, tmp_path):
    folder = corpus.valid_folder(tmp_path)
    assert report(folder, tmp_path, "--quiet").returncode == 0
    year_folder = tmp_path / "out" / "org" / "2025"
    before = {p.relative_to(year_folder).as_posix(): p.read_bytes() for p in year_folder.rglob("*") if p.is_file()}
    # A changed ledger: a finished run would change the outputs.
    write_sheet(folder / LEDGER, "Huvudbok", LEDGER_HEADER,
                small_ledger(YEAR) + invoice(f"{YEAR}-06-01", "A 3", 3010, 500, OUTSIDER, "T01"))
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "report", "--inputs", str(folder), "--outputs",
                                str(tmp_path / "out")], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"})
    said = False
    for line in process.stderr:  # the run prints each progress line as its stage ends
        if line.startswith(kill_at):
            said = True
            break
    finished = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert said, f"the run never said {kill_at!r}"
    after = {p.relative_to(year_folder).as_posix(): p.read_bytes() for p in year_folder.rglob("*") if p.is_file()}
    if finished:
        pytest.skip(f"the run finished before it could be killed at {kill_at!r}")
    assert after == before
    # Only the year folder and hidden staging folders may be there: no half-written "2025".
    leftovers = {p.name for p in (tmp_path / "out" / "org").iterdir()} - {"2025"}
    assert all(name.startswith(".") for name in leftovers), leftovers


def test_outputs_left_only_under_the_old_name_by_a_kill_are_put_back(tmp_path):
    # A run killed between moving the previous outputs aside and moving the new ones in.
    folder = zero_bytes(tmp_path)
    old = tmp_path / "out" / "org" / ".2025.old"
    old.mkdir(parents=True)
    (old / "results.json").write_text('{"year": 2025}', encoding="utf-8")
    result = report(folder, tmp_path)
    assert result.returncode == 1  # this run fails on its input; the previous outputs are back
    assert (tmp_path / "out" / "org" / "2025" / "results.json").read_text(encoding="utf-8") == '{"year": 2025}'
    assert not old.exists()


def test_staging_folders_left_by_a_killed_run_are_removed_by_the_next_run(tmp_path):
    folder = corpus.valid_folder(tmp_path)
    org = tmp_path / "out" / "org"
    stale = org / ".2025.k1ll3d_x"
    (stale / "validation").mkdir(parents=True)
    (stale / "validation" / "summary.json").write_text("{}", encoding="utf-8")
    other = org / ".gitkeep"  # not a staging folder: left alone
    other.write_text("", encoding="utf-8")
    assert report(folder, tmp_path, "--quiet").returncode == 0
    assert sorted(p.name for p in org.iterdir()) == [".gitkeep", "2025"]


def test_a_second_run_on_the_same_outputs_stops_while_the_first_is_writing(tmp_path):
    import fcntl

    folder = corpus.valid_folder(tmp_path)
    org = tmp_path / "out" / "org"
    busy = org / ".2025.runn1ng"  # the first run's staging folder, in use
    busy.mkdir(parents=True)
    handle = os.open(org, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # what the first run holds while it runs
        result = report(folder, tmp_path)
    finally:
        os.close(handle)
    assert result.returncode == 2, result.stderr
    assert "fel: en annan körning skriver redan utdata i out/org/; vänta tills den är klar och kör igen" in \
        result.stderr.splitlines()
    assert busy.is_dir()  # the first run's folder is not touched
    assert not (org / "2025").exists()


if __name__ == "__main__":  # print what each case gives, to write the expectations below
    import tempfile

    names = sys.argv[1:]
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            folder = globals()[name](Path(tmp))
            extra = ("--year", "2026") if name == "missing_year" else ()
            result = report(folder, Path(tmp), *extra)
            print(f"== {name}: exit {result.returncode}\n{result.stderr}{result.stdout[-400:]}")
