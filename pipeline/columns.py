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

`factorize` is `pd.factorize` of a text column by its objects first (see there): the read makes
one text object per distinct value of a column, so most columns of the classified lines hold a
few objects over and over.
"""

from __future__ import annotations

import ctypes

import numpy as np
import pandas as pd


def equal(column: pd.Series, text: str) -> np.ndarray:
    """`column == text`, False where the column is missing."""
    return column.to_numpy(dtype=object) == text


def unequal(column: pd.Series, text: str) -> np.ndarray:
    """`column != text`, True where the column is missing."""
    return column.to_numpy(dtype=object) != text


# By object only a column of this many values or more whose first SAMPLE values hold at most
# REPEATING_SHARE distinct objects. Measured on the columns of a million classified lines (best
# of three): the fifteen columns whose first 1 000 values hold 0-16 % distinct objects were coded
# in 15-32 ms against 30-75 ms plainly, 0.3-0.6 ms against 0.6-2.4 ms on blocks of 35 000; those
# of 38-100 % (vouchers, free texts, source ids) took 15-75 % longer. Below 10 000 values the
# plain way is as fast.
BY_OBJECT_FROM = 10_000
SAMPLE = 1_000
REPEATING_SHARE = 0.25


def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(values)`: for an object array, codes (-1 where missing) and the distinct
    values (an object array) in order of first appearance, each the first object holding it.

    A long column that repeats its values is coded by its objects' addresses first, as integers,
    and only its distinct objects are then hashed as values: the read gives a column one text
    object per distinct value, so a million lines of a few categories or counterparties hold a
    few objects. Equal texts in different objects meet in the second step, so codes and
    distinct values are `pd.factorize`'s own: its distinct objects, in its order, which is the
    order of their first objects (tested on odd values, missing ones among them). The addresses
    are read through `ctypes` from the array's own buffer of object pointers while the array
    holds them. Any other array (short, mostly distinct, not 1-D, not contiguous, not of
    objects) goes to `pd.factorize` as it is."""
    if not (isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1
            and values.flags.c_contiguous and len(values) >= BY_OBJECT_FROM):
        return pd.factorize(values)
    addresses = np.frombuffer((ctypes.c_char * values.nbytes).from_address(values.ctypes.data), dtype=np.intp)
    if len(pd.unique(addresses[:SAMPLE])) > REPEATING_SHARE * SAMPLE:
        return pd.factorize(values)
    object_codes, _ = pd.factorize(addresses)
    del addresses  # a view of `values`' buffer, which holds no reference to it: not kept
    # An object's first position is where its code exceeds every code before it.
    first = object_codes > np.maximum.accumulate(np.concatenate(([-1], object_codes[:-1])))
    value_codes, uniques = pd.factorize(values[first])
    return value_codes[object_codes], uniques


def column_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray | pd.Index]:
    """`pd.factorize(column)`: a text column ("str" or object) by `factorize`, its distinct values
    then an object array; any other column as pandas codes it."""
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        return factorize(column.to_numpy(dtype=object))
    return pd.factorize(column)
