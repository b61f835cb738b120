"""What the read stage makes of known input folders, as digests: the safety net of every change
to the reader (issue 19: "the same frames, dtypes included").

For each folder, every frame of `read_inputs` (each year's ledger, each register) is recorded
as its row count, its columns with their dtypes, and one SHA-256 per column over the column's
values; the rejected rows, read notes and file totals are recorded the same way. A change in
any value, dtype, column order, rejection reason or row number changes a digest, and the test
(`tests/test_read_frames.py`) names the folder, frame and column that changed.

The folders: the bundled example (three ledger years and every register), the template-shaped,
ERP-shaped, CSV and SIE ledgers of `tests/test_read.py`, a ledger with the odd cells of the
bad-input corpus that the read rejects row by row (an Excel error, a formula without a saved
value, an ambiguous amount, a day-first date, a totals row, a repeated header, a blank row),
and, where the shared data folder is present, the real accounts-payable file as purchases.

When a change of the frames is meant, write the digests anew and say so in the commit:
    .venv/bin/python -m tests.frame_digests --write
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from pipeline.read.folder import read_inputs
from pipeline.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = ROOT / "tests" / "data" / "read_frames.json"
REAL_PAYABLES = ROOT.parent / "shared" / "data" / "real" / "Orebro.2016-03.xlsx"
_MISSING = "\x00missing"


def column_digest(values: pd.Series) -> str:
    """SHA-256 of a column's values: the raw bytes of a numeric, boolean or datetime column; the
    text of every value (with its type, and a marker for a missing one) for any other."""
    hasher = hashlib.sha256(str(values.dtype).encode())
    if values.dtype.kind in "biufM" and not isinstance(values.dtype, pd.CategoricalDtype):
        hasher.update(np.ascontiguousarray(values.to_numpy()).tobytes())
    else:
        for value in values.to_numpy(dtype=object):
            text = _MISSING if value is None or (isinstance(value, float) and value != value) \
                else f"{type(value).__name__}:{value}"
            hasher.update(text.encode("utf-8", "surrogatepass") + b"\x1e")
    return hasher.hexdigest()


def frame_record(frame: pd.DataFrame) -> dict:
    return {"rows": len(frame),
            "columns": [[str(name), str(frame[name].dtype)] for name in frame.columns],
            "digests": {str(name): column_digest(frame[name]) for name in frame.columns}}


def records_digest(records: list, leave_out: tuple[str, ...] = ()) -> dict:
    """A list of dataclass records (rejected rows, read notes, totals) as a count and a digest;
    `leave_out` names fields that are not the reader's (a written file's own hash)."""
    rows = [json.dumps({k: v for k, v in dataclasses.asdict(r).items() if k not in leave_out},
                       sort_keys=True, default=str, ensure_ascii=False) for r in records]
    return {"count": len(rows), "digest": hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()}


def inputs_record(folder: Path, year: int) -> dict:
    inputs = read_inputs(folder, year, load_settings(folder))
    frames = {f"ledger-{y}": inputs.ledgers[y] for y in sorted(inputs.ledgers)}
    for kind in ("members", "counterparties", "services", "suppliers", "history", "governance", "purchases"):
        frame = getattr(inputs, kind)
        if frame is not None:
            frames[kind] = frame
    return {"frames": {name: frame_record(frame) for name, frame in frames.items()},
            "rejected": records_digest(inputs.rejected),
            "read_notes": records_digest(inputs.read_notes),
            # A workbook written here holds the time it was written, so its bytes' hash is left out.
            "totals": records_digest(inputs.totals, leave_out=("sha256",))}


# ---------------------------------------------------------------- the folders


def _example(work: Path) -> tuple[Path, int]:
    return ROOT / "inputs" / "example", 2025


def _written(ledger_writer: Callable[[Path], None]) -> Callable[[Path], tuple[Path, int]]:
    def build(work: Path) -> tuple[Path, int]:
        from tests.test_read import write_registers

        folder = work / ledger_writer.__name__
        write_registers(folder)
        ledger_writer(folder)
        return folder, 2025
    return build


def _odd_cells(work: Path) -> tuple[Path, int]:
    from tests import corpus
    from tests.workbooks import LEDGER_HEADER, small_ledger

    folder = corpus.valid_folder(work, "odd_cells")
    rows = small_ledger(2025)
    rows[0][3] = "#REF!"  # openpyxl stores this text as an Excel error cell
    rows[1][3] = "=-D2"  # a formula without a saved result
    rows[2][3] = "24,990"  # one separator and three digits: 24 990 kr or 24,99 kr
    rows[3][0] = "3/4/2025"  # day or month first: never guessed
    rows[4][3] = "1 234,50 kr"  # text an amount reads from
    rows.insert(2, [None] * len(LEDGER_HEADER))  # a blank row
    rows.insert(4, list(LEDGER_HEADER))  # the header repeated after a page break
    rows.append(["Summa", None, None, 0, None, None, None, None])  # a totals row
    corpus.write_ledger(folder, rows)
    return folder, 2025


def _real_payables(work: Path) -> tuple[Path, int] | None:
    if not REAL_PAYABLES.exists():
        return None
    from tests.workbooks import write_folder

    folder = write_folder(work / "payables", years=(2014, 2015, 2016))
    shutil.copyfile(REAL_PAYABLES, folder / "2016" / "purchases-2016-03.xlsx")
    return folder, 2016


def folders() -> dict[str, Callable[[Path], tuple[Path, int] | None]]:
    from tests.test_read import csv_ledgers, erp_ledger, sie_ledger, template_ledger

    return {"example": _example, "template": _written(template_ledger), "erp": _written(erp_ledger),
            "csv": _written(csv_ledgers), "sie": _written(sie_ledger), "odd_cells": _odd_cells,
            "real_payables": _real_payables}


def current(names: list[str] | None = None) -> dict[str, dict]:
    """The record of each folder (those whose data is present), built in a temporary folder."""
    out = {}
    with tempfile.TemporaryDirectory() as work:
        for name, build in folders().items():
            if names is not None and name not in names:
                continue
            built = build(Path(work))
            if built is not None:
                out[name] = inputs_record(*built)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the digests to {DIGESTS.relative_to(ROOT)}")
    args = parser.parse_args()
    records = current()
    text = json.dumps({"folders": records}, indent=1, ensure_ascii=False)
    if args.write:
        DIGESTS.parent.mkdir(parents=True, exist_ok=True)
        DIGESTS.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {DIGESTS.relative_to(ROOT)}: {', '.join(records)}")
    else:
        print(text)


if __name__ == "__main__":
    main()
