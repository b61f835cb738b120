"""The report run with no network at all gives the same outputs as a normal run.

The real CLI runs twice on a tiny input folder written here: once normally and once inside a
new network namespace (`unshare -n`, or `unshare -rn` when not root), where only a loopback
device without addresses exists, so any connection attempt fails. The manifests' output hashes
must agree. Skipped where `unshare` is not available or not permitted.
Also: the control totals of every file of the bundled example satisfy read = used + rejected.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.figures import results_json
from tests.workbooks import write_folder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _child_env() -> dict[str, str]:
    return {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}


def _unshare_prefix() -> list[str] | None:
    if shutil.which("unshare") is None:
        return None
    prefix = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    probe = subprocess.run(prefix + ["true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def _report(folder: Path, out: Path, prefix: list[str]) -> dict:
    done = subprocess.run(prefix + [sys.executable, "-m", "pipeline", "report", "--inputs", str(folder),
                                    "--year", "2025", "--outputs", str(out), "--quiet"],
                          cwd=folder.parent, env=_child_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / folder.name / "2025" / "manifest.json").read_text(encoding="utf-8"))


def test_the_network_namespace_really_has_no_network():
    prefix = _unshare_prefix()
    if prefix is None:
        pytest.skip("unshare is not available or not permitted here")
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=5)"
    done = subprocess.run(prefix + [sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "unreachable" in done.stderr.lower()


def test_report_without_network_gives_the_same_outputs(tmp_path: Path):
    prefix = _unshare_prefix()
    if prefix is None:
        pytest.skip("unshare is not available or not permitted here")
    folder = write_folder(tmp_path / "ankeby")
    online = _report(folder, tmp_path / "online", [])
    offline = _report(folder, tmp_path / "offline", prefix)
    hashes_online = {o["path"]: o["sha256"] for o in online["outputs"]}
    hashes_offline = {o["path"]: o["sha256"] for o in offline["outputs"]}
    assert hashes_offline == hashes_online
    # Every kind of output is among the compared files, GX's Data Docs included.
    assert {"LOS-utvardering-2025.pdf", "LOS-underlag-2025.xlsx", "results.json",
            "validation/summary.json", "validation/index.html", "validation/data_docs/index.html"} <= set(hashes_online)


def test_gx_analytics_is_switched_off_by_the_cli_even_when_unset():
    env = {k: v for k, v in _child_env().items() if k != "GX_ANALYTICS_ENABLED"}
    code = "import os, pipeline.cli; print(os.environ['GX_ANALYTICS_ENABLED'])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_gx_analytics_is_switched_off_by_the_validate_stage(monkeypatch):
    from pipeline.validate.suites import _run_great_expectations

    monkeypatch.setenv("GX_ANALYTICS_ENABLED", "True")
    assert _run_great_expectations([], 2025) == []  # no batches: context only
    assert os.environ["GX_ANALYTICS_ENABLED"] == "False"


def test_rows_read_equal_used_plus_rejected_for_every_file_of_the_example(tmp_path: Path):
    from pipeline import run

    outcome = run.report(ROOT / "inputs" / "example", None, None, tmp_path, lambda message: None)
    totals = results_json(outcome.figures)["data_quality"]["control_totals"]
    files = {entry["path"] for entry in results_json(outcome.figures)["inputs"] if not entry["path"].endswith(".toml")}
    assert {t["file"] for t in totals} == files  # every input file has its control totals
    for entry in totals:
        assert entry["rows_read"] == entry["rows_used"] + entry["rows_rejected"], entry
    # The rejected-rows sheet holds exactly the rejected rows the totals count.
    assert results_json(outcome.figures)["data_quality"]["rejected"]["total"] == sum(t["rows_rejected"] for t in totals)
    rows = results_json(outcome.figures)["rows"]
    year = results_json(outcome.figures)["year"]
    ledger = [t for t in totals if t["kind"] == "ledger" and t["file"].startswith(f"{year}/")]
    assert rows["ledger_read"] == sum(t["rows_read"] for t in ledger)
    assert rows["ledger_read"] == rows["ledger_used"] + rows["ledger_rejected"]
