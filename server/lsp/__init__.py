"""The Prosewise language server (pygls 2): ``create_server()`` builds one, ``serve()``
runs it on stdio or TCP (``prosewise lsp`` and ``python -m prosewise.server.lsp``)."""

from __future__ import annotations

import logging
import os
import sys

from prosewise.agents.engines.hub import EngineHub
from prosewise.server.lsp.handlers import register
from prosewise.server.lsp.server import ProsewiseServer
from prosewise.server.pipeline import Pipeline

__all__ = ["ProsewiseServer", "create_server", "serve"]


def create_server(
    pipeline: Pipeline | None = None, debounce: float = 0.01, *, lite: bool = False,
    engines: EngineHub | None = None,
) -> ProsewiseServer:
    """A server with every handler registered; ``pipeline`` is built lazily if not given
    (on ``engines`` if given, without lingotweaker when ``lite``)."""
    server = ProsewiseServer(pipeline, debounce, lite=lite, engines=engines)
    register(server)
    return server


def serve(*, tcp: str | None = None, lite: bool = False, engines: EngineHub | None = None) -> None:
    """Run a server until the client exits or closes the pipe, on ``tcp`` ("HOST:PORT")
    if given, else stdio; then end the process at once.

    Why at once (``os._exit``): a check may still be running on worker and engine
    threads (a large document takes seconds), and Python would wait for them at exit.
    Everything the server stores is written when the writer acts, never at exit."""
    server = create_server(lite=lite, engines=engines)
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    logging.shutdown()
    sys.stdout.flush()
    os._exit(server.protocol.exit_code)
