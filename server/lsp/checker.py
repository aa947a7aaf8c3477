"""Scheduling checks per document: debounce, cancel the superseded, never go stale.

Each document has at most one check task. A change cancels the pending one and
starts a new one after a short pause; a finished check is kept (and announced)
only if the document is still at the revision it checked (the server's count of
changes, not the client's version number, which a client may repeat). Pull
requests wait for the check of the current revision.

Results are ``Checked`` diagnostics (diagnostics.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from functools import partial

from prosewise.server.lsp.diagnostics import Checked, DiagnosticCache
from prosewise.server.lsp.documents import Document, Documents

log = logging.getLogger(__name__)

DEBOUNCE_MS = (0, 5000)
"""Bounds of the client's ``debounceMs``: past a few seconds suggestions would seem
never to come (a typo of 10**9 ms is 11 days), and a pause cannot be negative."""

ReviewFn = Callable[[Document], Awaitable[Checked]]
Listener = Callable[[Checked], None]


class Checker:
    """Runs ``review`` for documents as they change and keeps the latest results."""

    def __init__(self, documents: Documents, review: ReviewFn, listener: Listener,
                 debounce: float = 0.01) -> None:
        self.documents = documents
        self.review = review
        self.listener = listener
        self.debounce = debounce
        self.cache = DiagnosticCache()
        self.results: dict[str, Checked] = {}
        self.latest: dict[str, Checked] = {}
        """The newest result of each open document, whatever its version: the next
        version's review starts from it (``Pipeline.review``'s ``previous``)."""
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._waiters: dict[str, asyncio.Future[Checked]] = {}

    def set_debounce_ms(self, value: object) -> str | None:
        """Take the client's ``debounceMs``: a number outside ``DEBOUNCE_MS`` is clamped,
        anything else refused (the pause stays). Returns what to tell the writer, if
        anything."""
        if value is None:  # not set
            return None
        low, high = DEBOUNCE_MS
        bounds = f"debounceMs is a pause in milliseconds from {low} to {high}"
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            kept = f"{self.debounce * 1000:g}"
            return f"Prosewise: {bounds}, not {value!r:.40}: it stays {kept}."
        ms = min(max(value, low), high)
        self.debounce = ms / 1000
        return None if ms == value else f"Prosewise: {bounds}: {value!r:.40} is taken as {ms}."

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """(Re)check a document after ``delay`` (the debounce by default)."""
        doc = self.documents.get(uri)
        if doc is None:
            return
        self.results.pop(uri, None)
        if (old := self._tasks.pop(uri, None)) is not None:
            old.cancel()
        pause = self.debounce if delay is None else delay
        task = asyncio.create_task(self._run(uri, doc.revision, pause), name=f"check {uri}")
        self._tasks[uri] = task
        task.add_done_callback(partial(self._finished, uri))

    def forget(self, uri: str) -> None:
        """Stop checking a closed document."""
        if (task := self._tasks.pop(uri, None)) is not None:
            task.cancel()
        self.results.pop(uri, None)
        self.latest.pop(uri, None)
        if (waiter := self._waiters.pop(uri, None)) is not None:
            waiter.cancel()

    async def current(self, uri: str) -> Checked | None:
        """The result for the document's current version, waiting for it if need be."""
        doc = self.documents.get(uri)
        if doc is None:
            return None
        found = self.results.get(uri)
        if found is not None and found.revision == doc.revision:
            return found
        if uri not in self._tasks:
            self.schedule(uri, delay=0)
        waiter = self._waiters.get(uri)
        if waiter is None or waiter.done():
            waiter = self._waiters[uri] = asyncio.get_running_loop().create_future()
        return await asyncio.shield(waiter)

    async def _run(self, uri: str, revision: int, pause: float) -> None:
        if pause > 0:
            await asyncio.sleep(pause)
        doc = self.documents.get(uri)
        if doc is None or doc.revision != revision:
            return
        checked = await self.review(doc)
        doc = self.documents.get(uri)
        if doc is None or doc.revision != checked.revision:
            log.debug("dropping results for %s revision %s: changed since", uri, revision)
            return
        self.results[uri] = self.latest[uri] = checked
        if (waiter := self._waiters.pop(uri, None)) is not None and not waiter.done():
            waiter.set_result(checked)
        self.listener(checked)

    def _finished(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(uri) is task:
            del self._tasks[uri]
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            log.error("checking %s failed", uri, exc_info=error)
            if (waiter := self._waiters.pop(uri, None)) is not None and not waiter.done():
                waiter.set_exception(error)

    async def close(self) -> None:
        """Cancel every pending check."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
