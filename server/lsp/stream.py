"""Message framing on the client's byte stream, forgiving of client mistakes.

pygls' reader matches ``Content-Length: N`` exactly (case and spacing) and reads
lines until it sees one; after a lower-case header, a wrong length or stray bytes,
every later body is glued to the next header and the server goes deaf for good.
Here header names are case-insensitive, and whatever cannot be a message is
skipped up to the next ``Content-Length`` header, with a word to ``skipped``.

Why that header is a safe place to re-synchronise: a JSON body cannot hold
``content-length: 12`` followed by a raw line break (a JSON string cannot hold a
raw line break, and outside strings those words are not JSON), so finding one
inside a body means its declared length was wrong.

stdin is read on a daemon thread, one chunk when the loop asks for it: a read
pending when the client exits must not keep the process alive (pygls reads on
pool threads, which the interpreter waits for at exit).
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import threading
from collections.abc import Awaitable, Callable

Read = Callable[[], Awaitable[bytes]]
"""Returns the next bytes of the stream (as many as are there), b"" at its end."""

CHUNK = 1 << 16
MAX_BODY = 1 << 27
"""Bodies declared longer than this (128 MiB, far above the largest document checked)
are taken as a wrong length, not waited for."""
MAX_LINE = 1 << 16
"""Header bytes without a line break beyond this are skipped (keeping a possible
header's start)."""
_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n", re.IGNORECASE)
_FIELD = re.compile(rb"[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n")
"""Another header field (``Content-Type``): a name, a colon, a value."""
_BLANK = re.compile(rb"\r?\n")


class Framing:
    """Splits the stream into message bodies (``next``), skipping what is not one."""

    def __init__(self, read: Read, skipped: Callable[[str], None]) -> None:
        self._read = read
        self._skipped = skipped
        self._buffer = bytearray()
        self._ended = False

    async def next(self) -> bytes | None:
        """The next message body, or None at the end of the stream."""
        while True:
            length = await self._headers()
            if length is None:
                return None
            body = await self._body(length)
            if body is not None:
                return body

    async def _more(self) -> bool:
        """Read once more into the buffer; False at the end of the stream."""
        if self._ended:
            return False
        data = await self._read()
        self._ended = not data
        self._buffer += data
        return bool(data)

    async def _headers(self) -> int | None:
        """Consume one header block; its Content-Length (None: end of stream)."""
        length: int | None = None
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > MAX_LINE:
                    self._skip_to_header(len(self._buffer) - 64, "bytes without a line break")
                    length = None
                if not await self._more():
                    if self._buffer.strip():
                        self._skipped(f"{len(self._buffer)} bytes at the end of the stream")
                    return None
                continue
            line = bytes(self._buffer[:end + 1])
            if _BLANK.fullmatch(line):
                del self._buffer[:end + 1]
                if length is not None:
                    return length
            elif (header := _HEADER.fullmatch(line)) is not None:
                del self._buffer[:end + 1]
                length = int(header[1])
                if length > MAX_BODY:
                    self._skipped(f"a message declared {length} bytes long")
                    length = None
            elif (_FIELD.fullmatch(line) and _HEADER.search(line) is None
                  and not line.lower().startswith(b"content-length")):
                del self._buffer[:end + 1]  # Content-Type and the like
            else:
                self._skip_to_header(end + 1, "bytes that are not a message header")
                length = None

    def _skip_to_header(self, limit: int, what: str) -> None:
        """Drop the buffer up to the next Content-Length header starting before
        ``limit`` (all of it before ``limit`` if there is none)."""
        found = _HEADER.search(self._buffer, 1, limit + 64)
        start = found.start() if found is not None and found.start() < limit else limit
        self._skipped(f"{start} {what}")
        del self._buffer[:start]

    async def _body(self, length: int) -> bytes | None:
        """The body of ``length`` bytes, or None when a header turns up inside it (its
        declared length was wrong: it is skipped, and framing resumes at that header)."""
        searched = 0
        while True:
            found = _HEADER.search(self._buffer, searched, length + 64)
            if found is not None and found.start() < length:
                self._skipped(f"a message whose Content-Length ({length}) was wrong")
                del self._buffer[:found.start()]
                return None
            if len(self._buffer) >= length:
                body = bytes(self._buffer[:length])
                del self._buffer[:length]
                return body
            searched = max(0, len(self._buffer) - 64)
            if not await self._more():
                self._skipped(f"a message cut short by the end of the stream ({length} bytes "
                              f"declared, {len(self._buffer)} sent)")
                self._buffer.clear()
                return None


class PipeReader:
    """Reads a file descriptor a chunk per ``read`` call: on the event loop where its
    selector can watch the descriptor (a pipe, a socket, a terminal), else (a regular
    file) on a daemon thread.

    Why the loop, not a thread: while a big document is checked the loop runs many
    short iterations, each letting go of the GIL for an instant in ``select`` and taking
    it back at once. A reader thread woken by the client's bytes waited behind that for
    the whole check (CPython's GIL hands over only after a switch interval with no
    switch): hover on another document took 0.3-0.8 s on a 300 KB table
    (bench.pathological). The loop's own ``select`` sees the bytes on its next
    iteration. The thread is a daemon, so that a read still pending when the client
    says ``exit`` (with its end of the pipe open) never delays the end of the process."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._asks: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop,
                                            asyncio.Future[bytes]]] | None = None

    def read(self) -> Awaitable[bytes]:
        """The next bytes on the descriptor (b"" at its end, or if it fails)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self._asks is None and self._watch(loop, future):
            return future
        if self._asks is None:
            self._asks = queue.SimpleQueue()
            threading.Thread(target=self._serve, args=(self._asks,), name="lsp stdin",
                             daemon=True).start()
        self._asks.put((loop, future))
        return future

    def _watch(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[bytes]) -> bool:
        """Settle ``future`` when the descriptor is readable; False where the loop cannot
        watch it (a regular file, or a loop without ``add_reader``)."""
        def readable() -> None:
            loop.remove_reader(self._fd)
            try:
                data = os.read(self._fd, CHUNK)
            except BlockingIOError:  # another reader took the bytes: wait again
                loop.add_reader(self._fd, readable)
                return
            except OSError:
                data = b""
            _settle(future, data)

        try:
            loop.add_reader(self._fd, readable)
        except (OSError, NotImplementedError, ValueError):
            return False
        return True

    def _serve(self, asks: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop,
                                                   asyncio.Future[bytes]]]) -> None:
        while True:
            loop, future = asks.get()
            try:
                data = os.read(self._fd, CHUNK)
            except OSError:
                data = b""
            try:
                loop.call_soon_threadsafe(_settle, future, data)
            except RuntimeError:  # the loop is closed: nobody is reading any more
                return
            if not data:
                return


def _settle(future: asyncio.Future[bytes], data: bytes) -> None:
    if not future.done():
        future.set_result(data)
