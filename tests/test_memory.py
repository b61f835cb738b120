"""`pipeline.memory`: freed memory handed back where the C library can, nothing done elsewhere."""

from __future__ import annotations

import ctypes.util

import pipeline.memory as memory


def test_freed_memory_is_handed_back_without_changing_anything(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    memory.give_back_freed_memory()
    assert calls == [0]  # malloc_trim(0): every arena, no padding kept


def test_without_malloc_trim_nothing_is_done(monkeypatch):
    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    try:
        assert memory._malloc_trim() is None
        memory.give_back_freed_memory()
    finally:
        memory._malloc_trim.cache_clear()


def test_on_linux_with_glibc_malloc_trim_is_found():
    import platform
    import sys

    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return  # the figures of docs/performance.md are measured on glibc
    assert memory._malloc_trim() is not None
    memory.give_back_freed_memory()


def _huge_page_advice(env_value: str | None) -> str:
    """What numpy does about huge pages in a fresh process that imports the pipeline first."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    code = "import pipeline, numpy; print(numpy._core.multiarray._get_madvise_hugepage())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_numpy_asks_for_no_huge_pages_unless_the_user_says_so():
    # The pipeline's own choice (measured in docs/performance.md: slow first touches where the kernel
    # compacts memory for them); a value set by the user is theirs.
    assert _huge_page_advice(None) == "False"
    assert _huge_page_advice("0") == "False"
    assert _huge_page_advice("1") == "True"


def test_the_collector_is_paused_in_the_block_and_runs_again_after_it():
    import gc

    assert gc.isenabled()
    with memory.collector_paused():
        assert not gc.isenabled()
        with memory.collector_paused():  # a block inside another leaves it paused
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    # Also after an exception in the block.
    try:
        with memory.collector_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def _kept_after(code: str) -> tuple[int, int]:
    """In a fresh process that imports the pipeline: objects kept out of the collector before and
    after `code` runs in a `collector_paused(keep=True)` block, and after a plain block."""
    import subprocess
    import sys

    script = ("import gc, pipeline\nfrom pipeline.memory import collector_paused\n"
              "before = gc.get_freeze_count()\n"
              f"with collector_paused(keep=True):\n    {code.format(name='made')}\n"
              "kept = gc.get_freeze_count()\n"
              f"with collector_paused():\n    {code.format(name='made_again')}\n"
              "print(before, kept, gc.get_freeze_count() - kept, gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before, kept, plain, enabled = done.stdout.split()
    assert enabled == "True"
    assert int(plain) == 0  # a plain block keeps nothing
    return int(before), int(kept)


def test_an_import_block_kept_from_the_collector_keeps_what_it_made():
    # The package's own import of pandas was kept: every module object alive then is frozen.
    before, kept = _kept_after("{name} = [[i] for i in range(5000)]")
    assert before > 10_000  # pandas and numpy: tens of thousands of objects
    assert kept >= before + 5000  # the 5 000 lists made in the block, and the one holding them
