"""The side task in a forked child (`pipeline.forked`): its value, or None and the work done
by the caller, never a different output."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline import forked
from pipeline.forked import SideTask
from tests.workbooks import write_folder

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the system has no fork")


def _pid_and_power(base: int, exponent: int) -> tuple[int, int]:
    return os.getpid(), base ** exponent


def _fail() -> None:
    raise ValueError("no such service code: T99")


def _die() -> None:
    os._exit(3)


def _touch(path: Path) -> bool:
    path.write_text("ran", encoding="utf-8")
    return True


@needs_fork
def test_the_value_comes_from_another_process():
    with SideTask(_pid_and_power, 2, 10) as task:
        pid, value = task.result()
    assert value == 1024  # 2^10
    assert pid != os.getpid()
    assert task.failure is None


@needs_fork
def test_the_child_runs_at_the_main_process_priority():
    # Since the workbook's rows are built ahead, the layout beside the workbook is what the main
    # process waits for at 100 000 lines: it must not yield the cores to the deflate thread.
    with SideTask(os.nice, 0) as task:
        niceness = task.result()
    assert niceness == os.nice(0)


@needs_fork
def test_a_failing_task_gives_none_and_says_why():
    with SideTask(_fail) as task:
        assert task.result() is None
    assert "ValueError: no such service code: T99" in task.failure


@needs_fork
def test_a_child_that_dies_gives_none():
    with SideTask(_die) as task:
        assert task.result() is None
    assert task.failure == "the side process ended without an answer"


@needs_fork
def test_leaving_the_block_ends_a_child_still_working():
    started = time.perf_counter()
    with SideTask(time.sleep, 60) as task:
        process = task._process
    assert not process.is_alive()
    assert time.perf_counter() - started < 10


def test_a_task_not_wanted_is_not_started(tmp_path):
    marker = tmp_path / "ran.txt"
    with SideTask(_touch, marker, when=False) as task:
        assert task.result() is None
    assert not marker.exists()


def test_without_fork_nothing_runs_and_the_caller_does_the_work(tmp_path, monkeypatch):
    monkeypatch.setattr(forked.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    marker = tmp_path / "ran.txt"
    with SideTask(_touch, marker) as task:
        assert task.result() is None
    assert not marker.exists()


@needs_fork
def test_a_fork_that_fails_gives_none_and_the_caller_does_the_work(tmp_path, monkeypatch):
    def no_memory(process):
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(forked.multiprocessing.get_context("fork").Process, "start", no_memory)
    marker = tmp_path / "ran.txt"
    with SideTask(_touch, marker) as task:
        assert task.result() is None
    assert not marker.exists()
    assert "Cannot allocate memory" in task.failure


@pytest.mark.slow
@needs_fork
def test_a_run_without_side_tasks_writes_the_same_bytes(tmp_path, monkeypatch):
    """The reports' layout beside the workbook and the HTML twins beside the PDFs (`run`), the
    layout made by the validation process and the twins forked (a table of lines too large for
    a forked copy beside the workbook), or everything in the main process: the same files, byte
    for byte, in both languages."""
    from pipeline import run
    from pipeline.validate.worker import ValidationWorker

    folder = write_folder(tmp_path / "tiny")
    answers: list[tuple[str, object]] = []
    result, errand_result = SideTask.result, ValidationWorker.errand_result
    monkeypatch.setattr(SideTask, "result", lambda task: answers.append(("forked", result(task))) or answers[-1][1])
    monkeypatch.setattr(ValidationWorker, "errand_result",
                        lambda worker: answers.append(("errand", errand_result(worker))) or answers[-1][1])
    files: dict[str, dict[str, bytes]] = {}
    for name in ("forked", "large", "alone"):
        if name == "large":
            monkeypatch.setattr(run, "LARGE_TABLE_LINES", 1)
        if name == "alone":
            monkeypatch.undo()
            monkeypatch.setattr(SideTask, "result", lambda task: answers.append(("forked", result(task))) or answers[-1][1])
            monkeypatch.setattr(forked.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
        outcome = run.report(folder, 2025, "sv", tmp_path / name, say=lambda line: None, languages=("en",))
        files[name] = {p.relative_to(outcome.folder).as_posix(): p.read_bytes()
                       for p in sorted(outcome.folder.rglob("*")) if p.is_file()}
    assert {"LOS-utvardering-2025.pdf", "LOS-evaluation-2025.pdf", "LOS-utvardering-2025.html",
            "LOS-evaluation-2025.html", "LOS-underlag-2025.xlsx"} <= set(files["forked"])
    assert files["forked"] == files["large"] == files["alone"]
    # Forked: the layouts of both languages, then the HTML twins written; large: the layouts
    # from the validation process, the twins forked; alone: nothing.
    (forked_layouts, layouts), (forked_twins, twins), *rest = answers
    assert forked_layouts == forked_twins == "forked"
    assert sorted(layouts) == ["en", "sv"] and layouts["sv"].total > 5
    assert twins is True
    assert rest[:2] == [("errand", layouts), ("forked", True)]
    assert rest[2:] == [("forked", None), ("forked", None)]
