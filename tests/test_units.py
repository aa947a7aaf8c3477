"""Engine hits cached per sentence (agents/engines/units.py): the tiling, the hit
mapping, and a real engine re-checking only the edited sentence."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

import pytest
from spy_engine import SpyEngine

from prosewise.agents.engines.harper_engine import HarperEngine
from prosewise.agents.engines.hits import HARPER
from prosewise.agents.engines.hub import EngineHit, EngineHub
from prosewise.agents.engines.units import Units, runs
from prosewise.agents.settings import Settings

TEXT = "First sentence here. Second one has a eror. Third is fine!  Fourth"


def hit(start: int, end: int, rule: str = "R") -> EngineHit:
    return EngineHit(engine="harper", rule=rule, kind="Spelling", start=start, end=end,
                     message="m")


def test_units_tile_the_text() -> None:
    units = Units.of(TEXT)
    pieces = [units.piece(i) for i in range(len(units))]
    assert "".join(pieces) == TEXT
    assert pieces == ["First sentence here. ", "Second one has a eror. ",
                      "Third is fine!  ", "Fourth"]


@pytest.mark.parametrize(("text", "count"), [("", 1), ("No break at all", 1),
                                             ("e.g. this stays. One more.", 2)])
def test_unit_count(text: str, count: int) -> None:
    assert len(Units.of(text)) == count


@pytest.mark.parametrize(("missing", "expected"), [
    ([], []), ([0], [(0, 1)]), ([0, 1, 3], [(0, 2), (3, 4)]), ([2, 3, 4], [(2, 5)]),
])
def test_runs(missing: list[int], expected: list[tuple[int, int]]) -> None:
    assert runs(missing) == expected


def test_split_assigns_hits_to_units_and_drops_crossing_ones() -> None:
    units = Units.of(TEXT)
    first, stop = 1, 3  # "Second one has a eror. Third is fine!  "
    run_start = units.bounds[first]
    eror = TEXT.index("eror") - run_start
    third = TEXT.index("Third") - run_start
    hits = (hit(eror, eror + 4), hit(eror, third + 5, "CROSS"), hit(third, third + 5))
    per_unit = units.split(hits, first, stop)
    assert [[(h.rule, h.start, h.end) for h in u] for u in per_unit] == [
        [("R", eror, eror + 4)], [("R", 0, 5)]]


def test_join_returns_hits_in_text_offsets() -> None:
    units = Units.of(TEXT)
    joined = units.join([(), (hit(17, 21),), (hit(0, 5),), ()])
    assert [TEXT[h.start:h.end] for h in joined] == ["eror", "Third"]


def test_an_edit_rechecks_only_its_sentence(pool: Executor) -> None:
    seen: list[str] = []
    hub = EngineHub(use_lingo=False, harper=SpyEngine(HarperEngine(), seen.append))
    before = "The cat sat on teh mat. Dogs barks loudly. Birds sing."
    after = before.replace("Dogs barks", "Dogs bark")

    async def check(text: str) -> list[str]:
        found = await hub.check(text, Settings(), pool)
        return [text[h.start:h.end] for h in found.of(HARPER)]

    first = asyncio.run(check(before))
    assert seen == [before]
    edited = asyncio.run(check(after))
    assert seen[1:] == ["Dogs bark loudly. "]
    assert "teh" in first and "teh" in edited  # the unchanged sentence's hit, from the cache
    assert edited == _fresh(after, pool)  # same as checking the edited text afresh


def _fresh(text: str, pool: Executor) -> list[str]:
    found = asyncio.run(EngineHub(use_lingo=False).check(text, Settings(), pool))
    return [text[h.start:h.end] for h in found.of(HARPER)]
