"""Child processes of the benchmark (`tools.bench`): the stage-timing driver and the openpyxl baseline.

`stages` runs the pipeline's stage functions in the order the run uses them (read, validate
with the journal tests, classify and compute, write workbook, write PDF, write results.json
and manifest) and writes the seconds of each to a JSON file. It calls the same functions the
CLI calls; it does not stage or move the outputs atomically, so its outputs go to a scratch
folder. `openpyxl` times `pandas.read_excel(engine="openpyxl")` on one ledger file, the
baseline of issue 7. Each is meant to run in a fresh interpreter so that import costs and peak
memory belong to one measurement.

Run: `python -m tools.bench_stages stages <input folder> <scratch folder> <timings.json>`
     `python -m tools.bench_stages openpyxl <ledger.xlsx> <timings.json>`
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

# Stage names as the benchmark table shows them, in run order.
STAGES = ("read", "validate", "classify_compute", "write_workbook", "write_pdf", "write_json_manifest")


def time_stages(folder: Path, scratch: Path, seconds: dict[str, float]) -> dict[str, float]:
    """Seconds per stage for one pipeline run on `folder` (report year: the latest), filled into
    `seconds` as each stage ends, so that a failing stage leaves the earlier ones measured."""
    from pipeline import run
    from pipeline.compute import classify_window, compute_results
    from pipeline.journal import journal_tests
    from pipeline.read import read_inputs
    from pipeline.settings import load_settings

    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    settings = load_settings(folder, None)
    year = run.resolve_year(folder, None)
    inputs = read_inputs(folder, year, settings)
    lap("read")

    from pipeline.validate import validate_inputs  # Great Expectations' import cost belongs to this stage

    scratch.mkdir(parents=True, exist_ok=True)
    validation = validate_inputs(inputs, settings, scratch)
    lap("validate_gx")
    journal = journal_tests(inputs.ledgers[year], year, settings)
    lap("journal")

    classified = classify_window(inputs, settings)
    lap("classify")
    results = compute_results(inputs, classified, settings)
    lap("compute")
    run._add_data_quality(results, inputs, validation, journal, settings)
    lap("data_quality")

    from pipeline.write_workbook import write_workbook

    language = settings.organisation.language
    workbook_path = scratch / f"LOS-underlag-{year}.xlsx"
    write_workbook(workbook_path, results.figures, results.tables, language)
    lap("write_workbook")

    from pipeline.write_pdf import write_pdf

    pdf_figures = dict(results.figures)
    pdf_figures["outputs"] = [{"path": workbook_path.name, "sha256": run._sha256(workbook_path)}]
    write_pdf(scratch / f"LOS-utvardering-{year}.pdf", pdf_figures, language)
    lap("write_pdf")

    run._write_json(scratch / "results.json", results.figures)
    run._write_json(scratch / "manifest.json", run._manifest(scratch, inputs, settings, folder))
    lap("write_json_manifest")

    seconds["ledger_lines"] = float(sum(len(lines) for lines in inputs.ledgers.values()))
    return seconds


def with_stage_sums(seconds: dict[str, float]) -> dict[str, float]:
    """The table's two combined stages, where all their parts were measured."""
    parts = {"validate": ("validate_gx", "journal"), "classify_compute": ("classify", "compute", "data_quality")}
    for stage, names in parts.items():
        if all(name in seconds for name in names):
            seconds[stage] = sum(seconds[name] for name in names)
    return seconds


def time_openpyxl_read(ledger: Path) -> dict[str, float]:
    """Seconds `pandas.read_excel(engine="openpyxl")` alone takes on one ledger file (after imports)."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(ledger, engine="openpyxl")
    return {"openpyxl_read": time.perf_counter() - start, "rows": float(len(frame))}


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "stages":
        timings: dict = {}
        target = Path(argv[3])
        try:
            time_stages(Path(argv[1]), Path(argv[2]), timings)
        except Exception as exc:  # a stage still being written: keep what was measured, say where it stopped
            timings["error"] = f"{type(exc).__name__}: {exc}"[:500]
            target.write_text(json.dumps(with_stage_sums(timings), indent=2) + "\n", encoding="utf-8")
            return 1
        with_stage_sums(timings)
    elif len(argv) == 3 and argv[0] == "openpyxl":
        timings = time_openpyxl_read(Path(argv[1]))
        target = Path(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    target.write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
