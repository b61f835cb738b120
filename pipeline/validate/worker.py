"""Great Expectations in a second process, so that its cost overlaps the rest of the run.

Importing Great Expectations and making its context takes about 1 s whatever the size of the
data, and validating takes seconds more. On a machine with two cores the command line therefore
starts a `ValidationWorker` first of all (this module imports nothing heavy, so the worker starts
at once): the worker imports GX while the main process imports the rest and reads the inputs, prepares and validates the batches it is sent while the main process classifies and computes, and
builds GX's Data Docs while the main process writes the workbook and the PDF.

Between the two the worker may run one errand for the main process, in spare time (`errand`):
at a million lines it lays the reports out while the main process writes the workbook.

GX's Data Docs are built by a thread of the lowest priority (`_in_spare_time`), which takes
only the processor time the main process leaves idle: they wait for a core the workbook's two
threads leave idle (at 100 000 lines the workbook took 1.8-1.9 s instead of 2.2). GX is imported
so too when the read will cut a ledger's sheet in halves (`_heavy_read`): a million-line
ledger's read keeps both cores busy for its first seconds (the sheet cut, then the halves parsed
side by side) and leaves one idle while it builds the tables, which is when the import then
runs. A smaller read leaves cores idle early, and the run would wait for an import made in
spare time (at 100 000 lines 8.12 s against 7.53 s, medians of eight interleaved pairs), so
there GX is imported at the usual priority. The validation itself always is: the run waits
for its results.

Nothing about the results changes: the worker runs `validate.GreatExpectations`, the same code
`validate.validate_inputs` runs in one process, and the main process builds the report from the
worker's results. The main process decides everything; the worker only answers:

    main -> worker   (batches, year, docs_dir)  once, after the read
    worker -> main   ("results", raw, seconds)  GX's result of each batch
    main -> worker   ("errand", function, args) or ("docs",): once, after the results, when
                                                given a Data Docs folder (without one the
                                                worker ends after its results)
    worker -> main   ("errand", value, failure) the errand's value, or None and why (only after an errand)
    worker -> main   ("docs", seconds)          Data Docs written (only when given a folder)
    worker -> main   ("error", message)         anything that went wrong, instead of the above

The errand is work of the main process that does not wait for what the main process does
meanwhile: the reports' layout (`run._report_pages`) while a large workbook is written, which
the main process would otherwise do after it. The worker does it in spare time, before the
Data Docs; a forked copy of the main process (`pipeline.forked`), which makes the layout of
smaller runs, would at a million lines hold a copy of every page of the table of lines the
workbook touches. An errand that fails, whose arguments cannot be sent or read, or whose
value cannot be sent back or read, is the main process's to do again: `errand_result` is then
None, as a side task's is. A worker that dies is an error, as everywhere else: its Data Docs
are lost with it.

The worker ends when the main process closes its end of the pipe, dies or is killed, so a
stopped run leaves no process behind. A problem in it reaches the user as a
`ValidationWorkerError` raised in the main process.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar

from pipeline.memory import give_back_freed_memory
from pipeline.priority import LOWEST, lower_this_thread

if TYPE_CHECKING:  # imported where used: starting a worker must not wait for pandas
    from pipeline.model import Inputs
    from pipeline.settings import Settings
    from pipeline.validate.journal import Vouchers
    from pipeline.validate.suites import GreatExpectations, ValidationReport


T = TypeVar("T")


class ValidationWorkerError(RuntimeError):
    """The second process failed or vanished; the message says how."""


class ValidationWorker:
    """A second process with Great Expectations ready, used as: start (before the read), `submit`
    the read inputs, `report` when the results are needed, `finish` before the outputs are moved
    into place, and `close` always (a `with` block does it). `seconds` collects how long the
    worker spent on each part, for the benchmark."""

    def __init__(self, inputs_folder: Path | None = None, year: int | None = None) -> None:
        """`inputs_folder` and `year`: the run's, when known, so that the worker can judge how
        busy the read will keep the cores (`_heavy_read`); without them it imports GX at once."""
        self._batches: list[Any] | None = None
        self._docs_dir: Path | None = None
        self._docs_pending = False
        self._errand_pending = False
        self._told = False  # the one message after the results (an errand, or "docs") is sent
        self._done = False  # every answer the worker owes has arrived: it ends on its own now
        self.seconds: dict[str, float] = {}
        self.errand_failure: str | None = None  # why the errand gave no value
        # Fork where the system has it: the child starts at once, with this process's modules.
        # Elsewhere it starts a fresh interpreter, which works the same, a little later.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._connection, child_end = context.Pipe(duplex=True)
        # A forked child would write out whatever this process has not printed yet a second time.
        sys.stdout.flush()
        sys.stderr.flush()
        self._process = context.Process(target=_serve, args=(child_end, self._connection, inputs_folder, year),
                                        name="los-validation", daemon=True)
        self._process.start()
        child_end.close()

    def __enter__(self) -> "ValidationWorker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def submit(self, inputs: Inputs, docs_dir: Path | None = None) -> None:
        """Send the inputs' validation batches; the worker starts as soon as GX is ready. With
        `docs_dir`, it then writes GX's Data Docs there (`finish` waits for them)."""
        from pipeline.validate.suites import validation_batches

        self._batches = validation_batches(inputs)
        self._docs_dir = docs_dir
        self._send((self._batches, inputs.year, docs_dir))

    def report(self, inputs: Inputs, settings: Settings, out_dir: Path | None = None,
               vouchers: Mapping[int, Vouchers] | None = None) -> ValidationReport:
        """The validation report of the submitted inputs, its files written to `out_dir` as
        `validate.validate_inputs` writes them. Waits for the worker's results. `vouchers`: each
        year's voucher index when the caller has made it (`journal.common.Vouchers`)."""
        from pipeline.validate.suites import own_checks, validation_report

        if self._batches is None:
            raise ValidationWorkerError("report() before submit()")
        # The checks made without GX first: at a million lines 0.6-0.9 s, which this process
        # would otherwise spend waiting for the worker's last batches.
        own = own_checks(inputs, settings, vouchers)
        raw_results, seconds = self._receive("results")
        self.seconds.update(seconds)
        self._docs_pending = self._docs_dir is not None
        self._done = not self._docs_pending
        return validation_report(inputs, settings, self._batches, raw_results, out_dir, vouchers, own)

    def errand(self, function: Callable[..., Any], *args: Any) -> None:
        """Have the worker call `function(*args)` (a module-level function; its arguments and
        value are pickled) in spare time, after the results and before the Data Docs;
        `errand_result` takes its value. After `report`, for a run with Data Docs; once, and
        not after `docs_now` (then no errand is made, and `errand_result` is None)."""
        if self._batches is None or self._docs_dir is None:
            raise ValidationWorkerError("errand() only after report(), in a run with Data Docs")
        if self._told:
            self.errand_failure = "the worker was already told to build its Data Docs"
            return
        try:
            message = ForkingPickler.dumps(("errand", function, args))
        except Exception as error:  # noqa: BLE001 - the caller does the work itself
            self.errand_failure = f"the errand could not be sent: {error!r}"
            self.docs_now()
            return
        try:
            self._connection.send_bytes(message)
        except (BrokenPipeError, ConnectionResetError, EOFError) as exc:
            raise ValidationWorkerError(_vanished(self._process)) from exc
        self._told = True
        self._errand_pending = True

    def errand_result(self) -> Any:
        """The errand's value, or None when there was none or it failed (`errand_failure` says
        how): the caller then does the work itself."""
        if not self._errand_pending:
            return None
        self._errand_pending = False
        try:
            value, self.errand_failure = self._receive("errand")
        except ValidationWorkerError:
            raise
        except Exception as error:  # noqa: BLE001 - an answer that cannot be read here
            self.errand_failure = f"the errand's answer could not be read: {error!r}"
            return None
        return value

    def docs_now(self) -> None:
        """Let the worker build its Data Docs now: no errand comes. `finish` does it if nothing
        was said."""
        if not self._told and self._docs_pending:
            self._send(("docs",))
            self._told = True

    def finish(self) -> None:
        """Wait for the answer to an errand not yet taken, then until the worker has written the
        Data Docs and ended (nothing to wait for without them)."""
        if self._errand_pending:
            self.errand_result()
        if self._docs_pending:
            self.docs_now()
            (seconds,) = self._receive("docs")
            self.seconds.update(seconds)
            self._docs_pending = False
            self._done = True
            self._process.join(timeout=5)  # it ends by itself now: its memory goes with it

    def close(self) -> None:
        """End the worker. One that has answered everything is ending by itself; one still busy
        works for a run that is stopping (an error, a critical finding) and is terminated."""
        self._connection.close()
        if self._done:
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def _send(self, message: Any) -> None:
        try:
            self._connection.send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError) as exc:
            raise ValidationWorkerError(_vanished(self._process)) from exc

    def _receive(self, expected: str) -> tuple[Any, ...]:
        try:
            kind, *payload = self._connection.recv()
        except (EOFError, ConnectionResetError) as exc:
            raise ValidationWorkerError(_vanished(self._process)) from exc
        if kind == "error":
            raise ValidationWorkerError(payload[0])
        if kind != expected:
            raise ValidationWorkerError(f"the validation process answered {kind!r}, expected {expected!r}")
        return tuple(payload)


