"""Read stage, the second year: last year's outputs as an input (issue 18).

The yearly run writes `outputs/<input folder>/<Y>/results.json` and `manifest.json`. Next year's
run reads them back: window years with neither a ledger nor a history row take their totals
from that report (source "report", with the file and its SHA-256 as the reference), a prior
year's ledger whose hash differs from the one the earlier manifest recorded is found here, and
the earlier figures are kept to be shown beside this year's (pipeline/compute/continuity.py).

The earlier report is read as plain JSON, leniently: a report of an older version of the tool
lacks some keys, and what is missing is simply not compared. Nothing here writes anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import UsageError
from pipeline.files import sha256_of
from pipeline.messages import messages

RESULTS = "results.json"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PreviousReport:
    """One earlier year's outputs: its results and manifest as written, and where they are."""

    year: int
    results: dict[str, Any]
    manifest: dict[str, Any]
    ref: str  # "<outputs>/<folder>/<year>/results.json sha256:<hash>"

    @property
    def input_files(self) -> dict[str, dict[str, Any]]:
        """The earlier manifest's input entries by path."""
        return {entry["path"]: entry for entry in self.manifest.get("inputs", []) if "path" in entry}

    @property
    def teckal_years(self) -> dict[int, dict[str, Any]]:
        return {int(y["year"]): y for y in self.results.get("teckal", {}).get("years", [])}


@dataclass(frozen=True)
class Earlier:
    """What the run knows of earlier years: last year's report (or None) and the yearly share
    of every year the outputs folder holds a report for (year -> share text or None)."""

    previous: PreviousReport | None
    trend: dict[int, str | None] = field(default_factory=dict)


def previous_folder(out_root: Path, inputs_folder: Path, year: int, named: str = "") -> Path:
    """Where last year's outputs are: the folder named in settings (relative to the input
    folder), else `<outputs>/<input folder name>/<year - 1>`."""
    if named:
        path = Path(named)
        return path if path.is_absolute() else inputs_folder / path
    return out_root / inputs_folder.resolve().name / str(year - 1)


def read_earlier(out_root: Path | None, inputs_folder: Path, year: int, named: str = "",
                 language: str = "sv") -> Earlier:
    """Last year's report (when there is one) and the trend of every earlier report."""
    if out_root is None and not named:
        return Earlier(None)
    root = out_root if out_root is not None else inputs_folder
    folder = previous_folder(root, inputs_folder, year, named)
    previous = read_report(folder, year - 1, language, root) if (folder / RESULTS).is_file() else None
    if named and previous is None:
        raise UsageError(messages(language)("previous.missing", folder=named))
    trend: dict[int, str | None] = {}
    if previous is not None:  # the trend the earlier report knew, reports since moved away included
        for entry in previous.results.get("continuity", {}).get("trend", []):
            if isinstance(entry, dict) and isinstance(entry.get("year"), int) and entry["year"] < year:
                trend[entry["year"]] = entry.get("share")
    places = {folder.parent.resolve()} if previous is not None else set()
    if out_root is not None:
        places.add((out_root / inputs_folder.resolve().name).resolve())
    for organisation in sorted(places):
        for candidate in sorted(organisation.glob("*/" + RESULTS)) if organisation.is_dir() else []:
            name = candidate.parent.name
            if not name.isdigit() or int(name) >= year:
                continue
            share = _own_share(_load(candidate, language), int(name))
            if share is not _NO_SHARE:
                trend[int(name)] = share
    if previous is not None:
        own = _own_share(previous.results, previous.year)
        if own is not _NO_SHARE:
            trend[previous.year] = own
    return Earlier(previous, dict(sorted(trend.items())))


_NO_SHARE = object()


def _own_share(results: dict[str, Any], year: int) -> Any:
    """A report's share for its own report year, or _NO_SHARE when it does not state one."""
    for entry in results.get("teckal", {}).get("years", []):
        if entry.get("year") == year:
            return entry.get("share")
    return _NO_SHARE


