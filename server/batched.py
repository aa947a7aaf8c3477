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
from dataclasses import dataclass

from prosewise.agents.base import Agent, PlainAgent, run_work
from prosewise.agents.budget import Budget, OverBudget
from prosewise.agents.engines.hub import EngineHits, EngineHub
from prosewise.agents.model import Block, Finding
from prosewise.agents.settings import Settings
from prosewise.server.blocks import to_document
from prosewise.server.cache import FindingCache

log = logging.getLogger(__name__)

INLINE_CHARS = 2_000
"""A batch with less text than this is checked on the calling thread (the event loop),
as a keystroke's paragraph is (pipeline.py): a 64-cell batch of a table takes each
agent a millisecond or two, short enough for hover to get in between."""


@dataclass
class Checked:
    """One block's check."""

    findings: list[Finding]
    """In chunk offsets."""
    ran: int
    """How many agents ran (not cached)."""
    waiting: frozenset[str] = frozenset()
    """The engines and agents it went without (only complete checks are cached)."""


def agent_key(agent: Agent, block: str, digest: str) -> Hashable:
    """The finding cache's key for one agent's findings on one block (``block``: its
    ``Block.digest``, a hash computed on each read), under settings of ``digest``."""
    return (agent.name.value, block, digest)


@dataclass
class Batches:
    """What a chunk's batches are checked with: the pipeline's parts and the run's settings."""

    agents: Sequence[PlainAgent]
    """The enabled agents, in precedence order."""
    engines: EngineHub
    pool: Executor
    cache: FindingCache
    settings: Settings
    digest: str
    budget: Budget
    early: bool = False
    defer: bool = False

    async def check(self, blocks: Sequence[Block]) -> list[Checked]:
        """Each block's findings: the cached ones, the others from one call per agent."""
        keys = [[agent_key(a, d, self.digest) for a in self.agents]
                for d in (b.digest for b in blocks)]
        cached = [[self.cache.get(k) for k in row] for row in keys]
        asked = [i for i, row in enumerate(cached) if None in row]
        hits = await self._hits(blocks, asked)
        inline = sum(len(blocks[i].text) for i in asked) < INLINE_CHARS
        fresh: list[dict[int, list[Finding] | None]] = []
        for j, agent in enumerate(self.agents):
            todo = [i for i in asked if cached[i][j] is None]
            ready = [i for i in todo if i in hits]  # the others failed: see ``_hits``
            ran = await self._run(agent, [blocks[i] for i in ready], [hits[i] for i in ready],
                                  inline)
            fresh.append({**dict.fromkeys(todo), **dict(zip(ready, ran, strict=True))})
        out: list[Checked] = []
        for i, block in enumerate(blocks):
            known = hits.get(i)
            waiting = frozenset(known.failed + known.pending) if known else frozenset()
            waiting |= {a.name.value for j, a in enumerate(self.agents)
                        if i in fresh[j] and fresh[j][i] is None}
            found = [f for j in range(len(self.agents))
                     for f in (cached[i][j] or fresh[j].get(i) or [])]
            if not waiting:
                for j, key in enumerate(keys[i]):
                    if (new := fresh[j].get(i)) is not None:
                        self.cache.put(key, new)
            out.append(Checked(to_document(block, found), sum(i in f for f in fresh), waiting))
        return out

    async def _hits(self, blocks: Sequence[Block], asked: list[int]) -> dict[int, EngineHits]:
        """The engines' hits on ``blocks[i]`` for each ``i`` asked; a block whose engine
        check raised has none, and its agents count as failed on it (as each agent's
        ``check`` did when its ``engine_hits`` raised): the batch's others go on."""
        answers = await asyncio.gather(*(
            self.engines.check(blocks[i].text, self.settings, self.pool, early=self.early,
                               defer=self.defer) for i in asked), return_exceptions=True)
        hits: dict[int, EngineHits] = {}
        for i, answer in zip(asked, answers, strict=True):
            if isinstance(answer, EngineHits):
                hits[i] = answer
            elif isinstance(answer, Exception):
                log.error("the engines failed on a block; its findings are skipped",
                          exc_info=answer)
            else:
                raise answer
        return hits

    async def _run(self, agent: PlainAgent, blocks: list[Block], hits: list[EngineHits],
                   inline: bool) -> list[list[Finding] | None]:
        """``agent`` on every block in one call, charged to its budget (None: failed)."""
        if not blocks:
            return []
        with self.budget.charging(agent.name):
            try:
                work = self.budget.charged(_each)
            except OverBudget as over:
                self.budget.skipped(over)
                return [None] * len(blocks)
            return await run_work(self.pool, work, agent, blocks, hits, self.settings,
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
