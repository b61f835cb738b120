"""The header lookup tables give the same field as scanning every alias (issue 19: the scan
looked at all aliases for every cell of the first rows of every file)."""

from __future__ import annotations

import pytest

from pipeline.read import headers
from pipeline.read.headers import MIN_PREFIX, _alias_table, match_header


def _by_scanning(key: str, kind: str) -> str | None:
    """The lookup as it was: exact alias first (first field in table order), else a start of
    the aliases of exactly one field, at least MIN_PREFIX characters long."""
    aliases = _alias_table()[kind]
    exact = [field for field, names in aliases.items() if key in names]
    if exact:
        return exact[0]
    if len(key) >= MIN_PREFIX:
        prefixed = {field for field, names in aliases.items() if any(n.startswith(key) for n in names)}
        if len(prefixed) == 1:
            return prefixed.pop()
    return None


@pytest.mark.parametrize("kind", sorted(_alias_table()))
def test_every_alias_and_every_start_of_one_maps_as_scanning_did(kind):
    names = {name for aliases in _alias_table()[kind].values() for name in aliases}
    keys = {name[:end] for name in names for end in range(1, len(name) + 1)}
    keys |= {name + "x" for name in names} | {"", "belopp", "zzzzzz", "20250131", "1234567"}
    compared = 0
    for key in sorted(keys):
        assert match_header(key, kind) == _by_scanning(key, kind), key
        compared += 1
    assert compared > len(names)  # the starts were compared, not only the whole aliases


def test_a_truncated_header_and_an_ambiguous_start():
    # Hand-checked: "Kostnadsställe" is the ledger's cost centre; "Kostnadsst" is long enough and
    # starts only cost-centre aliases; "Kos" is shorter than MIN_PREFIX (5) and matches nothing.
    # "Motpa" starts both counterparty ("Motpart") and counterparty name ("Motpartsnamn"): nothing.
    assert match_header("Kostnadsställe", "ledger") == "cost_centre"
    assert match_header("Kostnadsst", "ledger") == "cost_centre"
    assert match_header("Kos", "ledger") is None
    assert match_header("Motpa", "ledger") is None
    # A start shared by two fields' aliases decides nothing.
    tables = headers._lookup_tables("ledger")[1]
    shared = [start for start, fields in tables.items() if len(fields) > 1]
    assert shared, "the ledger's aliases share no start of 5 characters: pick another example"
    assert match_header(shared[0], "ledger") is None or shared[0] in headers._lookup_tables("ledger")[0]
