"""Folding findings that propose the same thing into one suggestion.

Harper and lingotweaker often flag the same word with the same fix, and a rule
agent may flag a span an engine already fixes. The writer should see one
suggestion, credited to every checker that raised it; agreement between
independent checkers also raises its confidence.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from prosewise.agents.model import AgentName, Finding, Replacement, Source
from prosewise.merge.agreement import Adjustment
from prosewise.merge.calibration import Score, agree_basis, agreement, origins
from prosewise.merge.fixes import tidy

T = TypeVar("T", Source, Replacement)

PRECEDENCE = {agent: i for i, agent in enumerate(AgentName)}
"""Lower ranks higher: correctness (grammar) before clarity before tone before style."""


@dataclass(frozen=True)
class Candidate:
    """A suggestion to rank: merged finding (calibrated confidence) and its members.

    ``members`` are indices into the findings given to ``rank``, owner first;
    ``agreement`` is how the engines' agreement moved its confidence (None: it did not).
    """

    finding: Finding
    members: tuple[int, ...]
    basis: str
    agreement: Adjustment | None = None


def merge_duplicates(findings: Sequence[Finding], scores: Sequence[Score]) -> list[Candidate]:
    """One candidate per distinct suggestion, in order of each group's first finding."""
    groups: dict[Hashable, list[int]] = {}
    for i, f in enumerate(findings):
        groups.setdefault(_key(f), []).append(i)
    merged = _absorb_fixless(list(groups.values()), findings, scores)
    return [_candidate(m, findings, scores) for m in merged]


def _key(f: Finding) -> Hashable:
    """Same edit: equal edit keys. Without a fix, only the same kind of problem merges:
    a long-sentence note and a passive-voice note on one sentence stay two."""
    return f.edit_key() if f.replacements else (*f.edit_key(), f.category)


def _absorb_fixless(
    groups: list[list[int]], findings: Sequence[Finding], scores: Sequence[Score]
) -> list[list[int]]:
    """Fold no-fix groups into the best fix group on exactly the same span."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for g in sorted(groups, key=lambda g: min(_owner_key(i, findings, scores) for i in g)):
        f = findings[g[0]]
        if f.replacements:
            by_span.setdefault((f.start, f.end), g)
    out: list[list[int]] = []
    for g in groups:
        f = findings[g[0]]
        target = by_span.get((f.start, f.end))
        if f.replacements or target is None:
            out.append(g)
        else:
            target.extend(g)
    return out


def _owner_key(i: int, findings: Sequence[Finding], scores: Sequence[Score]) -> tuple[object, ...]:
    f = findings[i]
    return (not f.replacements, PRECEDENCE[f.agent], -scores[i].confidence, -f.severity.rank, i)


def _voice_key(i: int, findings: Sequence[Finding], scores: Sequence[Score]) -> tuple[object, ...]:
    f = findings[i]
    return (not f.replacements, -scores[i].confidence, PRECEDENCE[f.agent], i)


def _candidate(group: list[int], findings: Sequence[Finding], scores: Sequence[Score]) -> Candidate:
    """The merged finding: owner's agent and rule, best member's message, union of sources,
    its fixes tidied (``fixes.tidy``)."""
    members = sorted(group, key=lambda i: _owner_key(i, findings, scores))
    owner = findings[members[0]]
    voice = findings[min(group, key=lambda i: _voice_key(i, findings, scores))]
    confidence, basis = _group_confidence(members, findings, scores)
    merged = tidy(replace(
        owner,
        message=voice.message,
        explanation=voice.explanation or owner.explanation,
        replacements=_union(r for i in members for r in findings[i].replacements),
        severity=max((findings[i].severity for i in members), key=lambda s: s.rank),
        confidence=confidence,
        sources=_union(src for i in members for src in findings[i].sources),
    ))
    return Candidate(finding=merged, members=tuple(members), basis=basis)


def _group_confidence(
    members: Sequence[int], findings: Sequence[Finding], scores: Sequence[Score]
) -> tuple[float, str]:
    """Best member's score, or the agreement score when independent checkers agree.

    Agreement counts only across merged findings: one finding that already names
    two engines was scored with that in mind (its calibration bin).
    """
    best: dict[str, float] = {}
    for i in members:
        name = "+".join(sorted(origins(findings[i])))
        best[name] = max(best.get(name, 0.0), scores[i].confidence)
    agreed = agreement(best) if len(members) > 1 else None
    if agreed is not None:
        return agreed, agree_basis(best)
    top = max(members, key=lambda i: scores[i].confidence)
    return scores[top].confidence, scores[top].basis


def _union(items: Iterable[T]) -> tuple[T, ...]:
    """Distinct items, first occurrence first (the owner's come first)."""
    return tuple(dict.fromkeys(items))
