"""One block checked on its own, each agent through its async ``check``: the path when
a model takes part (its questions are per block) or an agent has no ``check_plain``;
otherwise small blocks go a batch at a time (batched.py). Each agent's findings come
from the finding cache when they are there, and are cached only when nothing was
missing (an engine loading, late or failed; an agent failed or over its budget)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prosewise.agents.base import INLINE_CHARS, Agent, CheckContext
from prosewise.agents.budget import OverBudget
from prosewise.agents.engines.hub import EngineHits
from prosewise.agents.model import Block, Finding
from prosewise.server.batched import Checked, ChunkParts, agent_key
from prosewise.server.blocks import to_document

if TYPE_CHECKING:
    from prosewise.agents.llm.checks import Ask, LlmChecks

log = logging.getLogger(__name__)


@dataclass
class _AgentCheck:
    """One agent on one block."""

    agent: Agent
    key: Hashable
    """Its findings' key in the finding cache."""
    found: list[Finding] = field(default_factory=list)
    failed: bool = False
    """It raised, or has spent its budget on the chunk (agents/budget.py)."""


@dataclass
class _TrackedContext(CheckContext):
    """A check context that notes the engines the hits went without."""

    async def engine_hits(self, block: Block) -> EngineHits:
        """The engines' hits; remembers a missing (loading, late or failed) engine."""
        hits = await super().engine_hits(block)
        if hits.failed or hits.pending:
            self.waiting = self.waiting.union(hits.failed, hits.pending)
        return hits


@dataclass
class OneBlock:
    """Blocks checked one at a time."""

    agents: Sequence[Agent]
    """The enabled agents, in precedence order."""
    parts: ChunkParts
    llm: LlmChecks | None
    disk: bool = False
    """Whether the model's answers may be read from the result cache's file."""

    async def check(self, blocks: Sequence[Block]) -> list[Checked]:
        """Each block's findings, the blocks side by side (the pipeline's interface to
        a batch, as batched.py's)."""
        return list(await asyncio.gather(*(
            self._one(b, inline=len(b.text) < INLINE_CHARS) for b in blocks)))

    async def _one(self, block: Block, *, inline: bool) -> Checked:
        """The block's findings from every agent (``inline``: a small block, worked on on
        the calling thread)."""
        parts = self.parts
        ctx = _TrackedContext(settings=parts.settings, pool=parts.pool, engines=parts.engines,
                              early=parts.early, defer=parts.defer, inline=inline, llm=self.llm,
                              budget=parts.budget)
        digest = block.digest
        checks = [_AgentCheck(a, agent_key(a, digest, parts.digest)) for a in self.agents]
        todo: list[_AgentCheck] = []
        for check in checks:
            cached = parts.cache.get(check.key)
            if cached is None:
                todo.append(check)
            else:
                check.found = cached
        if todo:
            ctx.start_engines(block)
        noting: AbstractContextManager[list[Ask]] = (
            self.llm.noting(disk=self.disk) if self.llm is not None else nullcontext([]))
        with noting as unasked:  # what the model pass asks later (model_pass.py)
            try:
                if parts.defer and inline:  # no engine to wait for: a task costs more than a cell
                    for check in todo:
                        await self._run(check, block, ctx)
                else:
                    await asyncio.gather(*(self._run(c, block, ctx) for c in todo))
            finally:
                ctx.stop_engines()
        waiting = ctx.waiting.union(c.agent.name.value for c in todo if c.failed)
        if unasked and self.llm is not None:
            self.llm.note_missed(block.text, unasked)
        if not waiting:
            for check in todo:
                parts.cache.put(check.key, check.found)
        return Checked(to_document(block, [f for c in checks for f in c.found]), len(todo),
                       waiting)

    async def _run(self, check: _AgentCheck, block: Block, ctx: CheckContext) -> None:
        """One agent's check, charged to its budget; a failure leaves no findings."""
        try:
            with self.parts.budget.charging(check.agent.name):
                check.found = await check.agent.check(block, ctx)
        except OverBudget as over:
            self.parts.budget.skipped(over)
            check.failed = True
        except Exception:  # one broken agent must not sink the review
            log.exception("agent %s failed on a block; its findings are skipped",
                          check.agent.name)
            check.failed = True
