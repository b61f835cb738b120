"""The run: read -> validate -> classify -> compute -> write, for one input folder and year.

Outputs are written into a temporary folder beside the year's folder and moved into place
only when every output exists, so a failed run leaves the previous outputs as they were.
A run stopped by critical data problems still writes its validation results, to
`outputs/<folder>/<year>.failed/`, and raises `ValidationFailed` listing every problem.

The data flows one way, but two processes share the work (`pipeline.validate.worker`): Great
Expectations is imported while the read runs, and validates while classification and figures
are computed. Nothing computed ahead is used, written or shown before the validation has
passed: a critical finding stops the run exactly as if the steps had run one after the other.
"""

from __future__ import annotations

import functools
import importlib
import os
import platform
import shutil
import tempfile
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterator, Mapping, Sequence

import pandas as pd

from pipeline import __version__
from pipeline.compute.continuity import with_continuity
from pipeline.compute.results import Results, classify_window, compute_results, with_lines_table
from pipeline.errors import Problem, UsageError, ValidationFailed
from pipeline.figures import (
    ControlTotal,
    DataQuality,
    Figures,
    JournalResult,
    RejectedReason,
    RejectedRows,
    ValidationCheck,
    results_json,
)
from pipeline.files import sha256_of, write_json
from pipeline.memory import collector_paused, give_back_freed_memory
from pipeline.messages import Text, messages
from pipeline.model import SHEET_LINES, SHEET_REJECTED, SHEET_TOTALS, SHEET_VALIDATION, Inputs, Rejected
from pipeline.money import sek
from pipeline.read.folder import available_years, read_inputs, year_folders_without_ledger
from pipeline.read.previous import Earlier, history_with_report, read_earlier
from pipeline.settings import Settings, load_settings, require_organisation
from pipeline.validate.journal import Vouchers, journal_summary, journal_tests, ledger_vouchers
from pipeline.validate.suites import data_docs_folder
from pipeline.validate.worker import ValidationWorker
from pipeline.vocabulary import vocabulary

if TYPE_CHECKING:  # the writers are imported where first used (`_prepare_later_stages`)
    from pipeline.write.workbook import RowsAhead

# Below this many classified lines the workbook's rows are built while the run waits for the
# validation process (`_report`), and held as uncompressed XML until written: about 90 MiB at
# 100 000 lines, 700 MiB at a million.
LARGE_TABLE_LINES = 250_000
STAGING_PREFIX = "."  # a run writes into ".<year>.<random>/" beside the year's folder, then renames it
VERSIONED_PACKAGES = ("pandas", "numpy", "openpyxl", "python-calamine", "fastexcel", "pyarrow", "great-expectations",
                      "reportlab", "xlsxwriter", "python-stdnum", "xlrd", "rl_accel", "holidays")

Say = Callable[[str], None]


@dataclass(frozen=True)
class RunOutcome:
    folder: Path
    figures: Figures
    outputs: tuple[Path, ...]


def resolve_year(folder: Path, year: int | None, language: str = "sv") -> int:
    text = messages(language)
    if not folder.is_dir():
        raise UsageError(text("run.no_folder", folder=folder))
    years = available_years(folder)
    if year is None:
        # A later year folder whose data files are not named as a ledger (an ERP export named
        # "huvudbok-2025.csv") would otherwise make the default year silently last year's.
        unnamed = {y: files for y, files in year_folders_without_ledger(folder).items() if not years or y > years[-1]}
        if unnamed:
            later = max(unnamed)
            latest = text("run.year_without_ledger_latest", year=years[-1]) if years else ""
            raise UsageError(text("run.year_without_ledger", folder=folder.name, year=later,
                                  files=", ".join(p.name for p in unnamed[later]), latest=latest))
        if not years:
            raise UsageError(text("run.no_years", folder=folder.name))
        return years[-1]
    if year not in years:
        found = ", ".join(map(str, years)) or "-"
        raise UsageError(text("run.no_ledger", folder=folder.name, year=year, found=found))
    return year


def output_folder(out_root: Path, inputs_folder: Path, year: int) -> Path:
    return out_root / inputs_folder.resolve().name / str(year)


