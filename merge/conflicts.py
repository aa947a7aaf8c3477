"""Settling overlapping edits: the writer never sees two fixes for the same text.

Two edits conflict when their spans overlap, or when an insertion point touches
the other's span (applying both is ambiguous). A note without a fix (e.g.
clarity.long-sentence over a whole sentence) is not an edit and coexists with
edits inside it; but a note lying within text an edit rewrites is about the same
words, so the two compete. Two notes never conflict.
"""

from __future__ import annotations

from collections.abc import Mapping

from prosewise.agents.model import AgentName, Finding
from prosewise.merge.dedupe import PRECEDENCE

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


def settle(candidates: Mapping[int, Finding]) -> dict[int, str]:
    """Losers of overlaps (candidate id → reason); everything else may be shown."""
    kept: list[Finding] = []
    losers: dict[int, str] = {}
    for cid, f in sorted(candidates.items(), key=lambda item: (precedence(item[1]), item[0])):
        winner = next((k for k in kept if conflict(k, f)), None)
        if winner is None:
            kept.append(f)
        else:
            losers[cid] = (f"overlaps {winner.rule} at {winner.start}–{winner.end}, "
                           f"which ranks higher ({why_first(winner, f)})")
    return losers


def why_first(winner: Finding, loser: Finding) -> str:
    """The first precedence criterion that separates the two, in words."""
    if winner.agent is not loser.agent:
        return f"{CONCERN[winner.agent]} before {CONCERN[loser.agent]}"
    if winner.confidence != loser.confidence:
        return f"confidence {winner.confidence:.2f} vs {loser.confidence:.2f}"
    if winner.end - winner.start != loser.end - loser.start:
        return "shorter span"
    return "earlier in the text"
