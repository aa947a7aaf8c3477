"""A chunk's blocks checked a batch at a time: one call per agent covers the batch.

Why: a 300 KB Markdown table is 13,000 cells of a few words. Checked one by one
(``Agent.check``), each cell cost a context, a task per agent, an engine check's task
and a budget charge per rule call: about 300 µs a cell, four times the rules' own work.
Here the engines are asked per block as before (their hits are cached per sentence),
but each agent's ``check_plain`` runs over the whole batch in one call, charged once to
its budget: the findings are the ones ``check`` gives without a model
(tests/test_batched.py compares them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from prosewise.agents.base import INLINE_CHARS, Agent, PlainAgent, run_work
from prosewise.agents.budget import Budget, OverBudget
from prosewise.agents.engines.hub import EngineHits, EngineHub
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.settings import Settings
from prosewise.server.blocks import to_document
from prosewise.server.cache import FindingCache

log = logging.getLogger(__name__)


@dataclass
class Checked:
    """One block's check."""

    findings: list[Finding]
    """In chunk offsets."""
    ran: int
    """How many agents ran (not cached)."""
    waiting: frozenset[str] = frozenset()
    """The engines and agents it went without (only complete checks are cached)."""


@dataclass
class _Row:
    """One block of a batch and its findings so far, by agent."""

    block: Block
    digest: str
    """``block.digest`` (a hash computed on each read: once here)."""
    cached: dict[AgentName, list[Finding]] = field(default_factory=dict)
    """What the finding cache held."""
    fresh: dict[AgentName, list[Finding] | None] = field(default_factory=dict)
    """What this check ran (None: the agent or the engines failed on the block)."""
    hits: EngineHits | None = None
    """The engines' hits (None: not asked, or they failed)."""


def agent_key(agent: Agent, block: str, digest: str) -> Hashable:
    """The finding cache's key for one agent's findings on one block (``block``: its
    ``Block.digest``, a hash computed on each read), under settings of ``digest``."""
    return (agent.name.value, block, digest)


@dataclass(frozen=True)
class ChunkParts:
    """What a chunk's blocks are checked with: the pipeline's parts and the run's
    settings (this checker's and one_block.py's)."""

    engines: EngineHub
    pool: Executor
    cache: FindingCache
    settings: Settings
    digest: str
    """The settings' digest, in the finding cache's keys."""
    budget: Budget
    """The chunk's time budget per agent."""
    early: bool = False
    defer: bool = False


@dataclass
class Batches:
    """Blocks checked a batch at a time."""

    agents: Sequence[PlainAgent]
    """The enabled agents, in precedence order."""
    parts: ChunkParts

    async def check(self, blocks: Sequence[Block]) -> list[Checked]:
        """Each block's findings: the cached ones, the others from one call per agent."""
        rows = [self._row(b) for b in blocks]
        asked = [r for r in rows if len(r.cached) < len(self.agents)]
        await self._hits(asked)
        inline = sum(len(r.block.text) for r in asked) < INLINE_CHARS
        for agent in self.agents:
            todo = [r for r in asked if agent.name not in r.cached]
            ready = [(r, r.hits) for r in todo if r.hits is not None]  # others failed: _hits
            ran = await self._run(agent, [r.block for r, _ in ready], [h for _, h in ready],
                                  inline)
            for row in todo:
                row.fresh[agent.name] = None
            for (row, _), found in zip(ready, ran, strict=True):
                row.fresh[agent.name] = found
        return [self._checked(r) for r in rows]

    def _row(self, block: Block) -> _Row:
        """A block with the findings the cache holds for it, per agent."""
        digest = block.digest
        row = _Row(block, digest)
        for agent in self.agents:
            key = agent_key(agent, digest, self.parts.digest)
            if (found := self.parts.cache.get(key)) is not None:
                row.cached[agent.name] = found
        return row

    def _checked(self, row: _Row) -> Checked:
        """A row's check; its fresh findings are cached when nothing was missing."""
        waiting = frozenset(row.hits.failed + row.hits.pending) if row.hits else frozenset()
        waiting |= {name.value for name, found in row.fresh.items() if found is None}
        found = [f for a in self.agents
                 for f in (row.cached.get(a.name) or row.fresh.get(a.name) or [])]
        if not waiting:
            for agent in self.agents:
                if (new := row.fresh.get(agent.name)) is not None:
                    self.parts.cache.put(agent_key(agent, row.digest, self.parts.digest), new)
        return Checked(to_document(row.block, found), len(row.fresh), waiting)

    async def _hits(self, rows: list[_Row]) -> None:
        """The engines' hits on each row's block; a block whose engine check raised has
        none, and its agents count as failed on it (as each agent's ``check`` did when
        its ``engine_hits`` raised): the batch's others go on."""
        parts = self.parts
        answers = await asyncio.gather(*(
            parts.engines.check(r.block.text, parts.settings, parts.pool, early=parts.early,
                                defer=parts.defer) for r in rows), return_exceptions=True)
        for row, answer in zip(rows, answers, strict=True):
            if isinstance(answer, EngineHits):
                row.hits = answer
            elif isinstance(answer, Exception):
                log.error("the engines failed on a block; its findings are skipped",
                          exc_info=answer)
            else:
                raise answer

    async def _run(self, agent: PlainAgent, blocks: list[Block], hits: list[EngineHits],
                   inline: bool) -> list[list[Finding] | None]:
        """``agent`` on every block in one call, charged to its budget (None: failed)."""
        if not blocks:
            return []
        with self.parts.budget.charging(agent.name):
            try:
                work = self.parts.budget.charged(_each)
            except OverBudget as over:
                self.parts.budget.skipped(over)
                return [None] * len(blocks)
            return await run_work(self.parts.pool, work, agent, blocks, hits, self.parts.settings,
                                  inline=inline)


def _each(agent: PlainAgent, blocks: list[Block], hits: list[EngineHits],
          settings: Settings) -> list[list[Finding] | None]:
    """``check_plain`` per block; a block it fails on has None (one broken rule must not
    sink the batch's other blocks)."""
    out: list[list[Finding] | None] = []
    for block, found in zip(blocks, hits, strict=True):
        try:
            out.append(agent.check_plain(block, found, settings))
        except Exception:
            log.exception("agent %s failed on a block; its findings are skipped", agent.name)
            out.append(None)
    return out
