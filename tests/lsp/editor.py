"""A real server over stdio, driven by pytest-lsp clients with the capabilities of
VS Code (push diagnostics, UTF-16) and Neovim 0.11 (pull diagnostics, UTF-8).

Tests synchronise on what the server sends (published diagnostics, pull
answers), never on sleeps; ``TIMEOUT`` only turns a hang into a failure.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from bisect import bisect_right
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Union

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

CLIENTS = ["visual_studio_code", "neovim", "neovim+refresh"]
"""``neovim+refresh`` is Neovim with our editors/neovim config, which handles
``workspace/diagnostic/refresh``: the only one of the three that pulls."""
TIMEOUT = 60.0
SERVER = (sys.executable, "-m", "prosewise.server.lsp")
FAKE_SERVER = (sys.executable, str(Path(__file__).with_name("fake_server.py")))
"""The server on fake engines (fake_engine.py): for tests not about the engines."""
PICKY = {"profile": "picky", "partialResults": False}
"""Tests check the server, not the ranking agent's thresholds nor the first seconds
(test_cold_start does: it turns partial results back on)."""


class EditorClient(LanguageClient):
    """A test client that keeps every publishDiagnostics and can wait for one."""

    def __init__(self, kind: str, root: Path) -> None:
        super().__init__(converter_factory=_converter)
        self.kind = kind
        self.root = root
        self.workspace = root
        self.published: list[types.PublishDiagnosticsParams] = []
        self.pull = False
        self.encoding = "utf-16"
        self.opened: list[str] = []
        self._waiters: list[tuple[str, int, int, asyncio.Future[list[types.Diagnostic]]]] = []

    def begin(self, name: str) -> None:
        """Start a test on a shared server: its files go in a folder named ``name`` (inside the
        server's workspace, so its URIs are its own), and the pushes, messages and
        documents recorded so far are another test's."""
        self.root = self.workspace / "tests" / name
        self.root.mkdir(parents=True)
        self.published.clear()
        self.messages.clear()
        self.opened.clear()
        self._waiters.clear()

    def end(self) -> None:
        """Close the documents the test opened (the server forgets them)."""
        for uri in self.opened:
            ident = types.TextDocumentIdentifier(uri=uri)
            self.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident))

    def on_publish(self, params: types.PublishDiagnosticsParams) -> None:
        """Record a push and wake whoever waits for it."""
        self.published.append(params)
        self.diagnostics[params.uri] = params.diagnostics
        for waiter in list(self._waiters):
            uri, version, after, future = waiter
            if self._match(len(self.published) - 1, uri, version, after) and not future.done():
                future.set_result(params.diagnostics)
                self._waiters.remove(waiter)

    def _match(self, index: int, uri: str, version: int, after: int) -> bool:
        p = self.published[index]
        return index >= after and p.uri == uri and p.version == version

    def mark(self) -> int:
        """A point in the push history: later waits only accept newer pushes."""
        return len(self.published)

    async def diagnostics_for(
        self, uri: str, version: int, after: int = 0
    ) -> list[types.Diagnostic]:
        """The diagnostics of ``uri`` at ``version``: pulled, or the next matching push."""
        if self.pull:
            ident = types.TextDocumentIdentifier(uri=uri)
            params = types.DocumentDiagnosticParams(text_document=ident)
            report = await asyncio.wait_for(self.text_document_diagnostic_async(params), TIMEOUT)
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            return list(report.items)
        for i in range(after, len(self.published)):
            if self._match(i, uri, version, after):
                return list(self.published[i].diagnostics)
        future: asyncio.Future[list[types.Diagnostic]] = asyncio.get_running_loop().create_future()
        self._waiters.append((uri, version, after, future))
        return await asyncio.wait_for(future, TIMEOUT)

    @contextmanager
    def together(self) -> Iterator[None]:
        """The messages sent inside reach the server in one write: it reads them back to
        back, so none of the checks they schedule (after the debounce) can start before
        the last is read, however fast the server is."""
        writer, parts = self.protocol.writer, _Parts()
        self.protocol.set_writer(parts)
        try:
            yield
        finally:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            writer.write(b"".join(parts))  # type: ignore[union-attr]  # the server's stdin

    def open(self, name: str, text: str, language: str = "markdown") -> str:
        """Write ``name`` under the root and open it; returns its URI."""
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        item = types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        self.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        self.opened.append(uri)
        return uri


