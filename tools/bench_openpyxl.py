"""The benchmark's baseline, in a child process of its own: `pandas.read_excel(engine="openpyxl")`
alone on one ledger file, the reference of issue 7. Imports are excluded from the seconds.

Run: `python -m tools.bench_openpyxl <ledger.xlsx> <timings.json>`
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def time_openpyxl_read(ledger: Path) -> dict[str, float]:
    """Seconds `pandas.read_excel(engine="openpyxl")` alone takes on one ledger file (after imports)."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(ledger, engine="openpyxl")
    return {"openpyxl_read": time.perf_counter() - start, "rows": float(len(frame))}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    timings = time_openpyxl_read(Path(argv[0]))
    Path(argv[1]).write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
