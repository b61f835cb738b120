"""A text column compared with one text, as a NumPy bool array: the figures' most common step.

pandas compares a "str" column (Python storage, `pipeline/__init__.py`) with a text in about
60 ms a million lines, half of it finding the missing values first to answer False there.
NumPy compares the column's own objects in about 26 ms, and a missing value (NaN) is unequal to
any text there as well, so the answers are the same, tested against pandas on odd values
(`tests/test_columns.py`). The figures and the classification compare the classified lines'
line type, activity, category and service so in some twenty places, several of them once per
service or per sensitivity case.

The result is a NumPy array, not a Series: it selects rows (`frame[mask]`, `frame.loc[mask]`)
and combines with Series (`mask & series`) as a Series of the same values would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def equal(column: pd.Series, text: str) -> np.ndarray:
    """`column == text`, False where the column is missing."""
    return column.to_numpy(dtype=object) == text


def unequal(column: pd.Series, text: str) -> np.ndarray:
    """`column != text`, True where the column is missing."""
    return column.to_numpy(dtype=object) != text
