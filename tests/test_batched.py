"""The batched check of small blocks (server/batched.py) finds what each agent's own
``check`` finds block by block: on a table, with engine hits, data rules and code rules,
and in batches of any size."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field

import pytest
from fake_engine import FakeEngine, fake_hub

import prosewise.server.pipeline as pipeline_module
from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import HARPER, LINGO, Hits
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.registry import default_agents
from prosewise.agents.settings import Dialect, Settings
from prosewise.server.pipeline import Pipeline

ROWS = [
    "| She have a cat | It was analysed by the team | very unique |",
    "| teh garden | Stop!! Now! Go! | in order to recieve |",
    "| I think we should | a apple a day | utilize the the tool |",
    "| plain words | nothing to flag here | fine |",
]
TABLE = "| Name | Description | Notes |\n|---|---|---|\n" + "\n".join(ROWS * 5) + "\n"
DOCUMENT = "# Notes\n\n" + TABLE + "\nIn order to leverage synergies, it was decided by us.\n"


class OneByOne:
    """An agent's ``check`` alone (no ``check_plain``): the pipeline checks each block
    on its own with it, as it did before batching."""

    def __init__(self, agent: object) -> None:
        self.agent = agent
        self.name: AgentName = agent.name  # type: ignore[attr-defined]
        self.description = "one block at a time"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        return await self.agent.check(block, ctx)  # type: ignore[attr-defined, no-any-return]


async def findings(agents: list[object], *, early: bool = False) -> list[Finding]:
    p = Pipeline(agents=agents, engines=fake_hub())  # type: ignore[arg-type]
    try:
        review = await p.review(DOCUMENT, "markdown", Settings(), early=early)
    finally:
        p.close()
    return sorted(review.findings, key=lambda f: (f.start, f.end, f.rule, f.message))


@pytest.mark.parametrize("early", [False, True])
async def test_batches_find_what_each_block_alone_finds(
        monkeypatch: pytest.MonkeyPatch, early: bool) -> None:
    alone = await findings([OneByOne(a) for a in default_agents()], early=early)
    batched = await findings(list(default_agents()), early=early)
    monkeypatch.setattr(pipeline_module, "BLOCKS_AT_ONCE", 1)
    single = await findings(list(default_agents()), early=early)
    rules = {f.rule for f in alone}
    assert {"grammar.spelling", "grammar.agreement", "style.passive-voice",
            "tone.exclamation"} <= rules  # the table draws engine, data and code rules
    assert len(alone) > 40
    assert batched == alone
    assert single == alone


@dataclass
class GatedEngine(FakeEngine):
    """A fake engine whose checks wait for ``gate`` (and say when one has begun)."""

    gate: threading.Event = field(default_factory=threading.Event)
    began: threading.Event = field(default_factory=threading.Event)

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        self.began.set()
        self.gate.wait(timeout=30)
        return super().hits(text, dialect, words)


@pytest.mark.parametrize("batched", [True, False])
async def test_a_cancelled_review_leaves_no_engine_check_behind(batched: bool) -> None:
    """A review cancelled while the first engine checks (a keystroke's early check),
    then the pipeline closed (the server shutting down): no engine check of it is left
    to schedule work on the closed pool ("cannot schedule new futures after shutdown")."""
    harper = GatedEngine(HARPER)
    p = Pipeline(agents=default_agents() if batched else [OneByOne(a) for a in default_agents()],
                 engines=EngineHub(harper=harper, lingo=FakeEngine(LINGO)))
    review = asyncio.create_task(p.review("She have a cat.\n", "markdown", Settings(),
                                          early=True))
    assert await asyncio.to_thread(harper.began.wait, 30)
    review.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await review
    p.close()
    harper.gate.set()
    left = asyncio.all_tasks() - {asyncio.current_task()}
    outcomes = await asyncio.gather(*left, return_exceptions=True)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
