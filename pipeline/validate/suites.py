"""Validate stage: run the Great Expectations suites in `expectations/` on the read inputs.

One suite per input kind, kept as data (`expectations/<kind>.json`, GX 1.x suite form; each
expectation tagged `meta.severity` critical or warning, and described in plain English in
`meta.description` and in plain Swedish in `meta.description_sv`). Each input frame is
validated as ONE batch in an ephemeral GX context, with the failing rows named by their
`source_id` (the batch carries row positions, which `pipeline.validate.row_names` names). The
journal check that stops a run (unbalanced vouchers) joins the same report as `suite="journal"`.
With `out_dir`, the results are written to `out_dir/validation/`: GX result JSON per batch
(deterministic), a self-contained HTML page per suite, `summary.json` (`pipeline.validate.pages`),
and GX's own Data Docs site in `data_docs/`. The Data Docs pages load jQuery, Bootstrap and Vega
from the web, so offline they show unstyled; the self-contained pages are the readable form and
the index says so. Run names and times are fixed and the random ids
GX puts into the pages are renumbered, so two runs write byte-identical files.

Every text a person reads (check descriptions, the check command's verdicts and reasons, the
self-contained pages) is in the run's language, `settings.organisation.language`, from the
message catalogue (`validate.*`, `journal.*`); machine keys in the JSON files stay English.

This is the only module that imports great_expectations, and only when a `GreatExpectations`
context is made, so importing the package stays fast. `validate_inputs` does everything in one
process; the run splits the same steps over two (`pipeline.validate.worker`): `validation_batches`,
`own_checks` (made while GX validates) and `validation_report` in the main process,
`GreatExpectations` (which prepares each batch's
frame as GX should see it, then validates it) in the second. It does not stop
the run: the caller decides what to do with `ValidationReport.critical_failures`. It never
touches the network.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from pipeline.columns import column_codes
from pipeline.memory import collector_paused
from pipeline.messages import Text, messages
from pipeline.model import Inputs
from pipeline.settings import Settings
from pipeline.validate.checks import CheckResult
from pipeline.validate.journal import Vouchers, describe_test, unbalanced_vouchers, voucher_codes
from pipeline.validate.pages import DATA_DOCS_FOLDER, write_pages
from pipeline.validate.row_names import (
    ID_COLUMN,
    name_failing_rows,
    named_fingerprints,
    positions_and_sources,
    rename_failing_rows,
)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SUITE_KINDS = ("ledger", "members", "counterparties", "services", "suppliers", "history", "purchases", "governance")
SEVERITIES = ("critical", "warning")
# The suite file's description of an expectation in each language of the catalogue.
DESCRIPTION_KEYS = {"en": "description", "sv": "description_sv"}
# Text columns compared as finance writes them, whatever the case and surrounding blanks.
LOWERCASED_WORDS = {"services": ["classification"], "suppliers": ["procurement_form"],
                    "counterparties": ["sector"], "governance": ["body"]}
# Keys of GX results that change on every run (times, random ids) or carry machine paths.
_VOLATILE_META = ("run_id", "validation_id", "validation_time", "checkpoint_id")
DATA_DOCS_SITE = "los_validation"
# What GX writes into Data Docs pages that differs on every build: random ids of collapsible
# blocks and suites, and a cache-busting build time on the logo address.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOGO_BUILD_TIME = re.compile(r"(\.png)\?d=\d{8}T\d{6}\.\d+Z")


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[CheckResult, ...]
    language: str = "sv"  # the language of the descriptions, and of the verdicts built from them

    @property
    def critical_failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.severity == "critical" and not r.success)

    @property
    def warnings(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.severity == "warning" and not r.success)


@dataclass(frozen=True)
class InputVerdict:
    """The verdict on one input for `check`: its rows and a one-line reason per failed check."""

    input: str  # "ledger 2025", "members", ...
    rows: int  # rows validated (read and used)
    rows_left_out: int  # rows read but not used, each with its reason on the rejected-rows list
    critical: tuple[str, ...]
    warnings: tuple[str, ...]
    language: str = "sv"

    def line(self) -> str:
        text = messages(self.language)
        left_out = text("validate.left_out", count=self.rows_left_out) if self.rows_left_out else ""
        return text("validate.line_failed" if self.critical else "validate.line_ok", input=self.input, rows=self.rows,
                    left_out=left_out, critical=len(self.critical), warnings=len(self.warnings))


@dataclass(frozen=True)
class _Batch:
    """One input frame to validate with one suite, and the run-time values its suite names."""

    kind: str
    label: str  # "ledger-2025", "members", ...
    year: int | None
    frame: pd.DataFrame  # the columns the suite checks; each row's position as its source id
    parameters: dict[str, Any]
    # The file, sheet and row number of each row, from which the validation process names the
    # rows a check fails (`pipeline.validate.row_names`); None where the frame keeps its ids.
    sources: pd.DataFrame | None = None


def load_suite(kind: str, folder: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    """The suite of one input kind as data, checked for the severity tag and a description in
    each language (a check without one would show a blank line to a reader of that language)."""
    path = folder / f"{kind}.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    for number, expectation in enumerate(suite.get("expectations", []), start=1):
        meta = expectation.get("meta", {})
        described = all(isinstance(meta.get(key), str) and meta[key].strip() for key in DESCRIPTION_KEYS.values())
        if meta.get("severity") not in SEVERITIES or not described:
            raise ValueError(f"{path.name}: expectation {number} needs meta.severity "
                             f"({' or '.join(SEVERITIES)}), meta.description (English) and "
                             "meta.description_sv (Swedish)")
    return suite


def validate_inputs(inputs: Inputs, settings: Settings, out_dir: Path | None = None) -> ValidationReport:
    """Run every suite on its input frames and the critical journal check; write results if asked.

    Descriptions and pages are in `settings.organisation.language` (Swedish unless "en"). The run
    does the same in two processes (`pipeline.validate.worker`); this is the one-process form.
    """
    batches = validation_batches(inputs)
    raw_results = _run_great_expectations(batches, inputs.year, data_docs_folder(out_dir))
    return validation_report(inputs, settings, batches, raw_results, out_dir)


def data_docs_folder(out_dir: Path | None) -> Path | None:
    """Where GX's Data Docs of a run with outputs in `out_dir` go (none without outputs)."""
    return out_dir / "validation" / DATA_DOCS_FOLDER if out_dir is not None else None


