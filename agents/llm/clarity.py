"""The clarity agent's model task: clearer, shorter rewrites of the sentences the
offline rules flag (too long, wordy phrases, nominalizations).

Only flagged sentences are sent: the rules already know where the writer needs help,
and a sentence they pass costs no tokens. Each guarded rewrite becomes a finding over
its whole sentence; a long-sentence note on the same span merges into it in the
ranking (a note and a fix on one span are one suggestion).
"""

from __future__ import annotations

from collections.abc import Sequence

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.guard import SHORTER
from prosewise.agents.llm.rewrite import Rewrites, rewrite_sentences
from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity, Source
from prosewise.agents.settings import Settings
from prosewise.agents.text import sentences

RULE = "clarity.llm-rewrite"
SOURCE = Source.of("llm", "clarity")
TASK = Task("clarity", "clarity-1", Rewrites)
FLAGGED = frozenset({"clarity.long-sentence", "clarity.wordy-phrase", "clarity.nominalization"})
"""The offline rules whose sentences are worth a rewrite."""
CONFIDENCE = 0.6
"""Guarded, but a rewrite is a matter of taste: above the balanced threshold, below an
error two engines agree on."""


def flagged_sentences(text: str, found: Sequence[Finding]) -> list[tuple[int, int]]:
    """The sentences of ``text`` that hold a finding of a ``FLAGGED`` rule."""
    spans = [(f.start, f.end) for f in found if f.rule in FLAGGED]
    return [(s, e) for s, e in sentences(text)
            if any(a < e and s < b for a, b in spans)]


async def clarity_rewrites(checks: LlmChecks, text: str, found: Sequence[Finding],
                           settings: Settings) -> list[Finding] | None:
    """Rewrite findings for the flagged sentences of ``text``; None when the model
    could not answer."""
    if not settings.rule_enabled(RULE):
        return []
    goals = settings.goals
    instructions = (f"You rewrite sentences in {goals.dialect.value} English to be clearer"
                    f" and shorter for a {goals.audience.value} audience: plain words,"
                    " active verbs, no padding.")
    proposals = await rewrite_sentences(checks, TASK, settings.llm, instructions, text,
                                        flagged_sentences(text, found), SHORTER)
    if proposals is None:
        return None
    return [Finding(
        agent=AgentName.CLARITY, rule=RULE, category=Category.READABILITY,
        start=p.start, end=p.end, text=text[p.start:p.end],
        message=f"A clearer version: “{p.value}”", replacements=(Replacement(value=p.value),),
        severity=Severity.INFO, confidence=CONFIDENCE, sources=(SOURCE,),
    ) for p in proposals]
