"""``$/progress`` for checks that take longer than a moment.

Most checks finish in milliseconds and must not flash a progress bar; only a
check still running after ``DELAY`` seconds (a cold start, a huge document)
reports progress, and only to clients that accept server-initiated progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from functools import partial

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

DELAY = 0.5


def supported(server: LanguageServer) -> bool:
    """Whether the client accepts ``window/workDoneProgress/create``."""
    window = server.client_capabilities.window
    return bool(window and window.work_done_progress)


@contextlib.asynccontextmanager
async def slow_work(server: LanguageServer, title: str) -> AsyncIterator[None]:
    """Report progress for the body if it runs longer than ``DELAY``.

    Once the announcer has asked the client for a token it is never cancelled:
    cancelling mid-request makes pygls log a traceback when the answer arrives.
    It finishes on its own and the progress ends right after it began."""
    if not supported(server):
        yield
        return
    token = f"prosewise-{uuid.uuid4().hex}"
    asking, began = asyncio.Event(), asyncio.Event()
    announcer = asyncio.create_task(_announce(server, token, title, asking, began))
    try:
        yield
    finally:
        if not asking.is_set():
            announcer.cancel()
        elif announcer.done():
            _end(server, token, began, announcer)
        else:
            announcer.add_done_callback(partial(_end, server, token, began))


def _end(server: LanguageServer, token: str, began: asyncio.Event,
         announcer: asyncio.Task[None]) -> None:
    if began.is_set():
        server.work_done_progress.end(token, types.WorkDoneProgressEnd())


async def _announce(server: LanguageServer, token: str, title: str,
                    asking: asyncio.Event, began: asyncio.Event) -> None:
    await asyncio.sleep(DELAY)
    asking.set()
    try:
        await server.work_done_progress.create_async(token)
    except Exception as error:  # a client refusing progress must not stop the check
        log.info("client refused a progress token: %s", error)
        return
    begin = types.WorkDoneProgressBegin(title=title, cancellable=False)
    server.work_done_progress.begin(token, begin)
    began.set()


@contextlib.asynccontextmanager
async def announced(server: LanguageServer, title: str) -> AsyncIterator[None]:
    """Report progress for the whole body, begun before it starts: work the writer
    waits for on purpose (a model's rewrite), never a flash. The token is asked for
    shielded, so a body cancelled meanwhile never cancels a request in flight."""
    token = f"prosewise-{uuid.uuid4().hex}"
    began = False
    if supported(server):
        try:
            await asyncio.shield(server.work_done_progress.create_async(token))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a client refusing progress must not stop the work
            log.info("client refused a progress token: %s", error)
        else:
            server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title=title, cancellable=False))
            began = True
    try:
        yield
    finally:
        if began:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd())