def validation_report(inputs: Inputs, settings: Settings, batches: list[_Batch], raw_results: list[dict[str, Any]],
                      out_dir: Path | None = None, vouchers: Mapping[int, Vouchers] | None = None,
                      own: list[CheckResult] | None = None) -> ValidationReport:
    """The report from GX's results of `batches` and the checks this process makes itself
    (`own_checks`, made here unless given as `own`); with `out_dir`, its JSON and
    self-contained pages are written to `out_dir/validation/` (GX writes its Data Docs there
    itself, from `GreatExpectations.build_data_docs`). `vouchers`: each year's voucher index
    when the caller has made it (`journal.common.Vouchers`)."""
    language = _language(settings)
    text = messages(language)
    results: list[CheckResult] = []
    for batch, raw in zip(batches, raw_results):
        results.extend(_check_results(batch, raw, text))
    results.extend(own if own is not None else own_checks(inputs, settings, vouchers))
    report = ValidationReport(tuple(results), language)
    if out_dir is not None:
        write_pages(out_dir / "validation", batches, raw_results, report, text)
    return report


def input_verdicts(inputs: Inputs, report: ValidationReport, shown_ids: int = 3) -> list[InputVerdict]:
    """One verdict per input in reading order: ledgers by year, then the registers.

    A critical reason is a failed critical check or rows the read stage could not use and that
    would make the figures wrong; each reason names up to `shown_ids` rows by source id. The
    verdicts speak the report's language.
    """
    text = messages(report.language)
    batch_inputs = [(f"ledger-{year}", "ledger", year, inputs.ledgers[year]) for year in sorted(inputs.ledgers)]
    for kind in ("members", "counterparties", "services", "suppliers", "history", "governance", "purchases"):
        frame = getattr(inputs, kind)
        if frame is not None:
            batch_inputs.append((kind, kind, inputs.year if kind == "purchases" else None, frame))
    verdicts = []
    for label, kind, year, frame in batch_inputs:
        files = {t.file for t in inputs.totals if t.kind == kind and _file_year(t.file) in (year, None)}
        left_out = sum(t.rows_rejected for t in inputs.totals if t.file in files)
        critical_rows: dict[str, list[str]] = {}
        for rejected in inputs.rejected:
            if rejected.critical and rejected.file in files:
                critical_rows.setdefault(rejected.reason, []).append(
                    f"{rejected.file}:{rejected.sheet}:{rejected.row}")
        checks = [r for r in report.results if r.batch == label and not r.success]
        # The verdict already names the input; descriptions of a ledger check end with it too.
        name = _input_name(kind, year if kind == "ledger" else None, text)
        suffix = _of_year("", kind, year, text) if year is not None else ""
        critical = [_reason(r.description.removesuffix(suffix), r.unexpected_count, r.element_count,
                            r.unexpected_ids, shown_ids, text) for r in checks if r.severity == "critical"]
        critical += [_reason(text("validate.rows_left_out", reason=reason), len(ids), None, tuple(ids), shown_ids, text)
                     for reason, ids in critical_rows.items()]
        warnings = [_reason(r.description.removesuffix(suffix), r.unexpected_count, r.element_count,
                            r.unexpected_ids, shown_ids, text) for r in checks if r.severity != "critical"]
        verdicts.append(InputVerdict(name, len(frame), left_out, tuple(critical), tuple(warnings), report.language))
    return verdicts


