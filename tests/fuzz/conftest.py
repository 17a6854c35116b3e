"""Hypothesis profiles: `ci` (a few hundred examples, in make test) and `long` (make fuzz)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("KG_FUZZ_PROFILE", "ci"))
