"""GX's kwargs helpers replaced by ones that read an expectation's configuration once per call
(`pipeline.validate.gx_kwargs`): the same kwargs, the same results and pages, fewer
configurations built; and a loud failure when GX changes under the replacement."""

from __future__ import annotations

import ast
import hashlib
import json

from pipeline.validate import gx_kwargs
from pipeline.validate.suites import GreatExpectations, validation_batches
from tests.test_row_names import ledger_lines
from tests.test_validate import clean_inputs

# SHA-256 (first 16 hex digits) of the source of each helper replaced, and of the property whose
# cost they save, in great_expectations 1.24.1's expectations/expectation.py.
SOURCES_1_24_1 = {
    "_get_success_kwarg": "444e69c1351f4b92",
    "_get_domain_kwargs": "a579ce811d9fa4f2",
    "_get_success_kwargs": "915763b3d0ca0110",
    "_get_runtime_kwargs": "877cd6cc25e1679b",
    "configuration": "41a5b7f06a048862",
}


def _gx_sources() -> dict[str, str]:
    from great_expectations.expectations import expectation as module

    with open(module.__file__, encoding="utf-8") as file:
        source = file.read()
    (base,) = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "Expectation"]
    return {node.name: hashlib.sha256(ast.get_source_segment(source, node).encode()).hexdigest()[:16]
            for node in base.body if isinstance(node, ast.FunctionDef) and node.name in SOURCES_1_24_1}


def test_the_replacement_was_written_for_the_installed_great_expectations():
    # When this fails, GX has changed: read its four helpers again, and either bring
    # gx_kwargs.py's copies in line (with WRITTEN_FOR and the sums above) or drop the module.
    import great_expectations

    assert great_expectations.__version__ == gx_kwargs.WRITTEN_FOR
    assert _gx_sources() == SOURCES_1_24_1
    assert gx_kwargs.install()
    from great_expectations.expectations.expectation import Expectation

    assert all(Expectation.__dict__[name] is getattr(gx_kwargs, name) for name in gx_kwargs.REPLACED)
    assert set(gx_kwargs.ORIGINAL) == set(gx_kwargs.REPLACED)


def test_nothing_is_replaced_on_another_version(monkeypatch):
    import great_expectations
    from great_expectations.expectations.expectation import Expectation

    gx_kwargs.install()
    for name, original in gx_kwargs.ORIGINAL.items():
        monkeypatch.setattr(Expectation, name, original)
    monkeypatch.setattr(great_expectations, "__version__", "1.25.0")
    assert gx_kwargs.install() is False
    assert all(Expectation.__dict__[name] is gx_kwargs.ORIGINAL[name] for name in gx_kwargs.REPLACED)


def _expectations() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeInSet(column="counterparty", value_set=[f"55{i:08d}" for i in range(300)],
                                        mostly=0.9),
        gxe.ExpectColumnValuesToBeInSet(column="service", value_set={"$PARAMETER": "service_codes"}),
        gxe.ExpectColumnValuesToBeBetween(column="account", min_value=1000, max_value=9999),
        gxe.ExpectColumnValuesToNotBeNull(column="voucher"),
        gxe.ExpectColumnToExist(column="date", column_index=0),
    ]


def _helpers(expectation, helpers) -> list:
    return [helpers["_get_domain_kwargs"](expectation), helpers["_get_success_kwargs"](expectation),
            helpers["_get_runtime_kwargs"](expectation), helpers["_get_runtime_kwargs"](
                expectation, {"result_format": {"result_format": "COMPLETE"}, "catch_exceptions": False}),
            helpers["_get_success_kwarg"](expectation, "mostly"),
            helpers["_get_success_kwarg"](expectation, "column"),
            helpers["_get_success_kwarg"](expectation, "no_such_kwarg", "fallback")]


def test_the_helpers_give_what_gx_own_give(monkeypatch):
    from great_expectations.expectations.expectation import Expectation

    gx_kwargs.install()
    built = []
    plain = Expectation.configuration.fget
    monkeypatch.setattr(Expectation, "configuration", property(lambda self: built.append(1) or plain(self)))
    for expectation in _expectations():
        del built[:]
        theirs = _helpers(expectation, gx_kwargs.ORIGINAL)
        asked_by_theirs = len(built)
        del built[:]
        ours = _helpers(expectation, {name: getattr(gx_kwargs, name) for name in gx_kwargs.REPLACED})
        assert ours == theirs
        assert [list(d) for d in ours[:4]] == [list(d) for d in theirs[:4]]  # the same order of keys
        # Ours read the configuration once per call: 7 calls above, against once per key.
        assert len(built) == 7 < asked_by_theirs


def batches_with_failing_rows() -> list:
    """The validation batches of a ledger with failing rows: unknown services, an account, a voucher."""
    inputs = clean_inputs()
    inputs.ledgers[2025] = ledger_lines()
    return validation_batches(inputs)


def results_and_pages(folder, monkeypatch, batches, patched) -> tuple[str, dict]:
    """A GX context made as the run makes it, but with `patched.install` (`gx_kwargs` or
    `gx_ids`) left out, so that GX keeps what the test set: `batches` validated and Data Docs
    written to `folder`; the results as JSON text and each page's bytes."""
    runner = GreatExpectations.__new__(GreatExpectations)
    with monkeypatch.context() as m:
        m.setattr(patched, "install", lambda: False)
        runner.__init__()
    raw = runner.validate(batches, 2025)
    runner.build_data_docs(folder)
    pages = {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.html"))}
    return json.dumps(raw, sort_keys=True, default=str), pages


def test_the_results_and_data_docs_are_those_of_gx_own_helpers(tmp_path, monkeypatch):
    from great_expectations.expectations.expectation import Expectation

    batches = batches_with_failing_rows()
    runs = {}
    gx_kwargs.install()
    for name in ("ours", "theirs"):
        if name == "theirs":
            for helper, original in gx_kwargs.ORIGINAL.items():
                monkeypatch.setattr(Expectation, helper, original)
        runs[name] = results_and_pages(tmp_path / name, monkeypatch, batches, gx_kwargs)
    assert runs["ours"] == runs["theirs"]
    assert '"unexpected_count": 3' in runs["ours"][0] and len(runs["ours"][1]) > 5
