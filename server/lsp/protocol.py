"""The protocol class: pygls' own, minus its copy of the open documents.

The server keeps the documents itself (``documents.py``) with LSP's line rules
and the negotiated encoding, so pygls' built-in didOpen/didChange/didClose only
pass the notification on instead of maintaining a second copy of every text.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method


class ProsewiseProtocol(LanguageServerProtocol):
    """LanguageServerProtocol whose document notifications go straight to the server."""

    def _forward(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        """pygls' initialize, minus the pull capability for clients we push to: a
        client that sees ``diagnosticProvider`` pulls anyway, and would show every
        suggestion twice (once pulled, once pushed)."""
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        if not getattr(self._server, "pull", True):
            result.capabilities.diagnostic_provider = None
        return result

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand the opened document to the server."""
        yield from self._forward(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand the change to the server."""
        yield from self._forward(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand the close to the server."""
        yield from self._forward(types.TEXT_DOCUMENT_DID_CLOSE, params)
