"""Shared fixtures: one pipeline (engines are expensive to build) for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prosewise.server.pipeline import Pipeline


@pytest.fixture(scope="session")
def pipeline() -> Iterator[Pipeline]:
    """A real pipeline with all four agents and both offline engines."""
    p = Pipeline()
    yield p
    p.close()
