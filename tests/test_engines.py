"""The offline engines through EngineHub: offsets, dialects, personal words, failures."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from spy_engine import SpyEngine, crash

from prosewise.agents.engines.harper_engine import HarperEngine
from prosewise.agents.engines.hits import HARPER, LINGO
from prosewise.agents.engines.hub import EngineHub, byte_to_char_offsets
from prosewise.agents.settings import Dialect, Goals, Settings


def us() -> Settings:
    return Settings()


async def test_empty_text_has_no_hits(hub: EngineHub, pool: ThreadPoolExecutor) -> None:
    hits = await hub.check("", us(), pool)
    assert hits.all() == ()
    assert hits.failed == ()


@pytest.mark.parametrize("prefix", ["", "😀 ", "👍🏽👨‍👩‍👧 ", "𝒜𝒷𝒸 ", "naïve café — "])
async def test_offsets_are_code_points_after_emoji(
    hub: EngineHub, pool: ThreadPoolExecutor, prefix: str
) -> None:
    text = prefix + "This is a apple."
    hits = await hub.check(text, us(), pool)
    article = [h for h in hits.all() if text[h.start:h.end] == "a"]
    assert {h.engine for h in article} == {"harper", "lingotweaker"}
    assert all(h.start == len(prefix) + 8 for h in article)


def test_byte_table_maps_multibyte_characters() -> None:
    text = "a😀é"
    table = byte_to_char_offsets(text)
    assert len(table) == len(text.encode()) + 1
    assert table[0] == 0 and table[1] == 1 and table[4] == 1 and table[5] == 2
    assert table[-1] == len(text)


async def test_very_long_text_keeps_offsets_to_the_end(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    sentence = "He go to school every day. 😀 "
    text = sentence * 120
    hits = await hub.check(text, us(), pool)
    for engine in (hits.of(HARPER), hits.of(LINGO)):
        verbs = [h for h in engine if text[h.start:h.end] == "go"]
        assert len(verbs) == 120
        assert verbs[-1].start == len(sentence) * 119 + 3


@pytest.mark.parametrize(("dialect", "flagged", "accepted"), [
    (Dialect.EN_US, "colour", "color"),
    (Dialect.EN_GB, "color", "colour"),
    (Dialect.EN_AU, "color", "colour"),
])
async def test_dialect_decides_spelling(
    hub: EngineHub, pool: ThreadPoolExecutor, dialect: Dialect, flagged: str, accepted: str
) -> None:
    text = f"The {flagged} is nice and the {accepted} is nice."
    settings = Settings(goals=Goals(dialect=dialect))
    words = {text[h.start:h.end] for h in (await hub.check(text, settings, pool)).all()}
    assert flagged in words
    assert accepted not in words


async def test_personal_words_are_never_misspelled(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    text = "We ship zorblat and Zorblat every day."
    before = await hub.check(text, us(), pool)
    assert {h.engine for h in before.all()} == {"harper", "lingotweaker"}
    after = await hub.check(text, Settings(words=("zorblat",)), pool)
    assert after.all() == ()


def test_harper_keeps_one_linter_per_dialect_whatever_the_personal_words() -> None:
    """A new word set (the writer added a word) is swapped into the thread's linter:
    a linter per word set cost 1.5 s and 40 MB each time, never given back."""
    engine = HarperEngine()
    first = engine.linter(Dialect.EN_US, ())
    assert engine.linter(Dialect.EN_US, ("zorblat",)) is first
    assert engine.linter(Dialect.EN_GB, ()) is not first
    text = "We ship zorblat and frobnic daily."

    def misspelled(words: tuple[str, ...]) -> set[str]:
        linter: Any = engine.linter(Dialect.EN_US, words)
        return {text[lint.span.start:lint.span.end] for lint in linter.lint(text)
                if lint.lint_kind == "Spelling"}

    assert misspelled(()) == {"zorblat", "frobnic"}
    assert misspelled(("zorblat",)) == {"frobnic"}
    assert misspelled(("frobnic", "other")) == {"zorblat"}
    assert misspelled(()) == {"zorblat", "frobnic"}


async def test_a_failing_engine_leaves_the_other(
    hub: EngineHub, pool: ThreadPoolExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    broken = EngineHub(harper=hub.harper, lingo=SpyEngine(hub.lingo, crash))
    with caplog.at_level(logging.ERROR):
        hits = await broken.check("This is a apple.", us(), pool)
    assert hits.failed == ("lingotweaker",)
    assert hits.of(LINGO) == ()
    assert [h.rule for h in hits.of(HARPER)] == ["AnA"]
    assert "lingotweaker failed" in caplog.text


async def test_harper_hits_carry_the_rule_description(
    hub: EngineHub, pool: ThreadPoolExecutor
) -> None:
    hits = await hub.check("This is a apple.", us(), pool)
    assert "article" in hits.of(HARPER)[0].explanation.lower()


@pytest.mark.parametrize(("text", "misread"), [
    ("It reminded me of the 70s hit, in the summertime.", "s hit"),  # → "shit"
    ("People in their 50s and 60s fell ill.", "s and"),              # → "sand"
    ("It was big in the early 90s.", "s"),                           # → "so"
    ("I read it on Megogo.net.", "net"),                            # → "Net"
    ("A-I started off this hobby.", "A"),                            # → "AN"
    ("New funding to a) assist schools.", "a"),                     # → "an"
    ("It's simple -- just follow the steps.", "It's"),               # → "Its"
    ("It's February, which means rain.", "It's"),
])
async def test_harper_misreadings_of_glued_words_are_dropped(
    hub: EngineHub, pool: ThreadPoolExecutor, text: str, misread: str
) -> None:
    assert await harper_rules_on(hub, pool, text, misread) == []


@pytest.mark.parametrize(("text", "flagged", "rule"), [
    ("I passed the 2th exam.", "th", "CorrectNumberSuffix"),
    ("I came home. then I slept.", "then", "SentenceCapitalization"),
    ("This is a apple.", "a", "AnA"),
    ("It had a style unique for it's time.", "it's", "ItsPossessive"),
])
async def test_harper_hits_next_to_the_glued_cases_stay(
    hub: EngineHub, pool: ThreadPoolExecutor, text: str, flagged: str, rule: str
) -> None:
    assert rule in await harper_rules_on(hub, pool, text, flagged)


async def harper_rules_on(hub: EngineHub, pool: ThreadPoolExecutor, text: str,
                          quoted: str) -> list[str]:
    """The harper rules that flag exactly ``quoted`` in ``text``."""
    hits = await hub.check(text, us(), pool)
    return [h.rule for h in hits.of(HARPER) if text[h.start:h.end] == quoted]
