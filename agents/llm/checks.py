"""The model's part of a review: what the agents ask of it, through one cache.

Every task (grammar, clarity, style and tone, each in its module) goes through
``LlmChecks.ask``: the answer is looked up in the result cache (keyed by model, task,
prompt version and the messages, which carry the goals and the redacted text: an
unchanged paragraph never costs a second call, across runs too), and the model is
called only on a miss. Callers redact before and map what comes back onto the
original text after.
A failed call is logged once per kind of failure and counted, never raised: the
offline findings stand on their own, and the block's result says it went without
the model (``None``), so it is not cached as complete.
With ``daily_tokens`` set, the tokens of every call are counted per day in the cache's
file (every run of this user adds to one count), and the model pauses once the day's
count reaches the budget, until the next day; cache hits still answer meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.client import ChatMessage, LlmClient, Usage
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.errors import LlmError, LlmStatusError
from prosewise.agents.lru import LRU

log = logging.getLogger(__name__)

A = TypeVar("A", bound=BaseModel)
CONCURRENCY = 4
"""Model calls in flight at once (a local server serves one or two; hosted ones more)."""
BREAKER = 3
"""Failed calls in a row after which the model is not asked again under the same settings
this session: a server that is down or out of quota would otherwise cost every block a
timeout."""
MISSED = 10_000
"""Block texts remembered as checked without an answer (``LlmChecks.missed``): more than
an editing session's open documents hold, bounded for one that never reaches the model."""
_ASKING: ContextVar[bool] = ContextVar("prosewise_llm_asking", default=False)
"""Set in the language server's model pass (``LlmChecks.asking``): its task, and the
tasks it starts, call the model on a miss while keystroke checks only read."""
_NOTED: ContextVar[Noted | None] = ContextVar("prosewise_llm_noted", default=None)
"""Where a check that only reads notes the asks it found unanswered (``LlmChecks.noting``):
the pipeline's check of one block, and the agents' tasks it starts."""
REMEMBERED = 4_096
"""Answers kept in memory (``LlmChecks.remembered``): an open 10k-word document's three
tasks per block, about 1 KB each."""


@dataclass(frozen=True)
class Task(Generic[A]):
    """One kind of question to the model and the schema of its answer."""

    name: str
    version: str
    """Part of every cache key: a changed prompt must not reuse the old prompt's answers."""
    schema: type[A]


@dataclass(frozen=True, eq=False)
class Ask:
    """One question a check that only reads found unanswered, as it was put: the model
    pass asks exactly this (``LlmChecks.replay``), without running the agents again
    (their engines and rules cost a keystroke's CPU many times over on a long document)."""

    task: Task[Any]
    settings: LlmSettings
    messages: list[ChatMessage]
    key: str
    """The result cache's key: the same question noted twice is asked once."""


@dataclass(frozen=True)
class Noted:
    """What a check that only reads collects, and where it may look for answers."""

    asks: list[Ask]
    disk: bool
    """Whether the result cache's file is read on a miss in memory: not on a keystroke,
    whose edited text the file almost never holds (each read is a hop to a thread and
    back, about a millisecond of the first publish); the model pass reads it."""


