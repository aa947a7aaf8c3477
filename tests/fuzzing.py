"""The fuzz suite's budget: bounded by default, about ten times the examples with
``pytest --slow`` (tests/conftest.py loads the matching hypothesis profile).

Why a factor and not one ``max_examples`` for all: an example that drives a server
costs a hundred unit examples, so each fuzz test picks its own default and ``--slow``
multiplies them all.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

DEFAULT_EXAMPLES = 100
SLOW_FACTOR = 10
BOUNDED, SLOW = "prosewise-bounded", "prosewise-slow"


def register_profiles() -> None:
    """The two profiles: no deadline (a server answers in its own time: a hang is
    caught by the clients' timeouts) and no example database (each CI run starts
    clean; a failure prints its seed and shrunk example)."""
    common = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
    settings.register_profile(BOUNDED, common, max_examples=DEFAULT_EXAMPLES)
    settings.register_profile(SLOW, common, max_examples=DEFAULT_EXAMPLES * SLOW_FACTOR)


def examples(default: int) -> int:
    """A fuzz test's example count under the loaded profile (``default`` normally)."""
    return max(1, default * settings().max_examples // DEFAULT_EXAMPLES)
