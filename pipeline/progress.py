"""Progress bars for the stages that take long on big inputs (tqdm, on standard error).

Shown only on a terminal (tqdm's `disable=None`), so logs and tests stay clean; `--quiet`
switches them off through tqdm's own TQDM_DISABLE environment setting.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def steps(items: Iterable[T], description: str, unit: str = "") -> Iterator[T]:
    items = list(items)
    yield from tqdm(items, desc=description, unit=f" {unit}" if unit else "it", disable=None, leave=False,
                    file=sys.stderr, total=len(items))
