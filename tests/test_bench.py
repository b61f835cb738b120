"""The benchmark: its table arithmetic by hand, its input cache, and one tiny run end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import bench

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["lines", "runs", "read s", "classify+compute s", "validate (wait) s", "write workbook s", "write PDF s",
           "Data Docs (wait) s", "write json/manifest s", "stages sum s", "total s (CLI)", "CPU s (all processes)",
           "of which system s", "page faults (thousands)", "peak memory MiB (PSS)",
           "floor: calamine read s", "ratio total/floor", "openpyxl read s", "ratio total/openpyxl"]


def _stages(read: float, validate: float, compute: float) -> dict[str, float]:
    return {"read": read, "validate": validate, "classify_compute": compute, "write_workbook": 1.0,
            "write_pdf": 0.5, "wait_data_docs": 0.0, "write_json_manifest": 0.25}


def test_row_is_medians_worst_memory_and_ratio_of_medians():
    measured = bench.Measured(lines=100_000)
    measured.totals = [10.0, 12.0, 11.0]  # median 11.0
    measured.cpu = [15.0, 13.0, 19.0]  # median 15.0
    measured.system = [2.0, 6.0, 3.0]  # median 3.0
    measured.faults = [990_000, 1_004_000, 1_001_400]  # median 1 001 400 -> 1 001 thousand
    measured.peak_kib = [1024 * 300, 1024 * 500, 1024 * 400]  # worst run: 500 MiB
    measured.openpyxl = [20.0, 24.0, 22.0]  # median 22.0 -> ratio 11 / 22 = 0.50
    measured.floor = [5.0, 4.0, 4.4]  # median 4.4 -> ratio 11 / 4.4 = 2.50
    measured.stages = [_stages(2.0, 3.0, 1.0), _stages(4.0, 1.0, 1.5), _stages(3.0, 2.0, 9.0)]
    row = bench.Measured.row(measured)
    assert row["lines"] == "100 000"
    assert row["runs"] == "3"
    assert row["read"] == "3.0"  # median of 2, 4, 3
    assert row["validate"] == "2.0"  # median of 3, 1, 2
    assert row["classify_compute"] == "1.5"  # median of 1, 1.5, 9
    # Sums per run: 7.75, 8.25, 15.75 -> median 8.25, shown with one decimal.
    assert row["stages_sum"] == "8.2"
    assert row["total"] == "11.0"
    assert row["cpu"] == "15.0"
    assert row["system"] == "3.0"
    assert row["faults"] == "1001"
    assert row["peak_mib"] == "500"
    assert row["openpyxl_read"] == "22.0"
    assert row["ratio"] == "0.50"
    assert row["floor_read"] == "4.4"
    assert row["floor_ratio"] == "2.50"


def test_row_without_baseline_or_failed_stage_says_not_available():
    measured = bench.Measured(lines=2_000)
    measured.totals = [5.0]
    measured.stages = [{"read": 1.0, "validate": 2.0}]  # a run that stopped after validate
    row = measured.row()
    assert row["read"] == "1.0"
    assert row["write_pdf"] == "n/a"
    assert row["stages_sum"] == "n/a"
    assert row["openpyxl_read"] == "n/a"
    assert row["ratio"] == "n/a"
    assert row["cpu"] == "n/a"  # CPU time not taken: not available, never 0
    assert row["system"] == "n/a"
    assert row["faults"] == "n/a"
    assert row["floor_read"] == "n/a"  # no floor measured: no ratio either, never a division by zero
    assert row["floor_ratio"] == "n/a"


def test_floor_reads_every_row_of_the_first_sheet_and_each_report_year_file():
    from tools import bench_read

    ledger = ROOT / "inputs" / "example" / "2025" / "ledger-2025-01.xlsx"
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(ledger))
    expected = len(book.get_sheet_by_name(book.sheet_names[0]).to_python())
    timings = bench_read.time_calamine_read(ledger)
    assert timings["rows"] == expected > 1  # the header and every line, nothing skipped
    assert timings["floor_read"] > 0
    files = bench.report_year_files(ROOT / "inputs" / "example")  # 12 monthly files
    assert [f.name for f in files] == [f"ledger-2025-{m:02d}.xlsx" for m in range(1, 13)]


def test_table_has_every_column_in_order():
    measured = bench.Measured(lines=2_000)
    text = bench.table([measured.row()])
    header = [cell.strip() for cell in text.splitlines()[0].strip("|").split("|")]
    assert header == HEADERS


def test_input_folder_is_generated_once_per_seed_and_size(tmp_path):
    folder = bench.ensure_input_folder(tmp_path, 300, seed=7, say=lambda _: None)
    ledger = bench.report_ledger(folder)
    first = ledger.stat().st_mtime_ns
    again = bench.ensure_input_folder(tmp_path, 300, seed=7, say=lambda _: None)
    assert again == folder
    assert ledger.stat().st_mtime_ns == first  # cached: not written again
    assert {p.name for p in folder.iterdir()} >= {"settings.toml", "members.xlsx", "2023", "2024", "2025"}
    other_seed = bench.ensure_input_folder(tmp_path, 300, seed=8, say=lambda _: None)
    assert other_seed != folder


@pytest.mark.slow
def test_tiny_bench_prints_every_column_with_numbers(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--sizes", "2000", "--repeat", "1", "--openpyxl", "--workdir",
         str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table_lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in table_lines[0].strip("|").split("|")]
    assert header == HEADERS
    row = [cell.strip() for cell in table_lines[2].strip("|").split("|")]
    assert len(row) == len(HEADERS)
    assert row[0] == "2 000"
    assert "n/a" not in row  # every stage, the total, memory and the baseline were measured
    figures = [float(cell.replace(" ", "")) for cell in row]
    assert all(value > 0 for value in figures[2:7])  # read .. write PDF each take measurable time
    assert (tmp_path / "results.md").read_text(encoding="utf-8") == done.stdout


def test_peak_memory_counts_every_process_of_the_run_together():
    # A child holding 300 MiB of touched memory: the tree's memory grows by at least that.
    code = "import sys, time; block = bytearray(300 * 1024 * 1024); print('ready', flush=True); time.sleep(60)"
    before = bench.tree_memory_kib(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        grown = bench.tree_memory_kib(os.getpid()) - before
    finally:
        child.kill()
        child.wait()
    assert grown >= 290 * 1024
    assert bench.tree_memory_kib(2 ** 22 + 12345) == 0  # no such process: nothing, not an error


def test_pages_a_forked_process_shares_count_once():
    # 300 MiB touched, then a fork that only sleeps: resident sizes would count them twice
    # (600 MiB), proportional set sizes once, as the machine holds them.
    code = ("import os, sys, time; block = bytearray(300 * 1024 * 1024)\n"
            "if os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n"
            "print('ready', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids: list[str] = []
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.2)  # the fork's child is listed once it runs
        pids = Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split()
        memory = bench.tree_memory_kib(child.pid)
    finally:
        for pid in pids:
            os.kill(int(pid), 9)
        child.kill()
        child.wait()
    assert len(pids) == 1
    assert 290 * 1024 <= memory < 450 * 1024


def test_a_year_above_the_file_limit_is_cut_where_a_voucher_ends():
    from types import SimpleNamespace

    lines = [SimpleNamespace(voucher=v) for v in ["A1", "A1", "A2", "A2", "A2", "A3", "A4", "A4"]]
    parts = bench.ledger_parts(lines, limit=4)
    # 4 would cut A2 in two: the first file ends after A1; the rest is cut after A3.
    assert [[line.voucher for line in part] for part in parts] == [["A1", "A1"], ["A2", "A2", "A2", "A3"], ["A4", "A4"]]
    assert bench.ledger_parts(lines, limit=8) == [lines]
    with pytest.raises(ValueError):
        bench.ledger_parts([SimpleNamespace(voucher="A1")] * 3, limit=2)


def test_cpu_time_of_a_run_counts_the_process_it_starts_and_waits_for(tmp_path):
    # The CLI validates in a second process: its CPU time must count. Here a child starts a
    # grandchild that spins 0.6 s of CPU while the child itself only waits for it.
    spin = ("import time; end = time.process_time() + 0.6\n"
            "while time.process_time() < end: pass")
    script = ("import subprocess, sys\n"
              f"subprocess.run([sys.executable, '-c', {spin!r}], check=True)")
    child = bench.run_child(["-c", script], tmp_path / "spin.log")
    assert child.code == 0
    assert child.cpu >= 0.6  # the grandchild's 0.6 s, and both interpreters' start on top
    assert child.cpu <= child.seconds + 0.5  # the two run one after the other: no more than the wall time
    assert 0 <= child.system <= child.cpu


def test_page_faults_of_a_run_count_the_process_it_starts_and_waits_for(tmp_path):
    # A grandchild writes one byte into each 4 KiB page of 64 MiB of fresh memory: each page
    # it touches is a page fault (16 384 of them), counted for the child that waited for it.
    touch = ("memory = bytearray(64 << 20)\n"
             "memory[::4096] = b'x' * (len(memory) // 4096)")
    script = ("import subprocess, sys\n"
              f"subprocess.run([sys.executable, '-c', {touch!r}], check=True)")
    alone = bench.run_child(["-c", "pass"], tmp_path / "pass.log")
    child = bench.run_child(["-c", script], tmp_path / "touch.log")
    assert alone.code == 0 and child.code == 0
    assert child.faults >= alone.faults + 16_384
