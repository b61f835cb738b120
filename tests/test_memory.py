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
        return  # the figures of the README are measured on glibc
    assert memory._malloc_trim() is not None
    memory.give_back_freed_memory()
