"""A side task in a forked child process, beside what the main process does meanwhile.

The run's last stage writes the workbook, then the reports, which list the workbook's SHA-256.
Part of that work does not need the hash (the reports' layout: `write.pdf.report_pages`), and
the HTML twin does not need the PDF: each can be done by a copy of the process, on the second
core, while the main process goes on. A `SideTask` is that copy: forked, so that it starts at
once with the figures already in memory, nothing pickled but its answer. The read uses two:
a large sheet is cut in halves by one, and its second half parsed by another
(`read.fast_xlsx._parsed_in_halves`).

A side task only ever saves time. `result()` is its function's value, or None when there is
none: the system cannot fork (Windows) or could not now, or the child failed or died. On None
the caller does the work itself, in the main process, where any error is raised and reported
as usual. So the outputs are the same bytes whether a side task ran or not.

Only for work that needs no other thread of the process: a forked child has only the thread
that started it.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable


class SideTask:
    """`function(*args)` in a forked child, from now on; `result()` waits for its value. Use in
    a `with` block: leaving it ends a child that is still working (the run stopped)."""

    def __init__(self, function: Callable[..., Any], *args: Any, when: bool = True) -> None:
        """`when` False: no child is started (the caller does the work; `result()` is None)."""
        self._process: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None
        self.failure: str | None = None  # why a child gave no value (its traceback's end)
        if not when or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        # A forked child would write out whatever this process has not printed yet a second time.
        sys.stdout.flush()
        sys.stderr.flush()
        process = context.Process(target=_run, args=(sender, function, args), name="los-side-task", daemon=True)
        try:
            process.start()
        except (OSError, AssertionError) as error:  # no memory to fork; a daemonic process may have no child
            self._receiver.close()
            self._receiver = None
            self.failure = f"no side process could start: {error}"
        else:
            self._process = process
        finally:
            sender.close()

    def __enter__(self) -> "SideTask":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def result(self) -> Any:
        """The function's value, or None: no child could be forked, or it failed (`failure`
        says how)."""
        if self._receiver is None:
            return None
        try:
            kind, value = self._receiver.recv()
        except (EOFError, OSError):
            kind, value = "error", "the side process ended without an answer"
        if self._process is not None:
            self._process.join(timeout=5)  # it has answered: it is ending
        self.close()
        self.failure = value if kind == "error" else None
        return value if kind == "value" else None

    def close(self) -> None:
        """End the child if it still works (its answer is no longer wanted)."""
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None


def _run(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        answer: tuple[str, Any] = ("value", function(*args))
    except BaseException:  # noqa: BLE001 - the main process does the work itself and reports
        answer = ("error", traceback.format_exc(limit=-3))
    try:
        sender.send(answer)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the main process went on without the answer
    finally:
        sender.close()
