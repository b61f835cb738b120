"""Validation's text preparation decided once per distinct text (issue 19): the same texts and
blanks as changing and comparing every line."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.suites import _per_distinct_text, _per_distinct_text_and_blank


def test_text_and_blank_per_distinct_value_equal_the_line_by_line_result():
    values = pd.Series([" a", "", None, "  ", "b ", " a", None, "B"], dtype="str", index=range(10, 18))
    text, blank = _per_distinct_text_and_blank(values, lambda t: t.str.strip().str.lower())
    # By hand: stripped and lower-cased " a"->"a", ""->"", None stays missing, "  "->"", "b "->"b", "B"->"b";
    # blank only where the result is "" (rows 11 and 13), never where the value is missing.
    assert text.isna().tolist() == [False, False, True, False, False, False, True, False]
    assert text.dropna().tolist() == ["a", "", "", "b", "a", "b"]
    assert blank.tolist() == [False, True, False, True, False, False, False, False]
    assert blank.dtype == bool
    assert list(blank.index) == list(range(10, 18))
    # And exactly what the line-by-line form gives.
    line_by_line = _per_distinct_text(values, lambda t: t.str.strip().str.lower())
    assert text.equals(line_by_line)
    assert blank.equals(line_by_line == "")


def test_all_missing_gives_no_blank():
    values = pd.Series([None, None], dtype="str")
    text, blank = _per_distinct_text_and_blank(values, lambda t: t.str.strip())
    assert text.isna().all()
    assert blank.tolist() == [False, False]
