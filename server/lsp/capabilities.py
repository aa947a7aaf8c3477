"""What the client can do, read at ``initialize``: pull or push diagnostics, and the
units its positions count in."""

from __future__ import annotations

from lsprotocol import types


def undeclared_encoding(option: object, default: str) -> str:
    """The client option ``positionEncoding``, for a client that counts columns in other
    units than UTF-16 without declaring it (ALE 3.x counts UTF-8 bytes); ignored when the
    client declares its encodings, and when it names none of LSP's three."""
    known = {e.value for e in types.PositionEncodingKind}
    return option if isinstance(option, str) and option in known else default


def wants_pull(caps: types.ClientCapabilities) -> bool:
    """Pull diagnostics only from clients that can also be told to pull again.

    Persistent actions (add word, ignore, disable rule) change the suggestions
    without an edit; a pull client that lacks ``workspace/diagnostic/refresh``
    (stock Neovim 0.11/0.12) would keep showing the old ones until the next keystroke,
    so such clients get pushed diagnostics instead.
    """
    pulls = caps.text_document is not None and caps.text_document.diagnostic is not None
    ws = caps.workspace
    refresh = bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)
    return pulls and refresh
