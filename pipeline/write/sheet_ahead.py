"""The rows of the sheet that holds every ledger line, made in a second process while the run
computes.

At a million lines that sheet is about 700 MB of XML, and building and deflating it took about
4 s of the run's 17, nearly all of it Python work on one core. Its table, the classified lines,
is complete as soon as the lines are classified, long before the workbook is written. So
`SheetAhead.start` forks a process that makes the sheet's rows (`workbook.prepare_rows`: the
same code and XML as the workbook's own) while this process computes the figures, runs the
journal tests and waits for the validation; `write_workbook` then takes the deflated rows as
they are. The workbook's content is the same either way; only the deflate stream of such a
sheet is cut in three pieces (`xlsx_stream`).

Only tables of at least `AHEAD_MIN_ROWS` rows go ahead: below that a fork saves less than it
costs, and the example's workbook keeps its bytes. Where the system cannot fork, or the process
fails or vanishes, the workbook builds the rows itself, as it always did; the run's outputs do
not depend on which way they were made. A forked process shares this one's memory until either
writes to a page, so the table is not copied to it.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd

AHEAD_MIN_ROWS = 200_000


class SheetAhead:
    """Used as: `start(frame)` once the table exists, `prepared(frame)` when the workbook is
    written, `close` always (a `with` block does it)."""

    def __init__(self, language: str, min_rows: int | None = None) -> None:
        self.language = language
        self.min_rows = AHEAD_MIN_ROWS if min_rows is None else min_rows
        self.error: str | None = None  # why the process gave no rows, if it failed
        self._frame: pd.DataFrame | None = None
        self._process: Any = None
        self._connection: Connection | None = None

    def __enter__(self) -> SheetAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self, frame: pd.DataFrame) -> None:
        """Fork the process that prepares `frame`'s rows, if the table is long enough."""
        if self._process is not None or len(frame) < self.min_rows \
                or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        # A forked child would write out whatever this process has not printed yet a second time.
        sys.stdout.flush()
        sys.stderr.flush()
        self._process = context.Process(target=_prepare, args=(sending, receiving, frame, self.language),
                                        name="los-ledger-sheet", daemon=True)
        self._process.start()
        sending.close()
        self._connection = receiving
        self._frame = frame

    def prepared(self, frame: pd.DataFrame) -> dict[tuple[int, int], Any] | None:
        """The rows made for `frame` (the very frame started with), waiting for them; None when
        none were made: the workbook then builds them itself."""
        if self._connection is None or frame is not self._frame:
            return None
        try:
            kind, payload = self._connection.recv()
        except (EOFError, OSError):
            kind, payload = "error", f"the process ended without rows (exit code {self._process.exitcode})"
        finally:
            self._connection.close()
            self._connection = None
        self._process.join()
        if kind != "rows":
            self.error = payload
            return None
        return payload

    def close(self) -> None:
        """End the process: one still working works for a run that is stopping."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _prepare(sending: Connection, receiving: Connection, frame: pd.DataFrame, language: str) -> None:
    receiving.close()  # so that a vanished parent breaks this end of the pipe
    from pipeline.write.workbook import prepare_rows

    try:
        message: tuple[str, Any] = ("rows", prepare_rows(frame, language))
    except BaseException:  # noqa: BLE001 - handed to the parent, which builds the rows itself
        message = ("error", traceback.format_exc())
    try:
        sending.send(message)
    except (BrokenPipeError, OSError):
        pass  # the run has stopped
    sending.close()
