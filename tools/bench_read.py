"""The benchmark's references, each in a child process of its own, on one ledger workbook:

- `floor`: the bare python-calamine read of the first sheet,
  `CalamineWorkbook.from_path(p).get_sheet_by_name(name).to_python()`, with no parsing and no
  checks. No pipeline can read the file faster than this (issue 19).
- `openpyxl`: `pandas.read_excel(engine="openpyxl")` alone, the reference of issue 7.

The imports are excluded from the seconds. The timings go to a JSON file: the seconds under the
read's key (`floor_read` or `openpyxl_read`) and the rows read.

Run: `python -m tools.bench_read {floor|openpyxl} <ledger.xlsx> <timings.json>`
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def time_calamine_read(ledger: Path) -> dict[str, float]:
    """Seconds the bare calamine read of the workbook's first sheet takes (after the import)."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(ledger))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    return {"floor_read": time.perf_counter() - start, "rows": float(len(rows))}


def time_openpyxl_read(ledger: Path) -> dict[str, float]:
    """Seconds `pandas.read_excel(engine="openpyxl")` alone takes on one ledger file (after imports)."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(ledger, engine="openpyxl")
    return {"openpyxl_read": time.perf_counter() - start, "rows": float(len(frame))}


READS = {"floor": time_calamine_read, "openpyxl": time_openpyxl_read}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in READS:
        print(__doc__, file=sys.stderr)
        return 2
    timings = READS[argv[0]](Path(argv[1]))
    Path(argv[2]).write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
