"""The review pipeline: document → prose blocks → four agents in parallel → ranking.

No LSP here: the language server and the CLI are two thin fronts over
``Pipeline.review``. Findings are cached per (agent, block content, settings), so
re-checking a document runs agents only on blocks whose text changed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor

from pydantic import BaseModel, ConfigDict

from prosewise.agents.base import Agent, CheckContext
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import Block, Finding, ToneSummary
from prosewise.agents.registry import default_agents, tone_summary
from prosewise.agents.settings import Settings
from prosewise.agents.text import sentences
from prosewise.merge.model import Decision, Layout, RuleFeedback
from prosewise.merge.rank import rank
from prosewise.server.cache import FindingCache
from prosewise.server.markup import extract

log = logging.getLogger(__name__)


class Review(BaseModel):
    """The result of reviewing one document."""

    model_config = ConfigDict(frozen=True)

    text: str
    blocks: tuple[Block, ...]
    shown: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    tone: ToneSummary | None = None
    checked_blocks: int = 0
    """How many (agent, block) pairs actually ran; the rest came from the cache."""


class Pipeline:
    """Owns the agents, the engines, the worker pool and the cache; reused across documents."""

    def __init__(
        self,
        agents: Sequence[Agent] | None = None,
        pool: Executor | None = None,
        engines: EngineHub | None = None,
        cache: FindingCache | None = None,
    ) -> None:
        self.agents = list(agents) if agents is not None else default_agents()
        self.pool = pool or ThreadPoolExecutor(
            max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="prosewise"
        )
        self.engines = engines or EngineHub()
        self.cache = cache or FindingCache()

    async def review(
        self,
        text: str,
        language: str,
        settings: Settings,
        feedback: Mapping[str, RuleFeedback] | None = None,
    ) -> Review:
        """Review a whole document; unchanged blocks come from the cache.

        ``feedback`` (rule id → the writer's accepts/dismissals in this workspace)
        lets the ranking agent demote rules the writer keeps dismissing.
        """
        blocks = extract(text, language)
        per_block = await asyncio.gather(*(self._check_block(b, settings) for b in blocks))
        findings = [f for found, _ in per_block for f in found]
        ran = sum(n for _, n in per_block)
        findings = [f for f in findings if settings.rule_enabled(f.rule)]
        ranking = rank(findings, settings, layout_of(blocks), feedback=feedback)
        tone = tone_summary(text, blocks, findings, settings.goals)
        return Review(
            text=text, blocks=tuple(blocks), shown=ranking.shown, decisions=ranking.decisions,
            tone=tone, checked_blocks=ran,
        )

    async def _check_block(self, block: Block, settings: Settings) -> tuple[list[Finding], int]:
        ctx = CheckContext(settings=settings, pool=self.pool, engines=self.engines)
        enabled = [a for a in self.agents if settings.agent_enabled(a.name)]
        results = await asyncio.gather(*(self._run_agent(a, block, ctx) for a in enabled))
        found = [f for fs, _ in results for f in fs]
        return to_document(block, found), sum(1 for _, ran in results if ran)

    async def _run_agent(self, agent: Agent, block: Block, ctx: CheckContext) -> tuple[list[Finding], bool]:
        key = (agent.name.value, block.digest, ctx.settings.digest())
        cached = self.cache.get(key)
        if cached is not None:
            return cached, False
        try:
            found = await agent.check(block, ctx)
        except Exception:  # one broken agent must not sink the review
            log.exception("agent %s failed on a block; its findings are skipped", agent.name)
            return [], True
        self.cache.put(key, found)
        return found, True

    def close(self) -> None:
        """Stop the worker pool."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def to_document(block: Block, found: Sequence[Finding]) -> list[Finding]:
    """Findings moved from block to document offsets; ones that cannot map are dropped."""
    out = []
    for f in found:
        if block.text[f.start:f.end] != f.text:
            log.warning("dropping %s: quoted text does not match the block", f.rule)
            continue
        span = block.to_doc(f.start, f.end)
        if span is None:
            continue
        out.append(f.model_copy(update={"start": span[0], "end": span[1]}))
    return out


def layout_of(blocks: Sequence[Block]) -> Layout:
    """Paragraph and sentence spans in document offsets (sentences that map cleanly)."""
    paragraphs = tuple((b.doc_start, b.doc_end) for b in blocks if b.segments)
    spans: list[tuple[int, int]] = []
    for b in blocks:
        for s, e in sentences(b.text):
            start, end = b.to_doc(s, s), b.to_doc(e, e)
            if start and end:
                spans.append((start[0], end[0]))
    return Layout(paragraphs=paragraphs, sentences=tuple(spans))
