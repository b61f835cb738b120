"""`make bench`: the whole pipeline on large generated ledgers, against the bare calamine read of the same files.

For each size (default 100 000 and 1 000 000 report-year lines) it builds, once per seed and
size, an input folder in the example organisation's shape under `bench/`: the registers and
settings of `inputs/example`, earlier window years at the example's size (smaller for tiny
sizes), and the report year's ledger as one workbook of the requested size. Then, for each of
N runs, each in a fresh subprocess:

- the real CLI end to end (`python -m pipeline report ... --quiet --timings FILE`): total
  seconds and the seconds of each stage as the run itself measured them (`run.report`), and
  the processor time, its system part and the page faults of the CLI and its processes;
- the floor: the bare python-calamine read (`get_sheet_by_name(...).to_python()`, no parsing, no
  checks) of each report-year ledger file, each in a fresh subprocess (`tools.bench_read floor`),
  summed over the files; the ratio total/floor is the issue 19 target (at most 2 at 1M lines);
- with `--openpyxl`, `pandas.read_excel(engine="openpyxl")` on the report-year ledger
  (`tools.bench_read openpyxl`), issue 7's reference, kept for history.

After the timed runs, one more run of the CLI measures peak memory: the largest sum, over the
CLI and every process it starts (the validation process), of each one's proportional set size
(PSS: a page shared by two processes counts half in each, so pages a forked process shares with
the CLI count once), sampled every 50 ms, or the CLI's own `ru_maxrss` if that is larger. The
resident sizes (RSS) would count a forked process's shared pages twice. Reading a large
process's PSS takes the kernel about 20 ms, which would slow a timed run, so memory has a run of
its own.

The CLI and the floor run back to back in the same run of the benchmark, so the ratio compares
them under the same load; the load average is printed with the table. The pipeline's modules
are compiled once before the runs, as a user's first run leaves them (`compileall`): the runs
themselves are started without writing compiled modules, and would otherwise each compile
those that are missing or older than their source.

The run validates in a second process (`pipeline/validate/worker.py`), so the stages overlap:
the stage columns are the main process's own time line, in which `validate` is only the wait for
the validation's results, and the validation process's own seconds are shown under the table.

It prints the medians as a table and writes it to `bench/results.md`. It does not check
figures (the test suite does that) and does not change the pipeline.

Run: `python -m tools.bench [--sizes 100000,1000000] [--repeat N] [--openpyxl] [--seed S]`.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tools import example_data

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "example"
REGISTERS = ("settings.toml", "members.xlsx", "counterparties.xlsx", "services.xlsx", "suppliers.xlsx",
             "history.xlsx")
COMPLETE_MARKER = ".bench-complete"
DEFAULT_SIZES = (100_000, 1_000_000)
LONG_RUN_LINES = 500_000
# Lines per generated ledger file: a year above this is written as several files (5M: five).
MAX_LINES_PER_FILE = 1_000_000

# The main process's stages as `run.report` names them, in run order.
STAGES = ("read", "classify_compute", "validate", "write_workbook", "write_pdf", "wait_data_docs",
          "write_json_manifest")
# The printed table: (column header, key in a measured row).
COLUMNS = (
    ("lines", "lines"),
    ("runs", "runs"),
    ("read s", "read"),
    ("classify+compute s", "classify_compute"),
    ("validate (wait) s", "validate"),
    ("write workbook s", "write_workbook"),
    ("write PDF s", "write_pdf"),
    ("Data Docs (wait) s", "wait_data_docs"),
    ("write json/manifest s", "write_json_manifest"),
    ("stages sum s", "stages_sum"),
    ("total s (CLI)", "total"),
    ("CPU s (all processes)", "cpu"),
    ("of which system s", "system"),
    ("page faults (thousands)", "faults"),
    ("peak memory MiB (PSS)", "peak_mib"),
    ("floor: calamine read s", "floor_read"),
    ("ratio total/floor", "floor_ratio"),
    ("openpyxl read s", "openpyxl_read"),
    ("ratio total/openpyxl", "ratio"),
)
# The validation process's own seconds, shown under the table: they overlap the stages above.
DETAIL = ("worker_gx_setup", "worker_gx_validate", "worker_data_docs")
DETAIL_HEADERS = {"worker_gx_setup": "GX import and context s", "worker_gx_validate": "GX validation s",
                  "worker_data_docs": "GX Data Docs s"}


@dataclass
class Measured:
    lines: int
    totals: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the CLI and its processes
    system: list[float] = field(default_factory=list)  # the system (kernel) part of `cpu`
    faults: list[int] = field(default_factory=list)  # minor page faults of the same processes
    peak_kib: list[int] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)
    openpyxl: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def row(self) -> dict[str, str]:
        def median(values: list[float]) -> float | None:
            return statistics.median(values) if values else None

        cells: dict[str, float | None] = {"lines": self.lines, "runs": len(self.totals) or len(self.stages)}
        for stage in (*STAGES, *DETAIL):
            cells[stage] = median([s[stage] for s in self.stages if stage in s])
        complete = [s for s in self.stages if all(stage in s for stage in STAGES)]
        cells["stages_sum"] = median([sum(s[stage] for stage in STAGES) for s in complete])
        cells["total"] = median(self.totals)
        cells["cpu"] = median(self.cpu)
        cells["system"] = median(self.system)
        cells["faults"] = median([count / 1000 for count in self.faults])
        # Peak memory is the worst memory run (one per size), not a median: the limit must hold every time.
        cells["peak_mib"] = max(self.peak_kib) / 1024 if self.peak_kib else None
        cells["floor_read"] = median(self.floor)
        cells["openpyxl_read"] = median(self.openpyxl)
        total, floor, baseline = cells["total"], cells["floor_read"], cells["openpyxl_read"]
        cells["floor_ratio"] = total / floor if total is not None and floor else None
        cells["ratio"] = total / baseline if total is not None and baseline else None
        return {key: _cell(key, value) for key, value in cells.items()}


def _cell(key: str, value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if key in ("lines", "runs"):
        return f"{int(value):,}".replace(",", " ")
    if key in ("ratio", "floor_ratio"):
        return f"{value:.2f}"
    if key in ("peak_mib", "faults"):
        return f"{value:.0f}"
    return f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# Input folders


def input_folder(workdir: Path, lines: int, seed: int) -> Path:
    return workdir / f"example-{lines}-seed{seed}"


def report_ledger(folder: Path) -> Path:
    return folder / str(example_data.REPORT_YEAR) / f"ledger-{example_data.REPORT_YEAR}.xlsx"


def report_year_files(folder: Path) -> list[Path]:
    """Every workbook of the report year's folder, sorted: the files the floor reads."""
    return sorted((folder / str(example_data.REPORT_YEAR)).glob("*.xlsx"))


