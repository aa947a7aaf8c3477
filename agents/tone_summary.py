"""How the whole document sounds: traits with scores and evidence, and a headline.

Lexicon-based and cheap (one regex pass per trait over the prose blocks), because
it runs on the whole document at every review. Phrases live in
agents/data/tone/lexicon.toml. Findings are deliberately not counted: the tone of
a text must not change when the writer switches a rule off.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from prosewise.agents.model import AgentName, Block, ToneSummary, ToneTrait
from prosewise.agents.ruleagent import data_table
from prosewise.agents.settings import Formality, Goals
from prosewise.agents.text import sentences, word_count

MIN_CHARS = 150
"""Shorter documents say too little to judge (Grammarly's tone detector uses the same floor)."""
SHOWN = 0.35
"""Traits scoring below this are listed but left out of the headline."""
_CONTRACTION = re.compile(
    r"\b\w+(?:n['’]t|['’](?:re|ve|ll|m|d))\b|\b(?:it|that|there|what|let|here)['’]s\b",
    re.IGNORECASE,
)
_OPPOSITES = (("confident", "tentative"), ("formal", "informal"))


@dataclass(frozen=True)
class TraitLexicon:
    """One trait's markers: phrases, and whether contractions count."""

    name: str
    pattern: re.Pattern[str]
    scale: float
    contractions: bool


@lru_cache(maxsize=1)
def lexicon() -> tuple[TraitLexicon, ...]:
    """The traits of lexicon.toml, compiled once."""
    traits = data_table(AgentName.TONE, "lexicon.toml")["trait"]
    return tuple(
        TraitLexicon(
            name=name, pattern=_phrases(raw["phrases"]), scale=float(raw["scale"]),
            contractions=bool(raw.get("contractions")),
        )
        for name, raw in traits.items()
    )


def _phrases(phrases: Sequence[str]) -> re.Pattern[str]:
    parts = [r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.split())
             for p in sorted(phrases, key=len, reverse=True)]
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def summarize(blocks: Sequence[Block], goals: Goals) -> ToneSummary | None:
    """The document's tone, or None when there is too little prose to judge."""
    prose = "\n\n".join(b.text for b in blocks)
    if len(prose.strip()) < MIN_CHARS:
        return None
    words = max(1, word_count(prose))
    traits = [_trait(t, prose, words) for t in lexicon()]
    traits.append(_directness(prose, traits))
    traits = _settle_opposites(traits)
    traits.sort(key=lambda t: -t.score)
    return ToneSummary(traits=tuple(traits), headline=_headline(traits, goals))


def _trait(lex: TraitLexicon, prose: str, words: int) -> ToneTrait:
    hits = [m.group(0) for m in lex.pattern.finditer(prose)]
    if lex.contractions:
        hits += [m.group(0) for m in _CONTRACTION.finditer(prose)]
    density = 100.0 * len(hits) / words
    score = 1.0 - math.exp(-density / lex.scale)
    return ToneTrait(name=lex.name, score=round(score, 2), evidence=_evidence(hits))


def _evidence(hits: Sequence[str], most: int = 3) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for h in hits:
        seen.setdefault(" ".join(h.lower().split()), h)
    return tuple(list(seen.values())[:most])


def _directness(prose: str, traits: Sequence[ToneTrait]) -> ToneTrait:
    """Direct: short sentences and few hedges."""
    spans = sentences(prose)
    lengths = [word_count(prose[s:e]) for s, e in spans] or [0]
    average = sum(lengths) / len(lengths)
    tentative = next((t.score for t in traits if t.name == "tentative"), 0.0)
    score = max(0.0, min(1.0, (22.0 - average) / 14.0)) * (1.0 - tentative)
    shortest = sorted((e - s, prose[s:e]) for s, e in spans)[:2]
    return ToneTrait(name="direct", score=round(score, 2),
                     evidence=tuple(text for _, text in shortest if score >= SHOWN))


def _settle_opposites(traits: list[ToneTrait]) -> list[ToneTrait]:
    """Of two opposite traits only the stronger keeps its score; the other is damped."""
    by_name = {t.name: t for t in traits}
    for a, b in _OPPOSITES:
        ta, tb = by_name.get(a), by_name.get(b)
        if ta is None or tb is None:
            continue
        weaker = ta if ta.score < tb.score else tb
        stronger = tb if weaker is ta else ta
        damped = round(max(0.0, weaker.score - stronger.score / 2), 2)
        by_name[weaker.name] = weaker.model_copy(update={"score": damped})
    return [by_name[t.name] for t in traits]


def _headline(traits: Sequence[ToneTrait], goals: Goals) -> str:
    top = [t.name for t in traits if t.score >= SHOWN][:3]
    line = ", ".join(top) if top else "neutral"
    scores = {t.name: t.score for t in traits}
    formal, informal = scores.get("formal", 0.0), scores.get("informal", 0.0)
    if goals.formality is Formality.FORMAL and informal >= SHOWN and informal > formal:
        return f"{line} (sounds informal for your formal goal)"
    if goals.formality is Formality.INFORMAL and formal >= SHOWN and formal > informal:
        return f"{line} (sounds formal for your informal goal)"
    return line