def _vanished(process: Any) -> str:
    process.join(timeout=1)
    return f"the validation process ended unexpectedly (exit code {process.exitcode})"


def _serve(connection: Connection, parent_end: Connection, inputs_folder: Path | None = None,
           year: int | None = None) -> None:
    """The worker's whole life: make GX ready, validate the one batch request, run the errand
    if one comes, build the Data Docs, end."""
    if not parent_end.closed:
        parent_end.close()  # only the main process may hold that end, or a dead parent goes unnoticed
    # The request is taken in while GX is imported: a pipe holds only some kilobytes, so the main
    # process would otherwise wait in `submit` until the import is done.
    request: list[Any] = []
    receiver = threading.Thread(target=_receive_request, args=(connection, request), daemon=True)
    receiver.start()
    try:
        started = time.perf_counter()
        heavy = _heavy_read(inputs_folder, year)
        runner, failure = _in_spare_time(_great_expectations) if heavy else _great_expectations()
        seconds = {"gx_setup": time.perf_counter() - started}
        receiver.join()
        if not request:
            return  # the run ended before it needed validation (bad input found by the read)
        if isinstance(request[0], BaseException):
            raise request[0]
        batches, year, docs_dir = ForkingPickler.loads(request.pop())  # a request that cannot be read: reported
        if runner is None:
            connection.send(("error", f"Great Expectations could not start: {failure}"))
            return
        started = time.perf_counter()
        raw_results = runner.validate(batches, year)
        seconds["gx_validate"] = time.perf_counter() - started
        connection.send(("results", raw_results, seconds))
        # The batches go before the Data Docs are built: at a million lines about 80 MB, which
        # the main process may use meanwhile (pipeline.run).
        del batches, raw_results
        request.clear()
        give_back_freed_memory()
        if docs_dir is None:
            return  # `check`: nothing more is asked, and GX's memory goes now
        told = _next_message(connection)  # EOFError when the run stops before its outputs
        if told[0] == "errand":
            connection.send_bytes(_errand(*told[1:]))
        elif told[0] == "unreadable":
            connection.send(("errand", None, told[1]))
        started = time.perf_counter()
        _in_spare_time(lambda: runner.build_data_docs(docs_dir))
        connection.send(("docs", {"data_docs": time.perf_counter() - started}))
    except (BrokenPipeError, ConnectionResetError, EOFError, KeyboardInterrupt):
        return  # the main process is gone or was interrupted: it reports that, not the worker
    except Exception:  # noqa: BLE001
        try:
            connection.send(("error", traceback.format_exc(limit=-3)))
        except (BrokenPipeError, ConnectionResetError):
            return
    finally:
        connection.close()


