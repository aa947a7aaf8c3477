"""The tone agent's model task: a reading of each paragraph against the writer's goals,
and rewrites of the sentences that work against them.

The model labels the tone it hears, each label with an evidence quote; a label whose
quote is not in the text is dropped (a reading the text does not show is not one).
It rewrites only the sentences that work against the goals (audience, formality,
domain, intent); each rewrite passes the guard (agents/llm/guard.py) or is not shown,
and its finding names the labels heard in that sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.guard import RETONED
from prosewise.agents.llm.rewrite import KEEP, Proposal, Rewrites, Sentences
from prosewise.agents.model import (
    AgentName,
    BlockKind,
    Category,
    Finding,
    Replacement,
    Severity,
    Source,
)
from prosewise.agents.settings import Goals, Settings
from prosewise.agents.text import sentences

RULE = "tone.llm-rewrite"
SOURCE = Source.of("llm", "tone")
CONFIDENCE = 0.55
"""A register is the writer's call: a guarded rewrite is offered, not pressed."""
READ = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM})
"""Blocks whose tone is the writer's: not headings, nor quotes (someone else's words)."""
LABELS = 3
"""Labels named in one finding's message."""


class ToneLabel(BaseModel):
    """One trait of the tone, and the words that show it."""

    label: str = Field(description="One or two words: informal, curt, tentative, ...")
    evidence: str = Field(description="Words copied exactly from a sentence that show it.")


class ToneReading(Rewrites):
    """The tone task's answer: the labels, and rewrites of the sentences against the goals."""

    labels: list[ToneLabel] = Field(default_factory=list)


TASK = Task("tone", "tone-1", ToneReading)


def tone_messages(sent: Sentences, goals: Goals) -> list[ChatMessage]:
    """The tone task: read, label with evidence, rewrite what works against the goals."""
    return [
        ChatMessage(role="system", content=(
            f"You read the tone of numbered sentences in {goals.dialect.value} English. The"
            f" writer wants {_goals(goals)}. Label the tone you hear (one or two words each:"
            " informal, curt, tentative, pompous, friendly, ...), each label with evidence"
            " words copied exactly from a sentence. Then rewrite only the sentences whose"
            f" tone works against those goals, saying why in a few words. {KEEP} Answer with"
            ' JSON: {"labels": [{"label": "...", "evidence": "..."}], "rewrites": [{"id":'
            ' <the sentence number>, "rewrite": "<the whole sentence rewritten>", "reason":'
            ' "<a few words>"}]}; no rewrites when every sentence fits the goals.')),
        sent.message(),
    ]


async def tone_rewrites(checks: LlmChecks, text: str, kind: BlockKind,
                        settings: Settings) -> list[Finding] | None:
    """Rewrite findings for the sentences of ``text`` that work against the goals; []
    without a model, None when the model could not answer."""
    if not settings.llm.model or kind not in READ or not text.strip() \
            or not settings.rule_enabled(RULE):
        return []
    sent = Sentences.of(text, sentences(text))
    answer = await checks.ask(TASK, settings.llm, tone_messages(sent, settings.goals))
    if answer is None:
        return None
    heard = [(label.label, where) for label in answer.labels
             if (where := sent.find(label.evidence)) is not None]
    return [_finding(p, text, heard, settings.goals)
            for p in sent.proposals(answer.rewrites, RETONED)]


def _finding(p: Proposal, text: str, heard: Sequence[tuple[str, tuple[int, int]]],
             goals: Goals) -> Finding:
    """The rewrite's finding; its message names what was heard in the sentence, with
    the evidence, else the model's reason."""
    here = [f"{' '.join(label.split())} (“{text[s:e]}”)" for label, (s, e) in heard
            if p.start <= s and e <= p.end][:LABELS]
    why = f"sounds {', '.join(here)}" if here else p.reason or "works against your goals"
    return Finding(
        agent=AgentName.TONE, rule=RULE, category=Category.FORMALITY,
        start=p.start, end=p.end, text=text[p.start:p.end],
        message=f"This sentence {why}, against your goals ({_goals(goals)}). Try: “{p.value}”",
        replacements=(Replacement(value=p.value),), severity=Severity.INFO,
        confidence=CONFIDENCE, sources=(SOURCE,),
    )


def _goals(goals: Goals) -> str:
    """The goals in words: "a formal tone for a general audience, business writing
    meant to convince"."""
    return (f"a {goals.formality.value} tone for a {goals.audience.value} audience,"
            f" {goals.domain.value} writing meant to {goals.intent.value.replace('-', ' ')}")