class _Parts(list[bytes]):
    """A writer that keeps what it is given."""

    def write(self, data: bytes) -> None:
        self.append(data)

    def close(self) -> None:
        pass


def _converter() -> Converter:
    """pygls' converter, except that a code action carrying a command object is read
    as a CodeAction (lsprotocol reads anything with a ``command`` key as a Command)."""
    converter = default_converter()

    def action_or_command(obj: Any, _: type) -> types.CodeAction | types.Command:
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(
        Union[types.Command, types.CodeAction], action_or_command  # noqa: UP007 (the hook's key)
    )
    return converter


def _on_publish(ls: EditorClient, params: types.PublishDiagnosticsParams) -> None:
    ls.on_publish(params)


def _make_client(kind: str, root: Path) -> EditorClient:
    client = EditorClient(kind, root)
    features: dict[str, Any] = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _on_publish
    register_lsp_features(client, features)
    return client


def capabilities(kind: str) -> types.ClientCapabilities:
    """pytest-lsp's capability set for the editor, plus refresh support for ``+refresh``."""
    base, _, extra = kind.partition("+")
    caps = client_capabilities(base)
    if extra == "refresh":
        ws = caps.workspace or types.WorkspaceClientCapabilities()
        ws.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        caps.workspace = ws
    return caps


def data_dir(root: Path) -> Path:
    """Where the server under test keeps what it learns (never the user's data dir)."""
    return root.parent / f"{root.name}.data"


@asynccontextmanager
async def editor(kind: str, root: Path, options: dict[str, Any] | None = None,
                 flags: tuple[str, ...] = (), launcher: tuple[str, ...] = (),
                 cwd: Path | None = None, server: tuple[str, ...] = SERVER,
                 ) -> AsyncIterator[EditorClient]:
    """Start a server, initialise it as ``kind`` would with ``root`` open, shut it down after.

    The profile is "picky" unless ``options`` say otherwise: tests check the server,
    not the ranking agent's thresholds. ``flags`` go to the server's command line,
    which ``launcher`` (e.g. ``setpriv ... --``) prefixes; ``cwd`` is its working folder;
    ``server`` is the command (``FAKE_SERVER``: on fake engines).
    """
    options = PICKY if options is None else options
    client = _make_client(kind, root)
    env = {**os.environ, "PROSEWISE_DATA_DIR": str(data_dir(root))}
    await client.start_io(*launcher, *server, *flags, env=env, cwd=cwd)
    caps = capabilities(kind)
    result = await asyncio.wait_for(client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(), initialization_options=options,
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
    )), TIMEOUT)
    client.pull = result.capabilities.diagnostic_provider is not None and bool(
        caps.text_document and caps.text_document.diagnostic)
    client.encoding = str(result.capabilities.position_encoding or "utf-16")
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""LSP's line breaks (test-side, independent of the server's line index)."""


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def _units(chunk: str, encoding: str) -> int:
    codec = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}[encoding]
    width = {"utf-8": 1, "utf-16": 2, "utf-32": 4}[encoding]
    return len(chunk.encode(codec)) // width


def fake_editor(root: Path, **more: Any) -> AbstractAsyncContextManager[EditorClient]:
    """``editor`` as VS Code on a server with one fake engine (``FAKE_SERVER --lite``):
    for tests about stores, settings and the protocol rather than the engines. One
    engine: a check publishes once (no later wave to mistake for an action's answer)."""
    return editor("visual_studio_code", root, flags=("--lite",), server=FAKE_SERVER, **more)


def position(text: str, offset: int, encoding: str) -> types.Position:
    """Where a code point offset is, in the client's units (test-side, independent of
    the server's converter)."""
    starts = _line_starts(text)
    line = bisect_right(starts, offset) - 1
    return types.Position(line=line, character=_units(text[starts[line]:offset], encoding))


def offset(text: str, pos: types.Position, encoding: str) -> int:
    """The code point offset of a client position (inverse of ``position``)."""
    start = i = _line_starts(text)[pos.line]
    while _units(text[start:i], encoding) < pos.character:
        i += 1
    return i


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """Apply text edits the way an editor does (from the end backwards)."""
    spans = [(offset(text, e.range.start, encoding), offset(text, e.range.end, encoding),
              e.new_text) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
