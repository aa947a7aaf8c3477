"""The ranking agent: from every agent's findings to the few suggestions worth showing.

Steps, each its own module: calibrate confidence (calibration), fold duplicates
and tidy their fixes (dedupe, fixes), weigh which engines agree (agreement), demote
rules the writer keeps dismissing (feedback), lower the grammar threshold in
error-dense text (evidence), apply the profile threshold (profiles), settle
overlapping edits (conflicts), cap density (density).
Every input finding gets exactly one decision saying what became of it and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from prosewise.agents.model import Finding
from prosewise.agents.settings import Settings, Writer
from prosewise.merge.agreement import Adjustment, Agreement, adjust, load_agreement
from prosewise.merge.calibration import Calibration, load_calibration, score
from prosewise.merge.conflicts import settle
from prosewise.merge.dedupe import Candidate, merge_duplicates
from prosewise.merge.density import cap
from prosewise.merge.evidence import (
    LEARNER_NOTE,
    Evidence,
    density,
    load_evidence,
    lowered_floor,
)
from prosewise.merge.feedback import demotion, demotion_note
from prosewise.merge.model import (
    Contest,
    Decision,
    Layout,
    Outcome,
    Ranking,
    RuleFeedback,
    Verdicts,
    finding_key,
)
from prosewise.merge.profiles import POLICIES, below_threshold, confidence_floor

NEAR_MISS = 0.15
"""How far under the profile's threshold a fix may be for a model to be asked whether
to show it (optional ranking): farther down, the rules' doubt stands."""


def rank(
    findings: Sequence[Finding],
    settings: Settings,
    layout: Layout,
    *,
    feedback: Mapping[str, RuleFeedback] | None = None,
    calibration: Calibration | None = None,
    verdicts: Verdicts | None = None,
    contests: bool = False,
    evidence: Evidence | None = None,
    agreement: Agreement | None = None,
) -> Ranking:
    """Suggestions to show, in document order, with a decision for each finding.

    ``feedback`` (rule id → accept/dismiss counts in this workspace) demotes rules
    the writer keeps dismissing; ``calibration`` defaults to the packaged table.
    Optional ranking by a model: ``contests`` lists what it may judge (overlapping
    fixes, near misses of the threshold), and ``verdicts`` are its judgements, which
    go before the rules' order and threshold, each named in the decision log.
    ``evidence`` (default: the packaged fit) lowers the grammar threshold in
    error-dense text (``merge.evidence``); ``agreement`` (default: the packaged fit)
    moves grammar findings toward the precision of the engines that raised them
    (``merge.agreement``).
    """
    table = calibration if calibration is not None else load_calibration()
    scores = [score(f, table) for f in findings]
    judged = verdicts or Verdicts()
    merged = merge_duplicates(findings, scores)
    dense_table = evidence if evidence is not None else load_evidence()
    agreed = agreement if agreement is not None else load_agreement()
    # density before the moves decides them; _with_evidence counts the moved confidences
    dense = density([c.finding for c in merged], layout, dense_table).dense(dense_table)
    candidates = [_judged(_demoted(_moved(c, adjust(c.finding, agreed, dense=dense)),
                                   feedback or {}), judged)
                  for c in merged]
    candidates, floors = _with_evidence(candidates, settings, layout, dense_table)
    candidates = _agreement_notes(candidates, settings, floors)
    hidden, open_questions = _filter(candidates, settings, layout, judged, floors)
    order = sorted((i for i in range(len(candidates)) if i not in hidden),
                   key=lambda i: (candidates[i].finding.start, candidates[i].finding.end, i))
    shown = tuple(candidates[i].finding for i in order)
    slot = {cid: n for n, cid in enumerate(order)}
    decisions = _decisions(findings, candidates, hidden, slot)
    return Ranking(shown=shown, decisions=decisions,
                   contests=tuple(open_questions) if contests else ())


def _moved(candidate: Candidate, moved: Adjustment | None) -> Candidate:
    if moved is None:
        return candidate
    return replace(candidate, agreement=moved,
                   finding=replace(candidate.finding, confidence=moved.confidence))


