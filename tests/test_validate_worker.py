"""Great Expectations in a second process: the same results as in one process, problems in the
worker reported by the main process, no process left behind, and a critical finding that wins
over an error of the steps computed ahead of it."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import run
from pipeline.errors import ValidationFailed
from pipeline.model import SHEET_LINES, StackedFrames
from pipeline.settings import Settings
from pipeline.validate.suites import validate_inputs
from pipeline.validate.worker import ValidationWorker, ValidationWorkerError
from tests import corpus
from tests.test_validate import clean_inputs, faulty_inputs
from tests.workbooks import MEMBER, write_sheet

ROOT = Path(__file__).resolve().parent.parent


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_worker_gives_the_report_and_files_of_the_one_process_validation(tmp_path):
    one_process = validate_inputs(faulty_inputs(), Settings(), tmp_path / "one")
    with ValidationWorker() as worker:
        worker.submit(faulty_inputs(), tmp_path / "two" / "validation" / "data_docs")
        two_processes = worker.report(faulty_inputs(), Settings(), tmp_path / "two")
        worker.finish()
    assert two_processes == one_process
    assert len(two_processes.critical_failures) > 0  # the inputs are faulty: there is something to compare
    written = files_of(tmp_path / "two")
    assert written == files_of(tmp_path / "one")  # GX JSON, our pages and GX's Data Docs, byte for byte
    assert "validation/data_docs/index.html" in written
    assert {"gx_setup", "gx_validate", "data_docs"} <= set(worker.seconds)


def errand_probe(docs_dir: Path, word: str) -> tuple[str, int, str, bool]:
    """Where and how an errand runs: the process, its thread's priority, and whether the Data
    Docs were there yet."""
    import multiprocessing
    import threading

    return (multiprocessing.current_process().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
            word.upper(), (docs_dir / "index.html").exists())


def failing_errand() -> None:
    raise ValueError("no layout today")


def _fail_to_load(why: str) -> None:
    raise ValueError(why)


class Unloadable:
    """Pickles, but cannot be unpickled: as an argument the worker cannot read, or a value the
    main process cannot."""

    def __reduce__(self):
        return _fail_to_load, ("no such figures here",)


def unloadable_value() -> Unloadable:
    return Unloadable()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_an_errand_is_run_in_spare_time_after_the_results_and_before_the_data_docs(tmp_path):
    docs = tmp_path / "two" / "validation" / "data_docs"
    one_process = validate_inputs(faulty_inputs(), Settings(), tmp_path / "one")
    with ValidationWorker() as worker:
        worker.submit(faulty_inputs(), docs)
        two_processes = worker.report(faulty_inputs(), Settings(), tmp_path / "two")
        worker.errand(errand_probe, docs, "layout")
        assert worker.errand_result() == ("los-validation", 19, "LAYOUT", False)
        assert worker.errand_failure is None
        assert worker.errand_result() is None  # one errand, one answer
        worker.finish()
    assert two_processes == one_process
    assert files_of(tmp_path / "two") == files_of(tmp_path / "one")  # the Data Docs too, after it


@pytest.mark.parametrize(("errand", "args", "why"), [
    (failing_errand, (), "no layout today"),  # fails in the worker
    (lambda: "not picklable", (), "could not be sent"),
    (errand_probe, (Unloadable(),), "no such figures here"),  # the worker cannot read it
    (unloadable_value, (), "answer could not be read.*no such figures here"),
])
def test_an_errand_that_fails_or_cannot_be_sent_gives_none_and_why_and_the_data_docs_still_come(
        tmp_path, errand, args, why):
    docs = tmp_path / "validation" / "data_docs"
    with ValidationWorker() as worker:
        worker.submit(clean_inputs(), docs)
        worker.report(clean_inputs(), Settings(), tmp_path)
        worker.errand(errand, *args)
        assert worker.errand_result() is None
        assert re.search(why, worker.errand_failure)
        worker.finish()
        process = worker._process
    assert (docs / "index.html").is_file()
    assert process.exitcode == 0


def test_an_errand_only_after_the_report_and_none_once_the_data_docs_are_asked_for(tmp_path):
    with ValidationWorker() as worker:
        with pytest.raises(ValidationWorkerError, match="only after report"):
            worker.errand(failing_errand)
        worker.submit(clean_inputs(), tmp_path / "docs")
        worker.report(clean_inputs(), Settings())
        worker.docs_now()  # no errand: the Data Docs are built at once
        worker.errand(errand_probe, tmp_path / "docs", "late")  # not made: the caller does the work
        assert worker.errand_result() is None
        assert "already told" in worker.errand_failure
        worker.finish()
    assert (tmp_path / "docs" / "index.html").is_file()


def test_a_worker_without_data_docs_ends_once_it_has_answered():
    # `check`: no Data Docs, no errand; GX's memory goes while the journal tests run.
    with ValidationWorker() as worker:
        worker.submit(clean_inputs())
        worker.report(clean_inputs(), Settings())
        worker._process.join(timeout=30)
        assert not worker._process.is_alive()
        assert worker._process.exitcode == 0
        with pytest.raises(ValidationWorkerError, match="only after report"):
            worker.errand(failing_errand)


def test_the_checks_made_without_great_expectations_are_made_before_the_wait_for_it(monkeypatch):
    # They fill time this process would spend waiting for the worker (at a million lines about
    # 0.7 s); in the report they still come after GX's checks, in their own order.
    from pipeline.validate import suites

    order: list[str] = []
    made: list[list] = []

    def own_checks(*args, **kwargs):
        order.append("own checks")
        made.append(suites_own_checks(*args, **kwargs))
        return made[-1]

    def receive(self, expected):
        order.append(f"wait for {expected}")
        return worker_receive(self, expected)

    suites_own_checks, worker_receive = suites.own_checks, ValidationWorker._receive
    monkeypatch.setattr(suites, "own_checks", own_checks)
    monkeypatch.setattr(ValidationWorker, "_receive", receive)
    with ValidationWorker() as worker:
        worker.submit(faulty_inputs())
        report = worker.report(faulty_inputs(), Settings())
    assert order == ["own checks", "wait for results"]
    own = made[0]
    assert [(r.check, r.success) for r in own][:1] == [("unbalanced_vouchers", False)]
    assert list(report.results[-len(own):]) == own
    assert len(report.results) > len(own) and all(r.suite != "journal" for r in report.results[:-len(own)])


def test_the_worker_ends_with_the_block(tmp_path):
    with ValidationWorker() as worker:
        worker.submit(clean_inputs())
        assert not worker.report(clean_inputs(), Settings()).critical_failures
        process = worker._process
    assert not process.is_alive()
    assert process.exitcode == 0


def test_a_worker_not_asked_anything_is_stopped_at_once():
    started = time.perf_counter()
    with ValidationWorker() as worker:  # the read failed: nothing is submitted
        process = worker._process
    assert not process.is_alive()
    assert time.perf_counter() - started < 30


def test_an_error_in_the_worker_reaches_the_main_process_with_its_message():
    from pipeline.validate.suites import validation_batches

    batches = validation_batches(clean_inputs())
    broken = [batches[0].__class__("no_such_kind", "broken", None, batches[0].frame, {})]
    with ValidationWorker() as worker:
        worker._batches = broken
        worker._send((broken, 2025, None))
        with pytest.raises(ValidationWorkerError, match="no_such_kind.json"):
            worker.report(clean_inputs(), Settings())


def test_a_great_expectations_that_cannot_start_is_reported_with_its_reason(monkeypatch):
    from pipeline.validate import suites

    class Broken:
        def __init__(self, keep_from_collector: bool = False) -> None:
            raise RuntimeError("no context here")

    monkeypatch.setattr(suites, "GreatExpectations", Broken)  # the forked worker has it too
    with ValidationWorker() as worker:
        worker.submit(clean_inputs())
        with pytest.raises(ValidationWorkerError, match="(?s)Great Expectations could not start.*no context here"):
            worker.report(clean_inputs(), Settings())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_spare_time_is_a_thread_of_the_lowest_priority_and_the_caller_keeps_its_own():
    import threading

    from pipeline.validate.worker import _in_spare_time

    def own_priority() -> tuple[str, int]:
        return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = own_priority()
    assert _in_spare_time(own_priority) == ("los-validation-spare-time", 19)
    assert own_priority() == before  # the calling thread keeps its priority


def test_what_fails_in_spare_time_is_raised_by_the_calling_thread():
    from pipeline.validate.worker import _in_spare_time

    def fail() -> None:
        raise OSError("no room for the Data Docs")

    with pytest.raises(OSError, match="no room for the Data Docs"):
        _in_spare_time(fail)


def test_a_worker_that_dies_is_reported_not_waited_for():
    with ValidationWorker() as worker:
        os.kill(worker._process.pid, signal.SIGKILL)
        worker._process.join()
        with pytest.raises(ValidationWorkerError, match="ended unexpectedly"):
            worker.submit(clean_inputs())
            worker.report(clean_inputs(), Settings())


def test_the_worker_ends_when_the_main_process_is_killed(tmp_path):
    pid_file = tmp_path / "worker.pid"
    code = ("import sys, time; from pipeline.validate.worker import ValidationWorker\n"
            "w = ValidationWorker()\n"
            f"open({str(pid_file)!r}, 'w').write(str(w._process.pid))\n"
            "time.sleep(600)\n")
    main = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        worker_pid = int(pid_file.read_text())
        main.send_signal(signal.SIGKILL)
        main.wait(timeout=30)
        deadline = time.monotonic() + 60  # it notices once Great Expectations is imported
        while _alive(worker_pid):
            assert time.monotonic() < deadline, "the worker outlived the main process"
            time.sleep(0.2)
    finally:
        main.kill()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return status != "Z"  # a zombie has ended; only its parent's exit status is left


def duplicate_member_folder(tmp_path: Path) -> Path:
    folder = corpus.valid_folder(tmp_path)
    write_sheet(folder / "members.xlsx", "Medlemmar", corpus.MEMBER_HEADER,
                [[MEMBER, "Ankeby kommun", "kommun", dt.date(2015, 1, 1), None, "ja"],
                 [MEMBER, "Ankeby kommun", "kommun", dt.date(2019, 1, 1), None, "ja"]])
    return folder


def broken_compute(*args, **kwargs):
    raise ZeroDivisionError("a step computed ahead of the validation broke")


@pytest.mark.slow
def test_a_critical_finding_wins_over_an_error_of_the_steps_computed_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "compute_results", broken_compute)
    with pytest.raises(ValidationFailed) as stopped:
        run.report(duplicate_member_folder(tmp_path), None, None, tmp_path / "out", lambda message: None)
    assert any("members.xlsx" in str(problem) for problem in stopped.value.problems)
    failed = tmp_path / "out" / "org" / f"{corpus.YEAR}.failed"
    assert (failed / "validation" / "data_docs" / "index.html").is_file()  # waited for the Data Docs


@pytest.mark.slow
def test_an_error_of_the_steps_computed_ahead_is_raised_when_the_validation_passes(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "compute_results", broken_compute)
    folder = corpus.valid_folder(tmp_path)
    with pytest.raises(ZeroDivisionError, match="computed ahead"):
        run.report(folder, None, None, tmp_path / "out", lambda message: None)
    assert not [p for p in (tmp_path / "out" / folder.name).iterdir() if p.name.startswith(".")]  # no staging left


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True])
def test_the_run_records_the_seconds_of_each_stage(tmp_path, monkeypatch, large):
    # In run order. Below LARGE_TABLE_LINES the workbook's rows are built before the wait for
    # the validation process, so the workbook's seconds start there and add up with the rest of
    # its writing; from it, the workbook is written after the wait. The Data Docs are waited
    # for only before the manifest, which lists them.
    if large:
        monkeypatch.setattr(run, "LARGE_TABLE_LINES", 1)
    seconds: dict[str, float] = {}
    run.report(corpus.valid_folder(tmp_path), None, None, tmp_path / "out", lambda message: None, seconds)
    main = ["read", "classify_compute", "validate", "write_workbook", "write_pdf", "wait_data_docs"] if large \
        else ["read", "classify_compute", "write_workbook", "validate", "write_pdf", "wait_data_docs"]
    stages = [*main, "write_json_manifest", "worker_gx_setup", "worker_gx_validate", "worker_data_docs"]
    assert list(seconds) == stages
    assert all(value >= 0 for value in seconds.values())


@pytest.mark.slow
def test_from_large_table_lines_the_workbook_rows_are_built_as_it_is_written(tmp_path, monkeypatch):
    # Below LARGE_TABLE_LINES the rows are built ahead, during the wait for the validation
    # process; from it, as the workbook is written (they would be held as uncompressed XML).
    # The table of lines is the years' frames stacked, not copied, either way; the outputs are
    # the same.
    folder = corpus.valid_folder(tmp_path)
    # The reports' layout is made beside the workbook: below LARGE_TABLE_LINES by a forked copy
    # of this process, from it by the validation process (a forked copy would hold a copy of
    # every page of the table of lines the workbook touches).
    from pipeline.write.pdf import document

    report_pages = document.report_pages
    laid_out_by: list[str] = []

    def recorded_layout(*args, **kwargs):
        import multiprocessing

        (tmp_path / f"layout-{multiprocessing.current_process().name}").touch()
        return report_pages(*args, **kwargs)

    monkeypatch.setattr(document, "report_pages", recorded_layout)
    # Below LARGE_TABLE_LINES the validation process is told at once that no errand comes, and
    # builds its Data Docs while the workbook is written.
    order: list[str] = []
    from pipeline.write import workbook

    docs_now, write_small = ValidationWorker.docs_now, workbook.write_workbook
    monkeypatch.setattr(ValidationWorker, "docs_now", lambda worker: (
        order.append("docs" if not worker._told else "said already"), docs_now(worker))[1])
    monkeypatch.setattr(workbook, "write_workbook", lambda *args, **kwargs: (
        order.append("workbook"), write_small(*args, **kwargs))[1])
    run.report(folder, None, None, tmp_path / "small", lambda message: None)
    assert order.index("docs") < order.index("workbook")
    monkeypatch.setattr(workbook, "write_workbook", write_small)
    laid_out_by.append(sorted(p.name for p in tmp_path.glob("layout-*")))
    for done in tmp_path.glob("layout-*"):
        done.unlink()
    monkeypatch.setattr(run, "LARGE_TABLE_LINES", 0)

    built_ahead: list[object] = []
    tables_written: list[dict] = []
    write_workbook = workbook.write_workbook
    monkeypatch.setattr(workbook, "rows_ahead", lambda *args, **kwargs: built_ahead.append(args))
    monkeypatch.setattr(workbook, "write_workbook", lambda path, figures, tables, *args, **kwargs: (
        tables_written.append(tables), write_workbook(path, figures, tables, *args, **kwargs))[1])
    run.report(folder, None, None, tmp_path / "large", lambda message: None)
    laid_out_by.append(sorted(p.name for p in tmp_path.glob("layout-*")))
    assert laid_out_by == [["layout-los-side-task"], ["layout-los-validation"]]
    assert built_ahead == []
    lines = tables_written[0][SHEET_LINES]
    assert isinstance(lines, StackedFrames)
    assert [len(frame) for frame in lines.frames] == [6, 6, 6] and len(lines) == 18  # three years of six lines
    small, large = files_of(tmp_path / "small" / folder.name), files_of(tmp_path / "large" / folder.name)
    assert small.keys() == large.keys() and len(small) > 10
    assert [name for name in small if small[name] != large[name]] == []


def _fresh_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "GX_ANALYTICS_ENABLED": "False"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_great_expectations_is_ready_without_loading_altair_or_scipy_stats():
    # If a new Great Expectations loads either while it is imported, the stand-ins of
    # pipeline.validate.deferred save nothing any more: this fails so that they are looked at.
    out = _fresh_python(
        "import sys\n"
        "from pipeline.validate.suites import GreatExpectations\n"
        "GreatExpectations()\n"
        "from pipeline.validate.deferred import Deferred\n"
        "print([type(sys.modules[n]).__name__ for n in ('altair', 'scipy.stats')])\n")
    assert out == "['Deferred', 'Deferred']"


def test_a_deferred_module_is_loaded_by_its_first_use_and_then_is_the_real_one():
    out = _fresh_python(
        "import sys\n"
        "from pipeline.validate.deferred import Deferred, defer\n"
        "defer(('colorsys', 'wsgiref.util', 'no_such_module_here'))\n"
        "import colorsys\n"
        "from wsgiref import util\n"
        "print(type(colorsys).__name__, type(util).__name__, 'no_such_module_here' in sys.modules)\n"
        "print(colorsys.rgb_to_hsv(1.0, 0.0, 0.0), util.guess_scheme({}))\n"
        "print(type(sys.modules['colorsys']).__name__, type(sys.modules['wsgiref.util']).__name__)\n"
        "import wsgiref.util, colorsys as again\n"
        "print(type(wsgiref.util).__name__, type(again).__name__)\n")
    assert out.splitlines() == ["Deferred Deferred False", "(0.0, 1.0, 1.0) http", "module module", "module module"]



def _ledger_folder(tmp_path: Path, files: dict[int, str]) -> Path:
    """An input folder with one small workbook per year folder, named as given."""
    folder = tmp_path / "inputs"
    for year, name in files.items():
        write_sheet(folder / str(year) / name, "Huvudbok", ["Datum", "Verifikation", "Konto", "Belopp"],
                    [[f"{year}-01-01", "A1", 3010, 100], [f"{year}-01-01", "A1", 1930, -100]])
    return folder


def test_a_read_that_will_cut_a_ledger_in_halves_is_heavy_and_only_the_window_counts(tmp_path, monkeypatch):
    from pipeline.read import fast_xlsx
    from pipeline.validate.worker import _heavy_read

    folder = _ledger_folder(tmp_path, {2021: "Ledger-2021.xlsx", 2025: "notes.xlsx"})
    monkeypatch.setattr(fast_xlsx, "_cores", lambda: 2)
    assert not _heavy_read(folder, 2023)  # its sheet is far below SPLIT_FROM_BYTES
    monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 200)  # now a sheet of two rows is "large"
    assert _heavy_read(folder, 2023)  # 2021-2023: the ledger of 2021, its name in any case
    assert not _heavy_read(folder, 2025)  # 2023-2025: no ledger (notes.xlsx is none)
    assert not _heavy_read(folder, None)  # the latest year folder, 2025, and the two before
    assert not _heavy_read(None, 2023) and not _heavy_read(tmp_path / "missing", 2023)
    monkeypatch.setattr(fast_xlsx, "_cores", lambda: 1)  # one core: nothing is cut
    assert not _heavy_read(folder, 2023)


def test_a_broken_workbook_is_not_cut(tmp_path):
    from pipeline.read.fast_xlsx import cut_in_halves

    broken = tmp_path / "ledger-2025.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a whole archive")
    assert not cut_in_halves(broken)
    assert not cut_in_halves(tmp_path / "missing.xlsx")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a forked worker, and a thread's own priority")
@pytest.mark.parametrize("heavy", [False, True])
def test_great_expectations_is_imported_in_spare_time_only_beside_a_heavy_read(tmp_path, monkeypatch, heavy):
    from pipeline.read import fast_xlsx
    from pipeline.validate import suites

    class Broken:
        def __init__(self, keep_from_collector: bool = False) -> None:
            import threading

            priority = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            raise RuntimeError(f"no context here ({threading.current_thread().name}, priority {priority})")

    folder = _ledger_folder(tmp_path, {2025: "ledger-2025.xlsx"})
    monkeypatch.setattr(suites, "GreatExpectations", Broken)  # the forked worker has these too
    monkeypatch.setattr(fast_xlsx, "_cores", lambda: 2)
    if heavy:
        monkeypatch.setattr(fast_xlsx, "SPLIT_FROM_BYTES", 200)
    with ValidationWorker(folder, 2025) as worker:
        worker.submit(clean_inputs())
        with pytest.raises(ValidationWorkerError) as raised:
            worker.report(clean_inputs(), Settings())
    usual = os.getpriority(os.PRIO_PROCESS, 0)  # this process's, which the worker inherits
    expected = "(los-validation-spare-time, priority 19)" if heavy else f"(MainThread, priority {usual})"
    assert f"no context here {expected}" in str(raised.value)


def test_a_request_that_cannot_be_read_is_reported_with_its_reason():
    # The request is held as bytes until Great Expectations is ready, then read: what cannot be
    # read is reported as before.
    with ValidationWorker() as worker:
        worker._batches = []
        worker._send(([Unloadable()], 2025, None))
        with pytest.raises(ValidationWorkerError, match="no such figures here"):
            worker.report(clean_inputs(), Settings())


def test_great_expectations_made_for_the_worker_is_kept_out_of_the_collector():
    # In a fresh process, as in the worker: GX's import and context kept from later collections
    # (gc.freeze), and the collector running again after; made plainly, nothing is kept.
    import subprocess

    script = ("import gc, pipeline\nfrom pipeline.validate.suites import GreatExpectations\n"
              "before = gc.get_freeze_count()\nGreatExpectations(keep_from_collector={keep})\n"
              "print(gc.get_freeze_count() - before, gc.isenabled())\n")
    for keep, least, most in ((True, 100_000, None), (False, None, 0)):
        done = subprocess.run([sys.executable, "-c", script.format(keep=keep)], capture_output=True, text=True,
                              check=True)
        kept, enabled = done.stdout.split()
        assert enabled == "True"
        assert (least is None or int(kept) >= least) and (most is None or int(kept) <= most)
