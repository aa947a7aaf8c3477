"""Requests to a LanguageTool server: texts packed into requests under a size limit,
and no more requests a minute than the server allows.

Why: the public API takes 20 KB a request and 20 requests a minute. The hub hands the
engine one run of sentences at a time (up to ``guard.LONGEST_TEXT`` characters), from
several blocks at once on the engine's threads; sent one by one, a 10k-word document
would cost minutes of the public API's quota. So a text longer than the limit is split
at sentence starts (``split``), and texts that wait while a request is out go together
in the next one (``Batcher``): no timer, the wait for the previous answer (and for the
rate limit) is the batching window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from prosewise.agents.engines.hits import EngineHit
from prosewise.agents.text import sentences

SEPARATOR = "\n\n"
"""Between texts sent together: a paragraph break, so no rule looks across it."""


def size(text: str) -> int:
    """A text's size as a request counts it: UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def split(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of ``text`` (code points) of at most ``limit`` bytes each, cut at sentence
    starts where possible, else after the last space (else anywhere: one huge word)."""
    if size(text) <= limit:
        return [(0, len(text))]
    bounds = [0, *(s for s, _ in sentences(text)[1:]), len(text)]
    spans: list[tuple[int, int]] = []
    for start, end in pairwise(bounds):
        at = start
        while size(text[at:end]) > limit:
            cut = _cut(text, at, end, limit)
            spans.append((at, cut))
            at = cut
        spans.append((at, end))
    return [(a, b) for a, b in _merged(text, spans, limit) if b > a]


def _merged(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Neighbouring spans joined while they fit."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and out[-1][1] == a and size(text[out[-1][0]:b]) <= limit:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _cut(text: str, start: int, end: int, limit: int) -> int:
    """The end of the longest prefix of ``text[start:end]`` within ``limit`` bytes,
    moved back after its last space if it has one."""
    stop = start
    used = 0
    while stop < end and used + size(text[stop]) <= limit:
        used += size(text[stop])
        stop += 1
    space = text.rfind(" ", start, stop)
    return space + 1 if space > start else max(stop, start + 1)


@dataclass
class Pacer:
    """At most ``per_minute`` requests a minute (0: no limit), spaced evenly."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = None

    def wait(self) -> None:
        """Block until the next request may go (called by the one sending thread)."""
        if self.per_minute <= 0:
            return
        gap = 60.0 / self.per_minute
        now = self.clock()
        if self._last is not None and now < self._last + gap:
            self.sleep(self._last + gap - now)
            now = self._last + gap
        self._last = now


@dataclass(eq=False)
class Job:
    """One text waiting for its answer (a request's hits or its failure). Compared by
    identity: two blocks' jobs for the same sentence are two jobs."""

    text: str
    key: object
    """Only jobs with equal keys (the dialect) go in one request."""
    answer: list[EngineHit] | None = None
    """The hits inside the job's text, in its code points."""
    error: BaseException | None = None

    @property
    def settled(self) -> bool:
        return self.answer is not None or self.error is not None


Send = Callable[[str, object], list[EngineHit]]
"""Sends one request: the text and the jobs' key → hits in the text's code points."""


@dataclass
class Batcher:
    """Sends waiting texts together, one request at a time, by whichever caller's thread
    finds no request out (its own texts may go in a later request: it keeps going
    until they are answered, then hands over)."""

    send: Send
    limit: int
    pacer: Pacer
    _queue: list[Job] = field(default_factory=list)
    _sending: bool = False
    _turn: threading.Condition = field(default_factory=threading.Condition)

    def run(self, jobs: Sequence[Job]) -> None:
        """Settle every job (each at most ``limit`` bytes), batched with others' jobs."""
        with self._turn:
            self._queue.extend(jobs)
            self._turn.notify_all()  # wakes whoever watches the queue (tests); waiters re-check
        while True:
            with self._turn:
                while self._sending and not all(j.settled for j in jobs):
                    self._turn.wait()
                if all(j.settled for j in jobs):
                    return
                self._sending = True
                batch = self._take()
            try:
                self._send(batch)
            finally:
                with self._turn:
                    self._sending = False
                    self._turn.notify_all()

    def _take(self) -> list[Job]:
        """The first waiting job and those after it with its key, while they fit."""
        first = self._queue[0]
        batch, used = [first], size(first.text)
        for job in self._queue[1:]:
            extra = size(SEPARATOR) + size(job.text)
            if job.key == first.key and used + extra <= self.limit:
                batch.append(job)
                used += extra
        self._queue = [j for j in self._queue if j not in batch]
        return batch

    def _send(self, batch: list[Job]) -> None:
        """One request for the batch; each job gets the matches inside its own text."""
        starts, at = [], 0
        for job in batch:
            starts.append(at)
            at += len(job.text) + len(SEPARATOR)
        try:
            self.pacer.wait()
            matches = self.send(SEPARATOR.join(j.text for j in batch), batch[0].key)
        except BaseException as exc:  # every job settles, or its caller waits forever
            for job in batch:
                job.error = exc
            if not isinstance(exc, Exception):
                raise
            return
        for job, start in zip(batch, starts, strict=True):
            stop = start + len(job.text)
            job.answer = [h.moved(-start) for h in matches if start <= h.start and h.end <= stop]
