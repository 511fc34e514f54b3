"""Shared test settings: Hypothesis profiles, and `slow` tests kept for the nightly-style run.

Profiles (choose with HYPOTHESIS_PROFILE):
- `ci` (default): modest example counts, derandomized, so CI is fast and repeatable;
- `nightly`: ten times the examples and a fresh random seed each run; it also runs the tests
  marked `slow`, which the default run skips.
  `HYPOTHESIS_PROFILE=nightly pytest -n 2` runs everything; `... pytest -m slow` only the slow ones.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Generated cases are built step by step and solved: slower than Hypothesis expects by default.
_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=_RELAXED,
    print_blob=True,
)
settings.register_profile(
    "nightly",
    max_examples=400,
    deadline=None,
    derandomize=False,
    suppress_health_check=_RELAXED,
    print_blob=True,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """`n` examples in CI; ten times as many in the nightly profile."""
    return n * 10 if PROFILE == "nightly" else n


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `slow` tests unless the run asks for them (nightly profile or `-m` naming slow)."""
    if PROFILE == "nightly" or "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with HYPOTHESIS_PROFILE=nightly or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