def ensure_input_folder(workdir: Path, lines: int, seed: int, say=print) -> Path:
    """The cached input folder for (lines, seed), generated only when it is missing or incomplete."""
    folder = input_folder(workdir, lines, seed)
    marker = folder / COMPLETE_MARKER
    stamp = {"lines": lines, "seed": seed, "source": _source_fingerprint()}
    # A regenerated example or a changed generator makes the cached folder stale.
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == stamp:
        return folder
    say(f"generating {folder.name} (cached for later runs)")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in REGISTERS:
        shutil.copyfile(EXAMPLE / name, folder / name)
    # The registers above come from the example's seed, so the organisation is built from it too:
    # the generated ledgers then name the same members, services and suppliers.
    organisation = example_data.build_organisation(random.Random(example_data.DEFAULT_SEED))
    for year in example_data.LEDGER_YEARS:
        year_lines = lines if year == example_data.REPORT_YEAR else min(lines, example_data.DEFAULT_LINES_PER_YEAR[year])
        # Same per-year seeding as the example generator: with its seed and sizes, the earlier
        # years are the example's own ledgers.
        rows = example_data.generate_ledger_year(random.Random(seed * 10_000 + year), organisation, year, year_lines)
        parts = ledger_parts(rows)
        for number, part in enumerate(parts, start=1):
            name = f"ledger-{year}.xlsx" if len(parts) == 1 else f"ledger-{year}-{number}.xlsx"
            example_data.write_ledger(folder / str(year) / name, part)
    marker.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    return folder


