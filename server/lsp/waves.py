"""Diagnostics in waves: publish what is ready, check again when a late source answers.

Why: at start-up harper takes 2-4 s to load and lingotweaker 2-5 s more; per
keystroke lingotweaker takes longer than harper on the edited sentence (≈11 ms
against ≈7 ms, 40-70 ms when its speller hunts for suggestions). Writers see the
rule agents' findings at once and each engine's as soon as it is there, instead of
all of them only when the slowest is.

One mechanism for every late source: a check whose review waits for sources
(``Review.waiting``: an engine still loading, an engine answering late, a failure)
asks for one more check of its document when the first of them has answered
(``EngineHub.answered``); that check re-checks only the chunks that waited, and
asks again if some source is still missing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.settings import Dialect

log = logging.getLogger(__name__)

LOAD_DELAY = 0.1
"""Seconds between a wave's diagnostics and the load of an engine after the first,
which holds the GIL (and so the event loop) for 1-2 s: long enough for those
diagnostics to be sent (a pull answer comes a few loop turns after the check)."""


@dataclass
class Waves:
    """Schedules the follow-up check of documents checked without some source."""

    engines: Callable[[], EngineHub]
    """The pipeline's engines (the pipeline is built on first use)."""
    recheck: Callable[[str, int | None], None]
    """Checks a document again (if still at that revision) and tells pull clients to pull."""
    _waiting: dict[str, int] = field(default_factory=dict)
    """Document → the newest revision waiting for a source (one follow-up per document)."""
    _answered: dict[str, tuple[int, frozenset[str | None]]] = field(default_factory=dict)
    """Document → a revision and the sources it was re-checked for: once per revision and
    source, so a source that keeps failing cannot make checks loop (None: a source
    that is not an engine, such as an agent that failed)."""
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def first_loaded(self, dialect: Dialect) -> None:
        """Wait for the first engine (a failed load is logged; the check then reports it)."""
        hub = self.engines()
        if not hub.engines:
            return
        try:
            await hub.answered(hub.engines[0].name, dialect)
        except Exception:
            log.exception("%s failed to load", hub.engines[0].name)

    def after(self, uri: str, revision: int, waiting: Collection[str], dialect: Dialect) -> None:
        """A check of ``revision`` went without ``waiting``: check again once the first of
        them (in the hub's order) has answered."""
        hub = self.engines()
        first = next((e.name for e in hub.engines if e.name in waiting), None)
        done_revision, done = self._answered.get(uri, (None, frozenset()))
        if done_revision == revision and first in done:
            return
        known = uri in self._waiting
        self._waiting[uri] = revision
        if known:  # the follow-up already scheduled checks this newer revision
            return
        task = asyncio.create_task(self._when_answered(uri, first, dialect),
                                   name=f"wave {uri}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _when_answered(self, uri: str, engine: str | None, dialect: Dialect) -> None:
        hub = self.engines()
        if engine is not None:
            if not hub.ready(engine, dialect) and engine != hub.engines[0].name:
                await asyncio.sleep(LOAD_DELAY)
            try:
                await hub.answered(engine, dialect)
            except Exception:
                log.exception("%s failed to load", engine)
        revision = self._waiting.pop(uri, None)
        if revision is not None:
            done_revision, done = self._answered.get(uri, (None, frozenset()))
            self._answered[uri] = (revision, done | {engine} if done_revision == revision
                                   else frozenset({engine}))
            self.recheck(uri, revision)

    def forget(self, uri: str) -> None:
        """A closed document needs no more waves."""
        self._waiting.pop(uri, None)
        self._answered.pop(uri, None)

    def close(self) -> None:
        """Stop waiting (the server is shutting down)."""
        for task in list(self._tasks):
            task.cancel()
