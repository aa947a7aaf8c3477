"""The offline engines (harper-py and lingotweaker), run side by side on each block.

Both engines are native code that releases the GIL, so the two run concurrently
in the worker pool. Their hits are cached per sentence (units.py). Each engine can
load on a thread of its own (``loading``): the language server does not wait for
a loading engine (its checks say so in ``EngineHits.pending`` and are redone when it
is ready), the CLI waits (complete results).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

from prosewise.agents.engines.harper_engine import HarperEngine
from prosewise.agents.engines.hits import HARPER, LINGO, EngineHit, EngineHits
from prosewise.agents.engines.lingo_engine import SPELLERS, LingoEngine, byte_to_char_offsets
from prosewise.agents.engines.units import Units, runs
from prosewise.agents.lru import LRU
from prosewise.agents.settings import Dialect, Settings

__all__ = ["HARPER", "LINGO", "EngineHit", "EngineHits", "EngineHub", "byte_to_char_offsets"]

log = logging.getLogger(__name__)

_EngineFn = Callable[[str, Dialect, tuple[str, ...]], tuple[EngineHit, ...]]
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
    harper: HarperEngine = field(default_factory=HarperEngine)
    lingo: LingoEngine = field(default_factory=LingoEngine)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loading: dict[tuple[str, Dialect], Future[object]] = field(default_factory=dict, repr=False)
    _sentences: LRU[tuple[EngineHit, ...]] = field(
        default_factory=lambda: LRU(SENTENCE_CACHE), repr=False)
    """Engine hits per (engine, dialect, personal words, sentence): see units.py."""

    async def check(self, text: str, settings: Settings, pool: Executor) -> EngineHits:
        """Run both engines concurrently on ``text`` in ``pool``.

        An engine that raises is logged and reported in ``failed``: the other
        engine's hits still count (one engine's bug must not hide the other's).
        """
        dialect, words = settings.goals.dialect, settings.words
        on = {HARPER: self.use_harper, LINGO: self.use_lingo}
        pending = tuple(name for name in (HARPER, LINGO)
                        if on[name] and not self.wait_for_engines and not self.ready(name, dialect))
        units = Units.of(text)
        jobs = [
            self._by_unit(name, fn, units, dialect, words, runner)
            if on[name] and name not in pending else _done(())
            for name, fn, runner in ((HARPER, self.harper_hits, self.harper.executor),
                                     (LINGO, self.lingo_hits, pool))
        ]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        found: list[tuple[EngineHit, ...]] = []
        failed: list[str] = []
        for name, result in zip((HARPER, LINGO), results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                log.error("engine %s failed on a %d-character text", name, len(text),
                          exc_info=result)
                failed.append(name)
                found.append(())
            else:
                found.append(result)
        took_part = {HARPER: on[HARPER], LINGO: on[LINGO] and dialect in SPELLERS}
        spellers = tuple(name for name, yes in took_part.items()
                         if yes and name not in failed and name not in pending)
        return EngineHits(harper=found[0], lingo=found[1], failed=tuple(failed),
                          spellers=spellers, pending=pending)

    async def _by_unit(
        self, name: str, fn: _EngineFn, units: Units, dialect: Dialect,
        words: tuple[str, ...], pool: Executor,
    ) -> tuple[EngineHit, ...]:
        """One engine's hits, from the sentence cache where it has them (units.py);
        the runs of uncached sentences are checked in one pool job."""
        keys = [(name, dialect, words, units.piece(i)) for i in range(len(units))]
        per_unit = [self._sentences.get(k) for k in keys]
        missing = runs([i for i, hits in enumerate(per_unit) if hits is None])
        if missing:
            texts = [units.text[slice(*units.span(*run))] for run in missing]
            found = await asyncio.get_running_loop().run_in_executor(
                pool, _check_all, fn, texts, dialect, words)
            for (first, stop), hits in zip(missing, found, strict=True):
                for i, unit_hits in enumerate(units.split(hits, first, stop), first):
                    per_unit[i] = unit_hits
                    self._sentences.put(keys[i], unit_hits)
        return units.join([hits or () for hits in per_unit])

    @classmethod
    def for_server(cls, dialect: Dialect = Dialect.EN_US) -> EngineHub:
        """A hub that never waits for an engine, with harper already loading (≈2 s of
        native work with the GIL released: started before the protocol modules are
        imported, the two overlap on a cold start)."""
        hub = cls(wait_for_engines=False)
        hub.loading(HARPER, dialect)
        return hub

    def ready(self, engine: str, dialect: Dialect) -> bool:
        """Whether the engine has finished loading for the dialect (see ``loading``)."""
        future = self._loading.get((engine, dialect))
        return future is not None and future.done()

    def loading(self, engine: str, dialect: Dialect) -> Future[object]:
        """The engine, loading from the first call: harper on its own thread (where it
        will run), lingotweaker on its loader thread (not in the pool, so checks do not
        queue behind it). lingotweaker's load holds the GIL for 1-2 s, stalling the
        event loop too: the server starts it once the first diagnostics are out."""
        with self._lock:
            future = self._loading.get((engine, dialect))
            if future is None:
                runner, warm = ((self.harper.executor, self.harper.warm) if engine == HARPER
                                else (self.lingo.loader, self.lingo.warm))
                future = self._loading[(engine, dialect)] = runner.submit(warm, dialect)
        return future

    def close(self) -> None:
        """Stop the engines' own threads (the pool belongs to whoever passed it in)."""
        self.harper.executor.shutdown(wait=False, cancel_futures=True)
        self.lingo.loader.shutdown(wait=False, cancel_futures=True)

    def harper_hits(
        self, text: str, dialect: Dialect, words: tuple[str, ...]
    ) -> tuple[EngineHit, ...]:
        """Harper's hits on ``text`` (no cache)."""
        return self.harper.hits(text, dialect, words)

    def lingo_hits(
        self, text: str, dialect: Dialect, words: tuple[str, ...]
    ) -> tuple[EngineHit, ...]:
        """lingotweaker's hits on ``text`` (no cache)."""
        return self.lingo.hits(text, dialect, words)


def _check_all(
    fn: _EngineFn, texts: list[str], dialect: Dialect, words: tuple[str, ...]
) -> list[tuple[EngineHit, ...]]:
    return [fn(text, dialect, words) for text in texts]


def _done(value: tuple[EngineHit, ...]) -> asyncio.Future[tuple[EngineHit, ...]]:
    fut: asyncio.Future[tuple[EngineHit, ...]] = asyncio.get_running_loop().create_future()
    fut.set_result(value)
    return fut
