"""Validate stage: Great Expectations suites over every input, and the journal-entry tests.

Entry: `validate_inputs(inputs, settings) -> ValidationReport`. `suites` builds the batches and
reads the results, `worker` runs Great Expectations in a second process, `journal` holds the
journal-entry tests. Exports are loaded lazily: the CLI starts the worker before pandas and
Great Expectations are imported, and importing this package must not wait for them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["validate_inputs"]


def __getattr__(name: str) -> Any:
    if name == "validate_inputs":
        from pipeline.validate.suites import validate_inputs

        return validate_inputs
    raise AttributeError(name)
