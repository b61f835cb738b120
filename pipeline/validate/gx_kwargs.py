"""Great Expectations' kwargs helpers, each reading an expectation's configuration once per call.

GX builds an expectation's `configuration` afresh each time it is asked for it: pydantic's
`dict()` of the whole expectation, its value set included (the ledger's known org. nos. are
hundreds of texts). The four helpers that gather an expectation's domain, success and runtime
kwargs ask for it once per key, and twice for each runtime key: in a run of the 100 000-line
benchmark 6 211 of its 7 104 configurations were built by them, about a quarter of the
validation's time.

`install` puts in their place the same code reading the configuration once per call. The
helpers only read it, nothing changes it while they run, so one reading gives what each reading
gave: the same keys, values, defaults and order, the same warning for an unknown key.
Validating the 100 000-line benchmark's batches took 1.39 s against 1.92 s (medians of four
interleaved pairs in one process, the same results).

A fenced fast path (STYLE.md): written against great_expectations 1.24.1, the version in
requirements.lock. On any other version `install` changes nothing and GX runs as it is;
`tests/test_gx_kwargs.py` fails when the version or the source of a replaced helper changes,
so that the replacement is looked at again.
"""

from __future__ import annotations

from typing import Any

WRITTEN_FOR = "1.24.1"
REPLACED = ("_get_success_kwarg", "_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs")
# GX's own helpers, kept when replaced (the tests compare them with the replacements).
ORIGINAL: dict[str, Any] = {}


def install() -> bool:
    """Replace the four helpers on GX's `Expectation` (once; True when they are in place)."""
    import great_expectations
    from great_expectations.expectations import expectation as gx_expectation

    if great_expectations.__version__ != WRITTEN_FOR:
        return False
    base = gx_expectation.Expectation
    for name in REPLACED:
        replacement = globals()[name]
        if base.__dict__[name] is not replacement:
            ORIGINAL[name] = base.__dict__[name]
            setattr(base, name, replacement)
    return True


def _get_success_kwarg(self: Any, key: str, default: Any = None) -> Any:
    return _success_kwarg(self, self.configuration.kwargs, key, default)


def _get_domain_kwargs(self: Any) -> dict[str, Any]:
    return _domain_kwargs(self, self.configuration.kwargs)


def _get_success_kwargs(self: Any) -> dict[str, Any]:
    return _success_kwargs(self, self.configuration.kwargs)


def _get_runtime_kwargs(self: Any, runtime_configuration: dict | None = None) -> dict[str, Any]:
    from great_expectations.expectations.expectation import parse_result_format

    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    success_kwargs = _success_kwargs(self, kwargs)
    runtime_kwargs = {key: runtime_configuration.get(key, _success_kwarg(self, kwargs, key))
                      for key in self.runtime_keys}
    runtime_kwargs.update(success_kwargs)
    runtime_kwargs["result_format"] = parse_result_format(runtime_kwargs["result_format"])
    return runtime_kwargs


def _success_kwarg(self: Any, kwargs: dict[str, Any], key: str, default: Any = None) -> Any:
    """GX's `_get_success_kwarg` on configuration kwargs already read."""
    from great_expectations.expectations.expectation import logger

    if key in kwargs:
        return kwargs[key]
    field = self.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    logger.warning(f'_get_success_kwarg called with key "{key}", '
                   f"but it is not a known field of {type(self).__name__}")
    return default


def _domain_kwargs(self: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """GX's `_get_domain_kwargs` on configuration kwargs already read."""
    from great_expectations.expectations.expectation import InvalidExpectationKwargsError

    domain_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}
    missing_kwargs = set(self.domain_keys) - set(domain_kwargs.keys())
    if missing_kwargs:
        raise InvalidExpectationKwargsError(f"Missing domain kwargs: {list(missing_kwargs)}")
    return domain_kwargs


def _success_kwargs(self: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """GX's `_get_success_kwargs` on configuration kwargs already read."""
    domain_kwargs = _domain_kwargs(self, kwargs)
    success_kwargs = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
    success_kwargs.update(domain_kwargs)
    return success_kwargs
