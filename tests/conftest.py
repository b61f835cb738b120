"""Hypothesis profiles: "default" keeps the property tests within a few seconds in the default
suite; "long" (HYPOTHESIS_PROFILE=long, as `make test-all` sets it) tries many more examples."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def example_outputs(tmp_path_factory):
    """The example organisation's outputs in both report languages (`--lang sv,en`), written
    once per session through the real CLI; for the tests that read them with real clients."""
    from tests.test_cli import REPO, run_cli

    root = tmp_path_factory.mktemp("example-both-languages")
    result = run_cli("report", "--inputs", str(REPO / "inputs" / "example"), "--outputs", str(root),
                     "--lang", "sv,en", "--quiet")
    assert result.returncode == 0, result.stderr
    return root / "example" / "2025"
