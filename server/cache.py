"""Bounded least-recently-used caches for the pipeline.

Findings are cached per (agent, block content hash, settings hash) and ranked
chunks per (chunk text, settings, feedback). Keys carry no position: a block or
chunk that moved because of an edit above it is still a hit. Bounded so a long
editing session cannot grow without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from prosewise.agents.model import Finding

V = TypeVar("V")


class LRU(Generic[V]):
    """A bounded least-recently-used map."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        """The cached value, or None on a miss."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        """Store a value, evicting the least recently used entries past the bound."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


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
