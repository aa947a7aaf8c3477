"""The clarity agent: wordiness, nominalizations, complex words and long sentences.

The phrase rules are data (agents/data/clarity/*.toml); the long-sentence check
is code, with its message and per-audience limits read from readability.toml.
"""

from __future__ import annotations

from dataclasses import dataclass

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import EngineHits
from prosewise.agents.llm.clarity import clarity_rewrites
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.ruleagent import (
    code_finding,
    code_rule,
    data_findings,
    data_table,
    tidy_deletions,
)
from prosewise.agents.rules import Rule
from prosewise.agents.settings import Audience, Goals, Settings
from prosewise.agents.text import reading_grade, sentences, word_count

LONG_SENTENCE = "clarity.long-sentence"
_DATA = "readability.toml"


@dataclass(frozen=True)
class SentenceLimit:
    """How long and how dense a sentence may be for one audience."""

    words: int
    grade: float
    min_words: int


def sentence_limit(audience: Audience) -> SentenceLimit:
    """The limit for an audience, from the data file."""
    raw = data_table(AgentName.CLARITY, _DATA)["limits"][audience.value]
    return SentenceLimit(words=int(raw["words"]), grade=float(raw["grade"]),
                         min_words=int(raw["min_words"]))


def long_sentences(text: str, rule: Rule, audience: Audience) -> list[Finding]:
    """Whole-sentence findings for sentences over the audience's length or grade limit."""
    limit = sentence_limit(audience)
    grade_message = data_table(AgentName.CLARITY, _DATA)["messages"]["grade"]
    out: list[Finding] = []
    for start, end in sentences(text):
        sentence = text[start:end]
        count = word_count(sentence)
        if count < limit.min_words:
            continue
        grade = reading_grade(sentence)
        fields: dict[str, object] = {
            "words": count, "grade": round(grade), "audience": audience.value,
            "max_words": limit.words, "max_grade": round(limit.grade),
        }
        if count > limit.words:
            out.append(code_finding(rule, start, end, sentence, fields=fields))
        elif grade > limit.grade:
            out.append(code_finding(rule, start, end, sentence, message=grade_message,
                                    fields=fields))
    return out


def finish(found: list[Finding], text: str, rule: Rule | None, goals: Goals) -> list[Finding]:
    """Data-rule findings tidied, plus the long-sentence findings (runs in the pool)."""
    replaced = set(data_table(AgentName.CLARITY, _DATA)["engines"]["supersedes"])
    out = tidy_deletions([f for f in found if not replaced.intersection(f.sources)], text)
    if rule is not None and rule.applies(goals):
        out.extend(long_sentences(text, rule, goals.audience))
    return out


class ClarityAgent:
    """Makes prose shorter and easier to read, within the audience's limits."""

    name = AgentName.CLARITY
    description = "clarity: wordy phrases, nominalizations, complex words, long sentences"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Findings of the clarity data rules, engine readability hits and long sentences;
        with a model, rewrites of the sentences they flag."""
        found = await ctx.plain(self, block)
        if ctx.llm is None or not ctx.settings.llm.model:
            return found
        return found + ctx.from_model(
            await clarity_rewrites(ctx.llm, block.text, found, ctx.settings))

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        """The data rules' and engines' findings, tidied, plus long sentences."""
        found = data_findings(self.name, block.text, hits, settings)
        rule = code_rule(self.name, LONG_SENTENCE, settings.house_rules)
        return finish(found, block.text, rule, settings.goals)
