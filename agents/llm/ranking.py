"""The ranking agent's optional model task (``llm.ranking``, off by default): the model
judges what the rules settled on their own, and the decision log says so.

Two kinds of contest (merge/model.py's ``Contest``): two fixes for the same words, of
which the rules' order showed the first, and one fix just under the profile's
threshold. The model sees each as whole sentences, the fix applied, each redacted on
its own, and picks one by number; it never sees or returns an offset. An answer that
names a contest or an option not sent is ignored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.redact import redact
from prosewise.agents.model import Finding
from prosewise.agents.settings import Settings
from prosewise.agents.text import sentences
from prosewise.merge.model import Contest, Verdicts, finding_key

MAX_CONTESTS = 20
"""Contests sent in one request (one per ranked chunk): more is a table, not prose."""


class Pick(BaseModel):
    """The model's choice in one contest."""

    id: int = Field(description="The number of the question, as given.")
    choice: int = Field(description="The number of the version that reads best.")
    reason: str = Field(default="", description="Why, in a few words.")


class Picks(BaseModel):
    """The ranking task's answer."""

    picks: list[Pick] = Field(default_factory=list)


TASK = Task("ranking", "ranking-1", Picks)


def ranking_messages(text: str, contests: Sequence[Contest],
                     settings: Settings) -> list[ChatMessage]:
    """The ranking task: for each question, the versions of one sentence to choose from."""
    goals = settings.goals
    questions = [{"id": n, "versions": [{"choice": i, "text": redact(version).text}
                                        for i, version in enumerate(_versions(text, c), 1)]}
                 for n, c in enumerate(contests[:MAX_CONTESTS], 1)]
    return [
        ChatMessage(role="system", content=(
            f"You are an editor of {goals.dialect.value} English for a {goals.audience.value}"
            f" audience, {goals.formality.value} in register. For each question, pick the"
            " version of the sentence that is correct and reads best. Keep bracketed"
            " placeholders such as [email-1] as they are. Answer with JSON: {\"picks\":"
            ' [{"id": <question number>, "choice": <version number>, "reason": "<a few'
            ' words>"}]}.')),
        ChatMessage(role="user", content=json.dumps({"questions": questions},
                                                    ensure_ascii=False)),
    ]


async def judge(checks: LlmChecks, text: str, contests: Sequence[Contest],
                settings: Settings) -> Verdicts | None:
    """The model's verdicts on ``contests`` in ``text`` (the ranked chunk's); None when it
    gave none (no answer yet: the language server asks in its model pass)."""
    sent = list(contests[:MAX_CONTESTS])
    answer = await checks.ask(TASK, settings.llm, ranking_messages(text, sent, settings))
    if answer is None:
        return None
    return verdicts(sent, answer)


def verdicts(contests: Sequence[Contest], answer: Picks) -> Verdicts:
    """The picks as verdicts: an overlap's chosen fix is preferred; a near miss whose
    fixed version was chosen is kept. Picks of questions or versions not sent count
    for nothing."""
    preferred: dict[str, str] = {}
    kept: dict[str, str] = {}
    for pick in answer.picks:
        if not 1 <= pick.id <= len(contests):
            continue
        options = contests[pick.id - 1].options
        reason = " ".join(pick.reason.split()) or "no reason given"
        if len(options) == 2 and pick.choice in (1, 2):
            preferred[finding_key(options[pick.choice - 1])] = reason
        elif len(options) == 1 and pick.choice == 2:
            kept[finding_key(options[0])] = reason
    return Verdicts(preferred=preferred, kept=kept)


def _versions(text: str, contest: Contest) -> list[str]:
    """The sentence the contest is in, with each option's fix applied; a near miss's
    first version is the sentence as written."""
    first = contest.options[0]
    start, end = next(((s, e) for s, e in sentences(text) if s <= first.start < e),
                      (first.start, first.end))
    start = min(start, *(f.start for f in contest.options))
    end = max(end, *(f.end for f in contest.options))
    fixed = [_applied(text, start, end, f) for f in contest.options]
    return fixed if len(fixed) == 2 else [text[start:end], *fixed]


def _applied(text: str, start: int, end: int, finding: Finding) -> str:
    value = finding.replacements[0].apply(finding.text)
    return text[start:finding.start] + value + text[finding.end:end]
