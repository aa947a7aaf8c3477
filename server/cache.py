"""Bounded least-recently-used caches for the pipeline.

Findings are cached per (agent, block content hash, settings hash) and ranked
chunks per (chunk text, settings, feedback). Keys carry no position: a block or
chunk that moved because of an edit above it is still a hit. Bounded so a long
editing session cannot grow without limit.
"""

from __future__ import annotations

from collections.abc import Hashable

from prosewise.agents.lru import LRU
from prosewise.agents.model import Finding


class FindingCache(LRU[tuple[Finding, ...]]):
    """Block-relative findings per check key."""

    def __init__(self, max_entries: int = 200_000) -> None:
        super().__init__(max_entries)

    def get(self, key: Hashable) -> list[Finding] | None:  # type: ignore[override]
        """The cached findings (a fresh list), or None on a miss."""
        found = super().get(key)
        return None if found is None else list(found)

    def put(self, key: Hashable, findings: list[Finding]) -> None:  # type: ignore[override]
        """Store findings."""
        super().put(key, tuple(findings))
