"""Two modules that importing Great Expectations loads although our suites never use them:
each is put in place as a stand-in, and loaded the first time anything is taken from it.

Importing Great Expectations imports every expectation class it has. One of them, the KL
divergence expectation, imports `altair` and `scipy.stats` at the top of its module, and uses
them only when that expectation is validated or drawn, which no suite of `expectations/` asks
for. The two imports take 0.7 s of Great Expectations' 1.6 s, and on a run of 100 000 ledger
lines the validation process is the critical path: the whole run waits for that import.

`defer` puts a stand-in module in `sys.modules` before Great Expectations is imported. An
`import altair as alt` or `from scipy import stats` then binds the stand-in; the first
attribute taken from it (`stats.entropy`) imports the real module, which replaces the stand-in
in `sys.modules`, and hands the attribute on. Nothing changes in what is validated or written:
a module that is used is loaded, only later. The stand-ins exist only in the process that
imports Great Expectations (the validation process of a run).

Written against great_expectations 1.24.1, altair 6.3.0 and scipy 1.17.1 (requirements.lock).
`tests/test_validate_worker.py` fails loudly when a new version loads either module while
Great Expectations is imported (then the stand-in saves nothing and can go).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED = ("altair", "scipy.stats")


class Deferred(types.ModuleType):
    """A stand-in for a module not loaded yet: the first attribute asked of it loads the module."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(load(self.__name__), attribute)


def load(name: str) -> types.ModuleType:
    """The real module `name`, imported now if only its stand-in is there."""
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    module = importlib.import_module(name)
    parent, _, child = name.rpartition(".")
    if parent and isinstance(getattr(sys.modules.get(parent), child, None), Deferred):
        setattr(sys.modules[parent], child, module)
    return module


def defer(names: tuple[str, ...] = DEFERRED) -> None:
    """Put a stand-in in `sys.modules` for each module in `names` not imported yet. A module
    that is not installed is left alone (its import then fails where it is made, as before)."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)  # imports the parent package (scipy: cheap)
        if spec is None:
            continue
        stand_in = Deferred(name)
        stand_in.__spec__ = spec
        stand_in.__file__ = spec.origin
        if spec.submodule_search_locations is not None:
            stand_in.__path__ = list(spec.submodule_search_locations)
        sys.modules[name] = stand_in
