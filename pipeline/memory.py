"""Freed memory given back to the system between the run's stages, and the cycle collector
paused where a stage makes many objects and no cycles.

The C library's allocator (glibc on Linux) keeps memory a program frees for its next requests,
and it keeps it per thread: what the reading thread freed stays with that thread, which does
nothing after the read, and the main thread's later requests take new memory beside it. At a
million ledger lines that was about 265 MB held, unused, while the workbook was written, the
run's largest part. `malloc_trim` hands such memory back; it changes no value, only the process's
size. Where the C library has no `malloc_trim` (macOS, Windows, musl) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable


def give_back_freed_memory() -> None:
    """Hand memory freed by every thread back to the system (a few milliseconds)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Python's cycle collector paused for a block that makes many objects and no reference
    cycles it needs collected; it runs again as before after the block (a block inside another
    leaves it paused).

    Each time the collector runs it walks the objects alive. calamine hands over a sheet as one
    list per row: reading a 1 000 000-line ledger spent 1.8 s of its 9.9 s in the collector
    (`read.folder.read_inputs`). Importing a large package makes tens of thousands of modules,
    functions and classes: Great Expectations' import and context took 1.99-2.21 s with the
    collector paused against 2.23-2.63 s (three runs each), pandas' 0.71-0.75 s against
    0.79-0.93 s. Objects no longer used are freed by reference counting as before; any cycles
    made in the block wait for the collector's next run.

    `keep`: every object alive at the end of the block is moved out of the collector's reach
    for good (`gc.freeze`) before it runs again: for imports, whose modules, classes and
    functions live as long as the process, and which every later full collection would walk
    again. The main process spent 0.48 s of a 100 000-line run in the collector, 0.26 s of it in
    two full collections that walked mostly what the imports made; the validation process 0.43
    s while validating and writing Data Docs, 0.02 s with GX's import kept so. Only where no
    data has been read yet: a kept object is still freed by reference counting, but a cycle of
    kept objects would stay to the end. A forked child shares the kept objects' pages with its
    parent undisturbed, since no collection there writes to them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
