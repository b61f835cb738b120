"""The validation's own pages: GX's raw results as JSON, one HTML page per suite with every
check and its failing rows, a summary and an index linking GX's Data Docs
(`pipeline.validate.suites` decides what the results are; this module only writes them)."""

from __future__ import annotations

import html
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.files import write_json
from pipeline.messages import Text
from pipeline.validate.checks import CheckResult

if TYPE_CHECKING:
    from pipeline.validate.suites import ValidationReport, _Batch

DATA_DOCS_FOLDER = "data_docs"


def write_pages(folder: Path, batches: list[_Batch], raw_results: list[dict[str, Any]], report: ValidationReport,
                text: Text) -> None:
    """GX's raw result of each batch as JSON, one page per suite, summary.json and index.html."""
    folder.mkdir(parents=True, exist_ok=True)
    for batch, raw in zip(batches, raw_results):
        write_json(folder / f"{batch.label}.json", raw, sort_keys=True)
    by_suite: dict[str, list[CheckResult]] = {}
    for result in report.results:
        by_suite.setdefault(result.suite, []).append(result)
    for suite, results in by_suite.items():
        (folder / f"{suite}.html").write_text(_suite_html(suite, results, text), encoding="utf-8")
    write_json(folder / "summary.json", _summary(report, batches), sort_keys=True)
    # GX's Data Docs are always built beside these pages, perhaps still by the second process.
    (folder / "index.html").write_text(_index_html(by_suite, text), encoding="utf-8")


def _summary(report: ValidationReport, batches: list[_Batch]) -> dict[str, Any]:
    return {
        "success": not report.critical_failures,
        "critical_failures": len(report.critical_failures),
        "warnings": len(report.warnings),
        "checks": len(report.results),
        "language": report.language,
        "batches": [{"suite": b.kind, "file": f"{b.label}.json", "rows": len(b.frame)} for b in batches],
        "results": [{**asdict(r), "unexpected_ids": list(r.unexpected_ids)} for r in report.results],
    }


_CSS = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#eee}.fail-critical{background:#f8d7da}.fail-warning{background:#fff3cd}.pass{background:#e8f5e9}
details{max-width:40em}code{font-size:12px}"""


def _page(title: str, body: str, text: Text) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"{text.language}\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>\n{body}</body></html>\n")


def _header_row(text: Text, keys: tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<th>{html.escape(text(f'validate.page.{key}'))}</th>" for key in keys) + "</tr>"


def _suite_html(suite: str, results: list[CheckResult], text: Text) -> str:
    rows = []
    for r in results:
        css = "pass" if r.success else f"fail-{r.severity}"
        verdict = text("validate.page.passed" if r.success else "validate.page.failed")
        ids = ""
        if r.unexpected_ids:
            listed = "<br>".join(f"<code>{html.escape(i)}</code>" for i in r.unexpected_ids)
            summary = html.escape(text("validate.page.rows", count=len(r.unexpected_ids)))
            ids = f"<details><summary>{summary}</summary>{listed}</details>"
        rows.append(
            f"<tr class=\"{css}\"><td>{html.escape(verdict)}</td>"
            f"<td>{html.escape(text(f'validate.severity.{r.severity}'))}</td>"
            f"<td>{html.escape(r.description)}</td><td><code>{html.escape(r.check)}</code></td>"
            f"<td>{html.escape(r.column)}</td><td>{r.element_count}</td><td>{r.unexpected_count}</td><td>{ids}</td></tr>")
    title = text("validate.page.title", suite=text(f"validate.input.{suite}"))
    header = _header_row(text, ("result", "severity", "check", "expectation", "column", "rows_checked", "failing",
                                "failing_rows"))
    return _page(title, f"<h1>{html.escape(title)}</h1>\n<p><a href=\"index.html\">"
                        f"{html.escape(text('validate.page.all_suites'))}</a></p>\n<table>{header}\n"
                        + "\n".join(rows) + "\n</table>", text)


def _index_html(by_suite: dict[str, list[CheckResult]], text: Text) -> str:
    rows = []
    for suite, results in by_suite.items():
        critical = sum(1 for r in results if r.severity == "critical" and not r.success)
        warning = sum(1 for r in results if r.severity == "warning" and not r.success)
        css = "fail-critical" if critical else "fail-warning" if warning else "pass"
        rows.append(f"<tr class=\"{css}\"><td><a href=\"{html.escape(suite)}.html\">"
                    f"{html.escape(text(f'validate.input.{suite}'))}</a></td>"
                    f"<td>{len(results)}</td><td>{critical}</td><td>{warning}</td></tr>")
    header = _header_row(text, ("suite", "checks", "critical_failures", "warnings"))
    link = f"<a href=\"{DATA_DOCS_FOLDER}/index.html\">{DATA_DOCS_FOLDER}/index.html</a>"
    # The link is markup of our own; the sentence around it is catalogue text, escaped.
    before, _, after = text.template("validate.page.data_docs_note").partition("{link}")
    note = f"<p>{html.escape(before)}{link}{html.escape(after)}</p>\n"
    return _page(text("validate.page.index_title"),
                 f"<h1>{html.escape(text('validate.page.index_heading'))}</h1>\n<table>{header}\n"
                 + "\n".join(rows) + "\n</table>\n" + note, text)
