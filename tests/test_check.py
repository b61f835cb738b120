"""`python -m pipeline check` through the real CLI on tiny input folders written as Excel files.

The check validates only: a verdict per input on stdout, exit 0 when nothing critical fails and
1 otherwise, and no report written.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workbooks import FIRM, small_ledger, write_folder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def run_check(folder: Path, year: int, cwd: Path, language: str | None = "en") -> subprocess.CompletedProcess:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}
    lang = ["--lang", language] if language else []
    return subprocess.run([sys.executable, "-m", "pipeline", "check", "--inputs", str(folder), "--year", str(year),
                           "--quiet", *lang], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def verdicts(stdout: str) -> list[tuple[str, list[str]]]:
    """The verdict lines (indented two spaces) with the reasons printed under each (four spaces).

    Only what `input_verdicts` builds: the command's own words (the first line and the label
    before each reason) are the command line's and are left out.
    """
    found: list[tuple[str, list[str]]] = []
    for line in stdout.splitlines():
        if line.startswith("    "):
            found[-1][1].append(line.strip().partition(": ")[2])
        elif line.startswith("  "):
            found.append((line.strip(), []))
    return found


# The small ledgers have lines in March, April and May only: the other months are a warning.
QUIET_MONTHS = (1, 2, 6, 7, 8, 9, 10, 11, 12)


def quiet_months(year: int, language: str = "en") -> str:
    listed = ", ".join(f"{year}-{m:02d}" for m in QUIET_MONTHS)
    if language == "sv":
        return (f"Huvudboken {year} har inga rader i {listed}. Det stämmer om inget bokfördes då (verksamheten "
                f"började eller slutade under året, eller bokför sällan); annars saknas de månaderna i exporten "
                f"eller i mappen {year}: 9 av 12 underkända")
    return (f"The ledger {year} has no lines in {listed}. That is right if nothing was booked then (the body began "
            f"or closed during the year, or books seldom); otherwise those months are missing from the export or "
            f"the folder {year}: 9 of 12 failing")


def test_a_clean_folder_passes_with_a_verdict_per_input(tmp_path: Path):
    folder = write_folder(tmp_path / "ankeby")
    done = run_check(folder, 2025, tmp_path)
    assert done.returncode == 0, done.stderr
    # Three ledger years and the five registers (counterparties and history are optional and
    # absent, so read as empty registers): 6 lines per ledger, 1 member, 1 service, 1 supplier.
    # The outsider of voucher A 2 (rows 4 and 5 of every year) is in no register: a warning only.
    outsider = ("Every counterparty is in the member, counterparty or supplier register: 2 of 6 failing; "
                "{year}/ledger-{year}.xlsx:Huvudbok:4, {year}/ledger-{year}.xlsx:Huvudbok:5")
    assert verdicts(done.stdout) == [
        ("ledger 2023: 6 rows, ok; 2 warning(s)", [outsider.format(year=2023), quiet_months(2023)]),
        ("ledger 2024: 6 rows, ok; 2 warning(s)", [outsider.format(year=2024), quiet_months(2024)]),
        ("ledger 2025: 6 rows, ok; 2 warning(s)", [outsider.format(year=2025), quiet_months(2025)]),
        ("members: 1 rows, ok; 0 warning(s)", []),
        ("counterparties: 0 rows, ok; 0 warning(s)", []),
        ("services: 1 rows, ok; 0 warning(s)", []),
        ("suppliers: 1 rows, ok; 0 warning(s)", []),
        ("history: 0 rows, ok; 0 warning(s)", []),
    ]
    assert not (tmp_path / "outputs").exists()  # validate only: no report, no PDF


def unbalanced_folder(tmp_path: Path) -> Path:
    # Voucher B 1 of 2025: debit 400, credit 390 -> sums to +10 SEK. Its lines are spreadsheet
    # rows 6 and 7 (header row 1, then A 1, A 2, B 1 with two lines each). 3 vouchers in the year.
    ledger = small_ledger(2025)[:4] + [[dt.date(2025, 5, 1), "B 1", 5410, 400, FIRM, "T01", "", "Konsult"],
                                       [dt.date(2025, 5, 1), "B 1", 2440, -390, FIRM, "", "", "Konsult"]]
    return write_folder(tmp_path / "ankeby", ledgers={2025: ledger})


def test_an_unbalanced_voucher_fails_its_ledger_and_names_the_rows(tmp_path: Path):
    done = run_check(unbalanced_folder(tmp_path), 2025, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    found = verdicts(done.stdout)
    assert found[2] == ("ledger 2025: 6 rows, FAILED; 1 critical, 2 warning(s)", [
        "Vouchers whose lines do not sum to 0 öre: 1 of 3 failing; "
        "2025/ledger-2025.xlsx:Huvudbok:6, 2025/ledger-2025.xlsx:Huvudbok:7",
        "Every counterparty is in the member, counterparty or supplier register: 2 of 6 failing; "
        "2025/ledger-2025.xlsx:Huvudbok:4, 2025/ledger-2025.xlsx:Huvudbok:5",
        quiet_months(2025),
    ])
    assert found[0][0] == "ledger 2023: 6 rows, ok; 2 warning(s)"
    assert found[1][0] == "ledger 2024: 6 rows, ok; 2 warning(s)"
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "outputs").exists()


def test_without_lang_the_verdicts_are_in_swedish(tmp_path: Path):
    # The same folder as above; settings.toml names no language, so the check speaks Swedish.
    done = run_check(unbalanced_folder(tmp_path), 2025, tmp_path, language=None)
    assert done.returncode == 1, done.stdout + done.stderr
    found = verdicts(done.stdout)
    assert [line for line, _ in found] == [
        "huvudbok 2023: 6 rader, ok; 2 varning(ar)", "huvudbok 2024: 6 rader, ok; 2 varning(ar)",
        "huvudbok 2025: 6 rader, UNDERKÄND; 1 kritiska, 2 varning(ar)", "medlemmar: 1 rader, ok; 0 varning(ar)",
        "motparter: 0 rader, ok; 0 varning(ar)", "tjänster: 1 rader, ok; 0 varning(ar)",
        "leverantörer: 1 rader, ok; 0 varning(ar)", "historik: 0 rader, ok; 0 varning(ar)",
    ]
    assert found[2][1] == [
        "Verifikationer vars rader inte summerar till 0 öre: 1 av 3 underkända; "
        "2025/ledger-2025.xlsx:Huvudbok:6, 2025/ledger-2025.xlsx:Huvudbok:7",
        "Varje motpart finns i medlems-, motparts- eller leverantörsregistret: 2 av 6 underkända; "
        "2025/ledger-2025.xlsx:Huvudbok:4, 2025/ledger-2025.xlsx:Huvudbok:5",
        quiet_months(2025, "sv"),
    ]
    assert "Traceback" not in done.stderr
