"""The rows a check fails named by their source id, without a million ids in the validation process.

GX names the rows a check fails by a column of the batch (`unexpected_index_column_names`): the
source id, "file:sheet:row". At a million lines those are a million texts: 83 MB in the
validation process and 37 MB to pickle there. GX also fingerprints each batch
(`batch_markers.pandas_data_fingerprint`, MD5 of pandas' hash of every row), and hashing a
million texts at once took it 0.8 s and 110 MB more.

So a batch carries each row's position in the source id column, and beside it the file, sheet and
row number that make up the id (`positions_and_sources`, in the main process). In the validation
process the fingerprint is computed a block of rows at a time with the ids in place of the
positions (`named_fingerprints`), and the rows a check fails are named after it has run
(`name_failing_rows`), in the result sent back and in the stored result Data Docs show. The
results, pages and fingerprints are the same, byte for byte, as with the ids in the batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from pipeline.columns import factorize
from pipeline.model import source_ids

ID_COLUMN = "source_id"
SOURCE_PARTS = ["source_file", "source_sheet", "source_row"]
# Rows hashed at a time for the fingerprint: about 5 MB of ids made and let go.
FINGERPRINT_ROWS = 65_536


def positions_and_sources(checked: pd.DataFrame, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """`checked` (columns of `frame`) with each row's position in place of its source id, and the
    file, sheet and row number of each row of `frame` (None for a frame without them, which then
    keeps its ids)."""
    if ID_COLUMN not in checked.columns or not set(SOURCE_PARTS) <= set(frame.columns):
        return checked, None
    return checked.assign(**{ID_COLUMN: np.arange(len(checked), dtype=np.int64)}), frame[SOURCE_PARTS]


def names(sources: pd.DataFrame, positions: np.ndarray) -> list[str]:
    """The source ids of the rows at `positions`, a run of rows of one sheet at a time."""
    positions = np.asarray(positions, dtype=np.int64)
    files = sources["source_file"].to_numpy()[positions]
    sheets = sources["source_sheet"].to_numpy()[positions]
    rows = sources["source_row"].to_numpy()[positions]
    if not len(rows):
        return []
    changes = np.flatnonzero((files[1:] != files[:-1]) | (sheets[1:] != sheets[:-1])) + 1
    bounds = [0, *changes.tolist(), len(rows)]
    named: list[str] = []
    for first, end in pairwise(bounds):
        named += source_ids(files[first], sheets[first], rows[first:end].tolist())
    return named


def fingerprint(frame: pd.DataFrame, sources: pd.DataFrame | None) -> str:
    """GX's fingerprint of `frame` (`hash_pandas_dataframe`) as if its source id column held the
    ids: pandas hashes each row on its own, so the MD5 of the blocks' row hashes in order is the
    MD5 of the whole frame's. That holds for the columns a batch has (text, numbers, dates and
    booleans, each column of one kind; tested); an object column mixing kinds could hash
    differently in blocks, and no batch has one."""
    digest = hashlib.md5(usedforsecurity=False)
    for start in range(0, len(frame), FINGERPRINT_ROWS):
        part = frame.iloc[start:start + FINGERPRINT_ROWS]
        if sources is not None:
            ids = pd.Series(names(sources, part[ID_COLUMN].to_numpy()), index=part.index, dtype="str")
            part = part.assign(**{ID_COLUMN: ids})
        digest.update(pd.util.hash_pandas_object(_text_as_categories(part), index=True).to_numpy())
    return digest.hexdigest()


def _text_as_categories(part: pd.DataFrame) -> pd.DataFrame:
    """`part` with each text column ("str" or object) as the categorical pandas makes of it to
    hash it (`hash_array` with `categorize`: its distinct values in order of first appearance,
    hashed once each), made with `columns.factorize`, which finds a repeating column's distinct
    values by object first: the same categories, so the same hashes (tested); the million-line
    ledger's fingerprint took 1.40 s against 1.67 s."""
    texts = {}
    for column in part.columns:
        values = part[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            codes, uniques = factorize(values.to_numpy(dtype=object))
            categories = pd.CategoricalDtype(categories=pd.Index(uniques, copy=False), ordered=False)
            texts[column] = pd.Categorical.from_codes(codes, dtype=categories)
    return part.assign(**texts) if texts else part


@contextmanager
def named_fingerprints(sources: pd.DataFrame | None) -> Iterator[None]:
    """GX fingerprints the batches validated in this block by `fingerprint`. GX looks up its
    function in its engine's module on each batch; a frame it could not hash (a cell holding a
    dict, never one of ours) it fingerprints its own way, as before."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    original = engine.hash_pandas_dataframe

    def hashed(frame: pd.DataFrame) -> str:
        try:
            return fingerprint(frame, sources)
        except TypeError:
            ids = names(sources, frame[ID_COLUMN].to_numpy()) if sources is not None else None
            return original(frame if ids is None else frame.assign(**{ID_COLUMN: pd.array(ids, dtype="str")}))

    engine.hash_pandas_dataframe = hashed
    try:
        yield
    finally:
        engine.hash_pandas_dataframe = original


def name_failing_rows(results: Iterable[dict[str, Any]], sources: pd.DataFrame | None) -> dict[int, str]:
    """Each check result's failing rows (`unexpected_index_list`) named by source id in place of
    their positions, taken from `sources`; the names given, by position, are returned."""
    entries = _failing_rows(results)
    if sources is None or not entries:
        return {}
    positions = sorted({int(entry[ID_COLUMN]) for entry in entries})
    named = dict(zip(positions, names(sources, np.array(positions, dtype=np.int64))))
    _rename(entries, named)
    return named


def rename_failing_rows(results: Iterable[dict[str, Any]], named: dict[int, str]) -> None:
    """As `name_failing_rows`, with the names it gave (for the stored copy of the same results)."""
    _rename(_failing_rows(results), named)


def _rename(entries: list[dict[str, Any]], named: dict[int, str]) -> None:
    for entry in entries:
        entry[ID_COLUMN] = named[int(entry[ID_COLUMN])]


def _failing_rows(results: Iterable[dict[str, Any] | None]) -> list[dict[str, Any]]:
    """The entries naming a failing row in each check result (its `result` dict)."""
    return [entry for result in results for key, listed in (result or {}).items() if key.endswith("index_list")
            for entry in listed or [] if isinstance(entry, dict) and ID_COLUMN in entry]
