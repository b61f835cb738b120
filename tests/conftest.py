"""Hypothesis profiles: "default" keeps the property tests within a few seconds in the default
suite; "long" (HYPOTHESIS_PROFILE=long, as `make test-all` sets it) tries many more examples."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