def _input_name(kind: str, year: int | None, text: Text) -> str:
    """An input as a reader calls it: "huvudbok 2025" / "ledger 2025", "medlemmar" / "members"."""
    name = text(f"validate.input.{kind}")
    return f"{name} {year}" if year is not None else name


def _of_year(description: str, kind: str, year: int, text: Text) -> str:
    """A description of a check on one year's input, ending with the input and year."""
    return text("validate.of_year", description=description, input=text(f"validate.input.{kind}"), year=year)


def _file_year(file: str) -> int | None:
    """The year folder of an input file ("2025/ledger.xlsx" -> 2025); None for the registers."""
    folder = Path(file).parts[0] if len(Path(file).parts) > 1 else ""
    return int(folder) if folder.isdigit() else None


def _reason(description: str, failing: int, checked: int | None, ids: tuple[str, ...], shown: int,
            text: Text) -> str:
    examples = ""
    if ids:
        more = ", ..." if len(ids) > shown else ""
        examples = f"; {', '.join(ids[:shown])}{more}"
    if checked is None:
        return text("validate.failing", description=description, failing=failing, examples=examples)
    return text("validate.failing_of", description=description, failing=failing, checked=checked, examples=examples)


def validation_batches(inputs: Inputs) -> list[_Batch]:
    """Every input frame with the columns Great Expectations needs, and the values its suite
    names. The frames are prepared (`_prepared`) where GX runs, just before it validates each:
    in the run that is the validation process, so the main process, which classifies and
    computes meanwhile, does not spend on it (0.6 s of its time at a million lines)."""
    members = inputs.members
    member_orgnrs = _distinct(members, "orgnr")
    known_orgnrs = sorted(set(member_orgnrs) | set(_distinct(inputs.counterparties, "orgnr"))
                          | set(_distinct(inputs.suppliers, "orgnr")))
    service_codes = _distinct(inputs.services, "code")
    batches = []
    for year in sorted(inputs.ledgers):
        batches.append(_batch("ledger", f"ledger-{year}", year, inputs.ledgers[year],
                              {**_fiscal_year(year), "known_orgnrs": known_orgnrs, "service_codes": service_codes}))
    for kind in ("members", "counterparties", "services", "suppliers", "history", "governance"):
        frame = getattr(inputs, kind)
        if frame is not None:
            batches.append(_batch(kind, kind, None, frame, {"member_orgnrs": member_orgnrs}))
    if inputs.purchases is not None:
        batches.append(_batch("purchases", "purchases", inputs.year, inputs.purchases, _fiscal_year(inputs.year)))
    return batches


