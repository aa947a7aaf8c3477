"""What the offline engines return: raw hits in code points of the checked text."""

from __future__ import annotations

from dataclasses import dataclass, replace

from prosewise.agents.model import Replacement

HARPER = "harper"
LINGO = "lingotweaker"


@dataclass(frozen=True)
class EngineHit:
    """One raw result of one engine, in code points of the checked text."""

    engine: str
    rule: str
    kind: str
    start: int
    end: int
    message: str
    replacements: tuple[Replacement, ...] = ()
    explanation: str = ""
    """The engine's description of the rule (harper: Markdown), if it has one."""

    def moved(self, delta: int) -> EngineHit:
        """The same hit ``delta`` code points further on (into another text's offsets)."""
        return replace(self, start=self.start + delta, end=self.end + delta) if delta else self


Hits = tuple[EngineHit, ...]
"""One text's hits of one engine."""


@dataclass(frozen=True)
class EngineHits:
    """Everything the engines found in one text."""

    hits: Hits = ()
    """Every engine's hits, engine by engine."""
    failed: tuple[str, ...] = ()
    """Engines that raised on this text (their hits are missing, the other's are kept)."""
    pending: tuple[str, ...] = ()
    """Engines still loading or answering late: their hits are missing (or carried from
    an earlier version) and the result must not be cached."""
    spellers: tuple[str, ...] = (HARPER, LINGO)
    """Engines that checked spelling: a lone spelling hit means disagreement only when
    the other engine could have agreed (lingotweaker has no en-AU/CA/IN speller)."""

    def all(self) -> Hits:
        """Every engine's hits."""
        return self.hits

    def of(self, engine: str) -> Hits:
        """One engine's hits."""
        return tuple(h for h in self.hits if h.engine == engine)
