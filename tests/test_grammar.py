"""The grammar agent: both engines side by side, agreeing hits merged, context-aware."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from spy_engine import SpyEngine, crash

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hub import EngineHit, EngineHub
from prosewise.agents.grammar import (
    NAME_FACTOR,
    GrammarAgent,
    doubt_sentence_starts,
    looks_like_name,
    merge_agreeing,
)
from prosewise.agents.model import AgentName, Block, Category, Finding, Replacement
from prosewise.agents.routing import routing_table
from prosewise.agents.settings import Dialect, Goals, Settings
from prosewise.server.pipeline import Pipeline


async def check(text: str, hub: EngineHub, pool: ThreadPoolExecutor,
                settings: Settings | None = None) -> list[Finding]:
    ctx = CheckContext(settings=settings or Settings(), pool=pool, engines=hub)
    return await GrammarAgent().check(Block.verbatim(text), ctx)


async def test_agreeing_engines_give_one_finding_with_both_sources(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    found = await check("This is a apple.", hub, pool)
    assert len(found) == 1
    f = found[0]
    assert f.rule == "grammar.article"
    assert set(f.sources) == {"harper:AnA", "lingotweaker:EN_A_VS_AN"}
    assert f.confidence > routing_table().ids["grammar.article"].confidence
    assert f.replacements[0].apply(f.text) == "an"


@pytest.mark.parametrize(("text", "rule", "quoted"), [
    ("He go to school every day.", "grammar.agreement", "go"),
    ("She can sings well.", "grammar.verb-form", "sings"),
    ("I saw the the cat.", "grammar.repeated-word", "the the"),
    ("Their is a problem here.", "grammar.confused-words", "Their"),
    ("I have a speling mistake.", "grammar.spelling", "speling"),
])
async def test_common_errors(
    hub: EngineHub, pool: ThreadPoolExecutor, text: str, rule: str, quoted: str
) -> None:
    found = await check(text, hub, pool)
    assert [(f.rule, f.text) for f in found] == [(rule, quoted)]
    assert found[0].agent is AgentName.GRAMMAR
    assert found[0].confidence >= 0.5


async def test_lingotweaker_markup_is_cleaned(hub: EngineHub, pool: ThreadPoolExecutor) -> None:
    found = await check("I could of done it.", hub, pool)
    assert found and all("<suggestion>" not in f.message and "`" not in f.message for f in found)


async def test_offsets_survive_emoji(hub: EngineHub, pool: ThreadPoolExecutor) -> None:
    text = "🎉👩🏽‍💻 𝔘𝔫𝔦 He go home and this is a apple."
    found = await check(text, hub, pool)
    assert {(f.text, text[f.start:f.end]) for f in found} == {("go", "go"), ("a", "a")}


async def test_personal_words_are_not_misspelled(hub: EngineHub, pool: ThreadPoolExecutor) -> None:
    text = "Prosewise ships zorblat daily."
    assert any(f.text == "zorblat" for f in await check(text, hub, pool))
    found = await check(text, hub, pool, Settings(words=("zorblat", "Prosewise")))
    assert not [f for f in found if f.category is Category.SPELLING]


@pytest.mark.parametrize(("dialect", "flagged", "accepted"), [
    (Dialect.EN_US, "colour", "color"),
    (Dialect.EN_GB, "color", "colour"),
])
async def test_dialect(
    hub: EngineHub, pool: ThreadPoolExecutor, dialect: Dialect, flagged: str, accepted: str
) -> None:
    text = f"I like the {flagged} of the sky. I also like the {accepted} of the sea."
    found = await check(text, hub, pool, Settings(goals=Goals(dialect=dialect)))
    assert [f.text for f in found] == [flagged]
    assert found[0].rule == "grammar.dialect"
    assert len(found[0].sources) == 2


async def test_style_and_switched_off_rules_stay_out(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    text = "We bought apples, pears and plums, and all of the kids ate them."
    raw = {h.rule for h in (await hub.check(text, Settings(), pool)).all()}
    assert {"OxfordComma", "CondenseAllThe", "ALL_OF_THE"} <= raw
    assert await check(text, hub, pool) == []


async def test_names_are_demoted_below_typos(hub: EngineHub, pool: ThreadPoolExecutor) -> None:
    found = await check("We met Wharram in the libary.", hub, pool)
    by_text = {f.text: f.confidence for f in found}
    assert by_text["libary"] >= 0.5 > by_text["Wharram"]


@pytest.mark.parametrize(("text", "word", "name"), [
    ("We met Wharram there.", "Wharram", True),
    ("Wharram met us.", "Wharram", False),
    ("It said: Wharram met us.", "Wharram", False),
    ("We use eLibrary daily.", "eLibrary", True),
    ("We use NOLs daily.", "NOLs", True),
    ("The x86 chip.", "x86", True),
    ("In sentralbyrå today.", "sentralbyrå", True),
    ("We met wharram there.", "wharram", False),
    # an opening mark in mid-sentence is not a sentence start: a name follows
    ('He is known as "Wharram" here.', "Wharram", True),
    ("A Box-Behnken design.", "Behnken", True),
    ("A memorable moment - Wharram lost.", "Wharram", True),
    ("No surprise; Wharram won.", "Wharram", True),
    ('He left. "Wharram stayed."', "Wharram", False),
    ("A list:\n- Wharram met us.", "Wharram", False),
    ("We saw Dr. Wharram there.", "Wharram", True),  # a title's full stop
    # written in capitals: a typo, not an acronym
    ("MY ADRESS IS IN THE ENVELOPE.", "ADRESS", False),
    ("The cousin of THE RZA came.", "RZA", True),
])
def test_looks_like_name(text: str, word: str, name: bool) -> None:
    start = text.index(word)
    assert looks_like_name(text, start, start + len(word)) is name


def finding(start: int, end: int, text: str, fix: str, source: str, confidence: float) -> Finding:
    return Finding(
        agent=AgentName.GRAMMAR, rule="grammar.repeated-word", category=Category.GRAMMAR,
        start=start, end=end, text=text[start:end], message="m", confidence=confidence,
        replacements=(Replacement(value=fix),), sources=(source,),
    )


@pytest.mark.parametrize(("b_span", "b_fix", "b_source", "merges"), [
    ((4, 11), "the", "lingotweaker:X", True),     # same span
    ((8, 11), "", "lingotweaker:X", True),        # overlapping, same resulting text
    ((8, 11), "a", "lingotweaker:X", False),      # overlapping, different fix
    ((4, 11), "the", "harper:Other", False),      # same engine twice is not agreement
    ((12, 15), "cat", "lingotweaker:X", False),   # elsewhere
])
def test_merge_agreeing(
    b_span: tuple[int, int], b_fix: str, b_source: str, merges: bool
) -> None:
    text = "Saw the the cat."
    a = finding(4, 11, text, "the", "harper:RepeatedWords", 0.8)
    b = finding(*b_span, text, b_fix, b_source, 0.6)
    out = merge_agreeing([a, b], text)
    assert len(out) == (1 if merges else 2)
    if merges:
        assert out[0].sources == ("harper:RepeatedWords", b_source)
        assert out[0].confidence == pytest.approx(1 - 0.2 * 0.4)


def speller(text: str, word: str, fixes: tuple[str, ...], source: str) -> Finding:
    start = text.index(word)
    return Finding(
        agent=AgentName.GRAMMAR, rule="grammar.spelling", category=Category.SPELLING,
        start=start, end=start + len(word), text=word, message="m", confidence=0.5,
        replacements=tuple(Replacement(value=f) for f in fixes), sources=(source,),
    )


Hit = tuple[str, tuple[str, ...]]
"""A speller's flagged word and its suggestions."""


