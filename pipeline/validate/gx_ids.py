"""Great Expectations' ids of small kwargs dicts, each made once per distinct dict.

GX names every metric it computes by the ids of its domain and value kwargs (`IDDict.to_id`):
the kwargs made JSON-serialisable, dumped with sorted keys and hashed. A validation of the
100 000-line benchmark's batches asks for 5 514 ids, 2 727 of them of a few dicts of a table or
a column domain (batch id, column, no row condition): 0.21 s of the validation's 1.6 s, in the
validation process, which at 100 000 lines the run waits for.

`install` puts in GX's place the same function, remembering the id of a dict whose values are
all texts, whole numbers, booleans or None: its JSON, and so its id, is a function of its keys,
its values and their types (True and 1 are equal keys in Python, not in JSON, so the types are
part of what is remembered). Any other dict (a list, a dict or a float in it) gets its id made as
GX makes it, every time. Nothing else changes: the same ids, the same metrics, results and
pages (the example's outputs the same bytes).

A fenced fast path (STYLE.md): written against great_expectations 1.24.1, the version in
requirements.lock. On any other version `install` changes nothing; `tests/test_gx_ids.py` fails
when the version or the source of `IDDict.to_id` changes, so that the replacement is looked at
again.
"""

from __future__ import annotations

from typing import Any

WRITTEN_FOR = "1.24.1"
PLAIN_TYPES = frozenset({str, int, bool, type(None)})
MOST_REMEMBERED = 10_000  # distinct dicts; a run of the benchmark has a few hundred
ORIGINAL: dict[str, Any] = {}  # GX's own `to_id`, kept when replaced (the tests compare the two)
_remembered: dict[tuple[Any, ...], Any] = {}


def install() -> bool:
    """Replace `IDDict.to_id` (once; True when the replacement is in place)."""
    import great_expectations
    from great_expectations.core.id_dict import IDDict

    if great_expectations.__version__ != WRITTEN_FOR:
        return False
    if IDDict.__dict__["to_id"] is not to_id:
        ORIGINAL["to_id"] = IDDict.__dict__["to_id"]
        IDDict.to_id = to_id
    return True


def to_id(self: Any, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
    """GX's `IDDict.to_id`, remembered for dicts of plain values."""
    items = tuple((key, type(value), value) for key, value in self.items())
    if not all(kind in PLAIN_TYPES for _, kind, _ in items):
        return ORIGINAL["to_id"](self, id_keys, id_ignore_keys)
    # The class too: its `_id_ignore_keys` decide which keys count.
    asked = (type(self), items,
             None if id_keys is None else frozenset(id_keys),
             None if id_ignore_keys is None else frozenset(id_ignore_keys))
    made = _remembered.get(asked)
    if made is None:
        made = ORIGINAL["to_id"](self, id_keys, id_ignore_keys)
        if len(_remembered) >= MOST_REMEMBERED:
            _remembered.clear()
        _remembered[asked] = made
    return made
