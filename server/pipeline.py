"""The review pipeline: document → prose blocks → four agents in parallel → ranking.

No LSP here: the language server and the CLI are two thin fronts over
``Pipeline.review``. The document is cut into chunks (chunks.py) that are
extracted, checked and ranked alone; a ranked chunk is found again per (chunk text,
settings, feedback) while some review holds it, and findings are cached per (agent,
block content, settings), so after an edit only the edited chunk is worked on,
whatever the document's size.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast
from weakref import WeakValueDictionary

from prosewise.agents.base import INLINE_CHARS, Agent, PlainAgent, run_work
from prosewise.agents.budget import Budget
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.llm.ranking import judge
from prosewise.agents.model import Block, Finding
from prosewise.agents.registry import default_agents
from prosewise.agents.settings import Settings
from prosewise.merge.model import Contest, Ranking, RuleFeedback, Verdicts
from prosewise.merge.rank import rank
from prosewise.server.batched import Batches, Checked, ChunkParts, agent_key
from prosewise.server.blocks import layout_of
from prosewise.server.cache import FindingCache
from prosewise.server.chunks import Edited
from prosewise.server.controls import has_markers
from prosewise.server.incremental import Chunk, Part, Review, Todo, layout_chunks
from prosewise.server.markup import extract
from prosewise.server.markup.references import Labels, reference_labels
from prosewise.server.one_block import OneBlock

if TYPE_CHECKING:
    from prosewise.agents.llm.checks import LlmChecks

__all__ = ["Chunk", "Pipeline", "Review"]

log = logging.getLogger(__name__)

EARLY_CHUNKS = 2
"""At most this many changed chunks (a keystroke, not an opened document or a big
paste) for a review to take ``early`` engine answers."""
DEFER_CHARS = 20_000
"""A document's first review in the language server goes without the engines when it
has more than this many characters to check (about 3,500 words: the engines take a
second or more there, 300 KB take them a minute on two cores): the rule agents'
findings are published at once, and the next wave brings the engines' (waves.py)."""
CHUNKS_AT_ONCE = 16
"""Chunks checked at the same time: all of a large document's at once put thousands of
steps in the event loop's queue, and hover waited behind them."""
BLOCKS_AT_ONCE = 64
"""A chunk's blocks are checked this many at a time, as one batch (batched.py): started
all at once, the first steps of a 5,000-row table's cells ran in one turn of the event
loop, and hover on another document waited seconds for it."""


@dataclass(frozen=True)
class _Run:
    """What every chunk of one review is checked with."""

    language: str
    labels: Labels
    """The document's reference labels (Markdown: see markup/references.py)."""
    settings: Settings
    digest: str
    """The settings' digest (it stats the house rule files: once per review)."""
    feedback: Mapping[str, RuleFeedback] | None
    early: bool
    defer: bool
    disk: bool
    """Whether the model's answers may be read from the result cache's file; not when
    the review starts from the previous version's (a keystroke: ``checks.Noted.disk``)."""


