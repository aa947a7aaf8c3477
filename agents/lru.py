"""A bounded least-recently-used map, for every cache in the pipeline.

Keys carry content, never positions, so a cached block, chunk or sentence that an
edit above it moved is still a hit. Bounded so a long editing session cannot grow
without limit. Not thread-safe: every cache is read and written on the event loop.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

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

    def drop(self, key: Hashable) -> None:
        """Forget ``key`` (nothing happens if it is not cached)."""
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
