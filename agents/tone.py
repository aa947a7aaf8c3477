"""The tone agent: confidence, politeness, formality against the goal, inclusive language.

Phrase rules are data (agents/data/tone/*.toml). Code adds what a phrase list
cannot: exclamation-mark overuse per paragraph, hedging that weighs more when the
writer wants to convince, and leaving alone quoted speech (someone else's words)
and capitalised names ("George Foreman", "Amped Kids Camp").
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import EngineHits
from prosewise.agents.llm.tone import tone_rewrites
from prosewise.agents.model import AgentName, Block, Finding, Replacement, Severity
from prosewise.agents.ruleagent import code_finding, code_rule, data_findings, tidy_deletions
from prosewise.agents.rules import Rule
from prosewise.agents.settings import Goals, Intent, Settings
from prosewise.agents.text import lead_in, sentences

EXCLAMATION = "tone.exclamation"
HEDGING = "tone.hedging"
_BANGS = re.compile(r"!+")
_CLOSERS = re.compile(r"[\"'”’)\]]*")
_QUOTED = re.compile(r'"[^"\n]{2,}?"|“[^”\n]{2,}?”')
_SENTENCE_END = frozenset(".!?…:")
_OPENING_MARKS = frozenset("\"'“‘(")


def exclamations(text: str, rule: Rule) -> list[Finding]:
    """Runs like "!!" (fix: one "!"), and every "!" after the first in a paragraph (fix: ".")."""
    if "!" not in text:  # most blocks: no need to find their sentences
        return []
    out: list[Finding] = []
    ends = {e for _, e in sentences(text)}
    for seen, m in enumerate(_BANGS.finditer(text), start=1):
        run = m.group(0)
        if len(run) > 1:
            out.append(code_finding(rule, m.start(), m.end(), run, (Replacement(value="!"),)))
        elif seen > 1 and _ends_sentence(text, m.end(), ends):
            out.append(code_finding(rule, m.start(), m.end(), run, (Replacement(value="."),)))
    return out


def _ends_sentence(text: str, end: int, ends: set[int]) -> bool:
    """Whether the mark closes a sentence (possibly followed by a closing quote)."""
    closed = _CLOSERS.match(text, end)
    return (closed.end() if closed else end) in ends


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text in double quotes: quoted speech is not the writer's to re-tone."""
    return [m.span() for m in _QUOTED.finditer(text)]


def is_quoted(f: Finding, quotes: list[tuple[int, int]]) -> bool:
    """Whether the finding lies inside one quoted span."""
    return any(a < f.start and f.end < b for a, b in quotes)


def is_name(f: Finding, text: str) -> bool:
    """A capitalised match inside a sentence: a name or title, not a common noun."""
    first = f.text.split()[0] if f.text.strip() else ""
    if not first[:1].isupper() or first.isupper() or first.startswith(("I'", "I’")):
        return False
    j = lead_in(text, f.start, _OPENING_MARKS)
    return j > 0 and text[j - 1] not in _SENTENCE_END


def weigh_hedging(f: Finding, goals: Goals) -> Finding:
    """Hedging costs most when the text should convince: show it more prominently."""
    if f.rule != HEDGING or goals.intent is not Intent.CONVINCE:
        return f
    return replace(
        f,
        severity=Severity.INFO, confidence=min(1.0, f.confidence + 0.2),
        message=f.message + " Your goal is to convince: hedges weaken the case.",
    )


def finish(found: list[Finding], text: str, rule: Rule | None, goals: Goals) -> list[Finding]:
    """Data-rule findings filtered, weighed and tidied, plus exclamations (runs in the pool)."""
    quotes = quoted_spans(text)
    kept = [weigh_hedging(f, goals) for f in found
            if not is_name(f, text) and not is_quoted(f, quotes)]
    out = tidy_deletions(kept, text)
    if rule is not None and rule.applies(goals):
        out.extend(exclamations(text, rule))
    return out


class ToneAgent:
    """Keeps the voice confident, polite, inclusive and as formal as the goal asks."""

    name = AgentName.TONE
    description = "tone: hedging, intensifiers, condescension, formality, inclusive language"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Findings of the tone data rules plus the code checks; with a model, rewrites
        of the sentences that work against the goals (asked for meanwhile)."""
        asked = None
        if ctx.llm is not None and ctx.settings.llm.model:
            asked = asyncio.ensure_future(
                tone_rewrites(ctx.llm, block.text, block.kind, ctx.settings))
        found = await ctx.plain(self, block)
        return found if asked is None else found + ctx.from_model(await asked)

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        """The data rules' and engines' findings, filtered and weighed, plus exclamations."""
        found = data_findings(self.name, block.text, hits, settings)
        rule = code_rule(self.name, EXCLAMATION, settings.house_rules)
        return finish(found, block.text, rule, settings.goals)
