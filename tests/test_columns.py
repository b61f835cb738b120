"""The text comparisons of `pipeline.columns` give what pandas' `==` and `!=` give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pipeline  # noqa: F401 - pandas' text columns in Python storage, as in the run
from pipeline.columns import column_codes, equal, factorize, unequal

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


def _same_as_pandas(values: np.ndarray) -> None:
    expected_codes, expected_uniques = pd.factorize(values)
    codes, uniques = factorize(values)
    assert codes.dtype == expected_codes.dtype and np.array_equal(codes, expected_codes)
    assert isinstance(uniques, np.ndarray) and uniques.dtype == object
    assert len(uniques) == len(expected_uniques)
    # The very objects pandas keeps: each value's first object, in pandas' order.
    assert all(a is b for a, b in zip(uniques, expected_uniques))


def test_factorize_counts_a_repeating_column_by_hand(monkeypatch):
    # 12 000 lines of three texts, each text one object as the read gives it, and missing cells.
    a, b, c = "kostnad", "intäkt", "bidrag"
    values = np.array([a, b, None, a, c, np.nan] * 2_000, dtype=object)
    hashed = []
    plain_factorize = pd.factorize
    monkeypatch.setattr(pd, "factorize", lambda v, *args, **kw: hashed.append((v.dtype, len(v))) or plain_factorize(v, *args, **kw))
    codes, uniques = factorize(values)
    monkeypatch.undo()
    # By object: 12 000 addresses as integers, then only the five distinct objects as values.
    assert hashed == [(np.dtype(np.intp), 12_000), (np.dtype(object), 5)]
    assert uniques.tolist() == [a, b, c]
    assert codes[:6].tolist() == [0, 1, -1, 0, 2, -1]
    assert np.bincount(codes[codes >= 0]).tolist() == [4_000, 2_000, 2_000]
    assert (codes == -1).sum() == 4_000
    _same_as_pandas(values)


def test_factorize_merges_equal_texts_held_by_different_objects():
    # The same text built twice is two objects: one code, and the first object is the value.
    first, second = "".join(["ser", "vice"]), "".join(["serv", "ice"])
    assert first == second and first is not second
    values = np.array([second if i % 3 else first for i in range(30_000)], dtype=object)
    values[0] = "other"
    codes, uniques = factorize(values)
    assert uniques.tolist() == ["other", "service"] and uniques[1] is values[1]
    assert codes[:4].tolist() == [0, 1, 1, 1]
    _same_as_pandas(values)


@pytest.mark.parametrize("size", [0, 1, 999, 10_000, 50_000])
def test_factorize_is_pandas_factorize_on_odd_values(size):
    rng = np.random.default_rng(size)

    class Word(str):
        pass

    # Odd cells: a str subclass, numbers that equal each other across types (1 == 1.0 == True),
    # -0.0 beside 0.0, NaN objects, None and pd.NA, empty text, and texts rebuilt as new objects.
    pool = [*ODD, Word("revenue"), 1, 1.0, True, 0.0, -0.0, float("nan"), np.nan, None, pd.NA, "",
            *("".join(["re", "venue"]) for _ in range(3))]
    picks = rng.integers(0, len(pool), size)
    values = np.empty(size, dtype=object)
    values[:] = [pool[i] for i in picks]
    _same_as_pandas(values)
    # Mostly distinct (every value its own object): the plain way, the same answer.
    _same_as_pandas(np.array([f"id-{i % max(size // 2, 1)}" for i in range(size)], dtype=object))
    # Not contiguous, and not objects: pandas' own answer.
    _same_as_pandas(values[::2])
    ints = rng.integers(0, 5, size)
    codes, uniques = factorize(ints)
    expected_codes, expected_uniques = pd.factorize(ints)
    assert np.array_equal(codes, expected_codes) and np.array_equal(uniques, expected_uniques)


def test_column_codes_of_text_and_other_columns():
    texts = pd.Series(["a", None, "b", "a"] * 5_000, dtype="str")
    codes, uniques = column_codes(texts)
    assert codes[:4].tolist() == [0, -1, 1, 0] and uniques.tolist() == ["a", "b"]
    amounts = pd.Series([5, 7, 5], dtype="int64")
    codes, uniques = column_codes(amounts)
    assert codes.tolist() == [0, 1, 0] and list(uniques) == [5, 7]
