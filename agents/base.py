"""The one interface every agent implements, and what it is given to work with.

An agent looks at one prose block at a time and returns findings in *block*
coordinates; the pipeline maps them to the document and caches them per block
content, so an agent never sees positions in the file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from prosewise.agents.budget import Budget
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.settings import Settings

if TYPE_CHECKING:
    from prosewise.agents.engines.hub import EngineHits, EngineHub
    from prosewise.agents.llm.checks import LlmChecks

T = TypeVar("T")


@dataclass
class CheckContext:
    """What one check of one block shares between the agents running on it.

    ``engine_hits`` is computed once per block (harper and lingotweaker run once,
    and their findings are routed to the agent that owns each rule).
    """

    settings: Settings
    pool: Executor
    engines: EngineHub
    early: bool = False
    """Let the engines answer before lingotweaker is done (``EngineHub.check``)."""
    defer: bool = False
    """Check without the engines that have not seen this text (``EngineHub.check``)."""
    inline: bool = False
    """Run ``run``'s work right here: for a keystroke's small block, handing it to a
    worker thread costs more than the work (thread hand-offs, waits for the GIL)."""
    llm: LlmChecks | None = None
    """The model's checks, when this review may use a model (``prosewise review --llm``)."""
    waiting: frozenset[str] = frozenset()
    """The sources this check went without (an engine loading, late or failed; the
    model not answering): its findings are not cached as complete."""
    budget: Budget | None = None
    """The chunk's CPU budget per agent, which ``run`` charges (agents/budget.py)."""
    _hits: asyncio.Future[EngineHits] | None = field(default=None, repr=False)

    def from_model(self, found: list[Finding] | None) -> list[Finding]:
        """The model's findings for this block; when it could not answer (None), none,
        and the check is marked as waiting for it, so it is not cached as complete.
        Unless it was only reading (``LlmChecks.asks`` off: the language server): then it
        is complete for now, and the ask is noted for the model pass
        (``LlmChecks.noting``), not marked waiting, which would check it again on every
        keystroke."""
        if found is None:
            if self.llm is None or self.llm.will_ask():
                self.waiting = self.waiting.union({"llm"})
            return []
        return found

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run CPU-bound work in the worker pool, off the event loop (unless ``inline``),
        charged to the agent whose check asks (``OverBudget`` once it has spent its
        budget on this chunk)."""
        work = fn if self.budget is None else self.budget.charged(fn)
        return await run_work(self.pool, work, *args, inline=self.inline)

    def start_engines(self, block: Block) -> None:
        """Start the engines on this block (they take longest: start them first)."""
        if self._hits is None:
            job = self.engines.check(block.text, self.settings, self.pool, early=self.early,
                                     defer=self.defer)
            self._hits = asyncio.ensure_future(job)

    def stop_engines(self) -> None:
        """Cancel the engines' check if it still runs: the block's check has ended
        without it (cancelled by a newer edit or the server shutting down). Shielded
        from each agent, it ran on, and then scheduled work on the closed pool."""
        if self._hits is not None and not self._hits.done():
            self._hits.cancel()

    async def engine_hits(self, block: Block) -> EngineHits:
        """The offline engines' hits for this block, shared by all agents of the check."""
        self.start_engines(block)
        assert self._hits is not None
        return await asyncio.shield(self._hits)

    async def plain(self, agent: PlainAgent, block: Block) -> list[Finding]:
        """``agent``'s findings without a model: its ``check_plain`` on the engines' hits,
        run as ``run`` runs work."""
        hits = await self.engine_hits(block)
        return await self.run(agent.check_plain, block, hits, self.settings)


INLINE_CHARS = 2_000
"""Text shorter than this (a chunk, a block, a batch of table cells) is extracted,
checked and ranked on the calling thread (the language server's event loop): a
keystroke's paragraph takes about a millisecond of that work, less than handing it to
the pool and back (measured: first diagnostics 17.9 → 14.9 ms p50 on a 1.6k-word
document), and a 64-cell batch of a table a millisecond or two per agent, short enough
for hover to get in between. The engines never run on the loop."""


async def run_work(pool: Executor, fn: Callable[..., T], *args: object, inline: bool) -> T:
    """``fn(*args)`` in ``pool``, or right here when ``inline`` (see ``CheckContext``)."""
    if inline:
        return fn(*args)
    return await asyncio.get_running_loop().run_in_executor(pool, partial(fn, *args))


class Agent(Protocol):
    """A specialised reviewer: grammar, clarity, tone or style."""

    name: AgentName
    description: str

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Findings for ``block`` with offsets into ``block.text``."""
        ...


@runtime_checkable
class PlainAgent(Agent, Protocol):
    """An agent whose findings without a model are a pure function of the block, the
    engines' hits and the settings. Why: a 300 KB table has 13,000 cells, and the
    per-block machinery of ``check`` (a context, tasks, budget charges) cost four times
    the rules' own work on a cell; the pipeline checks a batch of small blocks with one
    call of this per agent (server/batched.py)."""

    def check_plain(self, block: Block, hits: EngineHits, settings: Settings) -> list[Finding]:
        """Findings for ``block`` (offsets into ``block.text``) from the rules and ``hits``."""
        ...
