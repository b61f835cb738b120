"""Command line: `python -m pipeline report|check|template`.

The only place that turns problems into messages and exit codes: 0 the report was written
(whether or not the threshold is met), 1 the input data failed, 2 usage or settings error,
3 an internal error (a bug; `--debug` shows the traceback). No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

from pipeline.errors import PipelineError, UsageError
from pipeline.messages import messages

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

MAX_PROBLEMS_SHOWN = 40
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Annual LOS evaluation: Teckal activity share, separate accounts for sales activity, "
                    "supplier compliance. Reads an input folder of Excel files and writes the report.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, year: bool = True) -> None:
        sub.add_argument("--inputs", type=Path, default=Path("inputs/example"),
                         help="input folder (default: inputs/example)")
        if year:
            sub.add_argument("--year", type=int, default=None,
                             help="report year (default: the latest year folder with a ledger)")
        sub.add_argument("--lang", type=_languages, default=None, metavar="{sv,en,sv,en}",
                         help="language of the report and messages (default: settings.toml, else sv); "
                              "'sv,en' writes the report in both, messages and workbook in the first")
        sub.add_argument("--quiet", action="store_true", help="print only errors and the final result")
        sub.add_argument("--debug", action="store_true", help="show the traceback of an internal error")

    report = commands.add_parser("report", help="validate the inputs and write the yearly evaluation")
    common(report)
    report.add_argument("--outputs", type=Path, default=Path("outputs"), help="output root (default: outputs)")
    # For the benchmark (tools/bench.py): seconds per stage of this run, as JSON.
    report.add_argument("--timings", type=Path, default=None, help=argparse.SUPPRESS)
    check = commands.add_parser("check", help="validate the inputs only; exit 0 when nothing critical fails")
    common(check)
    check.add_argument("--outputs", type=Path, default=Path("outputs"),
                       help="output root holding last year's report (default: outputs)")
    template = commands.add_parser("template", help="write blank input templates into a new folder")
    common(template, year=False)
    next_year = commands.add_parser("next-year", help="make next year's input folder from this one")
    common(next_year)
    next_year.add_argument("--outputs", type=Path, default=Path("outputs"),
                           help="output root holding this year's report (default: outputs)")
    next_year.add_argument("--to", type=Path, default=None,
                           help="next year's input folder (default: beside this one, named for the year)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return 0 if exc.code == 0 else 2
    if args.command is None:
        parser.print_help()
        return 2
    # --lang sv,en: the first language speaks and writes the workbook; the report comes in each.
    args.languages = args.lang or ()
    args.lang = args.languages[0] if args.languages else None

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    if args.quiet:
        os.environ["TQDM_DISABLE"] = "1"  # tqdm reads its defaults from TQDM_* settings
    text = messages(args.lang or _settings_language(args.inputs))
    try:
        return _dispatch(args, say, text)
    except PipelineError as exc:
        _print_problems(exc, text)
        return exc.exit_code
    except KeyboardInterrupt:
        print(text("run.interrupted"), file=sys.stderr)
        return 130
    except Exception:  # a bug, not bad input: say so plainly, keep the traceback for --debug
        if args.debug:
            traceback.print_exc()
        print(text("run.internal"), file=sys.stderr)
        return EXIT_INTERNAL


def _languages(value: str) -> tuple[str, ...]:
    """"sv", "en", "sv,en" or "en,sv" -> the languages in order, each once."""
    chosen = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not chosen or any(language not in ("sv", "en") for language in chosen):
        raise argparse.ArgumentTypeError(f"{value!r}: sv, en or sv,en")
    return chosen


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _settings_language(folder: Path) -> str:
    """The language settings.toml asks for, read leniently: messages about a broken settings
    file must still come out in some language (Swedish when in doubt)."""
    import tomllib

    try:
        raw = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8"))
        language = raw.get("organisation", {}).get("language", "sv")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return "sv"
    return language if language in ("sv", "en") else "sv"


def _dispatch(args: argparse.Namespace, say, text) -> int:
    if args.command in ("report", "check"):
        from pipeline.validate.worker import ValidationWorker

        # Great Expectations takes seconds to import: a second process starts on it now, while
        # this one imports the rest and reads the inputs (pipeline/validate/worker.py).
        with ValidationWorker(args.inputs, args.year) as worker:
            return _run_command(args, say, text, worker)
    return _run_command(args, say, text, None)


def _run_command(args: argparse.Namespace, say, text, worker) -> int:
    from pipeline.memory import collector_paused

    with collector_paused(keep=True):  # the stages' modules, imported before any input is read
        from pipeline import run

    if args.command == "report":
        seconds: dict[str, float] | None = {} if args.timings else None
        outcome = run.report(args.inputs, args.year, args.lang, args.outputs, say, seconds, worker,
                             languages=args.languages)
        if args.timings:
            args.timings.write_text(json.dumps(seconds, indent=2) + "\n", encoding="utf-8")
        teckal = outcome.figures.teckal
        review = text("run.review", band=str(float(teckal.review_band) * 100).rstrip("0").rstrip(".")) \
            if teckal.review else ""
        for path in outcome.outputs:
            print(text("run.wrote", path=_shown(path)))
        verdict = text("run.met" if teckal.met else "run.not_met")
        if teckal.provisional:
            verdict = text("run.provisional", verdict=verdict, n=teckal.years_count)
        print(text("run.verdict", year=outcome.figures.year, share=run.shown_share(teckal.window_share, text.language),
                   threshold=run.shown_limit(teckal.threshold, text.language), verdict=verdict.upper(),
                   review=review))
        if teckal.criteria is not None:
            for line in _criteria_lines(teckal, outcome.figures.year, text):
                print(line)
        return 0
    if args.command == "check":
        from pipeline.validate.suites import input_verdicts

        inputs, validation = run.check(args.inputs, args.year, args.lang, say, worker)
        verdicts = input_verdicts(inputs, validation)
        failed = [v for v in verdicts if v.critical]
        warnings = sum(len(v.warnings) for v in verdicts)
        if failed:
            print(text("run.check_failed_inputs", folder=inputs.folder_name, year=inputs.year, failed=len(failed),
                       inputs=len(verdicts), warnings=warnings))
        else:
            print(text("run.check_ok", folder=inputs.folder_name, year=inputs.year, inputs=len(verdicts),
                       warnings=warnings))
        for verdict in verdicts:
            print(f"  {verdict.line()}")
            for reason in verdict.critical:
                print(f"    {text('run.critical')}: {reason}")
            for reason in verdict.warnings:
                print(f"    {text('run.warning')}: {reason}")
        for line in run.changed_since_last_report(args.inputs, inputs, args.lang, args.outputs):
            print(f"  {text('run.warning')}: {line}")
        journal = run.check_journal(inputs, args.inputs, args.lang)
        if journal is not None:
            print(text("run.journal_title", year=inputs.year, tests=len(journal),
                       found=int((journal["findings"] > 0).sum())))
            from pipeline.messages import Text, load_catalogue
            from pipeline.write.workbook_words import journal_sheet_name

            labels = Text(text.language, load_catalogue())  # the report's names of the tests
            for test in journal.to_dict("records"):
                detail = f"; {test['detail']}" if test["detail"] else ""
                name = labels(f"journal.{test['test']}") if labels.has(f"journal.{test['test']}") else test["test"]
                print(text("run.journal_line", test=name, findings=test["findings"], detail=detail,
                           sheet=journal_sheet_name(test["test"])))
        return 1 if failed else 0
    if args.command == "template":
        from pipeline.template import write_templates

        written = write_templates(args.inputs, args.lang or "sv")
        for path in written:
            print(text("run.wrote", path=path))
        return 0
    if args.command == "next-year":
        from pipeline.read.folder import available_years
        from pipeline.template import start_next_year

        years = available_years(args.inputs)
        year = args.year if args.year is not None else (years[-1] + 1 if years else None)
        if year is None:
            raise UsageError(text("run.no_years", folder=args.inputs.name))
        written = start_next_year(args.inputs, year, args.outputs, args.to,
                                  args.lang or _settings_language(args.inputs))
        for path in written:
            print(text("run.wrote", path=_shown(path)))
        print((written[-1]).read_text(encoding="utf-8"))
        return 0
    raise UsageError(f"unknown command {args.command}")


def _criteria_lines(teckal, year: int, text) -> list[str]:
    """The terminal's last lines: the exemption, then each criterion on its own line (R8)."""
    criteria = teckal.criteria
    control, private = criteria.control, criteria.private_capital
    return [
        text("run.exemption_holds" if teckal.exemption_holds else "run.exemption_not_shown", year=year),
        text("run.criterion_activity", status=text(f"run.status.{criteria.activity.status}")),
        text("run.criterion_control", status=text(f"run.status.{control.status}", m=control.controlling_members,
                                                  missing=len(control.members_without_full_representation))),
        text("run.criterion_private", status=text(f"run.status.{private.status}",
                                                  members=", ".join(private.private_members))),
    ]


def _print_problems(exc: PipelineError, text) -> None:
    print(text("run.error", message=exc), file=sys.stderr)
    for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  {problem}", file=sys.stderr)
    hidden = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        print(f"  {text('run.more', count=hidden)}", file=sys.stderr)