def check(folder: Path, year: int | None, language: str | None, say: Say,
          worker: ValidationWorker | None = None) -> tuple[Inputs, Any]:
    """Read and validate only: the `check` command. Critical problems are in the returned report
    and in `inputs.rejected`; the caller prints a verdict per input and sets the exit code.
    `worker`: one already started (the command line starts it first); else one is started here."""
    settings = load_settings(folder, language)
    year = resolve_year(folder, year, settings.organisation.language)
    require_organisation(folder, settings)
    with _worker(worker) as worker:  # Great Expectations gets ready while the read runs
        inputs = _read(folder, year, settings, say)
        worker.submit(inputs)
        validation = _validation(worker, inputs, settings, None, say)
    return inputs, validation


def check_journal(inputs: Inputs, folder: Path, language: str | None) -> pd.DataFrame | None:
    """The journal tests' summary for the `check` command (one row per test), or None when the
    report year has no ledger lines to test."""
    ledger = inputs.ledgers.get(inputs.year)
    if ledger is None:
        return None
    settings = load_settings(folder, language)
    return journal_summary(journal_tests(ledger, inputs.year, settings), settings.organisation.language, settings)


def changed_since_last_report(folder: Path, inputs: Inputs, language: str | None, out_root: Path) -> list[str]:
    """For `check`: one line per prior-year ledger changed since last year's report."""
    from pipeline.compute.continuity import changed_inputs_only

    settings = load_settings(folder, language)
    earlier = read_earlier(out_root.resolve(), folder, inputs.year, settings.rules.previous_report,
                           settings.organisation.language)
    if earlier.previous is None:
        return []
    changed = changed_inputs_only(earlier, inputs, settings)
    return changed_input_lines(_Changed(str(earlier.previous.year), changed), settings.organisation.language)


@dataclass(frozen=True)
class _Changed:
    previous_report: str
    changed_inputs: tuple


def report(folder: Path, year: int | None, language: str | None, out_root: Path, say: Say,
           seconds: dict[str, float] | None = None, worker: ValidationWorker | None = None,
           languages: Sequence[str] = ()) -> RunOutcome:
    """The yearly run. With `seconds`, the time each stage took is put there (for the benchmark):
    the main process's stages in run order, then the validation process's own parts. `worker`:
    a validation process already started (the command line starts it first); else one is started.
    `languages`: the report (PDF and HTML) in each of these too; results.json and the workbook
    are written once, the workbook in the run's language."""
    settings = load_settings(folder, language)
    year = resolve_year(folder, year, settings.organisation.language)
    require_organisation(folder, settings)
    final = output_folder(out_root.resolve(), folder, year)  # GX Data Docs need an absolute folder
    final.parent.mkdir(parents=True, exist_ok=True)
    with _only_run_writing(final.parent, settings.organisation.language) as guarded:
        _recover_previous(final)
        if guarded:  # else a staging folder may belong to a run going on now
            _remove_stale_staging(final.parent)
        earlier = read_earlier(out_root.resolve(), folder, year, settings.rules.previous_report,
                               settings.organisation.language)
        return _report(folder, year, settings, final, say, seconds, worker, languages, earlier)


