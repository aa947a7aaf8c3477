"""Document notifications leave nothing behind in pygls (issue 10's soak: pygls 2.1 kept
one future per didChange handled by a generator, ≈1.7 KB per keystroke for the whole
session). In-process, on fake engines: this is about pygls' bookkeeping, not the wire."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fake_engine import fake_hub

from prosewise.server.lsp import create_server

URI = "file:///tmp/notes.md"


class _Sink:
    """A writer that drops what it is given (publishes are not the point here)."""

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _body(method: str, params: dict[str, Any]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()


def test_document_notifications_keep_no_futures() -> None:
    """pygls' ``_request_futures`` (private: this test is the alarm for a pygls upgrade
    that changes how notifications are run) stays empty after open, changes and close."""

    async def session() -> int:
        server = create_server(engines=fake_hub(wait=False))
        server.protocol.set_writer(_Sink())
        server.protocol.receive(_body("textDocument/didOpen", {"textDocument": {
            "uri": URI, "languageId": "markdown", "version": 1, "text": "We recieve it.\n"}}))
        for version in range(2, 52):
            server.protocol.receive(_body("textDocument/didChange", {
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 3},
                                              "end": {"line": 0, "character": 3}},
                                    "text": "e"}]}))
            await asyncio.sleep(0)
        server.protocol.receive(_body("textDocument/didClose", {"textDocument": {"uri": URI}}))
        await server.close()
        return len(server.protocol._request_futures)

    assert asyncio.run(session()) == 0