@pytest.mark.parametrize(("text", "harper", "lingo", "doubted"), [
    ("Beacuse it rained.", ("Beacuse", ("Because",)), ("Beacuse", ("Because", "Becks")), False),
    # harper ranks differently: its first three count
    ("Thoes are mine.", ("Thoes", ("Tholes", "Those")), ("Thoes", ("Those",)), False),
    # a name gets each dictionary's nearest neighbour
    ("Affeldt said no.", ("Affeldt", ("Affect",)), ("Affeldt", ("Affleck",)), True),
    ("Kangen said no.", ("Kangen", ("Kan gen",)), None, True),  # one speller alone
    # spans differ (a possessive): the first fixes must give the same text
    ("Duffey's focus.", ("Duffey's", ("Duffy's",)), ("Duffey", ("Duffy",)), False),
    ("Failey's care.", ("Failey's", ("Farley's",)), ("Failey", ("Failed", "Farley")), True),
    ("He met Beacuse.", ("Beacuse", ("Because",)), None, False),  # names: in_context's job
    ("We left beacuse.", ("beacuse", ("because",)), None, False),  # lower case
])
def test_sentence_start_words_need_both_spellers_and_one_fix(
    text: str, harper: Hit, lingo: Hit | None, doubted: bool,
) -> None:
    found = [speller(text, *harper, "harper:SpellCheck")]
    if lingo is not None:
        found.append(speller(text, *lingo, "lingotweaker:MORFOLOGIK_RULE_EN_US"))
    out = doubt_sentence_starts(found, text)
    assert out[0].confidence == pytest.approx(0.5 * NAME_FACTOR if doubted else 0.5)


async def test_pipeline_runs_the_grammar_agent(pipeline: Pipeline) -> None:
    review = await pipeline.review("This is a apple 🍎 and he go home.", "plaintext", Settings())
    grammar = [f for f in review.shown if f.agent is AgentName.GRAMMAR]
    assert {f.text for f in grammar} == {"a", "go"}
    assert all(review.text[f.start:f.end] == f.text for f in grammar)


def test_hit_type_is_shared_with_other_agents() -> None:
    # ruleagent.py calls route()/to_finding() with hub hits: keep the contract.
    h = EngineHit(engine="harper", rule="AvoidAndAlso", kind="Redundancy", start=0, end=3,
                  message="m")
    assert routing_table().spec(h).agent is AgentName.STYLE


async def test_lone_speller_dialect_keeps_spelling_visible(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    # lingotweaker has no en-AU speller: harper's hit alone is not a disagreement.
    settings = Settings(goals=Goals(dialect=Dialect.EN_AU))
    found = await check("I have a speling mistake.", hub, pool, settings)
    assert [(f.text, f.sources) for f in found] == [("speling", ("harper:SpellCheck",))]
    assert found[0].confidence >= 0.5


async def test_agent_keeps_harper_when_lingotweaker_fails(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    broken = EngineHub(harper=hub.harper, lingo=SpyEngine(hub.lingo, crash))
    found = await check("This is a apple with a speling mistake.", broken, pool)
    assert {(f.text, f.sources) for f in found} == {
        ("a", ("harper:AnA",)), ("speling", ("harper:SpellCheck",)),
    }
    assert all(f.confidence >= 0.5 for f in found)
