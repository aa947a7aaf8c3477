"""Hits carried over from a sentence's previous version (agents/engines/carry.py), and
the hub's early mode: answer once harper is done, lingotweaker's hits following."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Executor

import pytest
from spy_engine import SpyEngine, crash

from prosewise.agents.engines.carry import MAX_EDIT, Predecessors, carry
from prosewise.agents.engines.hits import HARPER
from prosewise.agents.engines.hub import LINGO, EngineHit, EngineHub
from prosewise.agents.settings import Settings

OLD = "She have a car and teh dog."


def hit(word: str, text: str = OLD) -> EngineHit:
    start = text.index(word)
    return EngineHit(engine=LINGO, rule=word.upper(), kind="k", start=start,
                     end=start + len(word), message="m")


HITS = (hit("have"), hit("teh"))


@pytest.mark.parametrize(("new", "kept"), [
    ("She have a red car and teh dog.", ["have", "teh"]),   # edit between the hits
    ("She have a car and teh big dog.", ["have", "teh"]),   # after both
    ("Yes, she have a car and teh dog.", ["have", "teh"]),  # before both
    ("She havee a car and teh dog.", ["teh"]),              # inside the first: stale
    ("She have a car and tehn dog.", ["have"]),             # touching the second: stale
    ("She has a car and teh dog.", ["teh"]),                # a replacement over it
    ("She have a car and teh dog.", ["have", "teh"]),       # unchanged
])
def test_carry_keeps_hits_away_from_the_edit(new: str, kept: list[str]) -> None:
    moved = carry(OLD, HITS, new)
    assert moved is not None
    assert [new[h.start:h.end] for h in moved] == kept
    assert [h.rule for h in moved] == [w.upper() for w in kept]


def test_carry_refuses_a_different_sentence() -> None:
    assert carry(OLD, HITS, "Something else entirely, about nothing at all here.") is None
    assert carry(OLD, HITS, OLD[:3] + "x" * (MAX_EDIT + 1) + OLD[3:]) is None


def test_predecessors_find_the_latest_version_by_head_or_tail() -> None:
    index = Predecessors(10)
    index.add("ctx", OLD)
    assert index.candidates("ctx", "She have a car and teh cat.") == [OLD]  # same head
    assert index.candidates("ctx", "He have a car and teh dog.") == [OLD]   # same tail
    assert index.candidates("other", "She have a car and teh cat.") == []
    assert index.candidates("ctx", OLD) == []  # itself is not a predecessor


def test_predecessors_name_the_versions_a_sentence_displaces() -> None:
    index = Predecessors(10)
    assert index.add("ctx", OLD) == []
    assert index.add("ctx", "She have a car and the dog.") == [OLD]  # its edited version
    assert index.add("ctx", "She have a car and many other things, all of them red.") == []
    assert index.add("other", OLD) == []



def test_a_displaced_version_leaves_no_entry_behind() -> None:
    """An edit in the first (or last) ``KEY_CHARS`` characters gives the new version
    another head (tail): the old version's entry under its old head went on holding
    it (issue 10's soak: ≈0.6 entries per keystroke, up to twice ``SENTENCE_CACHE``)."""
    index = Predecessors(10)
    index.add("ctx", OLD)
    edited = "Shee have a car and teh dog."  # a new head, the same tail
    assert index.add("ctx", edited) == [OLD]
    assert len(index._by_end) == 2
    assert index.candidates("ctx", "She have a car and a very different ending.") == []
    assert index.candidates("ctx", "Shee have a car and the cat.") == [edited]

async def test_an_edited_sentence_leaves_no_hits_of_its_old_version(
        hub: EngineHub, pool: Executor) -> None:
    fresh = EngineHub(harper=hub.harper, lingo=hub.lingo)  # the engines, without their caches
    await fresh.check(OLD, Settings(), pool)
    cached = len(fresh._sentences)
    await fresh.check("She have a car and the dog.", Settings(), pool)
    assert len(fresh._sentences) == cached == len(fresh.engines)
    await fresh.check("Something else entirely, about nothing at all here.", Settings(), pool)
    assert len(fresh._sentences) == 2 * cached


def test_early_check_carries_lingo_hits_then_the_fresh_ones_follow(
    hub: EngineHub, pool: Executor
) -> None:
    gate = threading.Event()
    gated = EngineHub(harper=hub.harper,
                      lingo=SpyEngine(hub.lingo, lambda _: gate.wait(timeout=60) or None))
    before = "This is an test. Yesterday she have a car. Birds sing."
    after = before.replace("a car", "a red car")

    async def scenario() -> None:
        gate.set()
        await gated.check(before, Settings(), pool)
        gate.clear()
        early = await gated.check(after, Settings(), pool, early=True)
        assert early.pending == (LINGO,)
        assert {after[h.start:h.end] for h in early.of(LINGO)} == {"an", "have"}  # carried
        assert early.of(HARPER)  # harper's own, fresh
        gate.set()
        await gated.settled()
        late = await gated.check(after, Settings(), pool)
        assert late.pending == ()
        fresh = await EngineHub(harper=hub.harper, lingo=hub.lingo).check(after, Settings(), pool)
        assert late.of(LINGO) == fresh.of(LINGO)

    asyncio.run(scenario())


def test_a_late_lingo_failure_is_logged_and_the_recheck_reports_it(
    hub: EngineHub, pool: Executor, caplog: pytest.LogCaptureFixture
) -> None:
    """The language server's follow-up check (harper's hits cached by then) waits for
    lingotweaker, so the failure is reported as such, not as pending again."""
    broken = EngineHub(harper=hub.harper, lingo=SpyEngine(hub.lingo, crash))
    text = "Yesterday she have a car. Birds sing."

    async def scenario() -> None:
        first = await broken.check(text, Settings(), pool, early=True)
        assert first.pending == (LINGO,) and first.failed == ()
        assert "have" in {text[h.start:h.end] for h in first.of(HARPER)}
        await broken.settled()
        again = await broken.check(text, Settings(), pool, early=True)
        assert again.pending == () and again.failed == (LINGO,)

    asyncio.run(scenario())
    messages = [r.getMessage() for r in caplog.records]
    assert "an engine failed on a sentence nobody waited for" in messages
    assert any(m.startswith("engine lingotweaker failed") for m in messages)