def _batch(kind: str, label: str, year: int | None, frame: pd.DataFrame, parameters: dict[str, Any]) -> _Batch:
    checked, sources = positions_and_sources(_needed(kind, frame), frame)
    return _Batch(kind, label, year, checked, parameters, sources)


# Columns `_prepared` reads besides those the suite checks.
_PREPARATION_READS = {"ledger": frozenset({"counterparty_raw"})}


def _needed(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns that its suite checks or `_prepared` reads, in the frame's order: a
    ledger's free text, account names and provenance columns would only be copied to the
    validation process."""
    needed = suite_columns(kind) | _PREPARATION_READS.get(kind, frozenset())
    return frame[[c for c in frame.columns if c in needed]]


def _fiscal_year(year: int) -> dict[str, dt.datetime]:
    # Datetimes, not date strings: GX parses a string bound to a `date`, which pandas refuses to
    # compare with a datetime64 column.
    return {"fiscal_year_start": dt.datetime(year, 1, 1), "next_fiscal_year_start": dt.datetime(year + 1, 1, 1)}


def _distinct(frame: pd.DataFrame | None, column: str) -> list[str]:
    if frame is None or column not in frame.columns:
        return []
    values = frame[column].dropna().astype("str").str.strip()
    return sorted(set(values[values != ""]))


def suite_columns(kind: str) -> frozenset[str]:
    """The columns the suite of `kind` checks, and the source id that names failing rows."""
    named = {ID_COLUMN}
    for expectation in load_suite(kind)["expectations"]:
        kwargs = expectation.get("kwargs", {})
        named.update(kwargs[key] for key in ("column", "column_A", "column_B") if isinstance(kwargs.get(key), str))
    return frozenset(named)


def _prepared(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as GX should see it; the input frame itself is never changed.

    - only the columns the suite checks (`suite_columns`), which GX hashes;
    - datetime columns as datetime64[ns]: GX's range checks are ~20x slower on pandas 3's [us];
    - blank text as missing, so "not null" and "in set" checks treat "" like an empty cell;
    - some decision words lower-cased and trimmed (LOWERCASED_WORDS);
    - a ledger line's counterparty remark only where the cell was filled;
    - `orgnr_is_valid` for registers, since no GX expectation knows the org. no. check digit.
    """
    checked = suite_columns(kind)
    changed: dict[str, pd.Series] = {}
    for column in (c for c in frame.columns if c in checked):
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values) and values.dtype != "datetime64[ns]":
            changed[column] = values.astype("datetime64[ns]")
        elif values.dtype == "str" and column != ID_COLUMN:
            lowercased = column in LOWERCASED_WORDS.get(kind, ())
            text, blank = _per_distinct_text_and_blank(
                values, lambda t: t.str.strip().str.lower() if lowercased else t.str.strip())
            if blank.any() or column in LOWERCASED_WORDS.get(kind, ()):
                changed[column] = text.mask(blank)
    if kind == "ledger" and {"counterparty_note", "counterparty_raw"} <= set(frame.columns):
        # An empty counterparty cell is normal on bank, VAT and salary lines; revenue lines without
        # one are a journal test of their own. A remark here means a cell that was filled but odd.
        raw = frame["counterparty_raw"]
        if raw.dtype == "str":
            empty_cell = _per_distinct_text(raw.fillna(""), lambda t: t.str.strip()) == ""
        else:
            empty_cell = raw.fillna("").astype("str").str.strip() == ""
        note = changed.get("counterparty_note", frame["counterparty_note"])
        changed["counterparty_note"] = note.mask(empty_cell)
    if kind in ("members", "suppliers") and "orgnr" in frame.columns:
        changed["orgnr_is_valid"] = _orgnr_is_valid(frame["orgnr"])
    kept = [c for c in frame.columns if c in checked]
    return frame[kept].assign(**changed)


