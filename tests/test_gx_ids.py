"""GX's `IDDict.to_id` replaced by one that remembers the ids of plain kwargs dicts
(`pipeline.validate.gx_ids`): the same ids, results and pages; and a loud failure when GX
changes under the replacement."""

from __future__ import annotations

import ast
import hashlib

from pipeline.validate import gx_ids
from tests.test_gx_kwargs import batches_with_failing_rows, results_and_pages

# SHA-256 (first 16 hex digits) of the source of `IDDict.to_id` in great_expectations 1.24.1.
TO_ID_1_24_1 = "6ef543ac36c98f9e"


def _to_id_source() -> str:
    from great_expectations.core import id_dict

    with open(id_dict.__file__, encoding="utf-8") as file:
        source = file.read()
    (cls,) = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "IDDict"]
    (method,) = [node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "to_id"]
    return hashlib.sha256(ast.get_source_segment(source, method).encode()).hexdigest()[:16]


def test_the_replacement_was_written_for_the_installed_great_expectations():
    # When this fails, GX has changed: read `IDDict.to_id` again, and either bring gx_ids.py in
    # line (with WRITTEN_FOR and the sum above) or drop the module.
    import great_expectations
    from great_expectations.core.id_dict import IDDict

    assert great_expectations.__version__ == gx_ids.WRITTEN_FOR
    assert _to_id_source() == TO_ID_1_24_1
    assert gx_ids.install()
    assert IDDict.__dict__["to_id"] is gx_ids.to_id and "to_id" in gx_ids.ORIGINAL


def test_nothing_is_replaced_on_another_version(monkeypatch):
    import great_expectations
    from great_expectations.core.id_dict import IDDict

    gx_ids.install()
    monkeypatch.setattr(IDDict, "to_id", gx_ids.ORIGINAL["to_id"])
    monkeypatch.setattr(great_expectations, "__version__", "1.25.0")
    assert gx_ids.install() is False
    assert IDDict.__dict__["to_id"] is gx_ids.ORIGINAL["to_id"]


def test_the_ids_are_gx_own_and_plain_dicts_are_made_once(monkeypatch):
    from great_expectations.core.id_dict import IDDict

    gx_ids.install()

    class Ignoring(IDDict):
        _id_ignore_keys = {"batch_id"}

    dicts = [
        {}, {"column": "counterparty"}, {"batch_id": "b1", "column": "service", "row_condition": None, "table": None},
        {"flag": True, "n": 1}, {"flag": 1, "n": 1}, {"flag": True, "n": True},  # True is 1 in Python, not in JSON
        {"min_value": 0.0, "max_value": -0.0}, {"min_value": 0.0, "max_value": 0.0},  # floats: made each time
        {"value_set": ["a", "b"], "column": "x"}, {"nested": {"a": 1}, "b": None},
        {"text": "å", "count": 10 ** 20, "none": None},
    ]
    made = []
    original = gx_ids.ORIGINAL["to_id"]
    monkeypatch.setattr(gx_ids, "ORIGINAL", {"to_id": lambda *a: made.append(1) or original(*a)})
    gx_ids._remembered.clear()
    for kind in (IDDict, Ignoring):
        for data in dicts:
            for keys, ignore in ((None, None), (list(data)[:2], None), (None, list(data)[:1])):
                expected = original(kind(data), keys, ignore)
                assert kind(data).to_id(keys, ignore) == expected
                assert kind(data).to_id(keys, ignore) == expected  # again: remembered or made again
    # Counted by hand: 2 classes x 3 ways of asking x 11 dicts = 66 questions, each asked twice;
    # the 4 dicts with a float, a list or a dict are made both times (4 x 6 x 2 = 48), the 7
    # plain ones once (7 x 6 = 42).
    assert len(made) == 48 + 42
    # True and 1 got different ids, as in GX.
    assert IDDict({"flag": True, "n": 1}).to_id() != IDDict({"flag": 1, "n": 1}).to_id()


def test_the_results_and_data_docs_are_those_of_gx_own_ids(tmp_path, monkeypatch):
    from great_expectations.core.id_dict import IDDict

    batches = batches_with_failing_rows()
    runs = {}
    gx_ids.install()
    for name in ("ours", "theirs"):
        if name == "theirs":
            monkeypatch.setattr(IDDict, "to_id", gx_ids.ORIGINAL["to_id"])
        runs[name] = results_and_pages(tmp_path / name, monkeypatch, batches, gx_ids)
        assert (IDDict.__dict__["to_id"] is gx_ids.to_id) == (name == "ours")
    assert runs["ours"] == runs["theirs"]
    assert '"unexpected_count": 3' in runs["ours"][0] and len(runs["ours"][1]) > 5
