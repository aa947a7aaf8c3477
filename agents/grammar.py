"""The grammar agent: grammar, spelling, punctuation and agreement from both engines.

Harper and lingotweaker run side by side (``EngineHub``); this agent keeps the hits
routed to grammar, and where both engines flag the same problem it reports one
finding with both sources and a higher confidence: two independent engines
agreeing is the best evidence an offline checker has; a spelling hit of one engine
alone is below the balanced profile's threshold. Unknown capitalised words
mid-sentence are mostly names, so their spelling findings are demoted further
(measured with bench/eval_grammar.py: names and terms are most of the false alarms
on native text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hub import EngineHit, EngineHits
from prosewise.agents.model import AgentName, Block, Finding, Severity
from prosewise.agents.routing import route, routing_table, to_finding

NAME_FACTOR = 0.4
"""Confidence factor for a spelling finding on a word that looks like a name."""
MAX_CONFIDENCE = 0.98
"""Agreement of two engines never makes a finding certain."""

_SENTENCE_OPENERS = frozenset(".!?:;\"“‘'([{•*-–—\n")
_DIGIT = re.compile(r"\d")


class GrammarAgent:
    """Harper and lingotweaker side by side; only the rules routed to grammar."""

    name = AgentName.GRAMMAR
    description = "Grammar, spelling, punctuation and agreement."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Engine hits owned by this agent, agreeing hits merged."""
        hits = await ctx.engine_hits(block)
        return grammar_findings(hits, block.text)


def grammar_findings(hits: EngineHits, text: str) -> list[Finding]:
    """The grammar findings of one text's engine hits (pure: no engine runs here)."""
    own = [h for h in hits.all() if route(h) is AgentName.GRAMMAR]
    solo = len(hits.spellers) < 2
    findings = [in_context(to_finding(h, text), h, text, solo) for h in own]
    return merge_agreeing(findings, text)


def in_context(finding: Finding, hit: EngineHit, text: str, solo: bool = False) -> Finding:
    """The finding with its confidence adjusted for what surrounds it.

    ``solo``: only one engine checked spelling (a dialect lingotweaker has no speller
    for, or a failed engine), so a lone spelling hit is not a disagreement.
    """
    if finding.rule != "grammar.spelling":
        return finding
    confidence = finding.confidence
    if solo:
        confidence = max(confidence, routing_table().ids["grammar.spelling"].confidence)
    if looks_like_name(text, hit.start, hit.end):
        confidence *= NAME_FACTOR
    return finding.model_copy(update={"confidence": confidence})


def looks_like_name(text: str, start: int, end: int) -> bool:
    """Whether a flagged word is probably a name, code, acronym or foreign word rather
    than a typo: capitalised mid-sentence, a capital inside, a digit, or a letter
    outside ASCII."""
    word = text[start:end]
    if not word:
        return False
    if _DIGIT.search(word) or not word.isascii() or any(c.isupper() for c in word[1:]):
        return True
    return word[0].isupper() and not at_sentence_start(text, start)


def at_sentence_start(text: str, start: int) -> bool:
    """Whether only spaces and an opening mark separate ``start`` from a sentence end."""
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_OPENERS


def merge_agreeing(findings: Sequence[Finding], text: str) -> list[Finding]:
    """One finding per problem: hits of different engines that agree are merged."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, -f.confidence)):
        partner = next((i for i, g in enumerate(out) if agree(g, f, text)), None)
        if partner is None:
            out.append(f)
        else:
            out[partner] = merged(out[partner], f)
    return out


def agree(a: Finding, b: Finding, text: str) -> bool:
    """Same span, or overlapping spans whose first fixes give the same text, from
    engines not already in ``a`` (one engine's two rules are not independent)."""
    engines_a = {s.split(":", 1)[0] for s in a.sources}
    if any(s.split(":", 1)[0] in engines_a for s in b.sources):
        return False
    if (a.start, a.end) == (b.start, b.end):
        return True
    if a.start >= b.end or b.start >= a.end or not a.replacements or not b.replacements:
        return False
    return fixed_text(a, text) == fixed_text(b, text)


def fixed_text(f: Finding, text: str) -> str:
    """The text with the finding's first fix applied, spaces normalised."""
    new = f.replacements[0].apply(f.text)
    return " ".join((text[:f.start] + new + text[f.end:]).split())


def merged(a: Finding, b: Finding) -> Finding:
    """``a`` and ``b`` as one finding: the more confident one speaks, both are sources.

    For errors confidence rises as for independent evidence (noisy-or); for hints and
    infos (typography, dialect) both engines merely share a convention, so it does not.
    """
    first, second = (a, b) if a.confidence >= b.confidence else (b, a)
    values = {r.apply(first.text) for r in first.replacements}
    same_span = (first.start, first.end) == (second.start, second.end)
    extra = tuple(r for r in second.replacements
                  if same_span and r.apply(second.text) not in values)
    confidence = first.confidence
    if first.severity.rank >= Severity.WARNING.rank:
        confidence = 1 - (1 - first.confidence) * (1 - second.confidence)
    return first.model_copy(update={
        "sources": first.sources + tuple(s for s in second.sources if s not in first.sources),
        "confidence": min(MAX_CONFIDENCE, confidence),
        "replacements": first.replacements + extra,
    })
