"""The benchmark's reference, in a child process of its own: the bare python-calamine read of one
workbook's first sheet, `CalamineWorkbook.from_path(p).get_sheet_by_name(name).to_python()`, with
no parsing and no checks. No pipeline can read the file faster than this (issue 19). The import is
excluded from the seconds.

Run: `python -m tools.bench_floor <ledger.xlsx> <timings.json>`
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


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    timings = time_calamine_read(Path(argv[0]))
    Path(argv[1]).write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
