"""pydantic's fields copied directly while Great Expectations is imported
(`pipeline.validate.field_copies`): the same copies as deepcopy's generic way, only inside the
block, and a loud failure when pydantic changes under it."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

from pipeline.validate import field_copies

ROOT = Path(__file__).resolve().parent.parent


def test_written_for_the_installed_pydantic_and_its_classes_copy_the_generic_way():
    # When this fails, pydantic has changed: check that deepcopy still copies its field
    # classes by their slots alone (field_copies.copied_directly), then update WRITTEN_FOR.
    import pydantic
    import pydantic.v1

    assert {"pydantic": pydantic.VERSION, "pydantic.v1": pydantic.v1.VERSION} == field_copies.WRITTEN_FOR
    assert sys.version_info[:2] == (3, 11)
    assert all(field_copies.copied_directly(cls) for cls in field_copies.field_classes())


def test_a_class_with_a_copying_hook_of_its_own_is_copied_the_generic_way():
    class Slotted:
        __slots__ = ("a",)

    class Hooked(Slotted):
        __slots__ = ()

        def __deepcopy__(self, memo):
            return self

    class WithDict:
        pass

    assert field_copies.copied_directly(Slotted)
    assert not field_copies.copied_directly(Hooked)
    assert not field_copies.copied_directly(WithDict)


def test_the_copiers_are_in_place_only_inside_the_block():
    classes = field_copies.field_classes()
    assert not any(cls in copy._deepcopy_dispatch for cls in classes)
    with field_copies.direct_copies() as direct:
        assert direct == classes
        assert all(cls in copy._deepcopy_dispatch for cls in classes)
    assert not any(cls in copy._deepcopy_dispatch for cls in classes)


def _same_copies(plain, direct, original, pairs: dict[int, object], classes: tuple[type, ...]) -> None:
    """`direct` is `plain` object for object: the same types, the same sharing with `original`
    (an object deepcopy kept is kept, one it copied is copied) and among themselves."""
    assert type(plain) is type(direct)
    if id(plain) in pairs:
        assert pairs[id(plain)] is direct
        return
    pairs[id(plain)] = direct
    assert (plain is original) == (direct is original)
    if plain is original:
        return
    if isinstance(plain, classes):
        for name in field_copies.copyreg._slotnames(type(plain)):
            assert hasattr(plain, name) == hasattr(direct, name), name
            if hasattr(plain, name):
                _same_copies(getattr(plain, name), getattr(direct, name), getattr(original, name), pairs, classes)
    elif isinstance(plain, dict):
        assert list(plain) == list(direct)
        for key in plain:
            _same_copies(plain[key], direct[key], original[key], pairs, classes)
    elif isinstance(plain, (list, tuple)):
        assert len(plain) == len(direct)
        for one, two, was in zip(plain, direct, original):
            _same_copies(one, two, was, pairs, classes)
    else:
        assert plain == direct or repr(plain) == repr(direct)


def test_the_fields_of_gx_classes_are_copied_as_deepcopy_copies_them():
    import great_expectations.expectations as gxe
    from great_expectations.datasource.fluent import PandasDatasource
    from great_expectations.expectations.expectation import Expectation

    models = [gxe.ExpectColumnValuesToBeInSet, gxe.ExpectColumnValuesToBeBetween, gxe.ExpectColumnValuesToNotBeNull,
              gxe.ExpectColumnToExist, Expectation, PandasDatasource]
    classes = field_copies.field_classes()
    copied = 0
    for model in models:
        fields = model.__fields__
        plain = copy.deepcopy(fields)
        with field_copies.direct_copies():
            direct = copy.deepcopy(fields)
        pairs: dict[int, object] = {}
        _same_copies(plain, direct, fields, pairs, classes)
        copied += sum(isinstance(value, classes) for value in pairs.values())
    assert copied > 100  # fields, their infos and validators, copied directly and compared


def test_great_expectations_makes_the_same_classes_with_the_direct_copies():
    # Two fresh interpreters import GX, with and without the copiers, and describe every
    # pydantic field of every expectation class it defines: the same descriptions.
    code = (
        "import os, sys, contextlib\n"
        "os.environ['GX_ANALYTICS_ENABLED'] = 'False'\n"
        "from pipeline.validate.deferred import defer\n"
        "from pipeline.validate.field_copies import direct_copies\n"
        "defer()\n"
        "with (direct_copies() if sys.argv[1] == 'direct' else contextlib.nullcontext()):\n"
        "    import great_expectations.expectations as gxe\n"
        "from great_expectations.expectations.expectation import Expectation\n"
        "seen = []\n"
        "for name in sorted(dir(gxe)):\n"
        "    model = getattr(gxe, name)\n"
        "    if isinstance(model, type) and issubclass(model, Expectation):\n"
        "        for field_name, field in model.__fields__.items():\n"
        "            seen.append(f'{name}.{field_name} {field!r} {field.field_info!r} '\n"
        "                        f'{sorted(field.class_validators)} {len(field.validators or [])}')\n"
        "print(len(seen)); print('\\n'.join(seen))\n"
    )
    described = {}
    for way in ("plain", "direct"):
        result = subprocess.run([sys.executable, "-c", code, way], check=False, cwd=ROOT, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        described[way] = result.stdout
    assert int(described["plain"].splitlines()[0]) > 500
    assert described["direct"] == described["plain"]