def _report(folder: Path, year: int, settings: Settings, final: Path, say: Say,
            seconds: dict[str, float] | None, worker: ValidationWorker | None,
            languages: Sequence[str] = (), earlier: Earlier | None = None) -> RunOutcome:
    text = messages(settings.organisation.language)
    lap = _stopwatch(seconds)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{year}.", dir=final.parent))
    # mkdtemp makes the folder 0700; the outputs are for the auditors too: the user's umask.
    staging.chmod(0o777 & ~_umask())
    try:
        # Great Expectations runs in a second process: it gets ready while the read runs and
        # validates while this process classifies and computes (pipeline/validate/worker.py).
        with _worker(worker) as worker:
            inputs = _read(folder, year, settings, say, while_waiting=_prepare_later_stages)
            give_back_freed_memory()  # the read's cells, freed in its thread
            lap("read")
            worker.submit(inputs, data_docs_folder(staging))
            earlier = earlier or Earlier(None)
            inputs = _with_report_history(inputs, earlier)
            # Each year's voucher column factorised once, for every check that groups by voucher.
            vouchers = ledger_vouchers(inputs.ledgers)
            ahead = _compute_ahead(inputs, settings, earlier, vouchers)
            lap("classify_compute")
            # At the latest here, where this thread may wait for the validation process (at
            # 100 000 lines about a second; at a million the read's wait came first).
            _prepare_later_stages()
            # Below LARGE_TABLE_LINES lines, the workbook's rows of every table made so far are
            # built here too, where this thread would otherwise wait for the validation process
            # (at 100 000 lines about 1 s of the wait; they count in the workbook's stage of the
            # timings). From it they are not: they are held as uncompressed XML until written.
            small = not isinstance(ahead, Exception) and len(ahead[0].tables[SHEET_LINES]) < LARGE_TABLE_LINES
            workbook_rows = None
            if small:
                from pipeline.write.workbook import rows_ahead

                try:
                    workbook_rows = rows_ahead(ahead[0].tables, settings.organisation.language)
                except Exception as exc:  # noqa: BLE001 - raised after the validation's verdict, as above
                    ahead = exc
                lap("write_workbook")
            validation = _validation(worker, inputs, settings, staging, say, vouchers)
            if small:
                worker.docs_now()  # no errand at this size (`_write_outputs`): its Data Docs now
            lap("validate")
            failed = final.parent / f"{year}.failed"
            problems = _critical_problems(inputs, validation, settings.organisation.language)
            if problems:
                worker.finish()  # the failed folder keeps GX's Data Docs too
                _stop(problems, inputs, (staging, failed), settings.organisation.language)
            if isinstance(ahead, Exception):
                raise ahead
            results, journal = ahead
            results = _with_data_quality(results, inputs, validation, journal, settings)
            teckal = results.figures.teckal
            say(text("run.compute", share=shown_share(teckal.window_share, settings.organisation.language),
                     flags=text.count("run.flags", len(results.figures.flags)),
                     verdict=text("run.met" if teckal.met else "run.not_met")))
            _say_continuity(results.figures, say, settings.organisation.language)
            # Every line is in the results' table of lines now, which is what the workbook
            # writes; the ledger frames and their voucher codes go first, with what only they
            # hold (the table of lines stacks the classified years, which share the ledgers'
            # columns: at a million lines about 10 MB).
            inputs = replace(inputs, ledgers={})
            del vouchers, ahead
            outputs = _write_outputs(staging, results, inputs, settings, folder, say, worker, lap, languages,
                                     workbook_rows)
        if seconds is not None:
            seconds.update({f"worker_{part}": value for part, value in worker.seconds.items()})
        _replace(staging, final)
        shutil.rmtree(failed, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RunOutcome(final, results.figures, tuple(final / p.relative_to(staging) for p in outputs))


@contextmanager
def _only_run_writing(folder: Path, language: str) -> Iterator[bool]:
    """Hold an exclusive lock on the output folder of one input folder for the whole run.

    Two runs writing the same outputs at once would move each other's folders away; the second
    one stops with a message instead. The lock is the operating system's (flock on the folder
    itself): it goes with the process, so a killed run never leaves a lock behind. Where the
    system has no flock (Windows), runs are not guarded (False is yielded).
    """
    try:
        import fcntl
    except ImportError:
        yield False
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            shown = f"{folder.parent.name}/{folder.name}" if folder.parent.name else folder.name
            raise UsageError(messages(language)("run.busy", folder=shown)) from None
        yield True
    finally:
        os.close(handle)  # closing the folder releases the lock


def _remove_stale_staging(folder: Path) -> None:
    """Staging folders of runs that were killed (`.<year>.<random>`): with the lock held no other
    run can be writing them. `.<year>.old` is the previous outputs, recovered before this."""
    for candidate in folder.glob(f"{STAGING_PREFIX}*"):
        parts = candidate.name.split(".")
        if candidate.is_dir() and len(parts) == 3 and parts[1].isdigit() and parts[2] != "old":
            shutil.rmtree(candidate, ignore_errors=True)


def _worker(started: ValidationWorker | None) -> ContextManager[ValidationWorker]:
    """The worker given (its starter closes it), or a new one closed at the end of the block."""
    return nullcontext(started) if started is not None else ValidationWorker()


def _stopwatch(seconds: dict[str, float] | None) -> Callable[[str], None]:
    """`lap(stage)` puts the seconds since the previous lap under `stage` in `seconds` (if any)."""
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        if seconds is not None:
            seconds[stage] = seconds.get(stage, 0.0) + now - last
        last = now

    return lap


def shown_share(share: str | None, language: str) -> str:
    """A share as the terminal shows it: "92,80 %" (sv), "92.80 %" (en); the exact value is in results.json."""
    from pipeline.write.pdf.formats import Formats

    return Formats(language).share(share).replace("\u00a0", " ")


def shown_limit(threshold: str, language: str) -> str:
    from pipeline.write.pdf.formats import Formats

    return Formats(language).limit(threshold).replace("\u00a0", " ")


def _read(folder: Path, year: int, settings: Settings, say: Say,
          while_waiting: Callable[[], None] | None = None) -> Inputs:
    inputs = read_inputs(folder, year, settings, while_waiting=while_waiting)
    ledger_rows = sum(len(f) for f in inputs.ledgers.values())
    say(messages(settings.organisation.language)(
        "run.read", files=len(inputs.files), ledger_lines=ledger_rows, years=len(inputs.ledgers),
        members=len(inputs.members), services=len(inputs.services), suppliers=len(inputs.suppliers),
        rejected=messages(settings.organisation.language).count("run.rejected", len(inputs.rejected))))
    return inputs


@functools.cache
def _prepare_later_stages() -> None:
    """What the later stages load on first use, loaded where this thread would otherwise wait:
    the writers' modules (reportlab and XlsxWriter with them), the report's fonts, and the
    holiday calendars the journal tests look up. 0.3-0.5 s of this thread's time whatever the
    size of the ledger; a million-line ledger's parse hides it whole, and at 100 000 lines the
    wait for the validation process does. Done once per process. Nothing here decides
    anything: what fails now fails again, and is reported, where it is used."""
    try:
        with collector_paused():  # as for every large import (pipeline/memory.py)
            from pipeline.validate.journal.dates import load_calendars

            load_calendars()
            for module in ("pipeline.write.html", "pipeline.write.workbook"):
                importlib.import_module(module)
            from pipeline.write.pdf.document import register_fonts

            register_fonts()
    except Exception:  # noqa: BLE001 - see above
        return


def _with_report_history(inputs: Inputs, earlier: Earlier) -> Inputs:
    """The inputs with window years that have neither a ledger nor a history row taken from
    last year's report (source "report"), when there is one."""
    if earlier.previous is None:
        return inputs
    window = list(vocabulary().window(inputs.year))
    return replace(inputs, history=history_with_report(inputs.history, earlier.previous, window, set(inputs.ledgers)))


def _say_continuity(figures: Figures, say: Say, language: str) -> None:
    """Warnings about last year's report: prior-year ledgers changed since, figures restated."""
    continuity = figures.continuity
    if continuity is None:
        return
    text = messages(language)
    for line in changed_input_lines(continuity, language):
        say(f"{text('run.warning')}: {line}")
    for r in continuity.restated:
        say(f"{text('run.warning')}: " + text("previous.restated", year=r.year, figure=text(f"previous.figure.{r.figure}"),
                                              reported=r.reported,
                                              now=r.now, report=continuity.previous_report))


def changed_input_lines(continuity, language: str) -> list[str]:
    """"the 2024 ledger has changed since the 2024 report: +3 lines, revenue +12 500 kr"."""
    text = messages(language)
    lines = []
    for c in continuity.changed_inputs:
        revenue = text("previous.revenue_delta", amount=signed_kronor(c.revenue_delta_sek, language)) \
            if c.revenue_delta_sek is not None else ""
        lines.append(text("previous.changed_ledger", year=c.year, report=continuity.previous_report,
                          lines=f"{c.lines_delta:+d}", revenue=revenue, file=c.file))
    return lines


def signed_kronor(sek_text: str, language: str) -> str:
    """"+12 500 kr" (öre shown only when there are any)."""
    from decimal import Decimal

    value = Decimal(sek_text)
    sign = "+" if value >= 0 else "-"
    whole, _, ore = f"{abs(value):.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    decimals = "" if ore == "00" else ("," if language == "sv" else ".") + ore
    return f"{sign}{grouped}{decimals} kr"


def _compute_ahead(inputs: Inputs, settings: Settings, earlier: Earlier | None = None,
                   vouchers: Mapping[int, Vouchers] | None = None
                   ) -> tuple[Results, dict[str, pd.DataFrame]] | Exception:
    """Classification, figures (with the table of lines) and journal tests, computed while the
    validation still runs.

    The inputs may yet fail a critical check, and data that fails one may also break a step
    here: then the validation's findings are what the user must see, not this step's error, so
    the error is returned for the caller to raise only once the validation has passed.
    """
    try:
        # The validation process is at its largest meanwhile (Great Expectations on the report
        # year's lines): each step's freed memory is handed back, about 100 MiB each at a million
        # lines, so that the two processes stay under 1 GiB together.
        classified = classify_window(inputs, settings)
        give_back_freed_memory()
        journal = journal_tests(inputs.ledgers[inputs.year], inputs.year, settings, (vouchers or {}).get(inputs.year))
        give_back_freed_memory()
        results = compute_results(inputs, classified, settings)
        results = with_continuity(results, earlier or Earlier(None), inputs, classified, settings)
        give_back_freed_memory()
        return with_lines_table(results, classified), journal
    except Exception as exc:  # noqa: BLE001 - raised by the caller after the validation's verdict
        return exc


def _validation(worker: ValidationWorker, inputs: Inputs, settings: Settings, out_dir: Path | None, say: Say,
                vouchers: Mapping[int, Vouchers] | None = None):
    validation = worker.report(inputs, settings, out_dir, vouchers)
    say(messages(settings.organisation.language)(
        "run.validate", checks=len(validation.results), critical=len(validation.critical_failures),
        warnings=len(validation.warnings)))
    _say_input_warnings(validation, settings, say)
    return validation


def _say_input_warnings(validation, settings: Settings, say: Say) -> None:
    """The whole-year warnings (revenue an order of magnitude off, missing years, unmapped
    customer numbers) in the terminal too: they are easy to miss in the workbook."""
    from pipeline.validate.ledger_checks import TERMINAL_WARNINGS

    text = messages(settings.organisation.language)
    for result in validation.warnings:
        if result.check in TERMINAL_WARNINGS:
            say(f"  {text('run.warning')}: {result.description}")


def _critical_problems(inputs: Inputs, validation, language: str = "sv") -> list[Problem]:
    """Every critical finding: rows the read could not use and failed critical checks."""
    text = messages(language)
    problems = [
        Problem(r.file, r.sheet, r.row, r.column, r.reason, language=language) for r in inputs.rejected if r.critical
    ]
    for check_result in validation.critical_failures:
        failed_check = text("run.check_failed", description=check_result.description)
        ids = check_result.unexpected_ids
        if not ids:  # a check of a whole input or year: named as the reader knows it ("huvudbok 2025")
            problems.append(Problem(_input_name(check_result, text), message=failed_check, language=language))
        # Columns by their names in the reader's language ("belopp"), not the fields' code names.
        column = ", ".join(text(f"field.{name}") if text.has(f"field.{name}") else name
                           for name in check_result.column.split(", ")) if check_result.column else ""
        for source_id in ids:
            file, sheet, row = _split_source_id(source_id)
            problems.append(Problem(file, sheet, row, column, failed_check, language=language))
    return problems


def _input_name(check_result: Any, text: Text) -> str:
    """The input a check result is about, in the reader's language: "huvudbok 2025", "medlemmar"."""
    key = f"validate.input.{check_result.suite}"
    name = text(key) if text.has(key) else check_result.suite
    year = (check_result.batch or "").rpartition("-")[2]
    return f"{name} {year}" if year.isdigit() else name


def _stop(problems: list[Problem], inputs: Inputs, keep: tuple[Path, Path] | None, language: str = "sv") -> None:
    """Stop the run on critical findings, keeping the validation results in the failed folder."""
    text = messages(language)
    message = text("run.stopped", count=len(problems))
    if keep is not None:
        staging, failed = keep
        shutil.rmtree(failed, ignore_errors=True)
        if (staging / "validation").exists():
            shutil.copytree(staging / "validation", failed / "validation")
        _write_rejected_csv(failed / "rejected.csv", inputs.rejected)
        message = text("run.stopped_where", message=message, folder=f"{failed.parent.name}/{failed.name}")
    raise ValidationFailed(message, sorted(problems, key=_problem_order))


def _problem_order(problem: Problem) -> tuple[bool, str, str, int, str]:
    """Findings about a whole input ("huvudbok 2025: no lines in May") first, then rows by file,
    sheet, row and column: the terminal shows only the first ones, and a year-level finding must
    not hide behind thousands of rows."""
    whole_input = problem.row is None and not problem.sheet
    return (not whole_input, problem.file, problem.sheet, problem.row or 0, problem.column)


def _split_source_id(source_id: str) -> tuple[str, str, int | None]:
    file, _, rest = source_id.partition(":")
    sheet, _, row = rest.rpartition(":")
    return file, sheet, int(row) if row.isdigit() else None


def _write_rejected_csv(path: Path, rejected: list[Rejected]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _rejected_table(rejected).to_csv(path, index=False, encoding="utf-8")


def _rejected_table(rejected: list[Rejected]) -> pd.DataFrame:
    columns = ["file", "sheet", "row", "column", "reason", "critical", "raw"]
    frame = pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rejected], columns=columns)
    return frame.sort_values(["file", "sheet", "row"], kind="stable").reset_index(drop=True)


