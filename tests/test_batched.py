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


@dataclass
class FailsOn(FakeEngine):
    """A fake engine that raises on any text holding ``word``."""

    word: str = "garden"

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        if self.word in text:
            raise RuntimeError("an engine's bug")
        return super().hits(text, dialect, words)


class StyleFailsOn:
    """The style agent, raising on any block holding ``word`` (a broken house rule)."""

    def __init__(self, agent: object, word: str) -> None:
        self.agent, self.word = agent, word
        self.name: AgentName = agent.name  # type: ignore[attr-defined]
        self.description = "fails on one cell"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        return await self.agent.check(block, ctx)  # type: ignore[attr-defined, no-any-return]

    def check_plain(self, block: Block, hits: object, settings: Settings) -> list[Finding]:
        if self.word in block.text:
            raise RuntimeError("a rule's bug")
        return self.agent.check_plain(block, hits, settings)  # type: ignore[attr-defined, no-any-return]


async def test_a_cell_an_engine_or_an_agent_fails_on_loses_only_those_findings() -> None:
    """In a batch, the cell the engines fail on has no engine findings and the cell the
    style agent fails on no style findings; every other cell keeps all of its own, and
    neither failed cell is cached as checked (the next review tries them again)."""
    agents = [StyleFailsOn(a, "analysed") if a.name == AgentName.STYLE else a
              for a in default_agents()]
    p = Pipeline(agents=agents,  # type: ignore[arg-type]
                 engines=EngineHub(harper=FailsOn(HARPER), lingo=FailsOn(LINGO)))
    try:
        review = await p.review(DOCUMENT, "markdown", Settings())
        again = await p.review(DOCUMENT, "markdown", Settings())
    finally:
        p.close()

    def cell(f: Finding) -> str:
        """The table cell (or the line, outside the table) a finding is in."""
        line = DOCUMENT.rfind("\n", 0, f.start) + 1, DOCUMENT.find("\n", f.end)
        start = DOCUMENT.rfind("|", *line[:1], f.start) + 1 or line[0]
        end = DOCUMENT.find("|", f.end, line[1])
        return DOCUMENT[start:end if end >= 0 else line[1]].strip()

    by_cell = [(cell(f), f.rule) for f in review.findings]
    assert not [r for c, r in by_cell if "garden" in c and r == "grammar.spelling"]
    assert ("in order to recieve", "grammar.spelling") in by_cell  # the row's next cell
    assert not [r for c, r in by_cell if "analysed" in c and r.startswith("style.")]
    last = "In order to leverage synergies, it was decided by us."
    assert {(last, "style.passive-voice"), (last, "style.jargon")} <= set(by_cell)
    assert {"harper", "lingotweaker", "style"} <= review.waiting
    assert again.findings == review.findings and again.waiting == review.waiting
    assert again.checked_blocks > 0  # the failed cells were checked again, not cached
