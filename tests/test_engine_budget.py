"""An engine's work on one block is bounded (``ENGINE_BUDGET``, CPU seconds per job):
past it the rest of the block goes without that engine's hits, a log line says so,
and nothing of it is cached, so the next check tries again."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from spy_engine import SpyEngine

from prosewise.agents.engines import guard
from prosewise.agents.engines.guard import LONGEST_TEXT
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.settings import Settings

SENTENCE = "She have a cat. "
BUDGET = 0.2


def burn(text: str) -> None:
    """Spend a third of the budget of this thread's CPU time (a slow engine)."""
    until = time.thread_time() + BUDGET / 3
    while time.thread_time() < until:
        pass


async def test_an_engine_over_its_budget_skips_the_rest_and_caches_none_of_it(
    hub: EngineHub, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow = EngineHub(harper=SpyEngine(hub.harper, burn), use_lingo=False)
    text = SENTENCE * (6 * LONGEST_TEXT // len(SENTENCE))  # six jobs' worth of runs
    monkeypatch.setattr(guard, "ENGINE_BUDGET", BUDGET)
    with caplog.at_level(logging.WARNING):
        cut = await slow.check(text, Settings(), pool)
    flagged = sorted(h.start for h in cut.hits if text[h.start:h.end] == "have")
    assert flagged and flagged[-1] < len(text) * 5 // 6  # the last runs went unchecked
    assert not cut.failed and not cut.pending
    assert "took more than 0.2 CPU seconds" in caplog.text
    monkeypatch.setattr(guard, "ENGINE_BUDGET", 60.0)
    again = await slow.check(text, Settings(), pool)
    assert len([h for h in again.hits if text[h.start:h.end] == "have"]) == text.count("have")
