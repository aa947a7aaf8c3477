"""The model as a late source in the language server: asked in the background, never
waited for by a keystroke.

Checks only read the model's answers (``LlmChecks.asks`` off; a keystroke's only those
in memory, ``LlmChecks.remembered``), and note the blocks they checked without one
(``LlmChecks.missed``) with the asks they left unanswered. After a pause without edits
(``llm.idleMs``), on save, or on the ``prosewise.checkWithModel`` command, a pass puts
those asks of the current version's blocks to the model (``LlmChecks.replay``; at most
``LlmChecks.concurrency`` calls at once). The agents, engines and rules are not run
again: at 10k words that cost each keystroke's pass 650 ms of CPU. As each chunk's
answers land, that chunk alone is checked again and published (``Pipeline.answered``:
the chunk waits for the late source "llm", as a chunk checked before an engine answered
does). A new edit cancels the document's pass and the calls it has in flight.
``prosewise/status`` notifications tell the editor whether the model is checking, ready
or paused, and ``$/progress`` shows each pass while it asks (for clients that support
it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prosewise.agents.settings import Settings
from prosewise.server.lsp.convert import path_of

if TYPE_CHECKING:
    from prosewise.agents.llm.checks import Ask, LlmChecks
    from prosewise.server.lsp.diagnostics import Checked

log = logging.getLogger(__name__)

STATUS = "prosewise/status"
"""The custom notification: ``{"llm": "checking" | "ready" | "paused", "reason": str | None}``."""
PROGRESS = "Prosewise: asking the model"
"""The model pass's ``$/progress`` title."""

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
    answered: Callable[[str, int, set[str], Settings], None]
    """The model answered for these chunk texts of that revision: check them again."""
    notify: Callable[[str, Any], None]
    progress: Callable[[str], AbstractAsyncContextManager[None]]
    """``$/progress`` with this title around the asking, for clients that support it
    (``progress.announced``); the status notification is sent either way."""
    report: Callable[[str], None]
    """Tells the writer once (a message box): editors without a status item see it too."""


@dataclass
class ModelPass:
    """One pending or running pass per document, and the status the editor was told."""

    host: ModelHost
    _tasks: dict[str, asyncio.Task[int]] = field(default_factory=dict)
    _running: int = 0
    _said: tuple[str, str | None] | None = None
    _closing: bool = False
    """Set by ``close``: no pass starts after it (a finishing one would follow up)."""

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
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            log.error("the model pass over %s failed", uri, exc_info=error)
        elif task.result() and uri not in self._tasks and not self._closing:
            # the answers' re-check may ask what needed them (the ranking's question on
            # the model's own findings): one more pass after the idle pause, as after an
            # edit (at once, it would ask about paragraphs being typed); it asks nothing
            # when nothing new is missing
            self.schedule(uri)

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

    async def close(self) -> None:
        """Cancel every pass and wait until they have ended (the server is shutting
        down): one still unwinding would ask through a pool and engines closed next."""
        self._closing = True
        running = list(self._tasks.values())
        for uri in list(self._tasks):
            self.forget(uri)
        if running:
            await asyncio.wait(running)

    async def _pass(self, uri: str, now: bool) -> int:
        """The pass itself; returns how many blocks the model was asked about."""
        settings = self.host.settings(path_of(uri))
        if not settings.llm.model:  # without a model a keystroke's pass ends here
            return 0
        checked = await self.host.current(uri)
        llm = self.host.llm()
        if llm is None or checked is None or checked.review is None:
            return 0
        if not now and settings.llm.idle_ms:
            await asyncio.sleep(settings.llm.idle_ms / 1000)
        todo = {c.text: {b.text: asks for b in c.part.blocks
                         if (asks := llm.missed.get(b.text, []))}
                for c in checked.review.chunks}
        todo = {chunk: blocks for chunk, blocks in todo.items() if blocks}
        llm.resume_for(settings.llm)  # the settings may have changed since a pause
        if llm.paused:
            self._say("paused", llm.paused)
        if not todo or llm.paused:
            return 0
        asked = {a.key: asyncio.ensure_future(llm.replay(a))
                 for blocks in todo.values() for asks in blocks.values() for a in asks}

        async def chunk(text: str, blocks: dict[str, list[Ask]]) -> str | None:
            """The chunk's text once its blocks' asks are done, to be checked again even
            if some failed: one agent's failed ask must not hold back another's answer
            (a block with a failed ask is missed again, and asked about next time).
            None when nothing can have landed: every ask failed and the model is paused."""
            every = [a for asks in blocks.values() for a in asks]
            landed = dict(zip((a.key for a in every),
                              await asyncio.gather(*(asked[a.key] for a in every)),
                              strict=True))
            for block, asks in blocks.items():
                if all(landed[a.key] for a in asks):
                    llm.missed.pop(block, None)
            return None if llm.paused and not any(landed.values()) else text

        self._begin()
        try:
            async with self.host.progress(PROGRESS):
                for landed in asyncio.as_completed([chunk(t, b) for t, b in todo.items()]):
                    if (text := await landed) is not None:
                        self.host.answered(uri, checked.revision, {text}, settings)
                    if llm.paused:
                        self._say("paused", llm.paused)
        finally:
            for future in asked.values():
                future.cancel()
            if cancelled := [f for f in asked.values() if not f.done()]:
                await asyncio.wait(cancelled)  # no call outlives its pass
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
            self.host.report(f"Prosewise: the model is paused: {reason}")