def _per_distinct_text(values: pd.Series, change: Any) -> pd.Series:
    """`change(values)` for a `str` column, computed once per distinct text and spread back:
    a ledger repeats its account names, counterparties and codes on thousands of lines."""
    codes, distinct = column_codes(values)
    changed = change(pd.Series(distinct, dtype=values.dtype)).array
    return pd.Series(changed.take(codes, allow_fill=True), index=values.index, name=values.name)


def _per_distinct_text_and_blank(values: pd.Series, change: Any) -> tuple[pd.Series, pd.Series]:
    """`change(values)` as `_per_distinct_text` gives it, and where that is "" (False where
    missing), both decided once per distinct text: comparing a million texts with "" costs
    more than the change itself."""
    codes, distinct = column_codes(values)
    changed = change(pd.Series(distinct, dtype=values.dtype)).array
    text = pd.Series(changed.take(codes, allow_fill=True), index=values.index, name=values.name)
    # A missing value has code -1, which takes the appended False.
    blank_of = np.append(np.asarray(changed == "", dtype=bool), False)
    return text, pd.Series(blank_of[codes], index=values.index, name=values.name)


def _orgnr_is_valid(orgnrs: pd.Series) -> pd.Series:
    from stdnum.se import orgnr

    distinct = orgnrs.dropna().astype("str").unique()
    valid = {value: bool(orgnr.is_valid(value)) for value in distinct}
    return orgnrs.map(valid).fillna(False).astype(bool)


def _run_great_expectations(batches: list[_Batch], year: int, docs_dir: Path | None = None) -> list[dict[str, Any]]:
    """Each batch through its suite in one ephemeral context; GX result dicts in batch order.

    With `docs_dir`, GX's Data Docs site is built there from the same results.
    """
    runner = GreatExpectations()
    raw_results = runner.validate(batches, year)
    if docs_dir is not None:
        runner.build_data_docs(docs_dir)
    return raw_results


