"""The style agent: clichés, redundancy, jargon, weasel words, house rules and passive voice.

Everything but passive voice is a phrase list (``agents/data/style/*.toml``, run by
the shared data-rule helper). Passive voice is a small detector here because it
needs word classes rather than phrases: a form of "be", optional adverbs, then a
past participle. Its word lists live in ``data/style/passive.toml`` too.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import EngineHits
from prosewise.agents.llm.style import guide_findings
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.ruleagent import code_rule, data_findings, data_table
from prosewise.agents.rules import Rule
from prosewise.agents.settings import Goals, Settings

PASSIVE_RULE = "style.passive-voice"
AGENT_BONUS = 0.15
"""Added to the prior when the passive names its actor: it can always be turned round.
Still below the balanced threshold: on corrected native text (cweb-g, gmeg-wiki)
passives with actors were the largest non-grammar source of flags (2–4 per 1k words),
so passive voice is a picky-profile suggestion."""

_BE = (
    r"(?:\b(?:am|is|are|was|were|be|been|being)\b|(?<=\w)['’](?:re|m)\b"
    r"|\b(?:isn|aren|wasn|weren)['’]t\b)"
)
_WORD = r"\s+(?P<word>[A-Za-z]+)"
# "by" + an actor, not "by hand", "by 2010", "by far", "by the time".
_BY = re.compile(
    r"\s+by\s+(?!\d|(?:hand|far|default|then|now|chance|mistake|accident|means|way|design|"
    r"email|e-mail|phone|car|train|bus|air|mail|post|foot|night|day|law|nature|"
    r"the\s+(?:time|end|way))\b)",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")
# Degree adverbs mark an adjective, not a verb: "is extremely complicated".
_DEGREE = frozenset({
    "very", "extremely", "really", "incredibly", "terribly", "awfully", "increasingly",
    "deeply", "quite", "rather", "pretty", "so", "too", "more", "most", "less", "least",
})


@dataclass(frozen=True)
class PassiveLexicon:
    """The word lists of the passive-voice detector (data, not code)."""

    irregular: frozenset[str]
    adjectival: frozenset[str]
    adverbs: frozenset[str]
    by_agent_only: frozenset[str]

    def is_participle(self, word: str) -> bool:
        """A past participle: a regular -ed form or a listed irregular one."""
        low = word.lower()
        if word[:1].isupper() and word[1:].islower() and low not in self.irregular:
            return False  # a name ("was Alfred"), not a verb
        return low in self.irregular or (len(low) > 4 and low.endswith("ed"))

    def group_pattern(self) -> re.Pattern[str]:
        """be-form, adverbs, optional second be-form (been/being), then a candidate word."""
        adverb = r"(?:" + "|".join(sorted(self.adverbs)) + r"|[a-z]+ly)"
        return re.compile(
            rf"{_BE}(?P<adv>(?:\s+{adverb}\b)*)(?:\s+(?:been|being|be)\b(?:\s+{adverb}\b)*)?"
            + _WORD,
            re.IGNORECASE,
        )


@lru_cache(maxsize=1)
def passive_lexicon() -> PassiveLexicon:
    """The shipped word lists (read once)."""
    table = data_table(AgentName.STYLE, "passive.toml")["passive"]
    return PassiveLexicon(
        irregular=frozenset(table["irregular"]),
        adjectival=frozenset(table["adjectival"]),
        adverbs=frozenset(table["adverbs"]),
        by_agent_only=frozenset(table["by_agent_only"]),
    )


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return passive_lexicon().group_pattern()


def passive_findings(text: str, rule: Rule, goals: Goals) -> list[Finding]:
    """One finding per passive verb group in ``text`` (block coordinates).

    In the domains listed in ``by_agent_only`` (academic, technical) the agentless
    passive is the convention ("samples were centrifuged"), so only passives that
    name their actor ("... by the team") are flagged: those can always be turned round.
    """
    if not rule.applies(goals):
        return []
    lex = passive_lexicon()
    agent_only = goals.domain.value in lex.by_agent_only
    found: list[Finding] = []
    for m in _pattern().finditer(text):
        verdict = _judge(m, text, lex)
        if verdict is None or (agent_only and not verdict):
            continue
        finding = rule.finding(m.start(), m.end(), m.group(0))
        if verdict:
            finding = replace(finding, confidence=min(1.0, rule.confidence + AGENT_BONUS))
        found.append(finding)
    return found


def _judge(m: re.Match[str], text: str, lex: PassiveLexicon) -> bool | None:
    """None if the match is not a passive; else whether an actor follows ("by ...")."""
    word = m.group("word")
    if not lex.is_participle(word):
        return None
    if any(a.lower() in _DEGREE for a in m.group("adv").split()):
        return None
    has_agent = _BY.match(text, m.end()) is not None
    if has_agent:
        return True
    after = _NEXT_WORD.match(text, m.end())
    if word.lower() in lex.adjectival or (after and after.group(1).lower() == "of"):
        return None  # "I am tired", "is made of wood": a state, not an action
    return False


class StyleAgent:
    """Clichés, redundancy, jargon, weasel words and house rules (data), plus passive voice."""

    name = AgentName.STYLE
    description = "Clichés, redundancy, passive voice, jargon, weasel words and house style."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Data-rule findings and passive-voice findings, computed side by side; with a
        model and a house style guide, the guide's findings too (asked for meanwhile)."""
        asked = None
        if ctx.llm is not None and ctx.settings.llm.model:
            asked = asyncio.ensure_future(guide_findings(ctx.llm, block.text, ctx.settings))
        found = await ctx.plain(self, block)
        if asked is None:
            return found
        return found + ctx.from_model(await asked)

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        """Data-rule and engine findings, and passive voice where no data rule covers it."""
        data = data_findings(self.name, block.text, hits, settings)
        passive = code_rule(self.name, PASSIVE_RULE, settings.house_rules)
        if passive is None:
            return data
        voice = passive_findings(block.text, passive, settings.goals)
        return data + [v for v in voice if not _overlaps_any(v, data)]


def _overlaps_any(finding: Finding, others: list[Finding]) -> bool:
    """Whether a more specific finding covers the same words ("it is said" is a weasel)."""
    return any(
        o.start < finding.end and finding.start < o.end and o.sources[:1] != finding.sources[:1]
        for o in others if o.sources and o.sources[0].origin == "rule"
    )
