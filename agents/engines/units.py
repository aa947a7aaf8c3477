"""Engine hits cached per sentence: after an edit the engines re-check one sentence.

Why: per keystroke, harper and lingotweaker cost 10-40 ms on a paragraph but a few
ms on the one sentence that changed (LanguageTool's own server caches per sentence
for the same reason). A block is cut into *units*, one per sentence, each running
from its sentence's start to the next one's (the first from the block's start), so
the units tile the block. The engines check each run of consecutive uncached units
as one text, keeping the context inside the run.

A hit belongs to the unit it starts in and is kept only if it ends there too: a hit
spanning two sentences is dropped in every check, so what a sentence gets never
depends on which of its neighbours happened to be checked with it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from prosewise.agents.engines.hits import EngineHit, Hits
from prosewise.agents.text import sentences


@dataclass(frozen=True)
class Units:
    """A text cut at its sentence starts."""

    text: str
    bounds: tuple[int, ...]
    """Unit ``i`` is ``text[bounds[i]:bounds[i + 1]]``; the last bound is ``len(text)``."""

    @classmethod
    def of(cls, text: str) -> Units:
        """The units of ``text`` (one unit when it has no sentence break)."""
        starts = [s for s, _ in sentences(text)[1:]]
        return cls(text, (0, *starts, len(text)))

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def piece(self, i: int) -> str:
        """Unit ``i``'s text (the cache key)."""
        return self.text[self.bounds[i]:self.bounds[i + 1]]

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """Offsets of units ``first`` to ``stop - 1`` together."""
        return self.bounds[first], self.bounds[stop]

    def split(self, hits: Hits, first: int, stop: int) -> list[Hits]:
        """Hits of the run of units ``first`` .. ``stop - 1`` (offsets into the run),
        one tuple per unit in unit offsets; hits that leave their unit are dropped."""
        base = self.bounds[first]
        out: list[list[EngineHit]] = [[] for _ in range(first, stop)]
        for hit in hits:
            at = base + hit.start
            i = _unit_at(self.bounds, at, first, stop)
            begin, end = self.bounds[i], self.bounds[i + 1]
            if base + hit.end <= end:
                out[i - first].append(hit.moved(base - begin))
        return [tuple(h) for h in out]

    def join(self, per_unit: Sequence[Hits]) -> Hits:
        """Every unit's hits in text offsets, in order."""
        out: list[EngineHit] = []
        for i, hits in enumerate(per_unit):
            out.extend(h.moved(self.bounds[i]) for h in hits)
        return tuple(out)


def runs(missing: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive unit indices grouped as ``(first, stop)`` ranges."""
    out: list[tuple[int, int]] = []
    for i in missing:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _unit_at(bounds: tuple[int, ...], at: int, first: int, stop: int) -> int:
    """The unit in ``first .. stop - 1`` holding offset ``at`` (the last one for the end)."""
    return min(max(bisect_right(bounds, at, first, stop) - 1, first), stop - 1)
