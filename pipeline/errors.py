"""Failure kinds and the problem record every stage reports with.

A `Problem` is a value: stages collect them and return them. Only the CLI turns them
into a message and an exit code. Exceptions are for conditions that stop a stage outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str
    sheet: str = ""
    row: int | None = None  # 1-based spreadsheet row number, as Excel shows it
    column: str = ""
    message: str = ""
    severity: str = "critical"  # "critical" stops the run; "warning" is listed in the report
    # The language of the labels "sheet", "row", "column" (sv | en); not part of identity.
    language: str = field(default="sv", compare=False)

    def where(self) -> str:
        from pipeline.messages import messages  # the catalogue is data; load it only when shown

        text = messages(self.language)
        parts = [self.file]
        if self.sheet:
            parts.append(text("problem.sheet", sheet=self.sheet))
        if self.row is not None:
            parts.append(text("problem.row", row=self.row))
        if self.column:
            parts.append(text("problem.column", column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class PipelineError(Exception):
    """Base class. `exit_code` is what the CLI returns for it."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


class UsageError(PipelineError):
    """Wrong command-line arguments or a missing input folder."""

    exit_code = 2


class SettingsError(PipelineError):
    """settings.toml is unreadable, has unknown keys or values of the wrong type."""

    exit_code = 2


class InputError(PipelineError):
    """An input file cannot be read, or its rows make the figures meaningless."""

    exit_code = 1


class ValidationFailed(PipelineError):
    """A critical data expectation failed; the validation results are still written."""

    exit_code = 1
