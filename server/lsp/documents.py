"""Open documents as the server sees them: text, version, language.

The server applies incremental changes itself, with the same line rules and
position encoding it uses for diagnostics, so what it checks is exactly what the
client shows.

Each change also counts one ``revision``, the server's own: checks and edit bounds
go by it, not by the client's version number, which a client may repeat (the
protocol forbids it, but a repeated number must not leave stale diagnostics).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lsprotocol import types

from prosewise.server.lsp.convert import LineIndex

MAX_CHARS = 5_000_000
"""Documents larger than this are not checked (a log line says so)."""
EDIT_BASES = 64
"""Revisions whose edit bounds are kept (``changed_since``): enough for checks to fall
that far behind typing; a document nobody checks (too large) keeps no more."""


class DocumentError(ValueError):
    """A change that cannot be applied (a document that is not open)."""


@dataclass
class Document:
    """One open document at its latest version."""

    uri: str
    text: str
    version: int
    language: str
    _lines: LineIndex | None = field(default=None, repr=False)
    _encoding: str = types.PositionEncodingKind.Utf16
    _nuls: int | None = field(default=None, repr=False)
    """How many NUL characters the text holds (counted once, then kept up per edit)."""
    revision: int = 0
    """How many times the text was set (open, then once per didChange)."""
    _since: dict[int, list[int]] = field(default_factory=dict, repr=False)
    """Per earlier revision, bounds of what changed since (see ``changed_since``)."""

    def lines(self) -> LineIndex:
        """The line index of the current text (built once per version)."""
        if self._lines is None or self._lines.text is not self.text:
            self._lines = LineIndex(self.text, self._encoding)
        return self._lines

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Apply one content change (ranged or whole-text)."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            lines = self.lines()  # positions past a line's or the text's end clamp to it
            start, end = sorted((lines.offset(change.range.start),
                                 lines.offset(change.range.end)))  # reversed: between them
            if self._nuls is not None:
                self._nuls += change.text.count("\0") - self.text.count("\0", start, end)
            for bounds in self._since.values():
                bounds[0] = min(bounds[0], start)
                bounds[1] = min(bounds[1], len(self.text) - end)
            self.text = self.text[:start] + change.text + self.text[end:]
            self._lines = lines.edited(start, end, change.text, self.text)
        else:
            self.text = change.text
            self._lines = self._nuls = None
            self._since.clear()

    def at_version(self, version: int) -> None:
        """Mark the current text as the client's ``version`` and the next revision
        (after a didChange's changes)."""
        self.version = version
        self.revision += 1
        self._since[self.revision] = [len(self.text), len(self.text)]
        if len(self._since) > EDIT_BASES:
            del self._since[min(self._since)]

    def changed_since(self, revision: int) -> tuple[int, int] | None:
        """Bounds of what changed since ``revision``: at least that many characters at
        the start and at the end are the same in both texts (None: not known, e.g. after
        a whole-text change). Earlier revisions are forgotten: checks move forward.

        Why: the next review then finds the edited chunk by bisection, instead of
        comparing every chunk of the document with the new text."""
        for old in [v for v in self._since if v < revision]:
            del self._since[old]
        bounds = self._since.get(revision)
        return (bounds[0], bounds[1]) if bounds is not None else None

    @property
    def checkable(self) -> bool:
        """Whether the document is prose we can check (not huge, not binary)."""
        if self._nuls is None:
            self._nuls = self.text.count("\0")
        return len(self.text) <= MAX_CHARS and not self._nuls


class Documents:
    """The open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self.encoding: str = types.PositionEncodingKind.Utf16

    def open(self, item: types.TextDocumentItem) -> Document:
        """Track a newly opened document."""
        doc = Document(uri=item.uri, text=item.text, version=item.version,
                       language=item.language_id or "plaintext", _encoding=self.encoding)
        doc.at_version(item.version)
        self._docs[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> Document:
        """Apply a didChange; raises DocumentError for a document that is not open."""
        doc = self.get(params.text_document.uri)
        if doc is None:
            raise DocumentError(f"change for a closed document: {params.text_document.uri}")
        for change in params.content_changes:
            doc.apply(change)
        doc.at_version(params.text_document.version)
        return doc

    def close(self, uri: str) -> None:
        """Forget a document."""
        self._docs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        """The open document, or None."""
        return self._docs.get(uri)

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._docs.values()))
