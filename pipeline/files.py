"""File facts shared by the stages: content hashes, JSON as the outputs write it, and the day
spreadsheets count dates from. No stage logic lives here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

# Excel's day 0 in the 1900 date system: serial 1 is 1900-01-01 after Lotus' leap-year bug.
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex, read in blocks (a ledger can be hundreds of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: Path, data: Any, sort_keys: bool = False) -> None:
    """UTF-8 JSON, two-space indent, non-ASCII kept, one final newline: the same bytes for
    the same data."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=sort_keys, default=str)
    path.write_text(text + "\n", encoding="utf-8")
