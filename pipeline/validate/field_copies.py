"""pydantic's fields deep-copied without the standard library's generic steps, while Great
Expectations is imported.

Importing GX makes some 370 pydantic (v1) model classes, and pydantic deep-copies the fields of
a class's bases for each one it makes (`ModelMetaclass.__new__`: `smart_deepcopy(base.__fields__)`):
thousands of `ModelField`, `FieldInfo` and `Validator` objects, 0.6-0.7 s of the import's
2.1-2.5 s on the benchmark's machine. They are objects with `__slots__` and nothing of their
own about copying, which `copy.deepcopy` copies the generic way: `__reduce_ex__` builds a
(class, state) pair, the state (a tuple holding a dict of the slots) is deep-copied as a whole,
and the slots are set from the copy. `direct_copies` puts a copier for each of the three classes
in `copy`'s table of copiers for the duration of a `with` block: it makes the new object,
records it in the memo as deepcopy does, and sets each slot that holds a value, in the order of
the class's slot names, to a deep copy of that value. The same objects come out, sharing what
deepcopy shares (tested against deepcopy's own copies of GX's fields); only the steps between
go. GX's import took 1.36-1.96 s against 1.77-2.20 s (four interleaved pairs); in whole runs at
100 000 lines, where the import runs beside the read, GX was ready after 2.59 s against 3.15 s
and the run took 7.21 s against 7.49 s (medians of ten interleaved pairs, the new code the
faster in six).

A fenced fast path (STYLE.md): written against pydantic 2.14.4 (its `pydantic.v1` 1.10.27) on
Python 3.11. Each class is checked before its copier is used: slots only, no instance
dictionary, no copying or pickling hooks of its own, the default `__setattr__`. A class that
fails a check is copied the generic way; `tests/test_field_copies.py` fails when one does, or
when the versions change. Outside the block nothing is changed.
"""

from __future__ import annotations

import copy
import copyreg
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

WRITTEN_FOR = {"pydantic": "2.14.4", "pydantic.v1": "1.10.27"}


def field_classes() -> tuple[type, ...]:
    """pydantic v1's field, field-info and validator classes."""
    from pydantic.v1.class_validators import Validator
    from pydantic.v1.fields import FieldInfo, ModelField

    return ModelField, FieldInfo, Validator


def copied_directly(cls: type) -> bool:
    """Whether deepcopy's generic way, for an instance of `cls`, is to make `cls.__new__(cls)`
    and set its slots to deep copies: what the direct copier does."""
    return (cls.__dictoffset__ == 0 and "__slots__" in cls.__dict__
            and cls.__reduce_ex__ is object.__reduce_ex__ and cls.__reduce__ is object.__reduce__
            and getattr(cls, "__getstate__", None) is object.__getstate__
            and not any(hasattr(cls, hook) for hook in ("__setstate__", "__deepcopy__", "__getnewargs__",
                                                        "__getnewargs_ex__"))
            and cls.__setattr__ is object.__setattr__)


@contextmanager
def direct_copies() -> Iterator[tuple[type, ...]]:
    """Within the block, deepcopy copies pydantic's field classes directly; yields the classes
    it does (none where a check fails or pydantic is not installed)."""
    try:
        classes = tuple(cls for cls in field_classes() if copied_directly(cls))
    except ImportError:
        classes = ()
    added = {cls: _copier(cls) for cls in classes if cls not in copy._deepcopy_dispatch}
    copy._deepcopy_dispatch.update(added)
    try:
        yield tuple(added)
    finally:
        for cls in added:
            copy._deepcopy_dispatch.pop(cls, None)


def _copier(cls: type) -> Callable[[Any, dict[int, Any]], Any]:
    names = tuple(copyreg._slotnames(cls))
    deepcopy = copy.deepcopy

    def copy_of(original: Any, memo: dict[int, Any]) -> Any:
        made = cls.__new__(cls)
        memo[id(original)] = made
        for name in names:
            try:
                value = getattr(original, name)
            except AttributeError:  # a slot never set: deepcopy leaves it unset too
                continue
            setattr(made, name, deepcopy(value, memo))
        return made

    return copy_of
