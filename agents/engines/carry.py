"""A sentence's hits carried over from its previous version, until the fresh ones arrive.

Why: per keystroke, lingotweaker takes ≈11 ms on the edited sentence (40-70 ms when
its speller hunts for suggestions for a half-typed word), harper ≈7 ms. The language
server publishes as soon as harper is done, then again with lingotweaker's hits. In
that first publication the edited sentence has no fresh lingotweaker hits; without
them its lingotweaker-only squiggles would vanish for a moment and come back (a
blink on every keystroke). So the hits of the sentence's previous version are
carried over: those before the edit keep their offsets, those after it move with
the text, and those touching the edit are dropped (they are stale).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from prosewise.agents.engines.hits import EngineHit, Hits
from prosewise.agents.lru import LRU

KEY_CHARS = 16
"""Length of the head and tail a previous version is looked up by: an edit leaves at
least one of them intact unless the sentence is shorter than twice this."""
MAX_EDIT = 24
"""Largest change (characters removed or added) still treated as "the same sentence"."""


def carry(old: str, hits: Hits, new: str) -> Hits | None:
    """``hits`` on ``old`` moved onto ``new``, or None when the two differ by more than
    one small edit. Hits touching the edited stretch are dropped."""
    head = _shared(old, new)
    limit = min(len(old), len(new)) - head
    tail = _shared(old[::-1][:limit], new[::-1][:limit])
    if max(len(old), len(new)) - head - tail > MAX_EDIT:
        return None
    old_end, delta = len(old) - tail, len(new) - len(old)
    out: list[EngineHit] = []
    for hit in hits:  # a hit that merely touches the edit is stale too ("teh" → "tehe")
        if hit.end < head:
            out.append(hit)
        elif hit.start > old_end:
            out.append(hit.moved(delta))
    return tuple(out)


def _shared(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b``."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass
class Predecessors:
    """The latest checked sentence with a given head, and with a given tail, per
    context (engine, dialect, personal words): where a new sentence's previous
    version is looked for."""

    max_entries: int
    _by_end: LRU[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_end = LRU(2 * self.max_entries)

    def add(self, context: Hashable, text: str) -> list[str]:
        """Remember ``text`` as the latest checked sentence with its head and tail; the
        earlier versions of it this displaces (one small edit away, as ``carry``
        takes them): the next edit carries from ``text``, so the hub drops their hits
        (else each keystroke left a sentence's hits behind, per engine)."""
        displaced: list[str] = []
        if len(text) < KEY_CHARS:
            return displaced
        for end, key in _ends(text):
            old = self._by_end.get((context, end, key))
            if (old is not None and old != text and old not in displaced
                    and carry(old, (), text) is not None):
                displaced.append(old)
            self._by_end.put((context, end, key), text)
        for old in displaced:  # an edit near its head or tail left its other end's entry
            for end, key in _ends(old):  # (≈0.6 per keystroke, each holding the old text)
                if self._by_end.get((context, end, key)) == old:
                    self._by_end.drop((context, end, key))
        return displaced

    def candidates(self, context: Hashable, text: str) -> list[str]:
        """Earlier sentences sharing ``text``'s head or tail (most likely first)."""
        found: list[str] = []
        for end, key in _ends(text):
            old = self._by_end.get((context, end, key))
            if old is not None and old != text and old not in found:
                found.append(old)
        return found


def _ends(text: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The keys ``text`` is found by: its head and its tail."""
    return ("head", text[:KEY_CHARS]), ("tail", text[-KEY_CHARS:])
