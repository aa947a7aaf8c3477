"""Framing of the client's byte stream (stream.py): every mistake is skipped up to the
next header, however the bytes are split into reads."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path

import pytest

from prosewise.server.lsp.stream import Framing, PipeReader

BODY = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "m", "params": {"a": {"b": 1}}}).encode()
GOOD = b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
MISTAKES = {
    "too-short": b"Content-Length: %d\r\n\r\n" % (len(BODY) - 10) + BODY,
    "too-long": b"Content-Length: %d\r\n\r\n" % (len(BODY) + 500) + BODY,
    "no-blank-line": b"Content-Length: %d\r\n" % len(BODY) + BODY,
    "not-a-number": b"Content-Length: many\r\n\r\n" + BODY,
    "huge": b"Content-Length: 999999999999\r\n\r\n" + BODY,
    "cut-header": b"Content-Len",
    "binary": bytes(range(256)),
    "long-line": b"x" * 200_000,
}


def bodies(data: bytes, split: int) -> tuple[list[bytes], list[str]]:
    """The bodies framed out of ``data`` read ``split`` bytes at a time, and the notes
    about what was skipped."""
    pieces = [data[i:i + split] for i in range(0, len(data), split)]

    async def run() -> list[bytes]:
        chunks = iter(pieces)

        async def read() -> bytes:
            return next(chunks, b"")

        framing, found = Framing(read, notes.append), []
        while (body := await framing.next()) is not None:
            found.append(body)
        return found

    notes: list[str] = []
    return asyncio.run(run()), notes


@pytest.mark.parametrize("split", [1, 7, 1 << 16])
@pytest.mark.parametrize("name", MISTAKES)
def test_a_mistake_is_skipped_and_the_next_message_read(name: str, split: int) -> None:
    found, notes = bodies(MISTAKES[name] + GOOD, split)
    assert found[-1] == BODY
    assert BODY not in found[:-1]  # a body with a wrong length is never taken for a message
    assert notes


@pytest.mark.parametrize("split", [1, 1 << 16])
def test_good_messages_are_read_whatever_the_case_and_order_of_headers(split: int) -> None:
    variants = [
        GOOD,
        b"content-length: %d\r\n\r\n" % len(BODY) + BODY,
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        b"CONTENT-LENGTH:%d \r\n\r\n" % len(BODY) + BODY,
        b"Content-Length: %d\n\n" % len(BODY) + BODY,
    ]
    found, notes = bodies(b"".join(variants), split)
    assert found == [BODY] * len(variants)
    assert not notes


def _read_all(fd: int) -> tuple[bytes, set[str]]:
    """Everything ``PipeReader`` reads from ``fd`` to its end, and the threads running
    while it read."""
    before = {t.name for t in threading.enumerate()}
    seen: set[str] = set()

    async def main() -> bytes:
        read, out = PipeReader(fd).read, b""
        while chunk := await read():
            out += chunk
            seen.update(t.name for t in threading.enumerate())
        return out
    return asyncio.run(main()), seen - before


def test_a_pipe_is_read_on_the_event_loop_without_a_thread() -> None:
    """The loop's selector watches a pipe: no reader thread, whose wake-ups waited
    behind a busy loop for the GIL (hover on a big table took 0.3-0.8 s)."""
    read_end, write_end = os.pipe()
    sent = b"Content-Length: 2\r\n\r\n{}" * 5000
    writer = threading.Thread(target=lambda: (os.write(write_end, sent), os.close(write_end)))
    writer.start()
    try:
        data, threads = _read_all(read_end)
    finally:
        writer.join()
        os.close(read_end)
    assert data == sent
    assert "lsp stdin" not in threads


def test_a_regular_file_is_read_on_a_thread(tmp_path: Path) -> None:
    """A selector cannot watch a regular file (stdin redirected from one): the reader
    falls back to its thread and still reads to the end."""
    sent = b"Content-Length: 2\r\n\r\n{}" * 5000
    (tmp_path / "input").write_bytes(sent)
    with (tmp_path / "input").open("rb") as stdin:
        data, threads = _read_all(stdin.fileno())
    assert data == sent
    assert "lsp stdin" in threads
