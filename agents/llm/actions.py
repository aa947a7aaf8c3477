"""Rewrite actions the writer asks for on a selection or the sentence at the cursor:
"Rewrite for clarity", "Make more formal", "Make friendlier", "Shorten", "Fix grammar".

Unlike the agents' rewrites (rewrite.py), these run only when the writer chooses one
(a code action, ``prosewise rewrite``), so the model is asked on a cache miss even in
the language server. The text goes redacted, the answer passes the guard
(agents/llm/guard.py) on the redacted texts with the action's own bounds ("Shorten"
may cut more, "Fix grammar" must stay a minimal correction), then gets its values back.
What comes back is the new text or why there is none: the writer asked, so a refusal
is said, never silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.guard import RETONED, Bounds, rewrite_problem
from prosewise.agents.llm.redact import redact
from prosewise.agents.settings import Settings
from prosewise.agents.text import sentences

MAX_CHARS = 6_000
"""Longest text one action rewrites: a few paragraphs. A whole chapter in one answer
would take minutes and could not be checked sentence by sentence by the guard."""
PARAGRAPH = 4 * MAX_CHARS
"""How far from the cursor its paragraph's ends are looked for: code actions are asked
for at every cursor move, and a paragraph longer than this is no paragraph."""
GRAMMAR_SAME = 0.75
"""Share of the words a grammar fix must leave in place (difflib's ratio on words):
below it the model rewrote rather than corrected."""
_PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)")
"""A blank line, with any of LSP's line breaks (a CRLF file has them too)."""
_WORDS = re.compile(r"\w+|[^\w\s]")


class Kind(StrEnum):
    """The rewrite actions."""

    CLARITY = "clarity"
    FORMAL = "formal"
    FRIENDLY = "friendly"
    SHORTEN = "shorten"
    GRAMMAR = "grammar"


@dataclass(frozen=True)
class Action:
    """One action: what the editor calls it, what the model is asked, how far it may go."""

    title: str
    instruction: str
    bounds: Bounds


ACTIONS: dict[Kind, Action] = {
    Kind.CLARITY: Action("Rewrite for clarity", "Rewrite the text so it is clearer and easier"
                         " to read: plain words, direct sentences.",
                         Bounds(min_ratio=0.4, max_ratio=1.4, min_kept=0.5)),
    Kind.FORMAL: Action("Make more formal", "Rewrite the text in a more formal register:"
                        " no slang or contractions, courteous and precise.", RETONED),
    Kind.FRIENDLY: Action("Make friendlier", "Rewrite the text so it sounds warmer and"
                          " friendlier, without becoming casual about the facts.", RETONED),
    Kind.SHORTEN: Action("Shorten", "Rewrite the text much shorter: cut filler, repetition"
                         " and wordy phrases, keep every fact.",
                         Bounds(min_ratio=0.2, max_ratio=1.0, min_kept=0.4)),
    Kind.GRAMMAR: Action("Fix grammar", "Correct grammar, spelling and punctuation only:"
                         " change as little as possible, keep the wording and style.",
                         Bounds(min_ratio=0.8, max_ratio=1.25, min_kept=0.8)),
}


class Rewritten(BaseModel):
    """The answer of a rewrite action."""

    text: str = Field(description="The whole text, rewritten.")


TASK = Task("rewrite-action", "rewrite-action-1", Rewritten)


@dataclass(frozen=True)
class Outcome:
    """A rewrite action's result: the new text, or why there is none."""

    text: str | None
    reason: str | None = None


def messages(kind: Kind, sent: str, settings: Settings) -> list[ChatMessage]:
    """The action's request for the redacted text ``sent``."""
    goals = settings.goals
    return [
        ChatMessage(role="system", content=(
            f"You edit {goals.dialect.value} English for a {goals.audience.value} audience."
            f" {ACTIONS[kind].instruction} Keep the meaning, every name and number, the"
            " Markdown formatting and line breaks, and every bracketed placeholder such as"
            ' [email-1] exactly as it is. Answer with JSON: {"text": "<the rewritten'
            ' text>"}.')),
        ChatMessage(role="user", content=sent),
    ]


async def rewrite(checks: LlmChecks, settings: Settings, kind: Kind, text: str) -> Outcome:
    """``text`` rewritten by the action ``kind`` (its surrounding space kept), or why not."""
    core = text.strip()
    if not settings.llm.model:
        return Outcome(None, "no model is configured")
    if not core:
        return Outcome(None, "there is no text to rewrite")
    if len(core) > MAX_CHARS:
        return Outcome(None, f"the text is longer than {MAX_CHARS} characters: select less")
    sent = redact(core)
    with checks.asking():  # the writer asked: a cache miss calls the model
        answer = await checks.ask(TASK, settings.llm, messages(kind, sent.text, settings))
    if answer is None:
        why = checks.paused or checks.last_failure or "no answer"
        return Outcome(None, f"the model did not answer ({why})")
    new = answer.text.strip()
    problem = rewrite_problem(sent.text, new, ACTIONS[kind].bounds)
    if problem is None and kind is Kind.GRAMMAR:
        problem = _not_minimal(sent.text, new)
    if problem == "unchanged":
        return Outcome(None, "the model would not change it")
    if problem is not None:
        return Outcome(None, f"the model's rewrite did not keep the meaning ({problem})")
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return Outcome(f"{lead}{sent.restored(new)}{trail}")


def _not_minimal(original: str, fixed: str) -> str | None:
    """Why a grammar fix is a rewrite, or None when it kept most words in place."""
    same = SequenceMatcher(None, _WORDS.findall(original), _WORDS.findall(fixed),
                           autojunk=False).ratio()
    return None if same >= GRAMMAR_SAME else f"changed {1 - same:.0%} of the words"


def target(text: str, start: int, end: int) -> tuple[int, int] | None:
    """What an action rewrites: the selection ``start``..``end`` without its surrounding
    space, or, for an empty one, the sentence at ``start`` within its paragraph (the one
    it ends, at a sentence's end); None when there is no text there."""
    if start != end:
        stripped = text[start:end]
        lead = len(stripped) - len(stripped.lstrip())
        core = stripped.strip()
        return (start + lead, start + lead + len(core)) if core else None
    window = max(0, start - PARAGRAPH), min(len(text), start + PARAGRAPH)
    # a break that holds the cursor (a blank line) ends after it: no sentence there
    begin = max((m.end() for m in _PARAGRAPH_BREAK.finditer(text, window[0], start + 1)),
                default=window[0])
    stop = _PARAGRAPH_BREAK.search(text, start, window[1])
    finish = stop.start() if stop is not None else window[1]
    for s, e in sentences(text[begin:finish]):
        if begin + s <= start <= begin + e:
            return begin + s, begin + e
    return None
