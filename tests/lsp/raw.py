"""The real server over stdio, driven with raw bytes: for what pytest-lsp cannot send
(bad framing, bad JSON, batches, params that do not parse) and for watching the
process itself end.

Reads wait on the pipe with a deadline (``select``), never on sleeps; the server's
stderr goes to a file (a pipe nobody reads would fill and stall it).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from editor import PICKY, SERVER, TIMEOUT, data_dir

Message = dict[str, Any]


def frame(message: object) -> bytes:
    """A message with its Content-Length header, as a client sends it."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """One server process and the framed messages it writes."""

    def __init__(self, root: Path, flags: tuple[str, ...] = (), name: str = "server",
                 command: tuple[str, ...] = SERVER) -> None:
        """Start ``command`` (``FAKE_SERVER``: on fake engines) with ``flags``; ``name``
        tells the logs of servers on one root apart."""
        self.root = root
        self.log = root.parent / f"{root.name}.{name}.log"
        """The server's stderr (``name`` tells two servers on one root apart)."""
        env = {**os.environ, "PROSEWISE_DATA_DIR": str(data_dir(root))}
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [*command, *flags], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                env=env,
            )
        self._buffer = b""
        self.seen: list[Message] = []
        """Every message read so far, in order."""

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(TIMEOUT)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()

    def send(self, message: object) -> None:
        """Write raw ``bytes`` as they are, anything else framed as JSON."""
        assert self.process.stdin is not None
        self.process.stdin.write(message if isinstance(message, bytes) else frame(message))
        self.process.stdin.flush()

    def read(self, timeout: float = TIMEOUT) -> Message:
        """The next message the server writes; TimeoutError if none comes in time."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            head, sep, rest = self._buffer.partition(b"\r\n\r\n")
            if sep:
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length"))
                if len(rest) >= length:
                    self._buffer = rest[length:]
                    message: Message = json.loads(rest[:length])
                    self.seen.append(message)
                    return message
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"no message from the server in {timeout} s")
            data = os.read(fd, 1 << 16)
            if not data:
                raise EOFError("the server closed its output")
            self._buffer += data

    def answer(self, msg_id: object, timeout: float = TIMEOUT) -> Message:
        """The response to request ``msg_id`` (other messages are kept in ``seen``)."""
        for message in self.seen:
            if "method" not in message and message.get("id") == msg_id:
                return message
        while True:
            message = self.read(timeout)
            if "method" not in message and message.get("id") == msg_id:
                return message

    def published(self, uri: str, version: int, after: int = 0) -> Message:
        """The first publishDiagnostics for ``uri`` at ``version`` among the messages
        from index ``after`` of ``seen`` on, waiting for it if need be."""
        index = after
        while True:
            while index < len(self.seen):
                message = self.seen[index]
                index += 1
                if (message.get("method") == "textDocument/publishDiagnostics"
                        and message["params"]["uri"] == uri
                        and message["params"].get("version") == version):
                    return message
            self.read()

    def request(self, msg_id: object, method: str, params: object = None) -> Message:
        """Send a request and wait for its response."""
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.answer(msg_id)

    def notify(self, method: str, params: object = None) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, capabilities: dict[str, Any] | None = None,
                   options: dict[str, Any] | None = None) -> None:
        """Initialise as a client with ``capabilities`` (none by default: push, UTF-16)
        and ``options`` (``PICKY`` by default)."""
        answer = self.request("init", "initialize", {
            "processId": None, "rootUri": self.root.as_uri(),
            "capabilities": capabilities or {},
            "initializationOptions": PICKY if options is None else options,
        })
        assert "result" in answer, answer
        self.notify("initialized", {})

    def open(self, name: str, text: str, version: int = 1) -> str:
        """Open a markdown document under the root; its URI."""
        uri = (self.root / name).as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": version, "text": text}})
        return uri

    def skipped_notices(self) -> list[Message]:
        """The showMessage notifications saying messages were skipped."""
        return [m for m in self.seen if m.get("method") == "window/showMessage"
                and "skipped" in m["params"]["message"]]