def _agreement_notes(candidates: list[Candidate], settings: Settings,
                     floors: Mapping[int, float]) -> list[Candidate]:
    """Each moved candidate's basis names the engines' agreement, as what showed or hid
    it where the move crossed its threshold."""
    out = list(candidates)
    for i, c in enumerate(candidates):
        m = c.agreement
        if m is None:
            continue
        f = c.finding
        floor = floors.get(i, confidence_floor(f, settings.profile))

        def passes(confidence: float, f: Finding = f, floor: float = floor) -> bool:
            return below_threshold(replace(f, confidence=confidence), settings.profile,
                                   floor) is None

        was, now = passes(m.before), passes(m.confidence)
        note = m.note(shown=None if was == now else now)
        out[i] = replace(c, basis=f"{c.basis}; {note}")
    return out


def _demoted(candidate: Candidate, feedback: Mapping[str, RuleFeedback]) -> Candidate:
    rule_feedback = feedback.get(candidate.finding.rule)
    factor = demotion(rule_feedback)
    if rule_feedback is None or factor >= 1.0:
        return candidate
    finding = replace(candidate.finding, confidence=candidate.finding.confidence * factor)
    return replace(candidate, finding=finding,
                   basis=f"{candidate.basis}; {demotion_note(rule_feedback)}")


def _judged(candidate: Candidate, verdicts: Verdicts) -> Candidate:
    """The candidate with the model's verdicts on it named in its basis."""
    key = finding_key(candidate.finding)
    basis = candidate.basis
    if key in verdicts.preferred:
        basis += f"; the model preferred it: {verdicts.preferred[key]}"
    if key in verdicts.kept:
        basis += f"; the model would show it: {verdicts.kept[key]}"
    return candidate if basis == candidate.basis else replace(candidate, basis=basis)


def _with_evidence(candidates: list[Candidate], settings: Settings, layout: Layout,
                   table: Evidence) -> tuple[list[Candidate], dict[int, float]]:
    """Candidates that pass only because the text is error-dense, with that in their
    basis, and every candidate's threshold where it differs from the profile's."""
    found = density([c.finding for c in candidates], layout, table)
    learner = settings.goals.writer is Writer.ENGLISH_LEARNER
    floors: dict[int, float] = {}
    for i, c in enumerate(candidates):
        floor = confidence_floor(c.finding, settings.profile)
        low = lowered_floor(c.finding, floor, found, table, learner=learner)
        if low == floor:
            continue
        floors[i] = low
        if (below_threshold(c.finding, settings.profile) is not None
                and below_threshold(c.finding, settings.profile, low) is None):
            dense = lowered_floor(c.finding, floor, found, table) == low
            note = found.note() if dense else LEARNER_NOTE
            candidates[i] = replace(c, basis=f"{c.basis}; {note}")
    return candidates, floors


def _filter(
    candidates: Sequence[Candidate], settings: Settings, layout: Layout, verdicts: Verdicts,
    floors: Mapping[int, float],
) -> tuple[dict[int, str], list[Contest]]:
    """Candidate id → why it is hidden: threshold first, then overlaps, then caps; and
    the contests a model could judge (fixes that lost an overlap or just missed the
    threshold, unless judged already)."""
    hidden: dict[int, str] = {}
    contests: list[Contest] = []
    for i, c in enumerate(candidates):
        floor = floors.get(i, confidence_floor(c.finding, settings.profile))
        reason = below_threshold(c.finding, settings.profile, floor)
        if reason is None or finding_key(c.finding) in verdicts.kept:
            continue
        hidden[i] = reason
        gap = floor - c.finding.confidence
        if c.finding.replacements and 0 < gap <= NEAR_MISS:
            contests.append(Contest(options=(c.finding,)))
    lost = settle(_live(candidates, hidden), verdicts.preferred)
    hidden |= {cid: loss.reason for cid, loss in lost.items()}
    contests += [Contest(options=(loss.winner, candidates[cid].finding))
                 for cid, loss in lost.items()
                 if loss.winner.replacements and candidates[cid].finding.replacements
                 and finding_key(loss.winner) not in verdicts.preferred]
    policy = POLICIES[settings.profile]
    hidden |= cap(_live(candidates, hidden), layout, policy, settings.profile.value)
    return hidden, contests


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
