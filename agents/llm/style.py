"""The style agent's model task: a house style guide in plain words, checked by the model.

The guide is the writer's (``style_guide`` in the settings); the model answers with
quotes of the offending words, what they break and, if it can, a replacement. Each
quote is looked up in the text here (the first occurrence not already taken); one that
is not there, or that touches a redacted value, is dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from prosewise.agents.llm.checks import LlmChecks, Task
from prosewise.agents.llm.client import ChatMessage
from prosewise.agents.llm.quotes import locate
from prosewise.agents.llm.redact import PLACEHOLDER, redact
from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity, Source
from prosewise.agents.settings import Settings

RULE = "style.llm-guide"
SOURCE = Source.of("llm", "style")
CONFIDENCE = 0.55
"""The writer asked for the guide, but a model's reading of it is not a rule's match."""
MAX_FINDINGS = 20
MESSAGE_CHARS = 300


class GuideBreach(BaseModel):
    """One place where the text breaks the guide."""

    quote: str = Field(description="The offending words, copied exactly from the text.")
    message: str = Field(description="Which guideline they break, in one sentence.")
    suggestion: str | None = Field(default=None, description="Text to replace the quote with.")


class GuideBreaches(BaseModel):
    """The style task's answer."""

    findings: list[GuideBreach] = Field(default_factory=list)


TASK = Task("style", "style-1", GuideBreaches)


def guide_messages(text: str, guide: str) -> list[ChatMessage]:
    """The style task: only breaches of this guide, each quoting the text exactly."""
    return [
        ChatMessage(role="system", content=(
            "You check a text against the writer's house style guide, and nothing else:"
            f"\n<guide>\n{guide}\n</guide>\nFor each place the text breaks the guide, quote"
            " the offending words exactly as they appear in the text (a few words, not a"
            " whole paragraph), say in one sentence which guideline they break, and give the"
            " replacement for the quote if there is one. Bracketed placeholders such as"
            ' [email-1] stand for hidden values: leave them alone. Answer with JSON: {"findings":'
            ' [{"quote": "...", "message": "...", "suggestion": "..." or null}]}; an empty'
            " list when the text follows the guide.")),
        ChatMessage(role="user", content=text),
    ]


async def guide_findings(checks: LlmChecks, text: str, settings: Settings) -> list[Finding] | None:
    """Findings of the house style guide in ``text``; [] without a guide, None when the
    model could not answer."""
    guide = settings.style_guide.strip()
    if not settings.llm.model or not guide or not text.strip() or not settings.rule_enabled(RULE):
        return []
    sent = redact(text)
    answer = await checks.ask(TASK, settings.llm, guide_messages(sent.text, guide))
    if answer is None:
        return None
    breaches = answer.findings[:MAX_FINDINGS]
    out: list[Finding] = []
    for breach, span in zip(breaches, locate(sent.text, [b.quote for b in breaches]),
                            strict=True):
        where = sent.to_original(*span) if span is not None else None
        if where is None:
            continue
        start, end = where
        quoted = text[start:end]
        fix = breach.suggestion
        keep_fix = fix is not None and fix != quoted and not PLACEHOLDER.search(fix)
        out.append(Finding(
            agent=AgentName.STYLE, rule=RULE, category=Category.STYLE, start=start, end=end,
            text=quoted, message=f"House style: {' '.join(breach.message.split())[:MESSAGE_CHARS]}",
            replacements=(Replacement(value=fix),) if keep_fix and fix is not None else (),
            severity=Severity.INFO, confidence=CONFIDENCE, sources=(SOURCE,),
        ))
    return out
