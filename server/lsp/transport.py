"""Serving one client, on stdio or a TCP port, with the framing of stream.py: pygls' own
reader goes deaf after one badly framed message. When the client exits or its stream
ends, every check stops at once (the process then ends: see ``serve``)."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, BinaryIO

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter

from prosewise.server.lsp.protocol import MalformedMessage
from prosewise.server.lsp.stream import CHUNK, Framing, PipeReader, Read

if TYPE_CHECKING:
    from prosewise.server.lsp.server import ProsewiseServer

log = logging.getLogger(__name__)


def serve_stdio(server: ProsewiseServer, stdin: BinaryIO | None = None,
                stdout: BinaryIO | None = None) -> None:
    """Serve on stdin/stdout until the client exits or closes the pipe."""
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    reader = PipeReader((stdin or sys.stdin.buffer).fileno())
    asyncio.run(serve_stream(server, reader.read))


def serve_tcp(server: ProsewiseServer, host: str, port: int) -> None:
    """Serve one client on a TCP port (for debugging), as on stdio."""

    async def one_client() -> None:
        done = asyncio.get_running_loop().create_future()

        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            server.protocol.set_writer(writer)
            await serve_stream(server, lambda: reader.read(CHUNK))
            writer.close()
            done.set_result(None)

        async with await asyncio.start_server(connected, host, port):
            await done

    asyncio.run(one_client())


async def serve_stream(server: ProsewiseServer, read: Read) -> None:
    """Handle the client's messages until it exits or its stream ends, then close the
    server (its checks are cancelled)."""
    framing = Framing(read, lambda what: server.report_server_error(
        MalformedMessage(what), JsonRpcException))
    try:
        while not server.protocol.exited and (body := await framing.next()) is not None:
            try:
                server.protocol.receive(body)
            except BrokenPipeError:
                log.warning("the client's end of the pipe is closed")
                break
            except Exception:
                log.exception("could not handle a message")
            await asyncio.sleep(0)  # let started handlers run between buffered messages
    finally:
        await server.close()
