"""End to end through the real CLI: tiny input folders in tmp_path, real Excel files in and out."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workbooks import FIRM, LEDGER_HEADER, MEMBER, small_ledger, write_folder, write_sheet

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"},
                          timeout=600)


def test_report_writes_every_output_with_the_hand_computed_share(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "tiny" / "2025"
    names = {p.name for p in out.iterdir()}
    assert {"LOS-utvardering-2025.pdf", "LOS-underlag-2025.xlsx", "results.json", "manifest.json",
            "validation"} <= names
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    # 900 of 1000 each year: window 2700 / 3000 = 0.9; bound 2700 / 0.8 - 3000 = 375 SEK exactly, and
    # at 375.00 more the share is exactly 80 % (not met): the strict headroom is one öre less.
    assert results["teckal"]["window_share"].startswith("0.900000")
    assert results["teckal"]["met"] is True
    assert results["teckal"]["headroom_sek"] == "374.99"
    assert results["teckal"]["provisional"] is False
    assert [y["source"] for y in results["teckal"]["years"]] == ["ledger"] * 3
    assert results["rows"]["ledger_read"] == 6 and results["rows"]["ledger_rejected"] == 0


def test_two_runs_give_byte_identical_outputs(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    hashes = []
    for run in ("a", "b"):
        assert run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / run), "--quiet").returncode == 0
        manifest = json.loads((tmp_path / run / "tiny" / "2025" / "manifest.json").read_text(encoding="utf-8"))
        hashes.append({o["path"]: o["sha256"] for o in manifest["outputs"]})
    assert hashes[0] == hashes[1]
    assert len(hashes[0]) >= 4


def test_missing_members_file_names_the_file(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    (folder / "members.xlsx").unlink()
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "members.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_missing_column_names_file_sheet_and_column(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    header = [h for h in LEDGER_HEADER if h != "Konto"]
    rows = [[c for i, c in enumerate(r) if i != 2] for r in small_ledger(2025)]
    write_sheet(folder / "2025" / "ledger-2025.xlsx", "Huvudbok", header, rows)
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 1
    assert "2025/ledger-2025.xlsx" in result.stderr and "Huvudbok" in result.stderr
    assert "Konto" in result.stderr or "account" in result.stderr
    assert "Traceback" not in result.stderr


def test_unbalanced_voucher_stops_the_run_and_names_its_rows(tmp_path: Path):
    rows = small_ledger(2025)
    rows[1][3] = -899  # voucher A 1 now sums to +1 SEK
    folder = write_folder(tmp_path / "tiny", ledgers={2025: rows})
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 1
    assert "ledger-2025.xlsx" in result.stderr and "row 2" in result.stderr and "row 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "tiny" / "2025").exists()
    assert (tmp_path / "out" / "tiny" / "2025.failed" / "validation").is_dir()


def test_text_in_the_amount_column_names_file_sheet_row(tmp_path: Path):
    rows = small_ledger(2025)
    rows[2][3] = "nittio kronor"
    folder = write_folder(tmp_path / "tiny", ledgers={2025: rows})
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 1
    assert "2025/ledger-2025.xlsx, sheet Huvudbok, row 4" in result.stderr
    assert "nittio kronor" in result.stderr and "Traceback" not in result.stderr


def test_a_failed_run_leaves_the_previous_outputs_untouched(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    out = tmp_path / "out"
    assert run_cli("report", "--inputs", str(folder), "--outputs", str(out), "--quiet").returncode == 0
    before = {p.name: p.read_bytes() for p in (out / "tiny" / "2025").iterdir() if p.is_file()}
    rows = small_ledger(2025)
    rows[2][3] = "x"
    write_sheet(folder / "2025" / "ledger-2025.xlsx", "Huvudbok", LEDGER_HEADER, rows)
    assert run_cli("report", "--inputs", str(folder), "--outputs", str(out)).returncode == 1
    after = {p.name: p.read_bytes() for p in (out / "tiny" / "2025").iterdir() if p.is_file()}
    assert before == after


def test_usage_errors_exit_2(tmp_path: Path):
    assert run_cli("report", "--inputs", str(tmp_path / "nowhere")).returncode == 2
    folder = write_folder(tmp_path / "tiny")
    result = run_cli("report", "--inputs", str(folder), "--year", "2019")
    assert result.returncode == 2 and "2019" in result.stderr
    assert run_cli("report", "--bogus").returncode == 2


def test_importing_the_cli_and_the_run_does_not_import_great_expectations():
    # GX takes seconds to import: only the validation process may pay for it.
    result = subprocess.run([sys.executable, "-c", "import sys; import pipeline.cli, pipeline.run; "
                             "print('great_expectations' in sys.modules)"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_messages_are_swedish_by_default(tmp_path: Path):
    rows = small_ledger(2025)
    rows[2][3] = "nittio kronor"
    folder = write_folder(tmp_path / "tiny", ledgers={2025: rows})
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "fel:" in result.stderr and "2025/ledger-2025.xlsx, flik Huvudbok, rad 4" in result.stderr
    assert "ingen rapport skrevs" in result.stderr


def test_relative_output_folder_as_make_report_passes_it(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny")
    result = subprocess.run([sys.executable, "-m", "pipeline", "report", "--inputs", "tiny", "--outputs", "outputs",
                             "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "outputs" / "tiny" / "2025" / "results.json").is_file()
    assert folder.is_dir()


def test_the_three_criteria_are_the_terminals_last_lines_and_in_results(tmp_path: Path):
    # The tiny folder's member is represented all year in the governance register: all three hold.
    folder = write_folder(tmp_path / "tiny")
    write_sheet(folder / "governance.xlsx", "Styrning",
                ["Orgnr", "Företrädare", "Roll", "Organ", "Från", "Till", "Beslutsreferens"],
                [[MEMBER, "Anna Andersson", "ordinarie", "stämma", dt.date(2022, 1, 1), None, "KF 2021 § 3"]])
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-4:]
    assert last == ["Teckal-undantaget 2025: håller (alla tre kriterierna)", "  verksamhet: uppfyllt",
                    "  kontroll: dokumenterad för alla 1 kontrollerande medlemmar",
                    "  privat kapital: ingen privat ägare funnen"]
    teckal = json.loads((tmp_path / "out" / "tiny" / "2025" / "results.json").read_text(encoding="utf-8"))["teckal"]
    assert teckal["exemption_holds"] is True and teckal["criteria"]["control"]["status"] == "documented"


def test_one_year_of_figures_is_provisional_everywhere_it_is_shown(tmp_path: Path):
    folder = write_folder(tmp_path / "tiny", years=(2025,))
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "PRELIMINÄRT UPPFYLLT (1 ÅR AV TRE)" in result.stdout
    assert "  verksamhet: preliminärt (färre än tre år)" in result.stdout
    assert "Teckal-undantaget 2025: INTE VISAT" in result.stdout
    teckal = json.loads((tmp_path / "out" / "tiny" / "2025" / "results.json").read_text(encoding="utf-8"))["teckal"]
    assert teckal["provisional"] is True and teckal["exemption_holds"] is False
    assert teckal["criteria"]["activity"]["status"] == "provisional"


def test_a_year_folder_whose_ledger_is_not_named_so_stops_instead_of_reporting_last_year(tmp_path: Path):
    # The 2025 export saved as "huvudbok-export-2025.csv": without a ledger file in 2025 the
    # default year would silently be 2024. The run stops and names the file and both ways on.
    folder = write_folder(tmp_path / "org")
    (folder / "2025" / "ledger-2025.xlsx").rename(folder / "2025" / "huvudbok-export-2025.xlsx")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "org/2025: årsmappen har huvudbok-export-2025.xlsx men ingen huvudbok" in result.stderr
    assert "ange --year 2024 (make report YEAR=2024)" in result.stderr
    assert not (tmp_path / "out").exists()
    # Asked for explicitly, last year is reported, and the unread file of its window is said.
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "org" / "2024" / "results.json").exists()


def test_a_data_file_beside_the_ledger_that_is_not_read_is_said_in_the_terminal(tmp_path: Path):
    folder = write_folder(tmp_path / "org")
    write_sheet(folder / "2025" / "budget-2025.xlsx", "Budget", ["Konto", "Belopp"], [[3011, 1000.0]])
    (folder / "2025" / "~$ledger-2025.xlsx").write_bytes(b"lock")  # Excel's lock file: not data
    (folder / "2025" / "LÄS-MIG.txt").write_text("text", encoding="utf-8")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "inte lästs" in line]  # progress: stderr
    assert len(warnings) == 1 and ": 2025/budget-2025.xlsx. " in warnings[0]
    assert "~$" not in warnings[0] and "LÄS-MIG" not in warnings[0]


def report_stops_with(folder: Path, tmp_path: Path, line: str) -> subprocess.CompletedProcess:
    """`report` on the folder ends with exit 1 and `line` among the lines it printed to stderr."""
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert line in result.stderr.splitlines(), result.stderr
    return result


def test_a_month_of_ledger_lines_saved_under_another_name_stops_the_run(tmp_path: Path):
    # "mars.xlsx" beside the other months: without it the report would leave March out and
    # still end with exit 0. Its sheet has a ledger's header, so the run stops and names it.
    folder = write_folder(tmp_path / "org")
    write_sheet(folder / "2024" / "mars.xlsx", "Huvudbok", LEDGER_HEADER, small_ledger(2024))
    result = report_stops_with(folder, tmp_path, (
        "fel: 2024/mars.xlsx, flik Huvudbok: har en huvudboks rubriker (Datum, Verifikation, Konto, Belopp, "
        "Motpart, Tjänst, Kostnadsställe, Text) men läses inte, eftersom filnamnet inte börjar med ledger; "
        "utan den blir siffrorna för 2024 fel. Hör raderna till huvudboken: byt namn till ledger-2024-… och "
        "kör igen; är filen leverantörsreskontran: byt namn till purchases-…; annars flytta den ur "
        "årsmappen"))
    assert "Traceback" not in result.stderr
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]  # no report of eleven months


def test_files_beside_the_ledger_without_ledger_lines_stay_a_warning(tmp_path: Path):
    # A template without rows, an SIE file of balances only, a CSV the reader cannot decode: none
    # holds a ledger line, so none stops the run; each is named as not read, none is an internal error.
    folder = write_folder(tmp_path / "org")
    write_sheet(folder / "2025" / "mall.xlsx", "Huvudbok", LEDGER_HEADER, [])
    sie = "#FLAGGA 0\n#SIETYP 1\n#RAR 0 20250101 20251231\n#KONTO 1930 \"Bank\"\n#UB 0 1930 1000.00\n"
    (folder / "2025" / "saldon-2025.se").write_bytes(sie.encode("cp437"))
    (folder / "2025" / "bank-2025.csv").write_bytes(b"\xef\xbb\xbfDatum;Text\n2025-01-01;K\xf6p\n")
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "inte lästs" in line]
    assert "2025/bank-2025.csv, 2025/mall.xlsx, 2025/saldon-2025.se." in warning


def test_an_sie_file_of_ledger_lines_under_another_name_stops_the_run_in_words(tmp_path: Path):
    folder = write_folder(tmp_path / "org")
    sie = ("#FLAGGA 0\n#SIETYP 4\n#RAR 0 20250101 20251231\n#VER A 9 20250601 \"Faktura\"\n{\n"
           "   #TRANS 3011 {} -100.00\n   #TRANS 1510 {} 100.00\n}\n")
    (folder / "2025" / "export-juni.se").write_bytes(sie.encode("cp437"))
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "export-juni.se" in line]
    assert line.startswith("fel: 2025/export-juni.se: har en huvudboks rubriker (datum, verifikation, konto")
    assert "account" not in line and "voucher" not in line  # the fields in words, not their code names


def monthly_folder(tmp_path: Path, without_month: int, extra: dict[int, list] | None = None) -> Path:
    """A valid folder whose 2025 ledger comes as monthly files (one invoice each, plus `extra`
    rows by month), the file of `without_month` never exported."""
    from tests.workbooks import invoice

    folder = write_folder(tmp_path / "org")
    (folder / "2025" / "ledger-2025.xlsx").unlink()
    for month in (m for m in range(1, 13) if m != without_month):
        rows = invoice(f"2025-{month:02d}-01", f"A {month}", 3010, 300, MEMBER, "T01") + (extra or {}).get(month, [])
        write_sheet(folder / "2025" / f"ledger-2025-{month:02d}.xlsx", "Huvudbok", LEDGER_HEADER, rows)
    return folder


def test_a_finding_about_a_whole_year_is_shown_before_a_flood_of_rows(tmp_path: Path):
    # May's file is missing and June's file has 60 lines whose amount is text: 61 critical
    # findings, more than the terminal shows. The month, which concerns the whole year, comes first.
    from pipeline.cli import MAX_PROBLEMS_SHOWN

    bad_amounts = [[dt.date(2025, 6, 2), f"B {n}", 5410, "x", FIRM, "T01", "", "Konsult"] for n in range(60)]
    folder = monthly_folder(tmp_path, without_month=5, extra={6: bad_amounts})
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    problems = lines[lines.index(next(line for line in lines if line.startswith("fel: "))) + 1:]
    assert MAX_PROBLEMS_SHOWN < 61
    assert problems[0].startswith("  huvudbok 2025: Inga rader alls i 2025-05"), problems[:3]
    assert all("2025/ledger-2025-06.xlsx, flik Huvudbok, rad " in line for line in problems[1:MAX_PROBLEMS_SHOWN])
    assert problems[MAX_PROBLEMS_SHOWN] == f"  ... och {61 - MAX_PROBLEMS_SHOWN} till"


def test_a_month_missing_between_monthly_files_stops_the_run_naming_the_month(tmp_path: Path):
    folder = monthly_folder(tmp_path, without_month=5)  # May's file was never exported
    report_stops_with(folder, tmp_path, (
        "  huvudbok 2025: Inga rader alls i 2025-05, fast huvudboken 2025 kommer som månadsfiler och har rader "
        "både före och efter eller samma månad året före: filen för månaden saknas troligen i exporten eller i "
        "mappen 2025. Lägg den i mappen och kör igen; annars blir siffrorna för 2025 fel. Bokfördes inget alls "
        "den månaden: lägg en fil med bara rubrikraden i mappen, med månaden i namnet (ledger-2025-MM.xlsx) "
        "(kontrollen underkändes)"))
    assert not (tmp_path / "out" / "org" / "2025" / "results.json").exists()
    # Nothing was booked in May: its file holds only the header row, and the report is written.
    write_sheet(folder / "2025" / "ledger-2025-05.xlsx", "Huvudbok", LEDGER_HEADER, [])
    result = run_cli("report", "--inputs", str(folder), "--outputs", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
