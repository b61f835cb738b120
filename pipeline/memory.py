"""Freed memory given back to the system between the run's stages.

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