def _with_data_quality(results: Results, inputs: Inputs, validation, journal: dict[str, pd.DataFrame],
                       settings: Settings) -> Results:
    """The results with the run's facts added: data quality (rejected rows, control totals,
    validation, journal tests), the settings and the input files, and their tables."""
    rejected = _rejected_table(inputs.rejected)
    totals = pd.DataFrame([
        {"kind": t.kind, "file": t.file, "sheet": t.sheet, "rows_read": t.rows_read, "rows_used": t.rows_used,
         "rows_rejected": t.rows_rejected, "debit_ore": t.debit_ore, "credit_ore": t.credit_ore,
         "first_date": t.first_date, "last_date": t.last_date, "sha256": t.sha256, "notes": "; ".join(t.notes)}
        for t in inputs.totals
    ])
    checks = pd.DataFrame([
        {"suite": r.suite, "check": r.check, "column": r.column, "severity": r.severity,
         "description": r.description, "success": r.success, "element_count": r.element_count,
         "unexpected_count": r.unexpected_count, "unexpected_ids": " ".join(r.unexpected_ids[:200])}
        for r in validation.results
    ])
    summary = journal_summary(journal, settings.organisation.language, settings)
    from pipeline.write.workbook_words import journal_sheet_name

    journal_sheets = {name: journal_sheet_name(name) for name in journal}
    by_reason = rejected.groupby("reason").size().sort_values(ascending=False, kind="stable") if len(rejected) else {}
    quality = DataQuality(
        rejected=RejectedRows(
            total=int(len(rejected)),
            critical=int(rejected["critical"].sum()) if len(rejected) else 0,
            by_reason=tuple(RejectedReason(reason=k, rows=int(v)) for k, v in list(dict(by_reason).items())[:20]),
            sheet=SHEET_REJECTED,
        ),
        control_totals=tuple(
            ControlTotal(**{k: _plain(row[k]) for k in ("kind", "file", "sheet", "rows_read", "rows_used",
                                                        "rows_rejected", "first_date", "last_date")},
                         debit_sek=sek(row["debit_ore"]), credit_sek=sek(row["credit_ore"]))
            for row in totals.to_dict("records")
        ) if len(totals) else (),
        control_totals_sheet=SHEET_TOTALS,
        validation=tuple(
            ValidationCheck(**{k: _plain(r[k]) for k in ("suite", "check", "column", "severity", "description",
                                                         "success", "unexpected_count", "element_count")})
            for r in checks.to_dict("records")
        ),
        validation_sheet=SHEET_VALIDATION,
        journal=tuple(
            JournalResult(**{k: _plain(v) for k, v in row.items()}, sheet=journal_sheets.get(row.get("test"), ""))
            for row in summary.to_dict("records")
        ),
    )
    figures = replace(results.figures, data_quality=quality, settings=settings.as_dict(),
                      inputs=tuple(inputs.files))
    tables = {**results.tables, SHEET_REJECTED: rejected, SHEET_TOTALS: totals, SHEET_VALIDATION: checks}
    from pipeline.validate.ledger_checks import SHEET_UNMAPPED_NUMBERS, unmapped_numbers_table

    unmapped = unmapped_numbers_table(inputs, settings)
    if len(unmapped):  # customer and supplier numbers no register knows (issue 15)
        tables[SHEET_UNMAPPED_NUMBERS] = unmapped
    for name, table in journal.items():
        tables[journal_sheets[name]] = table
    return Results(figures, tables)


