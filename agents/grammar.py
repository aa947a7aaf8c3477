"""The grammar agent: grammar, spelling, punctuation and agreement from both engines.

Harper and lingotweaker run side by side (``EngineHub``); this agent keeps the hits
routed to grammar, and where both engines flag the same problem it reports one
finding with both sources and a higher confidence: two independent engines
agreeing is the best evidence an offline checker has; a spelling hit of one engine
alone is below the balanced profile's threshold. Unknown capitalised words
mid-sentence are mostly names, so their spelling findings are demoted further
(measured with bench/eval_grammar.py: names and terms are most of the false alarms
on native text); so are those at a sentence start, unless both spellers reject the
word and agree on its correction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import replace

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hub import EngineHit, EngineHits
from prosewise.agents.llm.grammar import model_corrections
from prosewise.agents.model import AgentName, Block, BlockKind, Finding, Severity
from prosewise.agents.routing import route, routing_table, to_finding
from prosewise.agents.settings import Settings
from prosewise.agents.text import lead_in

NAME_FACTOR = 0.4
"""Confidence factor for a spelling finding on a word that looks like a name."""
MAX_CONFIDENCE = 0.98
"""Agreement of two engines never makes a finding certain."""

_SENTENCE_ENDS = frozenset(".!?:")
_OPENING_MARKS = frozenset("\"“‘'([{•*-–—")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
_TITLE = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Fr|St|Mt|Capt|Col|Gen|Lt|Sgt|Gov|"
                    r"Sen|Rep|Hon)\.$")
CAPITALS_WINDOW = 3
FIX_WINDOW = 3
"""Suggestions of each speller compared when asking whether two spellers agree on a fix
(harper and lingotweaker rank candidates differently: "Thoes" → "Tholes", "Those")."""


class GrammarAgent:
    """Harper and lingotweaker side by side; only the rules routed to grammar."""

    name = AgentName.GRAMMAR
    description = "Grammar, spelling, punctuation and agreement."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Engine hits owned by this agent, agreeing hits merged; with a model, its
        corrections too (asked for while the engines work), merged where they agree."""
        asked = None
        if ctx.llm is not None:
            asked = asyncio.ensure_future(
                model_corrections(ctx.llm, block.text, ctx.settings.llm, ctx.settings.goals))
        hits = await ctx.engine_hits(block)
        found = grammar_findings(hits, block.text)
        if asked is not None and (extra := ctx.from_model(await asked)):
            found = merge_agreeing([*found, *extra], block.text)
        return in_block(found, block)

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        """The engines' grammar findings (pure: the batched path for small blocks)."""
        return in_block(grammar_findings(hits, block.text), block)


def in_block(found: list[Finding], block: Block) -> list[Finding]:
    """``found`` without what the kind of block excuses: code comments start in lower
    case by convention."""
    if block.kind is BlockKind.COMMENT:
        return [f for f in found if not lowercase_start(f, block.text)]
    return found


def grammar_findings(hits: EngineHits, text: str) -> list[Finding]:
    """The grammar findings of one text's engine hits (pure: no engine runs here)."""
    own = [h for h in hits.all() if route(h) is AgentName.GRAMMAR]
    solo = len(hits.spellers) < 2
    findings = [in_context(to_finding(h, text), h, text, solo=solo) for h in own]
    if not solo:
        findings = doubt_sentence_starts(findings, text)
    return merge_agreeing(findings, text)


def in_context(finding: Finding, hit: EngineHit, text: str, *, solo: bool = False) -> Finding:
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
    return replace(finding, confidence=confidence)


def looks_like_name(text: str, start: int, end: int) -> bool:
    """Whether a flagged word is probably a name, code, acronym or foreign word rather
    than a typo: capitalised mid-sentence, a capital inside, a digit, or a letter
    outside ASCII. A word in a run of capitals (``MY ADRESS IS IN``) is not one: the
    writer is typing in capitals, and such words were all typos on the learner sets."""
    word = text[start:end]
    if not word:
        return False
    if _DIGIT.search(word) or not word.isascii():
        return True
    if word.isupper() and in_capitals(text, start, end):
        return False
    if any(c.isupper() for c in word[1:]):
        return True
    return word[0].isupper() and not capital_expected(text, start)


