"""An agent's work on one chunk is bounded (``AGENT_BUDGET``, CPU seconds charged per
agent through ``CheckContext.run``): past it the rest of the chunk goes without that
agent's findings, a log line names the agent, and the other agents are unaffected."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_engine import fake_hub

import prosewise.server.pipeline as pipeline_module
from prosewise.agents import budget
from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import EngineHits
from prosewise.agents.model import AgentName, Block, Category, Finding
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

BURN = 0.1
TABLE = "| one | two |\n|-----|-----|\n| three | four |\n| five | six |\n| seven | eight |\n"
CELLS = 8


def first_word(agent: AgentName, text: str) -> list[Finding]:
    end = len(text.split()[0])
    return [Finding(agent=agent, rule=f"{agent}.test", category=Category.STYLE, start=0,
                    end=end, text=text[:end], message="A test finding.")]


def burn(text: str) -> list[Finding]:
    """A slow rule: BURN seconds of this thread's CPU, then a finding."""
    until = time.thread_time() + BURN
    while time.thread_time() < until:
        pass
    return first_word(AgentName.STYLE, text)


class SlowAgent:
    name = AgentName.STYLE
    description = "Spends BURN CPU seconds on every block, through ctx.run."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        return await ctx.run(burn, block.text)


class QuickAgent:
    name = AgentName.TONE
    description = "Flags every block at once."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        return await ctx.run(first_word, self.name, block.text)


async def test_an_agent_over_its_budget_skips_the_rest_of_the_chunk(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(budget, "AGENT_BUDGET", 2.5 * BURN)
    pipeline = Pipeline(agents=[SlowAgent(), QuickAgent()], engines=fake_hub())
    try:
        with caplog.at_level(logging.WARNING):
            review = await pipeline.review(TABLE, "markdown", Settings())
    finally:
        pipeline.close()
    by_agent = {a: [f for f in review.findings if f.agent is a] for a in AgentName}
    assert len(by_agent[AgentName.TONE]) == CELLS
    assert len(by_agent[AgentName.STYLE]) == 3  # 0.1 + 0.1 + 0.1 s spent, then skipped
    assert "agent style used its 0.25 CPU seconds on a chunk of" in caplog.text
    assert caplog.text.count("agent style used") == 1
    assert "style" in review.waiting  # not cached as complete


async def test_within_the_budget_every_block_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "AGENT_BUDGET", CELLS * BURN * 4)
    pipeline = Pipeline(agents=[SlowAgent()], engines=fake_hub())
    try:
        review = await pipeline.review(TABLE, "markdown", Settings())
    finally:
        pipeline.close()
    assert len(review.findings) == CELLS and not review.waiting


def test_work_in_a_worker_thread_is_charged_that_thread_s_cpu_time() -> None:
    spent = budget.Budget(chars=100, limit=1.5 * BURN)
    with ThreadPoolExecutor(1) as pool, spent.charging(AgentName.STYLE):
        assert pool.submit(spent.charged(burn), "one two").result()
        assert BURN <= spent.spent[AgentName.STYLE] < 1.5 * BURN
        assert pool.submit(spent.charged(burn), "one two").result()  # checked before it ran
        with pytest.raises(budget.OverBudget):
            spent.charged(burn)
    assert spent.charged(burn) is burn  # no agent's check: not charged


class SlowPlainAgent(SlowAgent):
    """SlowAgent with a batched check (server/batched.py): one call per batch of blocks."""

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        return burn(block.text)


@pytest.mark.parametrize(("at_once", "checked"), [(1, 3), (2, 4), (3, 3)])
async def test_a_batched_agent_over_its_budget_skips_the_rest_of_the_chunk(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, at_once: int,
        checked: int) -> None:
    """Charged per batch: the batch that crosses the budget completes, the next is skipped."""
    monkeypatch.setattr(budget, "AGENT_BUDGET", 2.5 * BURN)
    monkeypatch.setattr(pipeline_module, "BLOCKS_AT_ONCE", at_once)
    pipeline = Pipeline(agents=[SlowPlainAgent()], engines=fake_hub())
    try:
        with caplog.at_level(logging.WARNING):
            review = await pipeline.review(TABLE, "markdown", Settings())
    finally:
        pipeline.close()
    assert len(review.findings) == checked  # whole batches, 0.1 s a cell, until 0.25 s
    assert caplog.text.count("agent style used its 0.25 CPU seconds") == 1
    assert "style" in review.waiting