def _plain(value: Any) -> Any:
    """numpy scalars to Python, for JSON."""
    return value.item() if hasattr(value, "item") else value


def _write_outputs(staging: Path, results: Results, inputs: Inputs, settings: Settings, folder: Path, say: Say,
                   worker: ValidationWorker, lap: Callable[[str], None],
                   languages: Sequence[str] = (), workbook_rows: RowsAhead | None = None) -> list[Path]:
    """results.json, the workbook, then the PDF and HTML reports (which list the first two's
    hashes) and the manifest. Work that does not wait for the hashes goes to the second core:
    the reports' layout beside the workbook, which lets each PDF be laid out once instead of
    twice (`report_pages`), by a side task (`pipeline.forked`) below LARGE_TABLE_LINES rows and
    by the validation process from it (`ValidationWorker.errand`); the HTML twins beside the
    PDFs, by a side task. At 100 000 lines the workbook and the reports took 2.49 s instead of
    2.88 with the side tasks (medians of six runs each, interleaved). Without them, or without
    the errand, the same bytes are written."""
    from pipeline.forked import SideTask
    from pipeline.write.pdf.document import write_pdf
    from pipeline.write.workbook import write_workbook

    year = inputs.year
    language = settings.organisation.language
    text = messages(language)
    results_path = staging / "results.json"
    workbook_path = staging / f"LOS-underlag-{year}.xlsx"
    report_languages = tuple(dict.fromkeys((language, *languages)))

    write_json(results_path, results_json(results.figures))
    rows = sum(len(t) for t in results.tables.values())
    # The reports' layout is made beside the workbook. Below LARGE_TABLE_LINES rows a forked copy
    # of this process makes it (at normal priority; the workbook's rows were mostly built while
    # the validation ran). From LARGE_TABLE_LINES rows the workbook keeps both cores busy itself
    # (its deflate thread) and writes over the whole table of lines (reference counts, freed
    # blocks reused), which a forked copy would hold a copy of while it lives: at a million lines
    # the validation process makes the layout instead, in its spare time, before its Data Docs
    # (`ValidationWorker.errand`). Against the main process laying it out after the workbook, as
    # it did before: the PDF 0.82-0.89 s against 1.61, the workbook and the reports together
    # 6.99 s against 7.24 and 6.89 s against 7.39 (medians of five and of three interleaved
    # pairs), the same peaks (955-973 MiB against 955-980 in four memory pairs).
    layout_args = (results.figures, report_languages, (results_path.name, workbook_path.name))
    large = rows >= LARGE_TABLE_LINES
    if large:
        worker.errand(_report_pages, *layout_args)
    else:
        worker.docs_now()
    with SideTask(_report_pages, *layout_args, when=not large) as layout:
        write_workbook(workbook_path, results.figures, results.tables, language, ahead=workbook_rows)
        say(text("run.wrote_workbook", name=workbook_path.name, sheets=len(results.tables), rows=rows))
        lap("write_workbook")
        pages = (worker.errand_result() if large else layout.result()) or {}
    hashes = tuple((p.name, sha256_of(p)) for p in (results_path, workbook_path))
    pdfs = {lang: staging / report_file_name(year, lang, "pdf") for lang in report_languages}
    htmls = {lang: staging / report_file_name(year, lang, "html") for lang in report_languages}
    # The accessible twin of the same story, beside each PDF.
    with SideTask(_write_html_reports, htmls, pdfs, results.figures, hashes) as twins:
        for report_language, pdf_path in pdfs.items():
            write_pdf(pdf_path, results.figures, report_language, output_hashes=hashes,
                      pages=pages.get(report_language))
        if twins.result() is None:
            _write_html_reports(htmls, pdfs, results.figures, hashes)
    for report_language in report_languages:
        say(text("run.wrote", path=pdfs[report_language].name))
        say(text("run.wrote", path=htmls[report_language].name))
    lap("write_pdf")
    worker.finish()  # the manifest lists GX's Data Docs, which the validation process writes
    lap("wait_data_docs")
    manifest_path = staging / "manifest.json"
    write_json(manifest_path, _manifest(staging, inputs, settings, folder, report_languages))
    lap("write_json_manifest")
    reports = [path for lang in report_languages for path in (pdfs[lang], htmls[lang])]
    return [*reports, workbook_path, results_path, manifest_path]


