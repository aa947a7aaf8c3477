"""The grammar agent's model task: a minimally corrected text, diffed locally.

Offsets from a model are never trusted: the findings come from the difference between
the redacted text sent and the corrected text returned (``diff.corrections``), then
move back onto the original through the redaction's map.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.diff import corrections
from prosewise.agents.llm.redact import Redacted, redact
from prosewise.agents.model import Finding
from prosewise.agents.settings import Goals

CONFIDENCE = 0.6
"""A model's correction alone: above the balanced threshold, below two engines agreeing
(the ranking raises it where an engine flags the same words)."""


class Corrected(BaseModel):
    """The grammar task's answer."""

    text: str = Field(description="The input text with only its errors corrected.")


GRAMMAR = Task("grammar", "grammar-1", Corrected)


def grammar_messages(text: str, goals: Goals) -> list[ChatMessage]:
    """The grammar task: a minimal correction, nothing rewritten (the diff finds the edits)."""
    return [
        ChatMessage(role="system", content=(
            f"You correct grammar, spelling and punctuation in {goals.dialect.value} English."
            " Change only what is wrong; keep wording, style, line breaks and every"
            " bracketed placeholder such as [email-1] exactly as they are. Answer with JSON:"
            ' {"text": "<the corrected text>"}.')),
        ChatMessage(role="user", content=text),
    ]


async def model_corrections(checks: LlmChecks, text: str, settings: LlmSettings,
                            goals: Goals) -> list[Finding] | None:
    """Grammar findings for ``text`` (block offsets) from the model's minimal
    correction; [] without a model, None when the model could not answer."""
    if not settings.model or not text.strip():
        return []
    sent = redact(text)
    answer = await checks.ask(GRAMMAR, settings, grammar_messages(sent.text, goals))
    if answer is None:
        return None
    return _on_original(sent, corrections(sent.text, answer.text))


def _on_original(sent: Redacted, found: list[Finding]) -> list[Finding]:
    """Findings on the redacted text moved onto the original; any that touch a
    placeholder, or whose fix would write one into the text, are dropped."""
    tokens = [sent.text[p.sent_start:p.sent_end] for p in sent.placeholders]
    out: list[Finding] = []
    for f in found:
        span = sent.to_original(f.start, f.end)
        if span is None or any(t in r.value for r in f.replacements for t in tokens):
            continue
        start, end = span
        out.append(replace(f, start=start, end=end, text=sent.original[start:end],
                           confidence=CONFIDENCE))
    return out
