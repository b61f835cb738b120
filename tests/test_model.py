"""The shared shapes: frames stacked as one table (`model.StackedFrames`)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pipeline.model import StackedFrames


def year(dates: list[str], vouchers: list[str | None], amounts: list[int], flags: list[bool]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(dates).astype("datetime64[ns]"),
                         "voucher": pd.Series(vouchers, dtype="str"),
                         "amount_ore": pd.Series(amounts, dtype="int64"),
                         "service_known": pd.Series(flags, dtype="bool")})


def three_years() -> list[pd.DataFrame]:
    # Two lines, none, three lines: 5 rows in all, the empty year in the middle.
    return [year(["2023-01-02", "2023-05-06"], ["A 1", None], [100, -100], [True, False]),
            year([], [], [], []),
            year(["2025-01-02", "2025-02-03", "2025-03-04"], ["B 1", "B 2", "B 3"], [1, 2, 3], [False, True, True])]


def test_every_slice_of_rows_is_that_slice_of_the_concatenated_frame():
    years = three_years()
    stacked, whole = StackedFrames(years), pd.concat(years, ignore_index=True)
    assert len(stacked) == 5 and list(stacked.columns) == list(whole.columns)
    # Every start and end, within and beyond the ends, crossing the empty year or not: values,
    # dtypes and the index 0..4 of the whole (RangeIndex) are those of the concatenated frame.
    for start, stop in itertools.product(range(-7, 8), repeat=2):
        pd.testing.assert_frame_equal(stacked.iloc[start:stop], whole.iloc[start:stop], check_index_type=True)
    pd.testing.assert_frame_equal(stacked.concat(), whole)


def test_rows_of_one_frame_are_not_copied():
    years = three_years()
    block = StackedFrames(years).iloc[2:4]  # rows 0 and 1 of the last year
    assert np.shares_memory(block["amount_ore"].to_numpy(), years[2]["amount_ore"].to_numpy())
    assert block["amount_ore"].tolist() == [1, 2]


def test_frames_of_other_columns_or_dtypes_are_refused():
    years = three_years()
    with pytest.raises(ValueError, match="columns or dtypes"):
        StackedFrames([years[0], years[2].astype({"amount_ore": "float64"})])
    with pytest.raises(ValueError, match="columns or dtypes"):
        StackedFrames([years[0], years[2][["voucher", "date", "amount_ore", "service_known"]]])
    with pytest.raises(ValueError):
        StackedFrames([])


def test_only_plain_slices_of_rows_are_taken():
    stacked = StackedFrames(three_years())
    with pytest.raises(TypeError):
        stacked.iloc[1]
    with pytest.raises(TypeError):
        stacked.iloc[::2]