class GreatExpectations:
    """One ephemeral GX context that validates batches with the suites of `expectations/`.

    Making one imports Great Expectations, which takes about 1 s however small the data: the
    run therefore makes it in a second process while the read runs (`pipeline.validate.worker`).
    `build_data_docs` writes GX's Data Docs site of the validated results.
    """

    def __init__(self, keep_from_collector: bool = False) -> None:
        """`keep_from_collector`: what GX's import and context made is kept out of the cycle
        collector's later runs (`memory.collector_paused`), for a process that holds no data yet."""
        os.environ["GX_ANALYTICS_ENABLED"] = "False"
        from pipeline.validate.deferred import defer
        from pipeline.validate.field_copies import direct_copies

        defer()  # altair and scipy.stats: imported by GX, used by no suite of ours (0.7 s)
        # 0.25-0.4 s of the import and the context, and 0.4 s of later collections (pipeline/memory.py).
        with collector_paused(keep=keep_from_collector):
            with direct_copies():  # the fields of its pydantic classes, copied as GX makes them (0.3-0.6 s)
                import great_expectations as gx
                from great_expectations.data_context.types.base import ProgressBarsConfig

            from pipeline.validate import gx_ids, gx_kwargs

            gx_kwargs.install()  # each expectation's configuration read once per kwargs helper, not per key
            gx_ids.install()  # the id of each plain kwargs dict made once
            self._gx = gx
            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._datasource = self._context.data_sources.add_pandas("inputs")
        self._suites: dict[str, Any] = {}
        self._order: dict[str, dict[str, int]] = {}
        # Per label of a batch sent with row positions: the names of its failing rows, by
        # position, for the stored results that Data Docs are built from.
        self._named: dict[str, dict[int, str]] = {}

    def validate(self, batches: list[_Batch], year: int) -> list[dict[str, Any]]:
        """The GX result of each batch, made deterministic, in batch order; each batch's frame is
        prepared (`_prepared`) just before it is validated, and let go after."""
        from great_expectations.core.run_identifier import RunIdentifier

        # Named after the data, not the clock: the run "time" is the end of the fiscal year, so the
        # Data Docs folder names and pages are the same on every run.
        run_id = RunIdentifier(run_name=f"validation-{year}",
                               run_time=dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone.utc))
        raw_results = []
        for batch in batches:
            frame = _prepared(batch.kind, batch.frame)
            asset = self._datasource.add_dataframe_asset(batch.label)
            definition = asset.add_batch_definition_whole_dataframe(batch.label)
            validation = self._context.validation_definitions.add(
                self._gx.ValidationDefinition(name=batch.label, data=definition, suite=self._suite(batch.kind)))
            with named_fingerprints(batch.sources):
                result = validation.run(
                    run_id=run_id,
                    batch_parameters={"dataframe": frame},
                    expectation_parameters=batch.parameters,
                    result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ID_COLUMN],
                                   "partial_unexpected_count": 0, "return_unexpected_index_query": False},
                )
            del frame
            if batch.sources is not None:
                self._named[batch.label] = name_failing_rows((c.result for c in result.results), batch.sources)
            raw_results.append(_deterministic(result.to_json_dict(), self._order[batch.kind]))
        return raw_results

    def build_data_docs(self, docs_dir: Path) -> None:
        """GX's Data Docs site of the results validated so far, written to `docs_dir`."""
        self._context.add_data_docs_site(DATA_DOCS_SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        _build_data_docs(self._context, docs_dir, self._named)

    def _suite(self, kind: str) -> Any:
        """The suite of one input kind, added to the context when first used: Data Docs show
        every suite of the context, and a suite without input would be a page about nothing."""
        if kind not in self._suites:
            from great_expectations.core.expectation_suite import ExpectationSuite

            data = load_suite(kind)
            expectations = [{**e, "severity": e["meta"]["severity"]} for e in data["expectations"]]
            suite = self._context.suites.add(ExpectationSuite(name=kind, expectations=expectations,
                                                              meta=data.get("meta")))
            self._suites[kind] = suite
            # GX returns results in its own order; keep the suite file's order in every output.
            self._order[kind] = {e.id: i for i, e in enumerate(suite.expectations)}
        return self._suites[kind]


def _build_data_docs(context: Any, docs_dir: Path, named: Mapping[str, dict[int, str]]) -> None:
    """GX's Data Docs from the stored results, without load times, tracebacks or random ids, and
    with the failing rows named by source id (`named`, per batch label) as in the results."""
    store = context.validation_results_store
    for key in store.list_keys():
        stored = store.get(key)
        markers = stored.meta.get("batch_markers") or {}
        markers.pop("ge_load_time", None)
        names = named.get(stored.meta["active_batch_definition"]["data_asset_name"])
        if names is not None:
            rename_failing_rows((c.result for c in stored.results), names)
        for check in stored.results:
            # Tracebacks name files on the machine that ran; the message stays.
            if check.exception_info and "exception_traceback" in check.exception_info:
                check.exception_info["exception_traceback"] = None
        store.set(key, stored)
    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    for page in sorted(docs_dir.rglob("*.html")):
        page.write_text(_stable_data_docs_page(page.read_text(encoding="utf-8")), encoding="utf-8")


def _stable_data_docs_page(page: str) -> str:
    """The page with every random id renumbered in order of appearance and no build time."""
    page = _LOGO_BUILD_TIME.sub(r"\1", page)
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(0), f"id{len(numbers) + 1}")

    return _UUID.sub(renumber, page)


