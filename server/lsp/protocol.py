"""The protocol class: pygls' own, minus its copy of the open documents, and with
an answer for every message a client gets wrong.

The server keeps the documents itself (``documents.py``) with LSP's line rules
and the negotiated encoding, so pygls' built-in didOpen/didChange/didClose only
pass the notification on instead of maintaining a second copy of every text.

pygls reads params while it parses the JSON, before it knows the request's id: a
request whose params do not fit (``params: null``, a negative position, a code
action without ``context``) got no response at all, only a message box, and a
batch (array) was dropped. ``receive`` answers each with a JSON-RPC error.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from cattrs import transform_error
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol, lsp_method

from prosewise.server.lsp.diagnostics import FullReport, send_framed

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602


class MalformedMessage(Exception):
    """A message the client got wrong: reported to the writer once (see the server's
    ``report_server_error``), logged every time."""


class ProsewiseProtocol(LanguageServerProtocol):
    """LanguageServerProtocol whose document notifications go straight to the server."""

    exited = False
    """Set by ``exit``: the message loop stops and the process ends with it (see
    ``serve``) instead of pygls' ``sys.exit`` inside the handler."""
    shutdown_asked = False
    """``shutdown`` has arrived (its handler may still be running when ``exit`` does)."""

    @property
    def exit_code(self) -> int:
        """The process's exit code: 0 after ``shutdown``, 1 without (as LSP says)."""
        return 0 if self.shutdown_asked else 1

    def receive(self, body: bytes) -> None:
        """Handle one message body; answer what cannot be handled with an error."""
        try:
            data = json.loads(body)
        except ValueError as error:  # not UTF-8 or not JSON
            self._refuse(None, PARSE_ERROR, f"the message is not JSON: {error}")
            return
        if isinstance(data, list):
            ids = [item.get("id") for item in data if isinstance(item, dict) and "method" in item]
            for msg_id in [i for i in ids if _is_id(i)] or [None]:
                self._refuse(msg_id, INVALID_REQUEST, "batches (JSON arrays) are not "
                             "supported by LSP: send each message on its own")
            return
        if not isinstance(data, dict) or data.get("jsonrpc") != self.VERSION:
            msg_id = data.get("id") if isinstance(data, dict) else None
            self._refuse(msg_id, INVALID_REQUEST, 'not a JSON-RPC 2.0 message object')
            return
        method, msg_id = data.get("method"), data.get("id")
        if self._shutdown and method != types.EXIT:
            if method is not None and "id" in data:
                self._refuse(msg_id, INVALID_REQUEST, "the server is shutting down")
            return
        try:
            message = self.structure_message(data)
        except JsonRpcException as error:
            cause = error.__cause__
            detail = "; ".join(transform_error(cause)) if isinstance(cause, Exception) else ""
            if "method" in data and "id" in data:  # a request: answer it
                code = INVALID_PARAMS if isinstance(method, str) else INVALID_REQUEST
                self._refuse(msg_id, code, f"invalid params for {method}: {detail}")
            else:
                self._complain(f"ignored {method or 'a message'}, unreadable: {detail}")
            return
        self.handle_message(message)

    def _send_data(self, data: Any) -> None:
        """A pull's answer whose diagnostics are serialised already (``FullReport``)
        goes out as it is; everything else as pygls sends it. The one use of a private
        pygls method here: a handler's result has no other way out."""
        result = getattr(data, "result", None)
        if isinstance(result, FullReport):
            send_framed(self, result.response(data.id))
            return
        super()._send_data(data)

    def _refuse(self, msg_id: object, code: int, message: str) -> None:
        """Send an error response (``id`` null when the message had none we can echo)."""
        self._complain(message)
        error = {"code": code, "message": message}
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id if _is_id(msg_id) else None,
                         "error": error})

    def _complain(self, what: str) -> None:
        self._server.report_server_error(MalformedMessage(what), JsonRpcException)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """pygls' shutdown, noting at once that it was asked for."""
        self.shutdown_asked = True
        yield from super().lsp_shutdown(*args)

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        """Let the message loop end: pygls' ``sys.exit`` here would wait for worker
        threads still busy with a check."""
        yield from self._forward(types.EXIT, *args)
        self.exited = True

    def _forward(self, method: str, *params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, params, None

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
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        """Hand the opened document to the server (see ``_pass_on``)."""
        self._pass_on(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        """Hand the change to the server (see ``_pass_on``)."""
        self._pass_on(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        """Hand the close to the server (see ``_pass_on``)."""
        self._pass_on(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _pass_on(self, method: str, params: Any) -> None:
        """Call the server's handler for a document notification here, not by yielding
        it as pygls' built-in handlers do: pygls 2.1 keeps the future of a generator
        handler that a notification started under a fresh id, and never drops it
        (≈1.7 KB per keystroke, for the whole session: issue 10's soak). A plain
        function's future is not kept. The server's handlers for these are plain
        functions (handlers.py); an exception is reported as pygls reports one from
        a notification handler."""
        if (handler := self.fm.features.get(method)) is not None:
            handler(params)


def _is_id(value: object) -> bool:
    """Whether ``value`` can be a JSON-RPC id (a string or an integer)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
