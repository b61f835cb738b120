"""The text comparisons of `pipeline.columns` give what pandas' `==` and `!=` give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pipeline  # noqa: F401 - pandas' text columns in Python storage, as in the run
from pipeline.columns import equal, unequal

ODD = ["revenue", "", " revenue", "Revenue", "revenue ", "intäkt", "\u200brevenue", "grant", "x" * 300]


@pytest.mark.parametrize("missing", [None, np.nan])
@pytest.mark.parametrize("text", ["revenue", "", "intäkt", "none of them"])
def test_equal_and_unequal_are_pandas_comparisons_on_text_columns(missing, text):
    rng = np.random.default_rng(7)
    values = [ODD[i] for i in rng.integers(0, len(ODD), 500)] + [missing, missing]
    for column in (pd.Series(values, dtype="str"), pd.Series(values, dtype=object),
                   pd.Series(values, dtype="str").iloc[::3], pd.Series([], dtype="str")):
        assert column.dtype != "str" or column.array.dtype.storage == "python"
        expected_equal = (column == text).to_numpy(dtype=bool)
        expected_unequal = (column != text).to_numpy(dtype=bool)
        assert np.array_equal(equal(column, text), expected_equal)
        assert np.array_equal(unequal(column, text), expected_unequal)
        assert equal(column, text).dtype == bool and len(equal(column, text)) == len(column)
    # Counted by hand: both missing values are unequal to any text, never equal.
    column = pd.Series(["a", missing, "b", missing], dtype="str")
    assert equal(column, "a").tolist() == [True, False, False, False]
    assert unequal(column, "a").tolist() == [False, True, True, True]


def test_the_masks_select_the_same_rows_as_pandas_masks():
    frame = pd.DataFrame({"line_type": ["cost", "revenue", None, "revenue"], "amount": [1, 2, 3, 4]},
                         index=[10, 20, 30, 40]).astype({"line_type": "str"})
    is_revenue = equal(frame["line_type"], "revenue")
    assert frame[is_revenue].equals(frame[frame["line_type"] == "revenue"])
    assert frame.loc[is_revenue, "amount"].sum() == 6
    both = is_revenue & (frame["amount"] > 2)
    assert both.tolist() == [False, False, False, True]