def _deterministic(result: dict[str, Any], order: dict[str, int]) -> dict[str, Any]:
    """The GX result without run times, random ids or tracebacks, results in suite order."""
    meta = {k: v for k, v in result.get("meta", {}).items() if k not in _VOLATILE_META}
    if "batch_markers" in meta:
        meta["batch_markers"] = {k: v for k, v in meta["batch_markers"].items() if k != "ge_load_time"}
    checks = []
    for check in sorted(result["results"], key=lambda r: order[r["expectation_config"]["id"]]):
        config = {k: v for k, v in check["expectation_config"].items() if k != "id"}
        info = check.get("exception_info") or {}
        # Tracebacks name files on the machine that ran; the message is what a reader needs.
        if "raised_exception" not in info:
            messages = sorted(str(v.get("exception_message")) for v in info.values() if isinstance(v, dict))
            info = {"raised_exception": bool(messages), "exception_message": "; ".join(messages) or None}
        else:
            info = {"raised_exception": info.get("raised_exception"), "exception_message": info.get("exception_message")}
        checks.append({**check, "expectation_config": config, "exception_info": info})
    return {**result, "meta": meta, "results": checks, "id": None}


def own_checks(inputs: Inputs, settings: Settings, vouchers: Mapping[int, Vouchers] | None = None) -> list[CheckResult]:
    """The checks made without Great Expectations, in report order: the unbalanced vouchers of
    each year (critical), then the whole-file checks (`ledger_checks`). They need no GX result,
    so the run makes them while the validation process still validates (`worker.report`)."""
    from pipeline.validate.ledger_checks import ledger_checks

    text = messages(_language(settings))
    return _journal_checks(inputs, text, vouchers or {}) + ledger_checks(inputs, settings, text, vouchers)


def _language(settings: Settings) -> str:
    return settings.organisation.language if settings.organisation.language in DESCRIPTION_KEYS else "sv"


def _check_results(batch: _Batch, raw: dict[str, Any], text: Text) -> list[CheckResult]:
    out = []
    for check in raw["results"]:
        config = check["expectation_config"]
        kwargs = config["kwargs"]
        column = kwargs.get("column") or ", ".join(kwargs[k] for k in ("column_A", "column_B") if k in kwargs)
        result = check.get("result") or {}
        ids = tuple(sorted({str(row[ID_COLUMN]) for row in result.get("unexpected_index_list") or []
                            if isinstance(row, dict) and ID_COLUMN in row}))
        description = config["meta"][DESCRIPTION_KEYS[text.language]]
        if batch.year is not None:
            description = _of_year(description, batch.kind, batch.year, text)
        out.append(CheckResult(
            suite=batch.kind,
            check=config["type"],
            column=column,
            severity=config["meta"]["severity"],
            description=description,
            success=bool(check["success"]),
            element_count=int(result.get("element_count", len(batch.frame))),
            unexpected_count=int(result.get("unexpected_count", 0) or 0),
            unexpected_ids=ids,
            batch=batch.label,
        ))
    return out


def _journal_checks(inputs: Inputs, text: Text, vouchers: Mapping[int, Vouchers]) -> list[CheckResult]:
    """Unbalanced vouchers per ledger year: a critical check, since every figure sums vouchers."""
    out = []
    for year in sorted(inputs.ledgers):
        ledger = inputs.ledgers[year]
        if not {"voucher", "amount_ore", ID_COLUMN} <= set(ledger.columns):
            continue  # the ledger suite already fails critically on the missing column
        index = voucher_codes(ledger, vouchers.get(year))
        lines = unbalanced_vouchers(ledger, year, index)
        out.append(CheckResult(
            suite="journal",
            check="unbalanced_vouchers",
            column="voucher",
            severity="critical",
            description=_of_year(describe_test("unbalanced_vouchers", text.language), "ledger", year, text),
            success=lines.empty,
            element_count=len(index.uniques),  # distinct vouchers, as nunique() counts them
            unexpected_count=int(lines["voucher"].nunique()),
            unexpected_ids=tuple(sorted(lines[ID_COLUMN].astype("str"))),
            batch=f"ledger-{year}",
        ))
    return out
