"""Diagnostics in waves: publish what is ready, check again when the rest is.

Why: at start-up harper takes 2-4 s to load and lingotweaker 2-5 s more; per
keystroke lingotweaker takes longer than harper on the edited sentence (≈11 ms
against ≈7 ms, 40-70 ms when its speller hunts for suggestions). Writers see the
rule agents' findings at once and each engine's as soon as it is there, instead of
all of them only when the slowest is. A check that went without an engine asks for
one more check of its document, when that engine is ready.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from prosewise.agents.engines.hub import HARPER, LINGO, EngineHub
from prosewise.agents.settings import Dialect

log = logging.getLogger(__name__)

LINGO_DELAY = 0.1
"""Seconds between the first diagnostics and lingotweaker's load, which holds the GIL
(and so the event loop) for 1-2 s: long enough for those diagnostics to be sent."""


@dataclass
class Waves:
    """Schedules the follow-up check of documents checked without an engine."""

    engines: Callable[[], EngineHub]
    """The pipeline's engines (the pipeline is built on first use)."""
    recheck: Callable[[str, int | None], None]
    """Checks a document again (if still at that revision) and tells pull clients to pull."""
    _loading: set[str] = field(default_factory=set)
    """Documents waiting for an engine to load."""
    _settling: dict[str, int] = field(default_factory=dict)
    """Document → the revision last re-checked after late engine checks (only once per
    revision, so an engine that keeps failing cannot make checks loop)."""
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def harper_loaded(self, dialect: Dialect) -> None:
        """Wait for harper (a failed load is logged; the check then reports harper failed)."""
        try:
            loading = asyncio.wrap_future(self.engines().loading(HARPER, dialect))
            await asyncio.shield(loading)  # a superseded check must not cancel the load
        except Exception:
            log.exception("harper failed to load")

    def after(self, uri: str, revision: int, dialect: Dialect, was_loading: bool) -> None:
        """Called for a check that lacked an engine: check again when it is there."""
        if was_loading:
            self._when_loaded(uri, dialect)
        elif self._settling.get(uri) != revision:
            self._settling[uri] = revision
            task = asyncio.create_task(self._when_settled(uri, revision), name=f"settle {uri}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def forget(self, uri: str) -> None:
        """A closed document needs no more waves."""
        self._settling.pop(uri, None)

    def close(self) -> None:
        """Stop waiting (the server is shutting down)."""
        for task in list(self._tasks):
            task.cancel()

    def _when_loaded(self, uri: str, dialect: Dialect) -> None:
        """harper loads from the start; lingotweaker only after harper, and once these
        diagnostics are out (pushed right after this returns; a pull answer a few loop
        turns later, hence the delay), because its load holds the GIL. Only a check that
        started without an engine gets here, so a broken engine does not loop."""
        if uri in self._loading:
            return
        self._loading.add(uri)
        loop = asyncio.get_running_loop()
        if HARPER in self.engines().missing(dialect):
            self._on_load(HARPER, dialect, uri, loop)
        else:
            loop.call_later(LINGO_DELAY, self._on_load, LINGO, dialect, uri, loop)

    def _on_load(
        self, engine: str, dialect: Dialect, uri: str, loop: asyncio.AbstractEventLoop
    ) -> None:
        future = self.engines().loading(engine, dialect)
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(self._loaded, uri))

    def _loaded(self, uri: str) -> None:
        self._loading.discard(uri)
        self.recheck(uri, None)

    async def _when_settled(self, uri: str, revision: int) -> None:
        """Check again once the engine checks this one did not wait for are done: the
        re-check finds their hits cached. A newer revision is being checked anyway."""
        await self.engines().settled()
        self.recheck(uri, revision)
