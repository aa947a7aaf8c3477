"""The model as a late source in the language server: asked in the background, never
waited for by a keystroke.

Checks only read the model's answers from the result cache (``LlmChecks.asks`` off),
and note the blocks they checked without one (``LlmChecks.missed``). After a pause
without edits (``llm.idleMs``), on save, or on the ``prosewise.checkWithModel``
command, a pass runs the agents on the current version's missed blocks with the model
asked (``Pipeline.ask_model``; at most ``LlmChecks.concurrency`` calls at once), and as
each chunk's answers land that chunk alone is checked again and published
(``Pipeline.answered``: the chunk waits for the late source "llm", as a chunk checked
before an engine answered does). A new edit cancels the document's pass and the calls
it has in flight. ``prosewise/status``
notifications tell the editor whether the model is checking, ready or paused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygls.uris import to_fs_path

from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import Block
from prosewise.agents.settings import Dialect, Settings

if TYPE_CHECKING:
    from prosewise.agents.llm.checks import LlmChecks
    from prosewise.server.lsp.diagnostics import Checked

log = logging.getLogger(__name__)

STATUS = "prosewise/status"
"""The custom notification: ``{"llm": "checking" | "ready" | "paused", "reason": str | None}``."""
FETCHED = 10_000
"""Block texts remembered as fetched (``ModelPass._fetched``), as ``LlmChecks.missed``."""


def model_checks() -> LlmChecks:
    """The server's model checks: they read answers and never call (a pass does), on the
    user's result cache. Imported here, not with the server: only a configured model
    pays for it (litellm itself is imported on the first call)."""
    from prosewise.agents.llm.cache import ResultCache
    from prosewise.agents.llm.checks import LlmChecks

    return LlmChecks(ResultCache(), asks=False)


@dataclass
class ModelHost:
    """What a pass needs of the server (server.py passes its own methods)."""

    llm: Callable[[], LlmChecks | None]
    """The pipeline's model checks (None until some settings name a model)."""
    current: Callable[[str], Awaitable[Checked | None]]
    """The result of the document's current version, waiting for its check."""
    settings: Callable[[Path], Settings]
    """The document's settings (reading them makes ``llm`` when they name a model)."""
    ask: Callable[[Block, Settings], Awaitable[bool]]
    """Runs the agents on a block with the model asked (``Pipeline.ask_model``)."""
    answered: Callable[[str, int, set[str], Settings], None]
    """The model answered for these chunk texts of that revision: check them again."""
    notify: Callable[[str, Any], None]
    report: Callable[[str], None]
    """Tells the writer once (a message box): editors without a status item see it too."""


@dataclass
class ModelPass:
    """One pending or running pass per document, and the status the editor was told."""

    host: ModelHost
    _tasks: dict[str, asyncio.Task[int]] = field(default_factory=dict)
    _running: int = 0
    _said: tuple[str, str | None] | None = None
    _fetched: dict[tuple[str, LlmSettings, Dialect], None] = field(default_factory=dict)
    """Block texts whose answer a pass has fetched, with the model settings and dialect
    asked with (oldest first, at most ``FETCHED``): never asked about again in this
    session, even if the result cache is off and checks keep missing them (else every
    pause would send them again)."""

    def schedule(self, uri: str, *, now: bool = False) -> asyncio.Task[int]:
        """Ask the model about ``uri``'s missed blocks after the idle pause (at once when
        ``now``), replacing (cancelling) the document's pending or running pass."""
        self.forget(uri)
        task = asyncio.create_task(self._pass(uri, now), name=f"model pass {uri}")
        self._tasks[uri] = task
        task.add_done_callback(partial(self._finished, uri))
        return task

    def _finished(self, uri: str, task: asyncio.Task[int]) -> None:
        if self._tasks.get(uri) is task:
            del self._tasks[uri]
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("the model pass over %s failed", uri, exc_info=error)

    async def now(self, uri: str) -> dict[str, Any]:
        """A pass over ``uri`` at once (the command): how many blocks it asked about and
        the model's status after it (cut short when an edit cancelled it)."""
        task = self.schedule(uri, now=True)
        await asyncio.wait([task])
        asked = 0 if task.cancelled() or task.exception() is not None else task.result()
        llm = self.host.llm()
        if llm is None:
            return {"llm": "off", "reason": "no model is configured", "asked": 0}
        state, reason = ("paused", llm.paused) if llm.paused else ("ready", None)
        return {"llm": state, "reason": reason, "asked": asked}

    def forget(self, uri: str) -> None:
        """Cancel the document's pass (an edit, a close): its answers would be for text
        that may be gone; those that already landed stay in the cache."""
        if (task := self._tasks.pop(uri, None)) is not None:
            task.cancel()

    def close(self) -> None:
        """Cancel every pass (the server is shutting down)."""
        for uri in list(self._tasks):
            self.forget(uri)

    async def _pass(self, uri: str, now: bool) -> int:
        """The pass itself; returns how many blocks the model was asked about."""
        settings = self.host.settings(Path(to_fs_path(uri) or uri))
        if not settings.llm.model:  # without a model a keystroke's pass ends here
            return 0
        checked = await self.host.current(uri)
        llm = self.host.llm()
        if llm is None or checked is None or checked.review is None:
            return 0
        if not now and settings.llm.idle_ms:
            await asyncio.sleep(settings.llm.idle_ms / 1000)
        asking = (settings.llm, settings.goals.dialect)
        todo = {c.text: [b for b in c.part.blocks
                         if b.text in llm.missed and (b.text, *asking) not in self._fetched]
                for c in checked.review.chunks}
        todo = {chunk: blocks for chunk, blocks in todo.items() if blocks}
        if llm.paused:
            self._say("paused", llm.paused)
        if not todo or llm.paused:
            return 0
        asked = {b.text: asyncio.ensure_future(self.host.ask(b, settings))
                 for blocks in todo.values() for b in blocks}

        async def chunk(text: str, blocks: list[Block]) -> str | None:
            """The chunk's text once its blocks' asks are done, to be checked again even
            if some failed: one agent's failed ask must not hold back another's answer
            (a block with a failed ask is missed again, and asked about next time).
            None when nothing can have landed: every ask failed and the model is paused."""
            landed = await asyncio.gather(*(asked[b.text] for b in blocks))
            for block in (b.text for b, ok in zip(blocks, landed, strict=True) if ok):
                llm.missed.pop(block, None)
                self._fetched[(block, *asking)] = None
                if len(self._fetched) > FETCHED:
                    del self._fetched[next(iter(self._fetched))]
            return None if llm.paused and not any(landed) else text

        self._begin()
        try:
            for landed in asyncio.as_completed([chunk(t, b) for t, b in todo.items()]):
                if (text := await landed) is not None:
                    self.host.answered(uri, checked.revision, {text}, settings)
                if llm.paused:
                    self._say("paused", llm.paused)
        finally:
            for future in asked.values():
                future.cancel()
            self._end(llm)
        return len(asked)

    def _begin(self) -> None:
        self._running += 1
        if self._running == 1:
            self._say("checking", None)

    def _end(self, llm: LlmChecks) -> None:
        self._running -= 1
        if self._running == 0:
            self._say(*(("paused", llm.paused) if llm.paused else ("ready", None)))

    def _say(self, state: str, reason: str | None) -> None:
        """Tell the editor the model's status, unless that is what it was told last."""
        if self._said == (state, reason):
            return
        self._said = (state, reason)
        self.host.notify(STATUS, {"llm": state, "reason": reason})
        if state == "paused":
            self.host.report(f"Prosewise: the model is paused for this session: {reason}")