class Pipeline:
    """Owns the agents, the engines, the worker pool and the caches; reused across documents."""

    def __init__(
        self,
        agents: Sequence[Agent] | None = None,
        pool: Executor | None = None,
        engines: EngineHub | None = None,
        cache: FindingCache | None = None,
        llm: LlmChecks | None = None,
    ) -> None:
        self.agents = list(agents) if agents is not None else default_agents()
        self.plain = [a for a in self.agents if isinstance(a, PlainAgent)]
        """The agents that have a batched check (a protocol check is slow: once, here)."""
        self.pool = pool or ThreadPoolExecutor(
            max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="prosewise"
        )
        self.engines = engines or EngineHub()
        self.cache = cache or FindingCache()
        self.llm = llm
        """The model's checks (None: no model is ever called, whatever the settings)."""
        self.parts: WeakValueDictionary[tuple[str, Labels, str], Part] = (
            WeakValueDictionary())
        """Ranked chunks per (context, reference labels, chunk text) while a review (an
        open document's, a batch file's) holds them: a replaced chunk's part goes with
        the last one."""

    async def review(
        self,
        text: str,
        language: str,
        settings: Settings,
        feedback: Mapping[str, RuleFeedback] | None = None,
        *,
        early: bool = False,
        previous: Review | None = None,
        edited: Edited | None = None,
    ) -> Review:
        """Review a whole document; unchanged chunks come from the cache.

        ``feedback`` (rule id → the writer's accepts/dismissals in this workspace)
        lets the ranking agent demote rules the writer keeps dismissing. ``early``:
        a keystroke's review may go without lingotweaker's hits on the edited
        sentences (``EngineHub.check``); it then says it is not ``complete``.
        ``previous``, the review of the version this text was edited from, makes a
        keystroke's work independent of the document's size: only the edited chunk
        is cut again and looked up (``rechunk``); the others keep their parts.
        ``edited`` bounds what changed since ``previous`` (see ``chunks.Edited``).
        """
        # interned: the keys each review stores (parts, findings) share one string per
        # value, not one per review (≈90 bytes per keystroke, kept with the entries)
        context = sys.intern(_context_key(language, settings, feedback))
        layout = layout_chunks(previous, text, language, context, edited)
        records, looked_up = layout.records, layout.todo
        defining = ([c.text for c in records if "]:" in c.text]
                    if language == "markdown" and "]:" in text else [])
        labels = await run_work(self.pool, reference_labels, defining,
                                inline=sum(map(len, defining)) < INLINE_CHARS)
        if previous is not None and previous.labels != labels:  # links may have changed
            records = [Todo(c.text) for c in records]
            looked_up = list(range(len(records)))
        for i in looked_up:
            if (part := self.parts.get((context, labels, records[i].text))) is not None:
                records[i] = Chunk(records[i].text, part)
        todo = [i for i in looked_up if isinstance(records[i], Todo)]
        missing = list(dict.fromkeys(records[i].text for i in todo))
        run = _Run(language, labels, settings, sys.intern(settings.digest()), feedback,
                   early=early and len(missing) <= EARLY_CHUNKS,
                   defer=early and previous is None and sum(map(len, missing)) > DEFER_CHARS,
                   disk=previous is None)
        room = asyncio.Semaphore(CHUNKS_AT_ONCE)
        checked = await asyncio.gather(*(self._check_chunk(c, run, room) for c in missing))
        fresh = dict(zip(missing, (part for part, _ in checked), strict=True))
        for chunk, part in fresh.items():
            if not part.waiting:
                self.parts[(context, labels, chunk)] = part
        for i in todo:  # only the records still to make: no pass over the whole table
            records[i] = Chunk(records[i].text, fresh[records[i].text])
        chunks = tuple(cast(list[Chunk], records))  # every Todo was replaced just above
        if layout.replaced:
            self._forget(layout.replaced, [chunks[i] for i in looked_up], run.digest)
        return Review(text=text, chunks=chunks, goals=settings.goals,
                      checked_blocks=sum(n for _, n in checked), language=language,
                      context=context, labels=labels,
                      waiting=frozenset().union(*(p.waiting for p in fresh.values())))

    def answered(self, review: Review, texts: Collection[str], settings: Settings,
                 source: str = "llm") -> Review:
        """``review`` with its chunks of ``texts`` waiting for ``source``, which has answered
        since they were checked (the model, in the language server): their ranked parts
        and findings are dropped, so the next review that starts from it checks them
        again, and only them (``Part.waiting``, as for a late engine)."""
        digest = settings.digest()
        chunks = list(review.chunks)
        for i, c in enumerate(chunks):
            if c.text in texts:
                self.parts.pop((review.context, review.labels, c.text), None)
                for block in c.part.blocks:
                    for agent in self.agents:
                        self.cache.drop(agent_key(agent, block.digest, digest))
                chunks[i] = Chunk(c.text, replace(c.part, waiting=c.waiting | {source}))
        return replace(review, chunks=tuple(chunks), waiting=review.waiting | {source})

    def _forget(self, replaced: Sequence[Chunk], new: Sequence[Chunk], digest: str) -> None:
        """Drop the cached findings of blocks only the replaced chunks had (else each
        keystroke leaves the edited block's behind: ≈8 KB at 10k words)."""
        kept = {b.digest for c in new for b in c.part.blocks}
        for block in (b for c in replaced for b in c.part.blocks):
            if block.digest not in kept:
                for agent in self.agents:
                    self.cache.drop(agent_key(agent, block.digest, digest))

    async def _check_chunk(self, chunk: str, run: _Run,
                           room: asyncio.Semaphore) -> tuple[Part, int]:
        """Extract, check and rank one chunk, in chunk offsets, once there is ``room``.

        Extraction and ranking are CPU work too: they run in the pool, so a large
        first review does not hold up the language server's event loop; a small chunk
        or block (a keystroke's, a table cell) is worked on on the loop, which is
        faster (``INLINE_CHARS``).
        """
        inline = len(chunk) < INLINE_CHARS
        budget = Budget(len(chunk))
        per_block: list[Checked] = []
        async with room:
            blocks = await run_work(self.pool, extract, chunk, run.language, run.labels,
                                    run.settings.latex, inline=inline)
            checker = self._checker(run, budget)
            for at in range(0, len(blocks), BLOCKS_AT_ONCE):
                per_block.extend(await checker.check(blocks[at:at + BLOCKS_AT_ONCE]))
            findings = [f for checked in per_block for f in checked.findings
                        if run.settings.rule_enabled(f.rule)]
            ranking = await run_work(self.pool, _rank_chunk, findings, run, blocks, None,
                                     inline=inline)
            if ranking.contests and self.llm is not None:
                verdicts = await self._judged(chunk, blocks, ranking.contests, run)
                if verdicts is not None:
                    ranking = await run_work(self.pool, _rank_chunk, findings, run, blocks,
                                             verdicts, inline=inline)
        part = Part(blocks=tuple(blocks), findings=tuple(findings), shown=ranking.shown,
                    marked=has_markers(chunk),
                    decisions=ranking.decisions,
                    waiting=frozenset().union(*(c.waiting for c in per_block)))
        return part, sum(c.ran for c in per_block)

    def _checker(self, run: _Run, budget: Budget) -> Batches | OneBlock:
        """The batched check (batched.py) when every enabled agent has one and no model
        takes part (its questions are per block); else each block on its own."""
        enabled = [a for a in self.agents if run.settings.agent_enabled(a.name)]
        plain = [a for a in self.plain if run.settings.agent_enabled(a.name)]
        parts = ChunkParts(engines=self.engines, pool=self.pool, cache=self.cache,
                           settings=run.settings, digest=run.digest, budget=budget,
                           early=run.early, defer=run.defer)
        if self.llm is None and len(plain) == len(enabled):
            return Batches(plain, parts)
        return OneBlock(enabled, parts, self.llm, disk=run.disk)

    async def _judged(self, chunk: str, blocks: Sequence[Block], contests: Sequence[Contest],
                      run: _Run) -> Verdicts | None:
        """The model's verdicts on a chunk's contests (``llm.ranking``). A check that only
        reads (the language server's) notes the question under the chunk's first block,
        where the model pass looks for what to ask."""
        assert self.llm is not None
        with self.llm.noting(disk=run.disk) as unasked:
            found = await judge(self.llm, chunk, contests, run.settings)
        if unasked and blocks:
            self.llm.note_missed(blocks[0].text, unasked, keep=True)
        return found

    def close(self) -> None:
        """Stop the worker pool and the engines' own threads."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.engines.close()


def _rank_chunk(findings: Sequence[Finding], run: _Run, blocks: Sequence[Block],
                verdicts: Verdicts | None) -> Ranking:
    """The ranking agent on one chunk (paragraph-local decisions need nothing else).
    Without the model's ``verdicts`` yet, it lists the contests for the model to judge
    when the settings ask for that (``llm.ranking``)."""
    return rank(findings, run.settings, layout_of(blocks), feedback=run.feedback,
                verdicts=verdicts, contests=verdicts is None and run.settings.llm.ranking)


def _context_key(
    language: str, settings: Settings, feedback: Mapping[str, RuleFeedback] | None
) -> str:
    """Everything a ranked chunk depends on besides its text: language, every setting
    (profile and rules included, and the files they name as they are now) and the
    writer's feedback."""
    raw = json.dumps([language, settings.model_dump_json(), settings.file_stamps(),
                      sorted((k, v.accepted, v.dismissed) for k, v in (feedback or {}).items())])
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