@dataclass
class LlmChecks:
    """Model checks for the agents of one pipeline: one client per model settings."""

    cache: ResultCache
    concurrency: int = CONCURRENCY
    calls: int = 0
    cached: int = 0
    """Answers that cost no call: from memory or from the cache's file."""
    failures: int = 0
    last_failure: str | None = None
    """What the last failed call said: a rewrite the writer asked for says why it failed."""
    asks: bool = True
    """Whether a cache miss calls the model. The language server's checks only read
    answers (a keystroke never waits for the model); its model pass asks (``asking``)."""
    missed: dict[str, list[Ask]] = field(default_factory=dict, repr=False)
    """Block texts checked without some answer while not asking, oldest first (at most
    ``MISSED``), with the asks left unanswered: what the model pass asks."""
    remembered: LRU[str] = field(default_factory=lambda: LRU(REMEMBERED), repr=False)
    """Answers by cache key that this session read from the file or stored in it: a
    keystroke's check reads only these (an undo finds its text's answers here)."""
    today: Callable[[], date] = date.today
    """The day tokens count for (a parameter so a test can move to the next day)."""
    _breaker: Tripped | None = field(default=None, repr=False)
    """The breaker, if it tripped: the model is not asked again under those settings."""
    _budget_day: date | None = field(default=None, repr=False)
    """The day the token budget ran out on, if it did (``_budget_reason`` says how)."""
    _budget_reason: str = field(default="", repr=False)
    _counted: int = field(default=0, repr=False)
    """This session's tokens already added to the daily count."""
    _spent: dict[date, int] = field(default_factory=dict, repr=False)
    """This session's tokens per day: the count when the cache cannot be read."""
    _in_a_row: int = field(default=0, repr=False)
    _clients: dict[LlmSettings, LlmClient] = field(default_factory=dict, repr=False)
    _room: asyncio.Semaphore | None = field(default=None, repr=False)
    _said: set[str] = field(default_factory=set, repr=False)

    async def ask(self, task: Task[A], settings: LlmSettings,
                  messages: list[ChatMessage]) -> A | None:
        """The answer to ``messages`` (redacted text only) from the cache, else from the
        model; None when there is none (no model, a failed call, or paused)."""
        if not settings.model:
            return None
        key = ResultCache.key(settings.model, settings.api_base or "", task.name,
                              task.version, *(f"{m['role']}:{m['content']}" for m in messages))
        noted = _NOTED.get()
        stored = self.remembered.get(key)
        if stored is None and (noted is None or noted.disk or self.will_ask()):
            stored = await asyncio.to_thread(self.cache.get, key)  # disk: off the loop
            if stored is not None:
                self.remembered.put(key, stored)
        if stored is not None:
            try:
                parsed = task.schema.model_validate_json(stored)
            except ValidationError:
                self.remembered.drop(key)
                log.debug("a cached %s answer no longer fits its schema: asking again", task.name)
            else:
                self.cached += 1
                return parsed
        if not self.will_ask():
            if noted is not None:
                noted.asks.append(Ask(task, settings, messages, key))
            return None
        answer = await self._call(task.schema, settings, messages)
        await self._count_tokens()
        if answer is not None:
            self.remembered.put(key, stored := answer.model_dump_json())
            await asyncio.to_thread(self.cache.put, key, stored)
        return answer

    def will_ask(self) -> bool:
        """Whether a cache miss calls the model here (``asks``, or within ``asking``)."""
        return self.asks or _ASKING.get()

    @contextlib.contextmanager
    def asking(self) -> Iterator[None]:
        """Within, a cache miss calls the model even with ``asks`` off: the language
        server's model pass (the flag is the task's own, and the tasks it starts inherit
        it; checks running meanwhile still only read)."""
        token = _ASKING.set(True)
        try:
            yield
        finally:
            _ASKING.reset(token)

    @contextlib.contextmanager
    def noting(self, *, disk: bool = True) -> Iterator[list[Ask]]:
        """Within, the asks a check that only reads leaves unanswered are collected in
        the list given (the tasks started within inherit it): ``note_missed`` them.
        ``disk``: whether a miss in memory reads the cache's file (``Noted.disk``)."""
        noted = Noted([], disk)
        token = _NOTED.set(noted)
        try:
            yield noted.asks
        finally:
            _NOTED.reset(token)

    def note_missed(self, text: str, asks: list[Ask], *, keep: bool = False) -> None:
        """A block was checked without these answers (not asking): the pass asks later.
        ``keep``: added to the block's asks noted so far (the chunk's ranking question,
        noted after its blocks' own), else in their place."""
        before = self.missed.pop(text, [])  # the newest last
        known = {a.key for a in asks}
        self.missed[text] = [*(a for a in before if keep and a.key not in known), *asks]
        if len(self.missed) > MISSED:
            del self.missed[next(iter(self.missed))]

    async def replay(self, asked: Ask) -> bool:
        """Ask what a check that only read found unanswered (the language server's model
        pass); the answer lands in the result cache, where the next check finds it.
        Whether it was answered."""
        with self.asking():
            return await self.ask(asked.task, asked.settings, asked.messages) is not None

    async def _call(self, schema: type[A], settings: LlmSettings,
                    messages: list[ChatMessage]) -> A | None:
        """The model's answer, or None (failed, or paused). A 429 or 503 that says when
        to come back within the call's timeout is tried once more after that wait."""
        if not self.resume_for(settings):
            return None
        client = self._clients.get(settings)
        if client is None:
            client = self._clients[settings] = LlmClient(settings)
        if self._room is None:
            self._room = asyncio.Semaphore(self.concurrency)
        async with self._room:
            if self._breaker is not None:  # tripped while this call waited for room
                return None
            if not await self._within_budget(settings):  # checked once a call is due
                return None
            for attempt in (1, 2):
                self.calls += 1
                try:
                    answer = await client.ask(messages, schema)
                except LlmStatusError as exc:
                    wait = exc.retry_after
                    if attempt == 1 and wait is not None and wait <= settings.timeout_s:
                        await asyncio.sleep(wait)  # the server's own back-off
                        continue
                    self._failed(settings, exc)
                except LlmError as exc:
                    self._failed(settings, exc)
                else:
                    self._in_a_row = 0
                    return answer
                return None
        return None

    def _failed(self, settings: LlmSettings, exc: LlmError) -> None:
        """Count a failure, say each kind once, trip the breaker after ``BREAKER`` in a row."""
        self.failures += 1
        self._in_a_row += 1
        self.last_failure = str(exc)
        kind = type(exc).__name__
        if kind not in self._said:
            self._said.add(kind)
            log.warning("the model (%s) did not answer: %s", settings.model, exc)
        if self._in_a_row >= BREAKER and self._breaker is None:
            self._breaker = Tripped(settings, f"{BREAKER} calls in a row failed, the last:"
                                              f" {exc}; asked again when its settings change")
            log.warning("the model is paused: %s", self._breaker.reason)

    def resume_for(self, settings: LlmSettings) -> bool:
        """Whether the model may be asked under ``settings``: a breaker that other
        settings tripped is lifted (the writer fixed the address, the key or the model;
        without this only a restart would)."""
        if self._breaker is None:
            return True
        if self._breaker.settings == settings:
            return False
        log.warning("the model's settings changed: asking it again")
        self._breaker, self._in_a_row = None, 0
        return True

    @property
    def paused(self) -> str | None:
        """Why the model is not asked now, if it is not: the breaker tripped (for the
        session), or the day's token budget is spent (until the next day: read anew, so
        a pause ends at midnight without a call)."""
        if self._breaker is not None:
            return self._breaker.reason
        return self._budget_reason if self._budget_day == self.today() else None

    async def _within_budget(self, settings: LlmSettings) -> bool:
        """Whether today's tokens (all runs) are below ``daily_tokens``; pauses the model
        when they are not, saying so once a day. Read before every call: another run may
        have spent the budget, or the user raised it."""
        budget = settings.daily_tokens
        if budget is None:
            return True
        day = self.today()
        stored = await asyncio.to_thread(self.cache.tokens_on, day.isoformat())
        used = max(stored or 0, self._spent.get(day, 0))
        if used < budget:  # a new day, or a budget raised since
            self._budget_day = None
            return True
        if self._budget_day != day:
            self._budget_day = day
            self._budget_reason = (f"the daily budget of {budget} tokens was reached"
                                   f" ({used} used on {day})")
            log.warning("the model is paused until tomorrow: %s", self._budget_reason)
        return False

    async def _count_tokens(self) -> None:
        """Add the tokens of the calls since the last count to today's count; the delta
        is taken without a pause, so calls that finish together are counted once each."""
        used = self.usage()
        total = used.prompt_tokens + used.completion_tokens
        new, self._counted = total - self._counted, total
        if new:
            day = self.today()
            self._spent[day] = self._spent.get(day, 0) + new
            await asyncio.to_thread(self.cache.add_tokens, day.isoformat(), new)

    def usage(self) -> Usage:
        """Tokens and cost of every model this session asked."""
        total = Usage()
        for client in self._clients.values():
            total.prompt_tokens += client.usage.prompt_tokens
            total.completion_tokens += client.usage.completion_tokens
            total.cost += client.usage.cost
        return total


@dataclass(frozen=True)
class Tripped:
    """A tripped breaker: under which settings, and why."""

    settings: LlmSettings
    reason: str