def _next_message(connection: Connection) -> tuple[Any, ...]:
    """The main process's message after the results: ("errand", function, args) or ("docs",);
    an errand that cannot be unpickled here becomes ("unreadable", why), which goes back to the
    main process as a failed errand."""
    try:
        return connection.recv()
    except (EOFError, ConnectionError):
        raise
    except Exception:  # noqa: BLE001
        return ("unreadable", traceback.format_exc(limit=-3))


def _errand(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """The answer to an errand: `function(*args)` made in spare time, pickled as ("errand",
    value, None), or ("errand", None, what went wrong)."""
    try:
        return ForkingPickler.dumps(("errand", _in_spare_time(lambda: function(*args)), None))
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - the main process does the work itself (SystemExit too)
        return ForkingPickler.dumps(("errand", None, traceback.format_exc(limit=-3)))


def _heavy_read(inputs_folder: Path | None, year: int | None) -> bool:
    """Whether the read of `inputs_folder` will keep both cores busy for seconds: a ledger
    workbook in the report year's window (the latest year folder's when no year is given) that
    it will cut in halves (`fast_xlsx.cut_in_halves`). A guess that decides only when GX is
    imported, never what it finds; a folder or file that cannot be read counts as not heavy."""
    if inputs_folder is None:
        return False
    from pipeline.read.fast_xlsx import cut_in_halves
    from pipeline.read.folder import ledger_files
    from pipeline.vocabulary import vocabulary

    try:
        years = sorted(int(p.name) for p in Path(inputs_folder).iterdir()
                       if p.is_dir() and len(p.name) == 4 and p.name.isdigit())
        window = vocabulary().window(year if year is not None else (years[-1] if years else 0))
        # Any ledger file; one that is not a workbook archive (CSV, SIE, .xls) is never cut.
        ledgers = [path for folder_year in years if folder_year in window
                   for path in ledger_files(inputs_folder, folder_year)]
    except OSError:
        return False
    return any(cut_in_halves(path) for path in ledgers)


def _great_expectations() -> tuple[GreatExpectations | None, str | None]:
    """A GX context, or None and what went wrong (reported to the main process, which decides)."""
    try:
        from pipeline.validate.suites import GreatExpectations

        # Kept out of the collector: this process holds no data yet, its request is held as
        # bytes until GX is ready (`_receive_request`).
        return GreatExpectations(keep_from_collector=True), None
    except Exception:  # noqa: BLE001
        return None, traceback.format_exc(limit=-3)


def _in_spare_time(make: Callable[[], T]) -> T:
    """`make()`, run by a thread of the lowest priority where the system lets a thread have its
    own (Linux), so that it takes only the processor time the main process leaves idle."""
    made: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        lower_this_thread(LOWEST)
        try:
            made.append(make())
        except BaseException as exc:  # noqa: BLE001 - raised again by the calling thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="los-validation-spare-time", daemon=True)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return made[0]


def _receive_request(connection: Connection, request: list[Any]) -> None:
    """The main process's one request into `request`, as the bytes it came in (`_serve` unpickles
    it once GX is ready); nothing when it closed the pipe first."""
    try:
        request.append(connection.recv_bytes())
    except (EOFError, ConnectionResetError, OSError):
        return
    except Exception as exc:  # noqa: BLE001 - reported
        request.append(exc)
