"""Findings cached per (agent, block content hash, settings hash).

Keys carry no position: a block that moved because of an edit above it is still a
hit. Bounded LRU so a long editing session cannot grow without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from prosewise.agents.model import Finding


class FindingCache:
    """A bounded least-recently-used map from check keys to block-relative findings."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, tuple[Finding, ...]] = OrderedDict()

    def get(self, key: Hashable) -> list[Finding] | None:
        """The cached findings, or None on a miss."""
        found = self._items.get(key)
        if found is None:
            return None
        self._items.move_to_end(key)
        return list(found)

    def put(self, key: Hashable, findings: list[Finding]) -> None:
        """Store findings, evicting the least recently used entries past the bound."""
        self._items[key] = tuple(findings)
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
