"""Settling overlapping edits: the writer never sees two fixes for the same text.

Two edits conflict when their spans overlap, or when an insertion point touches
the other's span (applying both is ambiguous). A note without a fix (e.g.
clarity.long-sentence over a whole sentence) is not an edit and coexists with
edits inside it; but a note lying within text an edit rewrites is about the same
words, so the two compete. Two notes never conflict.

Settling is near-linear: the findings kept so far are indexed by position
(``_Kept``), so each new one is compared only with those around its span, not with
every finding of the chunk (a 5,000-row table's 20,000 findings took minutes).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from prosewise.agents.model import AgentName, Finding
from prosewise.merge.dedupe import PRECEDENCE
from prosewise.merge.model import finding_key

CONCERN = {
    AgentName.GRAMMAR: "correctness", AgentName.CLARITY: "clarity",
    AgentName.TONE: "tone", AgentName.STYLE: "style",
}


def touches(a: Finding, b: Finding) -> bool:
    """Spans share text, or a zero-width span lies on or inside the other's span."""
    if a.start == a.end or b.start == b.end:
        point, other = (a, b) if a.start == a.end else (b, a)
        return other.start <= point.start <= other.end
    return a.start < b.end and b.start < a.end


def conflict(a: Finding, b: Finding) -> bool:
    """Whether the two may not both be shown."""
    if bool(a.replacements) == bool(b.replacements):
        return bool(a.replacements) and touches(a, b)
    note, edit = (b, a) if a.replacements else (a, b)
    return edit.start <= note.start and note.end <= edit.end


def precedence(f: Finding) -> tuple[int, float, int, int, int]:
    """Sort key, best first: agent precedence, confidence, shorter span, position."""
    return (PRECEDENCE[f.agent], -f.confidence, f.end - f.start, f.start, f.end)


def settle(candidates: Mapping[int, Finding],
           preferred: Mapping[str, str] | None = None) -> dict[int, Lost]:
    """Losers of overlaps (candidate id → what beat them); everything else may be shown.
    ``preferred`` (finding key → the model's reason: optional ranking) go first."""
    chosen = preferred or {}
    kept = _Kept()
    losers: dict[int, Lost] = {}

    def order(item: tuple[int, Finding]) -> tuple[bool, tuple[int, float, int, int, int], int]:
        return finding_key(item[1]) not in chosen, precedence(item[1]), item[0]

    for cid, f in sorted(candidates.items(), key=order):
        winner = kept.first_conflict(f)
        if winner is None:
            kept.add(f)
            continue
        why = chosen.get(finding_key(winner))
        reason = (f"the model preferred it: {why}" if why is not None
                  else why_first(winner, f))
        losers[cid] = Lost(winner, f"overlaps {winner.rule} at {winner.start}–{winner.end},"
                                   f" which ranks higher ({reason})")
    return losers


@dataclass(frozen=True)
class Lost:
    """An overlap's loser's fate: the finding that beat it, and the reason in words."""

    winner: Finding
    reason: str


@dataclass
class _Kept:
    """The findings kept so far, in the order kept, indexed by position.

    Kept edits never touch each other (two that touch conflict), so sorted by start
    they are sorted by end too: the edits near a span are found by bisection. Notes
    may overlap each other; sorted by start, the ones inside an edit's span are a
    slice.
    """

    found: list[Finding] = field(default_factory=list)
    edits: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, index into ``found``) of the kept edits, sorted."""
    edit_ends: list[int] = field(default_factory=list)
    notes: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, index into ``found``) of the kept notes, sorted."""
    note_starts: list[int] = field(default_factory=list)

    def first_conflict(self, f: Finding) -> Finding | None:
        """The earliest kept finding that ``f`` conflicts with (as a scan of every kept
        finding in order would find), or None."""
        hits = [i for i in self._near(f) if conflict(self.found[i], f)]
        return self.found[min(hits)] if hits else None

    def _near(self, f: Finding) -> Iterator[int]:
        """Kept findings that may conflict with ``f``: edits touching its span (every
        conflict with an edit needs that) and, for an edit, notes starting inside it."""
        at = bisect_left(self.edit_ends, f.start)
        while at < len(self.edits) and self.edits[at][0] <= f.end:
            yield self.edits[at][2]
            at += 1
        if f.replacements:
            at = bisect_left(self.note_starts, f.start)
            while at < len(self.notes) and self.notes[at][0] <= f.end:
                yield self.notes[at][2]
                at += 1

    def add(self, f: Finding) -> None:
        """Keep ``f`` (it conflicts with no kept finding)."""
        entry = (f.start, f.end, len(self.found))
        self.found.append(f)
        if f.replacements:
            at = bisect_right(self.edits, entry)
            self.edits.insert(at, entry)
            self.edit_ends.insert(at, f.end)
        else:
            at = bisect_right(self.notes, entry)
            self.notes.insert(at, entry)
            self.note_starts.insert(at, f.start)


def why_first(winner: Finding, loser: Finding) -> str:
    """The first precedence criterion that separates the two, in words."""
    if winner.agent is not loser.agent:
        return f"{CONCERN[winner.agent]} before {CONCERN[loser.agent]}"
    if winner.confidence != loser.confidence:
        return f"confidence {winner.confidence:.2f} vs {loser.confidence:.2f}"
    if winner.end - winner.start != loser.end - loser.start:
        return "shorter span"
    return "earlier in the text"
