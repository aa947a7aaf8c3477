"""The engines (harper-py and lingotweaker, behind engine.py's ``Engine``), run side
by side on each block.

Both engines are native code, each on its own thread or in the worker pool where it
allows (``Engine.pooled``). Both let go of the GIL while they check: with harper-py
0.2 a Python thread beside a 1.2 s lint of 60 KB ran at 99% of its speed and the lint
took no longer (an earlier measurement had found 35% and 2.7x). Their hits are cached
per sentence (units.py). Each engine loads on its own thread (``loading``): the
language server does not wait for a loading engine (its checks
say so in ``EngineHits.pending`` and are redone when it is ready), the CLI waits
(complete results). In ``early`` mode (the server, per keystroke) a check waits for
the first engine alone on new sentences: see carry.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

from prosewise.agents.dictionaries import personal_words
from prosewise.agents.engines import guard
from prosewise.agents.engines.carry import Predecessors, carry
from prosewise.agents.engines.configured import Configured
from prosewise.agents.engines.engine import Engine, EngineUnavailable
from prosewise.agents.engines.guard import check_all, within
from prosewise.agents.engines.harper_engine import HarperEngine
from prosewise.agents.engines.hits import HARPER, LINGO, EngineHit, EngineHits, Hits
from prosewise.agents.engines.lingo_engine import LingoEngine, byte_to_char_offsets
from prosewise.agents.engines.units import Units, runs
from prosewise.agents.lru import LRU
from prosewise.agents.settings import Dialect, Settings

__all__ = ["HARPER", "LINGO", "EngineHit", "EngineHits", "EngineHub", "byte_to_char_offsets"]

log = logging.getLogger(__name__)

SENTENCE_CACHE = 50_000
"""Sentences whose engine hits are kept (≈ 20 open 10k-word documents, twice over)."""


@dataclass
class EngineHub:
    """Owns the engines; one per pipeline, shared by every agent and every block."""

    use_harper: bool = True
    use_lingo: bool = True
    wait_for_engines: bool = True
    """False in the language server: checks run without an engine that is still
    loading and say so in ``EngineHits.pending``. The CLI waits (complete results)."""
    harper: Engine = field(default_factory=HarperEngine)
    lingo: Engine = field(default_factory=LingoEngine)
    configured: Configured = field(default_factory=Configured)
    """Engines the settings switch on (a LanguageTool server), after the offline ones."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loading: dict[tuple[str, Dialect], Future[object]] = field(default_factory=dict, repr=False)
    _sentences: LRU[Hits] = field(
        default_factory=lambda: LRU(SENTENCE_CACHE), repr=False)
    """Engine hits per (engine, dialect, personal words, sentence): see units.py."""
    _predecessors: Predecessors = field(
        default_factory=lambda: Predecessors(SENTENCE_CACHE), repr=False)
    _late: dict[asyncio.Future[Hits], str] = field(default_factory=dict, repr=False)
    """Engine checks still running that no check waits for (see ``_early``), and whose."""

    @property
    def engines(self) -> tuple[Engine, ...]:
        """The engines in use, the fastest first (an early check waits for it alone); then
        those that settings have switched on so far."""
        return (*self._offline, *self.configured.known)

    @property
    def _offline(self) -> tuple[Engine, ...]:
        return tuple(e for e, on in ((self.harper, self.use_harper), (self.lingo, self.use_lingo))
                     if on)

    def in_use(self, settings: Settings) -> tuple[Engine, ...]:
        """The engines that check under ``settings``: the offline ones, then those the
        settings switch on (one made anew for changed settings loads anew)."""
        before = self.configured.known
        configured = self.configured.engines(settings)
        with self._lock:
            for gone in (e for e in before if all(e is not k for k in self.configured.known)):
                for key in [k for k in self._loading if k[0] == gone.name]:
                    del self._loading[key]
        return (*self._offline, *configured)

    async def check(self, text: str, settings: Settings, pool: Executor, *,
                    early: bool = False, defer: bool = False) -> EngineHits:
        """Run the engines concurrently on ``text``.

        An engine that raises is logged and reported in ``failed``: the others' hits
        still count (one engine's bug must not hide the others'). ``early`` (a
        keystroke in the language server): when the first engine has new sentences to
        check, return once it is done; the others' hits for sentences they have not
        seen yet are carried from their previous versions (carry.py), the result says
        they are pending, and their fresh hits land in the sentence cache for the next
        check (``settled``). ``defer`` (the first review of a large document in the
        language server): no engine runs now; those without cached hits for every
        sentence are pending, and the next wave checks with them (server/lsp/waves.py).
        A ``remote`` engine (a LanguageTool server) is never waited for by an early
        check or in the language server, nor deferred (it uses no CPU here): it checks
        what it has not seen at once and is late (it connects on its first check).
        """
        dialect, words = settings.goals.dialect, personal_words(settings)
        later = early or not self.wait_for_engines  # per keystroke, or in the language server
        in_use = self.in_use(settings)
        remote = [e for e in in_use if later and e.remote]
        engines = [e for e in in_use if not (later and e.remote)]
        pending = () if self.wait_for_engines else tuple(self.missing(dialect, engines))
        units = Units.of(text)
        if defer:
            pending += tuple(e.name for e in engines if e.name not in pending
                             and None in self._cached(e.name, units, dialect, words))
        ready = [e for e in engines if e.name not in pending]
        early = (early and not pending and len(ready) > 1
                 and None in self._cached(ready[0].name, units, dialect, words))

        def start(engine: Engine) -> Awaitable[Hits]:
            runner = pool if engine.pooled and not early else engine.executor
            return self._by_unit(engine, units, dialect, words, runner)

        late: tuple[str, ...] = ()
        if early:
            jobs, late = await self._early(start(ready[0]), ready[1:], start, units, dialect,
                                           words)
        else:
            jobs = [start(e) for e in ready]
        far, far_late = self._later(remote, start, units, dialect, words)
        jobs, late, ready = [*jobs, *far], late + far_late, ready + remote
        results = await asyncio.gather(*jobs, return_exceptions=True)
        found: list[EngineHit] = []
        failed: list[str] = []
        for engine, result in zip(ready, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                _log_failure(f"engine {engine.name}", len(text), result)
                failed.append(engine.name)
            else:
                found.extend(result)
        spellers = tuple(e.name for e in ready if e.spells(dialect) and e.name not in failed)
        return EngineHits(hits=tuple(found), failed=tuple(failed), spellers=spellers,
                          pending=pending + late)

    async def _early(
        self, first: Awaitable[Hits], others: Sequence[Engine],
        start: Callable[[Engine], Awaitable[Hits]], units: Units, dialect: Dialect,
        words: tuple[str, ...],
    ) -> tuple[list[Awaitable[Hits]], tuple[str, ...]]:
        """Wait for the first engine alone, then start the others: one with sentences to
        check goes on alone (kept in ``_late``, on its own thread) and its place is
        taken by hits carried from earlier versions. One after the other, not side by
        side: on two cores, two engines together would leave none for the agents' own
        Python work, which runs while the first engine does."""
        done = asyncio.ensure_future(first)
        try:
            await asyncio.wait([done])
        except asyncio.CancelledError:  # superseded, as ``gather`` would cancel it
            done.cancel()
            raise
        jobs, late = self._later(others, start, units, dialect, words)
        return [done, *jobs], late

    def _later(
        self, engines: Sequence[Engine], start: Callable[[Engine], Awaitable[Hits]],
        units: Units, dialect: Dialect, words: tuple[str, ...],
    ) -> tuple[list[Awaitable[Hits]], tuple[str, ...]]:
        """Each engine's hits from the cache, or, where it has sentences to check, carried
        ones now and its check left running (``_keep``): those engines are late."""
        jobs: list[Awaitable[Hits]] = []
        late: list[str] = []
        for engine in engines:
            if None not in self._cached(engine.name, units, dialect, words):
                jobs.append(start(engine))
                continue
            self._keep(asyncio.ensure_future(start(engine)), engine.name)
            jobs.append(_done(self._carried(engine.name, units, dialect, words)))
            late.append(engine.name)
        return jobs, tuple(late)

    def _cached(self, name: str, units: Units, dialect: Dialect,
                words: tuple[str, ...]) -> list[Hits | None]:
        """The engine's cached hits per unit (None: not checked yet). Early answers are
        for fresh hits of the first engine: when it has none (a re-check once another
        engine has loaded), waiting for the rest saves publishing the same diagnostics
        twice."""
        return [self._sentences.get((name, dialect, words, units.piece(i)))
                for i in range(len(units))]

    def _keep(self, task: asyncio.Future[Hits], engine: str) -> None:
        """Hold a check nobody awaits until it is done (its hits go to the cache)."""
        self._late[task] = engine
        task.add_done_callback(self._late_done)

    def _late_done(self, task: asyncio.Future[Hits]) -> None:
        self._late.pop(task, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            _log_failure("an engine", None, error)

    def _carried(self, name: str, units: Units, dialect: Dialect,
                 words: tuple[str, ...]) -> Hits:
        """Cached hits per unit; for a unit not checked yet, its previous version's."""
        context = (name, dialect, words)
        cached = self._cached(name, units, dialect, words)
        return units.join([self._carry(context, units.piece(i)) if hits is None else hits
                           for i, hits in enumerate(cached)])

    def _carry(self, context: tuple[str, Dialect, tuple[str, ...]], piece: str) -> Hits:
        for old in self._predecessors.candidates(context, piece):
            hits = self._sentences.get((*context, old))
            if hits is not None and (moved := carry(old, hits, piece)) is not None:
                return moved
        return ()

    async def settled(self, engine: str | None = None) -> None:
        """Wait for the checks that early checks left running (if any; of one engine
        alone: a slow server's must not hold up lingotweaker's next wave)."""
        tasks = [t for t, name in self._late.items() if engine in (None, name)]
        if tasks:
            await asyncio.wait(tasks)

    async def answered(self, name: str, dialect: Dialect) -> None:
        """Wait until the engine can answer every check: loaded (its load starts now if
        it has not), and none of its checks left running."""
        await asyncio.shield(asyncio.wrap_future(self.loading(name, dialect)))
        await self.settled(name)

    def _by_unit(
        self, engine: Engine, units: Units, dialect: Dialect, words: tuple[str, ...],
        pool: Executor,
    ) -> Awaitable[Hits]:
        """One engine's hits, from the sentence cache where it has them (units.py);
        the runs of uncached sentences (cut at sentence starts to about ``LONGEST_TEXT``
        each) are handed to ``pool`` at once, in one job."""
        per_unit = self._cached(engine.name, units, dialect, words)
        missing = [part for run in runs([i for i, hits in enumerate(per_unit) if hits is None])
                   for part in within(units, run)]
        if not missing:
            return _done(units.join([hits or () for hits in per_unit]))
        texts = [units.text[slice(*units.span(*run))] for run in missing]
        job = asyncio.get_running_loop().run_in_executor(
            pool, check_all, engine, texts, dialect, words)
        return self._collect(job, (engine.name, dialect, words), per_unit, missing, units)

    async def _collect(
        self, job: Awaitable[list[Hits | None]], context: tuple[str, Dialect, tuple[str, ...]],
        per_unit: list[Hits | None], missing: list[tuple[int, int]], units: Units,
    ) -> Hits:
        """The checked runs' hits, cached per unit, joined with the cached ones (a run
        left unchecked over ``guard.ENGINE_BUDGET`` has none, and is not cached)."""
        found = await job
        if None in found:
            skipped = [units.span(*run) for run, hits in zip(missing, found, strict=True)
                       if hits is None]
            log.warning("%s took more than %g CPU seconds on a %d-character text: no hits"
                        " from it on characters %d-%d (%d runs)", context[0], guard.ENGINE_BUDGET,
                        len(units.text), skipped[0][0], skipped[-1][1], len(skipped))
        for (first, stop), hits in zip(missing, found, strict=True):
            if hits is None:
                continue
            for i, unit_hits in enumerate(units.split(hits, first, stop), first):
                per_unit[i] = unit_hits
                piece = units.piece(i)  # one string for both: a slice is a copy
                self._sentences.put((*context, piece), unit_hits)
                for old in self._predecessors.add(context, piece):
                    self._sentences.drop((*context, old))
        return units.join([hits or () for hits in per_unit])

    @classmethod
    def for_batch(cls, *, lite: bool = False) -> EngineHub:
        """A hub for the CLI. ``lite`` (no lingotweaker): harper on as many threads as
        there are cores (up to 4; each keeps a linter of 150-300 MB), since one harper
        thread is then the bottleneck. With lingotweaker, the cores are busy anyway and
        a second harper thread made batches slower (measured: 0.55 → 0.46 × harper)."""
        threads = max(1, min(4, os.cpu_count() or 1)) if lite else 1
        return cls(use_lingo=not lite, harper=HarperEngine.threaded(threads))

    @classmethod
    def for_server(cls, dialect: Dialect = Dialect.EN_US) -> EngineHub:
        """A hub that never waits for an engine, with the first engine already loading
        (≈2 s of native work with the GIL released: started before the protocol
        modules are imported, the two overlap on a cold start)."""
        hub = cls(wait_for_engines=False)
        hub.loading(hub.engines[0].name, dialect)
        return hub

    def missing(self, dialect: Dialect, engines: Sequence[Engine]) -> list[str]:
        """Those of ``engines`` that have not loaded yet (a check now goes without them)."""
        return [e.name for e in engines if not self.ready(e.name, dialect)]

    def ready(self, engine: str, dialect: Dialect) -> bool:
        """Whether the engine has finished loading for the dialect (see ``loading``)."""
        future = self._loading.get((engine, dialect))
        return future is not None and future.done()

    def state(self, engine: str, dialect: Dialect) -> str:
        """``ready``, ``loading``, ``failed`` or ``not loaded`` (lingotweaker loads after the
        first diagnostics): what an editor's health check reports, without starting a load."""
        future = self._loading.get((engine, dialect))
        if future is None:
            return "not loaded"
        if not future.done():
            return "loading"
        return "failed" if future.cancelled() or future.exception() else "ready"

    def loading(self, name: str, dialect: Dialect) -> Future[object]:
        """The engine, loading from the first call, on its own thread (not the pool, so
        checks do not queue behind a load). lingotweaker's load holds the GIL for
        1-2 s, stalling the event loop too: the server starts it once the first
        diagnostics are out (server/lsp/waves.py)."""
        with self._lock:
            future = self._loading.get((name, dialect))
            if future is None:
                engine = next(e for e in (self.harper, self.lingo, *self.configured.known)
                              if e.name == name)
                future = self._loading[(name, dialect)] = engine.executor.submit(
                    engine.warm, dialect)
        return future

    def close(self) -> None:
        """Stop the engines' own threads (the pool belongs to whoever passed it in)."""
        for engine in (self.harper, self.lingo, *self.configured.known):
            engine.executor.shutdown(wait=False, cancel_futures=True)


def _log_failure(engine: str, size: int | None, error: BaseException) -> None:
    """One engine's failure; a refusal (``EngineUnavailable``, said once) only in debug."""
    where = "a sentence nobody waited for" if size is None else f"a {size}-character text"
    if isinstance(error, EngineUnavailable):
        log.debug("%s did not check %s: %s", engine, where, error)
    else:
        log.error("%s failed on %s", engine, where, exc_info=error)


def _done(value: Hits) -> asyncio.Future[Hits]:
    fut: asyncio.Future[Hits] = asyncio.get_running_loop().create_future()
    fut.set_result(value)
    return fut
