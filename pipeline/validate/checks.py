"""One check's outcome, the record every validation step returns (the Great Expectations suites,
the journal's critical test, the whole-file ledger checks); shared so that none of them imports
another for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    suite: str  # "ledger", "members", ..., "journal"
    check: str  # expectation type or journal test name
    column: str
    severity: str  # "critical" | "warning"
    description: str  # one plain sentence in the run's language
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_ids: tuple[str, ...]  # every failing row's source_id, sorted
    batch: str = ""  # the input checked: "ledger-2025", "members", ...
