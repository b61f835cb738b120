"""A thread's share of the processor lowered, where the system lets a thread have its own (Linux).

The scheduler shares the cores between runnable threads by their niceness: a thread at 10 gets
about a tenth of what one at 0 gets while both wait for a core, and everything when nothing else
wants it. The run lowers a thread whose work is not waited for while the rest is busy: Great
Expectations' Data Docs (`validate.worker`), and the odd-cell search beside a large sheet's
parse (`read.sheets`). Elsewhere (macOS, Windows) the thread keeps its share; nothing else
changes, so the outputs never depend on it.
"""

from __future__ import annotations

import contextlib
import os
import threading

LOWEST = 19


def lower_this_thread(niceness: int) -> None:
    """The calling thread's niceness set to `niceness` (0-19), for the rest of its life: a thread
    may lower its own priority but not raise it again, so only a thread that ends (a pool's or
    its own) is lowered."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
