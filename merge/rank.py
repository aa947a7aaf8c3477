"""The ranking agent: from every agent's findings to the few suggestions worth showing.

Steps, each its own module: calibrate confidence (calibration), fold duplicates
(dedupe), demote rules the writer keeps dismissing (feedback), apply the profile
threshold (profiles), settle overlapping edits (conflicts), cap density (density).
Every input finding gets exactly one decision saying what became of it and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from prosewise.agents.model import Finding
from prosewise.agents.settings import Settings
from prosewise.merge.calibration import Calibration, load_calibration, score
from prosewise.merge.conflicts import settle
from prosewise.merge.dedupe import Candidate, merge_duplicates
from prosewise.merge.density import cap
from prosewise.merge.feedback import demotion, demotion_note
from prosewise.merge.model import Decision, Layout, Outcome, Ranking, RuleFeedback
from prosewise.merge.profiles import POLICIES, below_threshold


def rank(
    findings: Sequence[Finding],
    settings: Settings,
    layout: Layout,
    *,
    feedback: Mapping[str, RuleFeedback] | None = None,
    calibration: Calibration | None = None,
) -> Ranking:
    """Suggestions to show, in document order, with a decision for each finding.

    ``feedback`` (rule id → accept/dismiss counts in this workspace) demotes rules
    the writer keeps dismissing; ``calibration`` defaults to the packaged table.
    """
    table = calibration if calibration is not None else load_calibration()
    scores = [score(f, table) for f in findings]
    candidates = [_demoted(c, feedback or {}) for c in merge_duplicates(findings, scores)]
    hidden = _filter(candidates, settings, layout)
    order = sorted((i for i in range(len(candidates)) if i not in hidden),
                   key=lambda i: (candidates[i].finding.start, candidates[i].finding.end, i))
    shown = tuple(candidates[i].finding for i in order)
    slot = {cid: n for n, cid in enumerate(order)}
    decisions = _decisions(findings, candidates, hidden, slot)
    return Ranking(shown=shown, decisions=decisions)


def _demoted(candidate: Candidate, feedback: Mapping[str, RuleFeedback]) -> Candidate:
    rule_feedback = feedback.get(candidate.finding.rule)
    factor = demotion(rule_feedback)
    if rule_feedback is None or factor >= 1.0:
        return candidate
    finding = replace(candidate.finding, confidence=candidate.finding.confidence * factor)
    return replace(candidate, finding=finding,
                   basis=f"{candidate.basis}; {demotion_note(rule_feedback)}")


def _filter(candidates: Sequence[Candidate], settings: Settings, layout: Layout) -> dict[int, str]:
    """Candidate id → why it is hidden: threshold first, then overlaps, then caps."""
    hidden: dict[int, str] = {}
    for i, c in enumerate(candidates):
        reason = below_threshold(c.finding, settings.profile)
        if reason is not None:
            hidden[i] = reason
    hidden |= settle(_live(candidates, hidden))
    policy = POLICIES[settings.profile]
    hidden |= cap(_live(candidates, hidden), layout, policy, settings.profile.value)
    return hidden


def _live(candidates: Sequence[Candidate], hidden: Mapping[int, str]) -> dict[int, Finding]:
    return {i: c.finding for i, c in enumerate(candidates) if i not in hidden}


def _decisions(
    findings: Sequence[Finding], candidates: Sequence[Candidate],
    hidden: Mapping[int, str], slot: Mapping[int, int],
) -> tuple[Decision, ...]:
    """One decision per input finding, in input order."""
    out: list[Decision | None] = [None] * len(findings)
    for cid, c in enumerate(candidates):
        owner = c.members[0]
        for member in c.members:
            out[member] = _decision(findings[member], c, hidden.get(cid), slot.get(cid),
                                    is_owner=member == owner)
    assert all(d is not None for d in out), "every finding belongs to one candidate"
    return tuple(d for d in out if d is not None)


def _decision(finding: Finding, c: Candidate, hidden: str | None, slot: int | None, *,
              is_owner: bool) -> Decision:
    conf = c.finding.confidence
    owner = c.finding
    if is_owner and hidden is None:
        return Decision(finding=finding, outcome=Outcome.SHOWN, confidence=conf,
                        reason=f"confidence {conf:.2f}: {c.basis}")
    if is_owner:
        return Decision(finding=finding, outcome=Outcome.SUPPRESSED, confidence=conf,
                        reason=f"{hidden}; {c.basis}")
    same = f"same edit as {owner.rule} ({', '.join(owner.sources) or owner.agent})"
    if hidden is None:
        return Decision(finding=finding, outcome=Outcome.MERGED, into=slot, confidence=conf,
                        reason=same)
    return Decision(finding=finding, outcome=Outcome.SUPPRESSED, confidence=conf,
                    reason=f"{same}, which is hidden: {hidden}")