def in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the words around ``start:end`` (up to three each side, at least three in
    all) are written in capitals, as a shouted sentence or heading is."""
    before = _LETTERS.findall(text, 0, start)[-CAPITALS_WINDOW:]
    after = _LETTERS.findall(text, end)[:CAPITALS_WINDOW]
    around = before + after
    return len(around) >= CAPITALS_WINDOW and all(w.isupper() for w in around)


def lowercase_start(finding: Finding, text: str) -> bool:
    """Whether the finding asks for a capital at a sentence start: code comments start
    in lower case by convention ("# set the flag"), so it is no error there."""
    return finding.rule == "grammar.capitalization" and capital_expected(text, finding.start)


def capital_expected(text: str, start: int) -> bool:
    """Whether the position explains a capital at ``start``: only spaces and opening
    marks separate it from a sentence end, a line start or the start of the text.

    Why look through the marks: a capitalised word after a quote, bracket or dash in
    mid-sentence (``known as "Dalits"``, ``Box-Behnken``, ``moment - Mellor``) is a
    name, not a sentence start: on the native dev sets such words were 7 typos in 63
    spelling findings (on the learner sets, one finding: a name).
    """
    i = lead_in(text, start, _OPENING_MARKS, within_line=True)
    if i > 0 and text[i - 1] == "." and _TITLE.search(text, 0, i):
        return False  # "Dr. Failey": a title's full stop ends no sentence
    return i == 0 or text[i - 1] == "\n" or text[i - 1] in _SENTENCE_ENDS


def doubt_sentence_starts(findings: Sequence[Finding], text: str) -> list[Finding]:
    """Spelling findings on a capitalised word at a sentence start, demoted as names
    unless the other speller rejects the word too and proposes the same fix.

    Why: at a sentence start capitals say nothing, and there names outnumber typos in
    native prose. A typo of a common word ("Beacuse") gets the same correction from
    both spellers; a name gets each dictionary's nearest neighbour ("Affeldt": "Affect"
    from one, "Affleck" from the other), or no objection from one of them. On the dev
    sets the words kept were typos 20 times in 21 on learner text (5 in 46 on native
    text); the words demoted, 6 in 9 (12 in 130).
    """
    return [
        replace(f, confidence=f.confidence * NAME_FACTOR)
        if at_capitalised_start(f, text) and not confirmed(f, findings, text) else f
        for f in findings
    ]


def at_capitalised_start(f: Finding, text: str) -> bool:
    """A spelling finding on a capitalised word that only its sentence start explains."""
    word = f.text
    return (f.rule == "grammar.spelling" and word[:1].isupper() and not word.isupper()
            and not looks_like_name(text, f.start, f.end))


def confirmed(f: Finding, findings: Sequence[Finding], text: str) -> bool:
    """Whether another engine flags the same word and both agree on the fix: on the
    same span, either one's first suggestion among the other's first ``FIX_WINDOW``;
    on overlapping spans ("Duffey" and "Duffey's"), the same first fix."""
    engines = f.origins
    for g in findings:
        if engines & g.origins:
            continue
        if g.start < f.end and f.start < g.end:
            mine, theirs = fixes(f, text), fixes(g, text)
            if not mine or not theirs:
                continue
            if (f.start, f.end) == (g.start, g.end):
                if mine[0] in theirs or theirs[0] in mine:
                    return True
            elif mine[0] == theirs[0]:
                return True
    return False


def fixes(f: Finding, text: str) -> list[str]:
    """The text after each of the finding's first suggestions (lower case, spaces
    normalised), so fixes of overlapping spans compare."""
    return [" ".join((text[:f.start] + r.apply(f.text) + text[f.end:]).split()).lower()
            for r in f.replacements[:FIX_WINDOW]]


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
    if a.origins & b.origins:
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
    return replace(
        first,
        sources=first.sources + tuple(s for s in second.sources if s not in first.sources),
        confidence=min(MAX_CONFIDENCE, confidence),
        replacements=first.replacements + extra,
    )