def ledger_parts(rows: list, limit: int = MAX_LINES_PER_FILE) -> list[list]:
    """The year's lines in files of at most `limit` lines (a sheet holds 1 048 576 rows), each
    cut where a voucher ends, so that no voucher is split over two files (the pipeline would
    rightly report the two halves as one voucher in two files)."""
    parts = []
    start = 0
    while len(rows) - start > limit:
        cut = start + limit
        while cut > start and rows[cut].voucher == rows[cut - 1].voucher:
            cut -= 1
        if cut == start:
            raise ValueError(f"one voucher has more than {limit} lines")
        parts.append(rows[start:cut])
        start = cut
    parts.append(rows[start:])
    return parts


def _source_fingerprint() -> str:
    """SHA-256 over the copied registers and the generator's source."""
    digest = hashlib.sha256()
    for path in [*(EXAMPLE / name for name in REGISTERS), Path(example_data.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Child processes


class Child(NamedTuple):
    """What `run_child` measured of one child process."""

    code: int  # exit code
    seconds: float  # wall time
    peak_kib: int
    cpu: float  # user and system seconds
    system: float  # of which system: on this machine largely the kernel's work on page faults
    faults: int  # minor page faults


def run_child(args: list[str], log: Path, memory: bool = False) -> Child:
    """Run `python <args>` from the repository root and measure it (`Child`). The CPU seconds
    and page faults are those of the child and of every process it started and waited for (the
    CLI's validation process), as Linux's wait4 reports them.

    The peak is the child's own `ru_maxrss`; with `memory`, the larger of that and the largest
    sum of the proportional set size of the child and its descendants sampled at one moment (the
    CLI validates in a second process; both hold data at once).
    """
    environment = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONDONTWRITEBYTECODE": "1"}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=environment,
                                 stdout=output, stderr=subprocess.STDOUT)
        tree_peak = [0]
        done = threading.Event()
        sampler = threading.Thread(target=_sample_tree_memory, args=(child.pid, done, tree_peak), daemon=True) \
            if memory else None
        if sampler is not None:
            sampler.start()
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over all children so far.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        if sampler is not None:
            sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    return Child(child.returncode, seconds, max(usage.ru_maxrss, tree_peak[0]), usage.ru_utime + usage.ru_stime,
                 usage.ru_stime, usage.ru_minflt)


def _sample_tree_memory(pid: int, done: threading.Event, peak: list[int], interval: float = 0.05) -> None:
    """Keep in `peak[0]` the largest memory (KiB) of `pid` and its descendants together."""
    while not done.wait(interval):
        peak[0] = max(peak[0], tree_memory_kib(pid))


def tree_memory_kib(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB: the sum of their proportional set
    sizes (Pss in /proc/<pid>/smaps_rollup), so that pages they share count once; a process
    whose PSS cannot be read counts with its resident size (VmRSS). Linux /proc; 0 elsewhere."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text(encoding="ascii").split()
        except OSError:  # ended meanwhile, or no /proc
            continue
        total += _process_kib(current)
        pending += [int(child) for child in children]
    return total


def _process_kib(pid: int) -> int:
    """One process's PSS, or its VmRSS where its smaps_rollup cannot be read; 0 once it ended."""
    for name, field_name in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(field_name):
                return int(line.split()[1])
    return 0


def _tail(log: Path, lines: int = 5) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


def measure(folder: Path, lines: int, repeat: int, workdir: Path, openpyxl: bool, say=print) -> Measured:
    measured = Measured(lines)
    out_root = workdir / "out"
    logs = workdir / "logs"
    for run in range(1, repeat + 1):
        label = f"{folder.name} run {run}/{repeat}"
        timings_path = workdir / "timings" / f"{folder.name}-stages-{run}.json"
        timings_path.parent.mkdir(parents=True, exist_ok=True)
        timings_path.unlink(missing_ok=True)
        cli = run_child(
            ["-m", "pipeline", "report", "--inputs", str(folder), "--outputs", str(out_root), "--quiet",
             "--timings", str(timings_path)],
            logs / f"{folder.name}-cli-{run}.log")
        code = cli.code
        if code == 0:
            measured.totals.append(cli.seconds)
            measured.cpu.append(cli.cpu)
            measured.system.append(cli.system)
            measured.faults.append(cli.faults)
            stages = json.loads(timings_path.read_text(encoding="utf-8"))
            measured.stages.append(stages)
            say(f"{label}: CLI {cli.seconds:.1f} s (CPU {cli.cpu:.1f} s, of which system {cli.system:.1f} s; "
                f"{cli.faults / 1000:.0f} thousand page faults); "
                + ", ".join(f"{s} {stages[s]:.1f}" for s in (*STAGES, *DETAIL) if s in stages))
        else:
            measured.errors.append(f"CLI exit {code}: {_tail(logs / f'{folder.name}-cli-{run}.log')}")
            say(f"{label}: CLI failed (exit {code})")

        floor = _floor(folder, run, workdir, measured)
        if floor is not None:
            say(f"{label}: floor (calamine read of {len(report_year_files(folder))} file(s)) {floor:.1f} s")
        if openpyxl:
            baseline_path = workdir / "timings" / f"{folder.name}-openpyxl-{run}.json"
            code = run_child(["-m", "tools.bench_read", "openpyxl", str(report_ledger(folder)),
                              str(baseline_path)], logs / f"{folder.name}-openpyxl-{run}.log").code
            if code == 0:
                seconds = json.loads(baseline_path.read_text(encoding="utf-8"))["openpyxl_read"]
                measured.openpyxl.append(seconds)
                say(f"{label}: openpyxl read {seconds:.1f} s")
            else:
                measured.errors.append(f"openpyxl read exit {code}: {_tail(logs / f'{folder.name}-openpyxl-{run}.log')}")
        # Each run starts from the same state: no previous outputs to move aside.
        shutil.rmtree(out_root / folder.name, ignore_errors=True)
    log = logs / f"{folder.name}-cli-memory.log"
    memory_run = run_child(["-m", "pipeline", "report", "--inputs", str(folder), "--outputs", str(out_root),
                            "--quiet"], log, memory=True)
    code, peak = memory_run.code, memory_run.peak_kib
    shutil.rmtree(out_root / folder.name, ignore_errors=True)
    if code == 0:
        measured.peak_kib.append(peak)
        say(f"{folder.name} memory run: peak {peak / 1024:.0f} MiB (PSS, all processes)")
    else:
        measured.errors.append(f"CLI (memory run) exit {code}: {_tail(log)}")
    return measured


def _floor(folder: Path, run: int, workdir: Path, measured: Measured) -> float | None:
    """The bare calamine read of each report-year file, each in a fresh process, summed."""
    total = 0.0
    for index, ledger in enumerate(report_year_files(folder)):
        timings = workdir / "timings" / f"{folder.name}-floor-{run}-{index}.json"
        log = workdir / "logs" / f"{folder.name}-floor-{run}-{index}.log"
        code = run_child(["-m", "tools.bench_read", "floor", str(ledger), str(timings)], log).code
        if code != 0:
            measured.errors.append(f"calamine read exit {code}: {_tail(log)}")
            return None
        total += json.loads(timings.read_text(encoding="utf-8"))["floor_read"]
    measured.floor.append(total)
    return total


# ---------------------------------------------------------------------------------------------
# The table


def table(rows: list[dict[str, str]]) -> str:
    headers = [header for header, _ in COLUMNS]
    body = [[row[key] for _, key in COLUMNS] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
             "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"]
    lines += ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |" for r in body]
    return "\n".join(lines)


def detail_table(rows: list[dict[str, str]]) -> str:
    headers = ["lines", *[DETAIL_HEADERS[d] for d in DETAIL]]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    lines += ["| " + " | ".join([r["lines"], *[r[d] for d in DETAIL]]) + " |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    import pandas

    return (f"Python {platform.python_version()}, pandas {pandas.__version__}, {os.cpu_count()} CPUs, "
            f"load average at the end {load}")


def report_text(rows: list[dict[str, str]], errors: list[str], seed: int, started: str) -> str:
    parts = [
        "# Benchmark: the whole pipeline on generated ledgers",
        "",
        f"Started {started}; seed {seed}; {machine()}.",
        "Medians of the runs. `total s (CLI)` is the real command end to end (interpreter start "
        "included); `CPU s (all processes)` is the user and system time of the same runs, the CLI "
        "and its validation process together: on a machine of n cores no arrangement of the same "
        "work can take less than that divided by n; `of which system s` is the kernel's part of it "
        "and `page faults (thousands)` the same processes' minor page faults (each first touch of "
        "a page of memory): on a virtual machine that hands freed memory back to its host, the "
        "same faults can cost several times more system time from one run to the next; the stage columns are the same runs' own "
        "time line (`--timings`) in the main "
        "process, where `validate (wait)` and `Data Docs (wait)` are only the waits for the "
        "validation process (the first also holds the loading of the writers' modules and fonts "
        "where the read did not wait long enough to hide it, 0.3-0.5 s); peak memory is one "
        "more run's, the CLI and every process it starts together (proportional set sizes, so "
        "shared pages count once); "
        "`floor: calamine read s` is the bare python-calamine read (`to_python()`, no parsing) of "
        "each report-year ledger file in a fresh process, import excluded, summed over the files, "
        "measured right after each CLI run; `openpyxl read s` (only with `--openpyxl`) is "
        "`pandas.read_excel(engine=\"openpyxl\")` alone on the report-year ledger file, imports "
        "excluded.",
        "",
        table(rows),
        "",
        "The validation process's own seconds (medians), overlapping the stages above: Great "
        "Expectations' import and context during the read, the validation during classify+compute, "
        "the Data Docs during the writing:",
        "",
        detail_table(rows),
    ]
    if errors:
        parts += ["", "Problems:", "", *[f"- {e}" for e in errors]]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="report-year ledger lines, comma-separated (default 100000,1000000)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per size (default 3 up to 100 000 lines, 1 above)")
    parser.add_argument("--openpyxl", action="store_true",
                        help="also time pandas.read_excel(engine='openpyxl'), issue 7's baseline (slow)")
    parser.add_argument("--seed", type=int, default=example_data.DEFAULT_SEED)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench",
                        help="git-ignored folder for generated inputs, outputs and results (default bench/)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or (args.repeat is not None and args.repeat < 1):
        parser.error("sizes and --repeat must be positive")

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    started = f"{time.strftime('%Y-%m-%d %H:%M:%S')} (load average {load})"
    workdir = args.workdir.resolve()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    # A user's runs after the first start from the pipeline's compiled modules (Python writes
    # them on the first); the timed runs must too, or each pays for compiling the modules again
    # (about 0.3 s: the runs are started without writing them, so a fresh clone never has them).
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    rows, errors = [], []
    for lines in sizes:
        folder = ensure_input_folder(workdir, lines, args.seed, say)
        repeat = args.repeat or (3 if lines < LONG_RUN_LINES else 1)
        measured = measure(folder, lines, repeat, workdir, args.openpyxl, say)
        rows.append(measured.row())
        errors += [f"{lines} lines: {e}" for e in measured.errors]
    text = report_text(rows, errors, args.seed, started)
    (workdir / "results.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
