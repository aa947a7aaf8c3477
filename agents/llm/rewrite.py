"""Sentence rewrites asked of the model (clarity, tone), guarded and placed locally.

The model gets the sentences numbered, each redacted on its own, and answers with the
number and the new sentence. Where each sentence is was known before asking: the
model's answer only chooses among our spans, so no offset or quote of its own is
trusted. A rewrite is kept only if the guard (agents/llm/guard.py) passes it on the
redacted texts; then its placeholders get their values back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.guard import Bounds, rewrite_problem
from prosewise.agents.llm.redact import Redacted, redact

log = logging.getLogger(__name__)

MAX_SENTENCES = 40
"""Sentences sent in one request: a block longer than that is a table or a list, not
prose worth a rewrite per sentence."""


class SentenceRewrite(BaseModel):
    """One sentence, rewritten."""

    id: int = Field(description="The number of the sentence, as given.")
    rewrite: str = Field(description="The whole sentence, rewritten.")
    reason: str = Field(default="", description="Why, in a few words.")


class Rewrites(BaseModel):
    """The answer of a rewrite task: only the sentences the model would change."""

    rewrites: list[SentenceRewrite] = Field(default_factory=list)


ANSWER_FORMAT = ('Answer with JSON: {"rewrites": [{"id": <the sentence number>, "rewrite":'
                 ' "<the whole sentence rewritten>", "reason": "<a few words>"}]}; leave out'
                 ' every sentence you would not change.')
KEEP = ("Keep the meaning, every name and number, and every bracketed placeholder such as"
        " [email-1] exactly as it is.")


@dataclass(frozen=True)
class Proposal:
    """A guarded rewrite of ``text[start:end]``, its placeholders restored."""

    start: int
    end: int
    value: str
    reason: str


@dataclass(frozen=True)
class Sentences:
    """The sentences of a block as sent: their spans in the block and each one redacted
    on its own (numbered from 1 in the request)."""

    spans: tuple[tuple[int, int], ...]
    sent: tuple[Redacted, ...]

    @classmethod
    def of(cls, text: str, spans: Sequence[tuple[int, int]]) -> Sentences:
        """The first ``MAX_SENTENCES`` of ``spans`` in ``text``."""
        kept = tuple(spans[:MAX_SENTENCES])
        return cls(kept, tuple(redact(text[s:e]) for s, e in kept))

    def message(self) -> ChatMessage:
        """The user's message: the sentences, numbered, as JSON."""
        numbered = [{"id": i, "text": r.text} for i, r in enumerate(self.sent, start=1)]
        return ChatMessage(role="user",
                           content=json.dumps({"sentences": numbered}, ensure_ascii=False))

    def proposals(self, rewrites: Sequence[SentenceRewrite], bounds: Bounds) -> list[Proposal]:
        """The rewrites the guard passes, one per sentence at most, in text order."""
        out: dict[int, Proposal] = {}
        seen: set[int] = set()
        for item in rewrites:
            if not 1 <= item.id <= len(self.spans) or item.id in seen:
                continue  # a sentence not sent, or a second answer for one (the first counts)
            seen.add(item.id)
            kept = _guarded(self.sent[item.id - 1], item.rewrite.strip(), bounds)
            if kept is not None:
                start, end = self.spans[item.id - 1]
                out[item.id] = Proposal(start, end, kept, " ".join(item.reason.split()))
        return [out[i] for i in sorted(out)]

    def find(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` is in the block: its first occurrence in a sentence as sent,
        unless it touches a redacted value; None when it is in none."""
        for (start, _), sent in zip(self.spans, self.sent, strict=True):
            i = sent.text.find(quote) if quote.strip() else -1
            span = sent.to_original(i, i + len(quote)) if i != -1 else None
            if span is not None:
                return start + span[0], start + span[1]
        return None


async def rewrite_sentences(
    checks: LlmChecks, task: Task[Rewrites], settings: LlmSettings, instructions: str,
    text: str, spans: Sequence[tuple[int, int]], bounds: Bounds,
) -> list[Proposal] | None:
    """Guarded rewrites of the sentences ``spans`` of ``text``, at most one each; None
    when the model could not answer. ``instructions`` is the system prompt's task."""
    if not settings.model or not spans:
        return []
    sentences = Sentences.of(text, spans)
    messages = [
        ChatMessage(role="system", content=f"{instructions} {KEEP} {ANSWER_FORMAT}"),
        sentences.message(),
    ]
    answer = await checks.ask(task, settings, messages)
    if answer is None:
        return None
    return sentences.proposals(answer.rewrites, bounds)


def _guarded(sent: Redacted, rewrite: str, bounds: Bounds) -> str | None:
    """The rewrite with its values restored, or None if the guard rejects it."""
    problem = rewrite_problem(sent.text, rewrite, bounds)
    if problem is not None:
        log.debug("a rewrite was not shown (%s): %r", problem, rewrite)
        return None
    return sent.restored(rewrite)
