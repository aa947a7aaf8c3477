"""Scheduling checks per document: debounce, cancel the superseded, never go stale.

Each document has at most one check task. A change cancels the pending one and
starts a new one after a short pause; a finished check is kept (and announced)
only if the document is still at the version it checked. Pull requests wait
for the check of the current version.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from lsprotocol import types

from prosewise.agents.model import Finding
from prosewise.server.lsp.convert import LineIndex
from prosewise.server.lsp.documents import Document, Documents
from prosewise.server.pipeline import Review

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one version of one document."""

    uri: str
    version: int
    review: Review | None
    findings: tuple[Finding, ...]
    lines: LineIndex
    diagnostics: list[types.Diagnostic] = field(default_factory=list)

    @property
    def result_id(self) -> str:
        """Identifies these diagnostics for pull clients (``previousResultId``): equal
        diagnostics give equal ids, so an edit that changes none gets "unchanged"."""
        return f"{hash(tuple(map(_diagnostic_key, self.diagnostics))) & 0xFFFFFFFFFFFF:012x}"


def _diagnostic_key(d: types.Diagnostic) -> tuple[object, ...]:
    r = d.range
    return (d.code, d.message, r.start.line, r.start.character, r.end.line, r.end.character)


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
        self.results: dict[str, Checked] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._waiters: dict[str, asyncio.Future[Checked]] = {}

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """(Re)check a document after ``delay`` (the debounce by default)."""
        doc = self.documents.get(uri)
        if doc is None:
            return
        self.results.pop(uri, None)
        if (old := self._tasks.pop(uri, None)) is not None:
            old.cancel()
        pause = self.debounce if delay is None else delay
        task = asyncio.create_task(self._run(uri, doc.version, pause), name=f"check {uri}")
        self._tasks[uri] = task
        task.add_done_callback(partial(self._finished, uri))

    def forget(self, uri: str) -> None:
        """Stop checking a closed document."""
        if (task := self._tasks.pop(uri, None)) is not None:
            task.cancel()
        self.results.pop(uri, None)
        if (waiter := self._waiters.pop(uri, None)) is not None:
            waiter.cancel()

    async def current(self, uri: str) -> Checked | None:
        """The result for the document's current version, waiting for it if need be."""
        doc = self.documents.get(uri)
        if doc is None:
            return None
        found = self.results.get(uri)
        if found is not None and found.version == doc.version:
            return found
        if uri not in self._tasks:
            self.schedule(uri, delay=0)
        waiter = self._waiters.get(uri)
        if waiter is None or waiter.done():
            waiter = self._waiters[uri] = asyncio.get_running_loop().create_future()
        return await asyncio.shield(waiter)

    async def _run(self, uri: str, version: int, pause: float) -> None:
        if pause > 0:
            await asyncio.sleep(pause)
        doc = self.documents.get(uri)
        if doc is None or doc.version != version:
            return
        checked = await self.review(doc)
        doc = self.documents.get(uri)
        if doc is None or doc.version != checked.version:
            log.debug("dropping results for %s version %s: now at a newer version", uri, version)
            return
        self.results[uri] = checked
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
