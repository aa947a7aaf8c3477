"""A LanguageTool server as a grammar engine, through language-tool-python (lt_client.py).

Off unless the settings name a server (lt_settings.py). It answers over HTTP, so it
runs on threads of its own (never the shared pool, which would wait on the network)
and comes after the offline engines: per keystroke its hits arrive late, like
lingotweaker's (hub.py). Its rule ids are LanguageTool's, which lingotweaker ports, so
routing.toml routes them alike and grammar.py merges the two engines' agreeing hits.

Offsets: LanguageTool (Java) counts UTF-16 units. language-tool-python turns a match's
offset into code points but not its length, so the end is computed here.

Its answers are kept on disk (``CACHE_FILE``, a result cache as the model's): a
sentence it has checked costs no request again, across restarts too, which counts
against the public API's 20 requests a minute. A separate file from the model's, whose
answers never hold the writer's words: LanguageTool's messages may quote them.

Failures raise, so the hub reports the engine failed and the offline findings stand.
After ``BREAKER`` failed requests in a row, it pauses for ``PAUSE_S`` (said once):
a down server would otherwise cost every block a timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from prosewise.agents.engines.engine import EngineUnavailable
from prosewise.agents.engines.hits import EngineHit, Hits
from prosewise.agents.engines.lingo_engine import match_kind
from prosewise.agents.engines.lt_batch import Batcher, Job, Pacer, split
from prosewise.agents.engines.lt_settings import LanguageToolSettings
from prosewise.agents.llm.cache import ResultCache, default_cache_path
from prosewise.agents.model import Replacement
from prosewise.agents.settings import Dialect

if TYPE_CHECKING:
    from prosewise.agents.engines.lt_client import RemoteClient

log = logging.getLogger(__name__)
T = TypeVar("T")

LANGUAGETOOL = "languagetool"
THREADS = 16
"""Blocks waiting for LanguageTool at once: their texts go out together (lt_batch.py).
Threads that mostly wait on the network; measured on a 6,400-word document (120
paragraphs, a loopback server): 1 thread 232 requests, 4: 101, 16: 43, 32: 36."""
BREAKER = 3
"""Failed requests in a row that pause the engine."""
PAUSE_S = 60.0
"""How long a tripped breaker keeps the engine from sending."""
LANGUAGES = {Dialect.EN_US: "en-US", Dialect.EN_GB: "en-GB", Dialect.EN_AU: "en-AU",
             Dialect.EN_CA: "en-CA", Dialect.EN_IN: "en"}
"""LanguageTool's language per dialect: it has no en-IN, and plain "en" has no speller."""
SUGGESTIONS = 5
CACHE_FILE = "languagetool-cache.sqlite"
CACHE_VERSION = "lt-1"
"""Part of every cache key: a change to how matches become hits must not reuse old ones."""


@dataclass
class Breaker:
    """Counts failed requests in a row; past ``BREAKER``, refuses for ``PAUSE_S``."""

    where: str
    clock: Callable[[], float] = time.monotonic
    _in_a_row: int = 0
    _until: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self) -> None:
        """Raise ``EngineUnavailable`` while paused."""
        with self._lock:
            if self._until is not None and self.clock() < self._until:
                raise EngineUnavailable(f"LanguageTool at {self.where} is paused")

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row, self._until = 0, None

    def failed(self, exc: BaseException) -> None:
        """Count a failure; the one that trips the breaker is said (once per pause)."""
        with self._lock:
            self._in_a_row += 1
            if self._in_a_row < BREAKER:
                return
            self._in_a_row, self._until = 0, self.clock() + PAUSE_S
        log.warning("LanguageTool at %s failed %d times in a row (last: %s): paused for %g s",
                    self.where, BREAKER, exc, PAUSE_S)


