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


def run_check(folder: Path, year: int, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", "check", "--inputs", str(folder), "--year", str(year),
                           "--quiet"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_a_clean_folder_passes_with_a_verdict_per_input(tmp_path: Path):
    folder = write_folder(tmp_path / "ankeby")
    done = run_check(folder, 2025, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # Three ledger years and the five registers (counterparties and history are optional and
    # absent, so read as empty registers): 6 lines per ledger, 1 member, 1 service, 1 supplier.
    # The outsider of voucher A 2 (rows 4 and 5 of every year) is in no register: a warning only.
    assert lines[0] == "check ankeby 2025: ok, no critical problems in 8 inputs; 3 warning(s)"
    outsider = ("    warning: Every counterparty is in the member, counterparty or supplier register: 2 of 6 failing; "
                "{year}/ledger-{year}.xlsx:Huvudbok:4, {year}/ledger-{year}.xlsx:Huvudbok:5")
    assert lines[1:] == [
        "  ledger 2023: 6 rows, ok; 1 warning(s)", outsider.format(year=2023),
        "  ledger 2024: 6 rows, ok; 1 warning(s)", outsider.format(year=2024),
        "  ledger 2025: 6 rows, ok; 1 warning(s)", outsider.format(year=2025),
        "  members: 1 rows, ok; 0 warning(s)",
        "  counterparties: 0 rows, ok; 0 warning(s)",
        "  services: 1 rows, ok; 0 warning(s)",
        "  suppliers: 1 rows, ok; 0 warning(s)",
        "  history: 0 rows, ok; 0 warning(s)",
    ]
    assert not (tmp_path / "outputs").exists()  # validate only: no report, no PDF


def test_an_unbalanced_voucher_fails_its_ledger_and_names_the_rows(tmp_path: Path):
    # Voucher B 1 of 2025: debit 400, credit 390 -> sums to +10 SEK. Its lines are spreadsheet
    # rows 6 and 7 (header row 1, then A 1, A 2, B 1 with two lines each). 3 vouchers in the year.
    ledger = small_ledger(2025)[:4] + [[dt.date(2025, 5, 1), "B 1", 5410, 400, FIRM, "T01", "", "Konsult"],
                                       [dt.date(2025, 5, 1), "B 1", 2440, -390, FIRM, "", "", "Konsult"]]
    folder = write_folder(tmp_path / "ankeby", ledgers={2025: ledger})
    done = run_check(folder, 2025, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "check ankeby 2025: FAILED, critical problems in 1 of 8 inputs; 3 warning(s)"
    assert lines[5:8] == [
        "  ledger 2025: 6 rows, FAILED; 1 critical, 1 warning(s)",
        "    critical: Vouchers whose lines do not sum to 0 öre: 1 of 3 failing; "
        "2025/ledger-2025.xlsx:Huvudbok:6, 2025/ledger-2025.xlsx:Huvudbok:7",
        "    warning: Every counterparty is in the member, counterparty or supplier register: 2 of 6 failing; "
        "2025/ledger-2025.xlsx:Huvudbok:4, 2025/ledger-2025.xlsx:Huvudbok:5",
    ]
    assert lines[1] == "  ledger 2023: 6 rows, ok; 1 warning(s)" and lines[3] == "  ledger 2024: 6 rows, ok; 1 warning(s)"
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "outputs").exists()
