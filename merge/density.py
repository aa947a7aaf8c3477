"""Density caps: a sentence buried under suggestions gets none read.

Per profile, at most N non-error suggestions per sentence and M per paragraph;
the least valuable go first (value = severity weight × confidence). Errors are
never dropped by a cap and do not use up its room.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

from prosewise.agents.model import Finding, Severity
from prosewise.merge.model import Layout
from prosewise.merge.profiles import Policy


def value(f: Finding) -> float:
    """How much showing a suggestion is worth: severity weight (hint ¼ … error 1) × confidence."""
    return (f.severity.rank + 1) / 4 * f.confidence


def containing(spans: Sequence[tuple[int, int]], starts: Sequence[int],
               offset: int) -> int | None:
    """Index of the span (sorted by start; ``starts`` lists their starts, made once
    per ranking, not per finding) that holds ``offset``, ends included."""
    i = bisect_right(starts, offset) - 1
    return i if i >= 0 and offset <= spans[i][1] else None


def cap(candidates: Mapping[int, Finding], layout: Layout, policy: Policy,
        profile: str) -> dict[int, str]:
    """Candidates over a cap (id → reason), least valuable first."""
    sentences, paragraphs = sorted(layout.sentences), sorted(layout.paragraphs)
    limits = (("sentence", sentences, [s for s, _ in sentences], policy.per_sentence),
              ("paragraph", paragraphs, [s for s, _ in paragraphs], policy.per_paragraph))
    used: dict[tuple[str, int], int] = {}
    dropped: dict[int, str] = {}
    ranked = sorted(candidates.items(), key=lambda item: (-value(item[1]), item[1].start, item[0]))
    for cid, f in ranked:
        if f.severity is Severity.ERROR:
            continue
        slots = [(unit, containing(spans, starts, f.start), n) for unit, spans, starts, n in limits]
        full = next(((u, n) for u, i, n in slots
                     if i is not None and n is not None and used.get((u, i), 0) >= n), None)
        if full is not None:
            dropped[cid] = (f"its {full[0]} already has {full[1]} suggestions worth as much or more"
                            f" ({profile} shows at most {full[1]} non-error ones per {full[0]})")
            continue
        for unit, i, _ in slots:
            if i is not None:
                used[(unit, i)] = used.get((unit, i), 0) + 1
    return dropped