@dataclass
class LanguageToolEngine:
    """The engine for one ``LanguageToolSettings`` (a new one when they change)."""

    settings: LanguageToolSettings
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(THREADS, thread_name_prefix="languagetool"),
        repr=False)
    name: str = field(default=LANGUAGETOOL, init=False)
    pooled: bool = field(default=False, init=False)
    """Never the shared pool: its threads would wait on the network."""
    remote: bool = field(default=True, init=False)
    _clients: dict[Dialect, RemoteClient] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _batcher: Batcher = field(init=False, repr=False)
    breaker: Breaker = field(init=False, repr=False)
    cache: ResultCache = field(
        default_factory=lambda: ResultCache(default_cache_path(CACHE_FILE)), repr=False)
    _stored: TypeAdapter[list[EngineHit]] = field(
        default_factory=lambda: TypeAdapter(list[EngineHit]), repr=False)

    def __post_init__(self) -> None:
        url = self.settings.endpoint
        if url is None:
            raise ValueError("LanguageTool is off: no url, and public_api is false")
        self.breaker = Breaker(url)
        self._batcher = Batcher(self._request, self.settings.request_bytes,
                                Pacer(self.settings.per_minute))

    def spells(self, dialect: Dialect) -> bool:
        """LanguageTool has spellers for every dialect but en-IN (checked as plain "en")."""
        return LANGUAGES[dialect] != "en"

    def warm(self, dialect: Dialect) -> object:
        """Connect: the client asks the server for its languages (``GET /v2/languages``)."""
        return self._guarded(self._client, dialect)

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        """The server's matches on ``text``, sent in requests within the size limit
        (with other texts waiting at the same time); spelling hits on personal words
        are dropped."""
        spans = split(text, self.settings.request_bytes)
        jobs = [Job(text[a:b], dialect) for a, b in spans]
        keys = [ResultCache.key(CACHE_VERSION, self.settings.endpoint or "",
                                LANGUAGES[dialect], job.text) for job in jobs]
        sent = [(job, key) for job, key in zip(jobs, keys, strict=True)
                if not self._stored_answer(job, key)]
        if sent:
            self.breaker.check()
            self._batcher.run([job for job, _ in sent])
        for job, key in sent:
            if job.error is None and job.answer is not None:
                self.cache.put(key, self._stored.dump_json(list(job.answer)).decode())
        personal = {w.lower() for w in words}
        out: list[EngineHit] = []
        for (start, _), job in zip(spans, jobs, strict=True):
            if job.error is not None:
                raise job.error
            out.extend(h.moved(start) for h in job.answer or ()
                       if not (h.kind.startswith("TYPOS")
                               and job.text[h.start:h.end].lower() in personal))
        return tuple(out)

    def close(self) -> None:
        """Let its threads end once the checks handed to them are done (a replaced
        engine's checks still answer; the clients hold no process of their own)."""
        self.executor.shutdown(wait=False)
        self.cache.close()

    def _stored_answer(self, job: Job, key: str) -> bool:
        """Give ``job`` its answer from the cache, if there is one that still parses."""
        stored = self.cache.get(key)
        if stored is None:
            return False
        try:
            job.answer = self._stored.validate_json(stored)
        except ValidationError:
            log.debug("a cached LanguageTool answer no longer parses: asking again")
            return False
        return True

    def _request(self, text: str, key: object) -> list[EngineHit]:
        """One ``/v2/check`` request (the batcher's sending thread)."""
        assert isinstance(key, Dialect)
        matches = self._guarded(lambda d: self._client(d).check(text), key)
        units = None if text.isascii() else _utf16_offsets(text)
        return [_hit(m, text, units) for m in matches]

    def _guarded(self, call: Callable[[Dialect], T], dialect: Dialect) -> T:
        """``call(dialect)``, counted by the breaker."""
        self.breaker.check()
        try:
            result = call(dialect)
        except Exception as exc:
            self.breaker.failed(exc)
            raise
        self.breaker.succeeded()
        return result

    def _client(self, dialect: Dialect) -> RemoteClient:
        """The dialect's client (made on first use: one ``/v2/languages`` request)."""
        from prosewise.agents.engines.lt_client import RemoteClient

        with self._lock:
            client = self._clients.get(dialect)
            if client is None:
                url = _base(self.settings.endpoint or "")
                client = self._clients[dialect] = RemoteClient(
                    url, LANGUAGES[dialect], self.settings.timeout_s)
            return client


def _base(url: str) -> str:
    """The server's base URL, ending in a slash (the client appends ``v2/``)."""
    url = url.rstrip("/")
    return (url.removesuffix("/v2") if url.endswith("/v2") else url) + "/"


def _hit(match: Any, text: str, units: list[int] | None) -> EngineHit:
    """A language-tool-python ``Match`` as a hit in code points of ``text`` (its offset
    already is one; its length still counts UTF-16 units: ``units``, None for ASCII)."""
    start = min(max(match.offset, 0), len(text))
    end = min(start + match.error_length, len(text))
    if units is not None:
        end = min(bisect_left(units, units[start] + match.error_length), len(text))
    fields = {"rule_id": match.rule_id, "category_id": match.category,
              "issue_type": match.rule_issue_type, "message": match.message}
    return EngineHit(
        engine=LANGUAGETOOL, rule=match.rule_id, kind=match_kind(fields), start=start, end=end,
        message=match.message or getattr(match, "shortMessage", "") or "",
        replacements=tuple(Replacement(value=v) for v in match.replacements[:SUGGESTIONS]),
    )


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of each code point offset (index ``len(text)``: the end)."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out
