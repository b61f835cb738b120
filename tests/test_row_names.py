"""The validation process gets row positions, not source ids, and names the failing rows itself
(`pipeline.validate.row_names`): the results, fingerprints and Data Docs must be what GX gives
with the ids in the batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pipeline.validate.row_names as row_names
from pipeline.model import source_ids
from pipeline.validate.suites import GreatExpectations, _Batch, validation_batches

FILES = [("2025/ledger-2025-01.xlsx", "Huvudbok", 7), ("2025/ledger-2025-02.xlsx", "Huvudbok", 5),
         ("2025/ledger-2025-02.xlsx", "Rättelser", 3)]


def ledger_lines() -> pd.DataFrame:
    """15 lines from three sheets of two files; lines 4, 9 and 14 name an unknown service, line
    10 has a three-digit account and line 13 no voucher."""
    parts = []
    for file, sheet, n in FILES:
        rows = np.arange(2, 2 + n, dtype=np.int64)
        parts.append(pd.DataFrame({"source_file": pd.Series([file] * n, dtype="str"),
                                   "source_sheet": pd.Series([sheet] * n, dtype="str"),
                                   "source_row": rows,
                                   "source_id": pd.Series(source_ids(file, sheet, rows.tolist()), dtype="str")}))
    sources = pd.concat(parts, ignore_index=True)
    n = len(sources)
    service = ["S1"] * n
    for line in (4, 9, 14):
        service[line] = "S9"
    account = [1930 if i % 2 else 3011 for i in range(n)]
    account[10] = 193
    voucher = [f"A{i // 2}" for i in range(n)]
    voucher[13] = None
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-03-01"] * n).astype("datetime64[us]"),
        "voucher": pd.Series(voucher, dtype="str"),
        "account": pd.Series(account, dtype="int64"),
        "amount_ore": pd.Series([100 if i % 2 else -100 for i in range(n)], dtype="int64"),
        "counterparty": pd.Series([None] * n, dtype="str"),
        "counterparty_raw": pd.Series([""] * n, dtype="str"),
        "counterparty_note": pd.Series([None] * n, dtype="str"),
        "service": pd.Series(service, dtype="str"),
        "text": pd.Series(["fri text"] * n, dtype="str"),
    }).join(sources)


def test_names_are_the_source_ids_of_the_positions_across_files_and_sheets():
    lines = ledger_lines()
    sources = lines[row_names.SOURCE_PARTS]
    assert row_names.names(sources, np.arange(len(lines))) == lines["source_id"].tolist()
    assert row_names.names(sources, np.array([6, 7, 8])) == ["2025/ledger-2025-01.xlsx:Huvudbok:8",
                                                             "2025/ledger-2025-02.xlsx:Huvudbok:2",
                                                             "2025/ledger-2025-02.xlsx:Huvudbok:3"]
    # Any positions, in any order: the ids are those of the rows named, not of a range.
    assert row_names.names(sources, np.array([14, 0, 13])) == ["2025/ledger-2025-02.xlsx:Rättelser:4",
                                                               "2025/ledger-2025-01.xlsx:Huvudbok:2",
                                                               "2025/ledger-2025-02.xlsx:Rättelser:3"]
    assert row_names.names(sources, np.array([], dtype=np.int64)) == []


def test_the_batch_sent_carries_positions_and_the_parts_of_each_id():
    from tests.test_validate import clean_inputs

    inputs = clean_inputs()
    inputs.ledgers[2025] = ledger_lines()
    batch = validation_batches(inputs)[0]
    assert batch.frame["source_id"].tolist() == list(range(15))
    assert list(batch.sources.columns) == ["source_file", "source_sheet", "source_row"]
    assert "text" not in batch.frame.columns and "source_file" not in batch.frame.columns


@pytest.mark.parametrize("block", [4, 7, 65_536])
def test_the_fingerprint_in_blocks_is_gx_own_of_the_frame_with_its_ids(monkeypatch, block):
    from great_expectations.execution_engine.pandas_execution_engine import hash_pandas_dataframe

    lines = ledger_lines().drop(columns=["source_file", "source_sheet", "source_row"])
    lines["flag"] = [True, False] * 7 + [True]
    lines["share"] = [0.5, np.nan] * 7 + [1.0]
    checked, sources = row_names.positions_and_sources(lines, ledger_lines())
    monkeypatch.setattr(row_names, "FINGERPRINT_ROWS", block)
    assert row_names.fingerprint(checked, sources) == hash_pandas_dataframe(lines)
    assert row_names.fingerprint(lines, None) == hash_pandas_dataframe(lines)
    assert row_names.fingerprint(lines.iloc[:0], None) == hash_pandas_dataframe(lines.iloc[:0])


def test_the_fingerprint_of_long_repeating_text_columns_is_gx_own(monkeypatch):
    # 30 000 lines: long enough for each text column to be coded by its objects
    # (`columns.factorize`), with missing values, an all-missing column, texts rebuilt as new
    # objects, a mostly distinct column and an object column; the hash is pandas' own.
    from great_expectations.execution_engine.pandas_execution_engine import hash_pandas_dataframe

    n = 30_000
    rng = np.random.default_rng(3)
    words = np.array(["kostnad", "intäkt", "bidrag", None], dtype=object)
    rebuilt = np.array(["".join(["ser", "vice"]) if i % 5 else "service" for i in range(n)], dtype=object)
    lines = pd.DataFrame({
        "kind": pd.Series(words[rng.integers(0, 4, n)], dtype="str"),
        "service": pd.Series(rebuilt, dtype="str"),
        "nothing": pd.Series([None] * n, dtype="str"),
        "text": pd.Series([f"rad {i}" for i in range(n)], dtype="str"),
        "mixed": pd.Series(words[rng.integers(0, 4, n)], dtype=object),
        "amount_ore": rng.integers(-10_000, 10_000, n),
    })
    for block in (4_096, 65_536):  # blocks too short to code by object, and one block of all
        monkeypatch.setattr(row_names, "FINGERPRINT_ROWS", block)
        assert row_names.fingerprint(lines, None) == hash_pandas_dataframe(lines)


def test_results_and_data_docs_are_those_of_the_batch_with_its_ids(tmp_path):
    from tests.test_validate import clean_inputs

    inputs = clean_inputs()
    inputs.ledgers[2025] = ledger_lines()
    [batch] = [b for b in validation_batches(inputs) if b.label == "ledger-2025"]
    with_ids = ledger_lines()[list(batch.frame.columns)]
    runs = {}
    for name, sent in (("positions", batch), ("ids", _Batch(batch.kind, batch.label, batch.year, with_ids,
                                                          batch.parameters))):
        runner = GreatExpectations()
        [raw] = runner.validate([sent], 2025)
        runner.build_data_docs(tmp_path / name)
        pages = {p.relative_to(tmp_path / name): p.read_bytes() for p in sorted((tmp_path / name).rglob("*.html"))}
        runs[name] = (raw, pages)
        if name == "positions":
            results = runner._context.validation_results_store
            runs["stored"] = results.get(results.list_keys()[0])
    raw, pages = runs["positions"]
    assert raw == runs["ids"][0]
    assert pages == runs["ids"][1]
    failing = {check["expectation_config"]["type"]:
               [row["source_id"] for row in check["result"]["unexpected_index_list"]]
               for check in raw["results"] if check["result"].get("unexpected_index_list")}
    assert failing == {"expect_column_values_to_not_be_null": ["2025/ledger-2025-02.xlsx:Rättelser:3"],
                       "expect_column_values_to_be_between": ["2025/ledger-2025-02.xlsx:Huvudbok:5"],
                       "expect_column_values_to_be_in_set": ["2025/ledger-2025-01.xlsx:Huvudbok:6",
                                                             "2025/ledger-2025-02.xlsx:Huvudbok:4",
                                                             "2025/ledger-2025-02.xlsx:Rättelser:4"]}
    # GX's pages do not list failing rows, but they are built from the stored results: those
    # name the rows as the results do, not by position.
    store = runs["stored"]
    stored_rows = [row["source_id"] for c in store.results for row in c.result.get("unexpected_index_list") or []
                   if c.expectation_config.type == "expect_column_values_to_not_be_null"]
    assert stored_rows == ["2025/ledger-2025-02.xlsx:Rättelser:3"]
    assert raw["meta"]["batch_markers"]["pandas_data_fingerprint"]


def test_gx_is_given_back_its_own_fingerprint_function_after_each_batch():
    from great_expectations.execution_engine import pandas_execution_engine as engine

    original = engine.hash_pandas_dataframe
    with pytest.raises(RuntimeError), row_names.named_fingerprints(None):
        assert engine.hash_pandas_dataframe is not original
        raise RuntimeError
    assert engine.hash_pandas_dataframe is original


@pytest.mark.parametrize("file,sheet", [("ledger-2025.xlsx", "Huvudbok"), ("huvudbok åäö (kopia).xlsx", "Blad 1"),
                                        ("export.se", "")])
def test_an_array_of_source_ids_holds_the_texts_source_ids_writes(file, sheet):
    from pipeline.model import source_id_array

    rows = np.array([2, 3, 10, 99, 1_048_576, 9_999_999_999, 0], dtype=np.int64)
    ids = source_id_array(file, sheet, rows)
    assert ids.dtype == object and all(type(i) is str for i in ids)
    assert ids.tolist() == source_ids(file, sheet, rows.tolist())
    assert source_id_array(file, sheet, rows[:0]).tolist() == []