def _report_pages(figures: Figures, languages: Sequence[str], output_names: tuple[str, ...]) -> dict[str, Any]:
    """Each report language's layout (`write.pdf.report_pages`)."""
    from pipeline.write.pdf.document import report_pages

    return {language: report_pages(figures, language, output_names) for language in languages}


def _write_html_reports(htmls: Mapping[str, Path], pdfs: Mapping[str, Path], figures: Figures,
                        hashes: tuple[tuple[str, str], ...]) -> bool:
    """Each report language's HTML twin, naming its PDF; True once all are written."""
    from pipeline.write.html import write_html

    for language, html_path in htmls.items():
        write_html(html_path, figures, language, pdf_name=pdfs[language].name, output_hashes=hashes)
    return True


# The report's file name per language: the Swedish name is the one boards and archives know; an
# English report gets its own, so writing it never replaces the Swedish one.
REPORT_STEM = {"sv": "LOS-utvardering", "en": "LOS-evaluation"}


def report_file_name(year: int, language: str, suffix: str) -> str:
    """"LOS-utvardering-2025.pdf" (sv), "LOS-evaluation-2025.html" (en)."""
    return f"{REPORT_STEM[language]}-{year}.{suffix}"


def _manifest(staging: Path, inputs: Inputs, settings: Settings, folder: Path,
              languages: Sequence[str] = ()) -> dict[str, Any]:
    outputs = sorted(p for p in staging.rglob("*") if p.is_file())
    return {
        "tool": {"name": "los-pipeline", "version": __version__, "python": platform.python_version()},
        "versions": {name: _version(name) for name in VERSIONED_PACKAGES},
        "command": f"python -m pipeline report --inputs {folder.resolve().name} --year {inputs.year} "
                   f"--lang {','.join(languages or (settings.organisation.language,))}",
        "settings": settings.as_dict(),
        "inputs": inputs.files,
        "outputs": [{"path": p.relative_to(staging).as_posix(), "sha256": sha256_of(p), "bytes": p.stat().st_size}
                    for p in outputs],
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _recover_previous(final: Path) -> None:
    """A run killed between the two renames of `_replace` left the previous outputs only in
    `.<year>.old`: put them back under their name before anything deletes them."""
    old = final.with_name(f".{final.name}.old")
    if old.is_dir() and not final.exists():
        old.rename(final)


def _replace(staging: Path, final: Path) -> None:
    """Move the finished staging folder into place; the old outputs go only after that works."""
    old = final.with_name(f".{final.name}.old")
    _recover_previous(final)
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    """The process's umask (os.umask can only be read by setting it: set it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