def read_report(folder: Path, year: int, language: str = "sv", root: Path | None = None) -> PreviousReport:
    results_path = folder / RESULTS
    results = _load(results_path, language)
    manifest_path = folder / MANIFEST
    manifest = _load(manifest_path, language) if manifest_path.is_file() else {}
    stated = results.get("year")
    if stated is not None and stated != year:
        raise UsageError(messages(language)("previous.wrong_year", file=_shown(results_path, root), year=stated,
                                            expected=year))
    return PreviousReport(year=year, results=results, manifest=manifest,
                          ref=f"{_shown(results_path, root)} sha256:{sha256_of(results_path)}")


def _shown(path: Path, root: Path | None) -> str:
    """The path from the outputs root's own name on: the same on every machine."""
    if root is not None:
        try:
            return (Path(root.resolve().name) / path.resolve().relative_to(root.resolve())).as_posix()
        except ValueError:
            pass
    return "/".join(path.resolve().parts[-3:])


def _load(path: Path, language: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(messages(language)("previous.unreadable", file=path.name, folder=path.parent.name,
                                            detail=exc)) from None
    if not isinstance(data, dict):
        raise UsageError(messages(language)("previous.unreadable", file=path.name, folder=path.parent.name,
                                            detail="not an object"))
    return data


def history_with_report(history: pd.DataFrame, previous: PreviousReport | None, window: list[int],
                        ledger_years: set[int]) -> pd.DataFrame:
    """The history register with a row for each window year that has neither a ledger nor a
    history row but is in last year's report: its totals as that report stated them, its
    `source_ref` the report's file and hash (year_from_history turns it into source "report")."""
    if previous is None:
        return history
    have = set(history["year"].astype(int)) if len(history) else set()
    added = []
    for y in window:
        entry = previous.teckal_years.get(y)
        if y in ledger_years or y in have or entry is None:
            continue
        # Totals with grants, and the grants apart, so that either grants treatment can be
        # applied (the earlier report's total follows its own treatment).
        total = sek_ore(entry["total_sek"])
        grants = sek_ore(entry["grants_sek"]) if entry.get("grants_sek") is not None else None
        if grants is not None and previous.results.get("teckal", {}).get("grants") == "exclude":
            total += grants
        added.append({"year": y, "controlling_ore": sek_ore(entry["controlling_sek"]),
                      "total_ore": total, "source": "report", "source_ref": previous.ref,
                      "grants_ore": grants})
    if not added:
        return history
    base = history.assign(source_ref="") if "source_ref" not in history.columns else history
    return pd.concat([base, pd.DataFrame(added)], ignore_index=True).astype(
        {"year": "int64", "controlling_ore": "int64", "total_ore": "int64"})


def changed_ledger_files(previous: PreviousReport | None, files: list[dict[str, Any]], year: int) -> dict[int, list[str]]:
    """Prior years' ledger files whose SHA-256 differs from the earlier manifest's, or that
    were added or removed since: year -> sorted paths. Only years the earlier report read."""
    if previous is None:
        return {}
    before = {p: e for p, e in previous.input_files.items() if e.get("kind") == "ledger"}
    now = {e["path"]: e for e in files if e.get("kind") == "ledger"}
    earlier_years = {_year_of(p) for p in before} - {None}
    changed: dict[int, list[str]] = {}
    for path in sorted(set(before) | set(now)):
        y = _year_of(path)
        if y is None or y >= year or y not in earlier_years:
            continue
        if path in before and path in now and before[path].get("sha256") == now[path].get("sha256"):
            continue
        if path not in now and y not in {_year_of(p) for p in now}:
            continue  # the year's ledger is no longer in the folder: its figures come from elsewhere
        changed.setdefault(y, []).append(path)
    return changed


def _year_of(path: str) -> int | None:
    head = path.split("/", 1)[0]
    return int(head) if head.isdigit() and len(head) == 4 and "/" in path else None


def sek_ore(text: str) -> int:
    """Two-decimal SEK text (as results.json writes money) to whole öre, exactly."""
    value = Decimal(str(text)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"not a whole öre amount: {text!r}")
    return int(value)
