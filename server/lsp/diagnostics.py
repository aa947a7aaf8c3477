"""Diagnostics per chunk, cached by the chunk's result, and the push message built from them.

The pipeline's review is a table of chunks (server/incremental.py); the server keeps
its own converted form of each chunk's shown findings in ``DiagnosticCache``, held by
the chunk's result and valid for its first line and the encoding (chunks start in
column 0, so nothing else changes a chunk's diagnostics). A keystroke converts and
serialises only the edited chunk's diagnostics, so the server's own per-edit work does
not grow with the document's findings.
"""

from __future__ import annotations

import asyncio
import json
import logging
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from cattrs import Converter
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.protocol import JsonRPCProtocol

from prosewise.agents.model import Finding
from prosewise.server.incremental import Chunk, Part
from prosewise.server.lsp.convert import LineIndex, to_diagnostic
from prosewise.server.pipeline import Review

log = logging.getLogger(__name__)

Keep = Callable[[tuple[Finding, ...]], tuple[Finding, ...]]
"""Filters shown findings (document offsets), e.g. the writer's ignored occurrences."""


@dataclass(frozen=True, eq=False)
class Converted:
    """One chunk's shown findings as diagnostics at one place (first line, encoding)."""

    diagnostics: tuple[types.Diagnostic, ...]
    converter: Converter

    @cached_property
    def json(self) -> tuple[str, ...]:
        """Each diagnostic serialised once per placement: a push message is then a join
        of ready strings (``json.dumps`` of 2,000 diagnostics costs ≈30 ms per keystroke)."""
        return tuple(compact(self.converter.unstructure(d)) for d in self.diagnostics)

    @cached_property
    def joined(self) -> bytes:
        """``json`` joined and encoded for a publish message: a push is a join of these
        (encoding a 100k-word document's diagnostics per keystroke took ≈1 ms)."""
        return ",".join(self.json).encode()

    @cached_property
    def key(self) -> int:
        """Hash of what a pull client sees of these diagnostics."""
        return hash(tuple(map(_diagnostic_key, self.diagnostics)))


class Piece(NamedTuple):
    """One chunk of a checked document that shows something: where it starts, the
    chunk and its diagnostics (a tuple: a check makes one per chunk with findings)."""

    start: int
    chunk: Chunk
    converted: Converted
    kept: tuple[int, ...] | None = None
    """Indexes into the chunk's shown findings that the writer has not ignored; None = all."""

    def pairs(self) -> Iterator[tuple[int, Finding, types.Diagnostic]]:
        """(index in the part's ``shown``, finding in document offsets, diagnostic)."""
        shown = self.chunk.shown(self.start)
        for i in range(len(shown)) if self.kept is None else self.kept:
            yield i, shown[i], self.converted.diagnostics[i]

    @property
    def end(self) -> int:
        """Where the chunk ends in the document."""
        return self.start + len(self.chunk.text)

    def json(self) -> tuple[str, ...]:
        """The kept diagnostics, serialised."""
        done = self.converted.json
        return done if self.kept is None else tuple(done[i] for i in self.kept)

    def body(self) -> bytes:
        """The kept diagnostics as publish sends them, without brackets."""
        return self.converted.joined if self.kept is None else ",".join(self.json()).encode()

    @property
    def key(self) -> int:
        """Hash of the kept diagnostics (see ``Checked.result_id``)."""
        if self.kept is None:
            return self.converted.key
        return hash(tuple(_diagnostic_key(self.converted.diagnostics[i]) for i in self.kept))


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one version of one document."""

    uri: str
    version: int
    """The client's version number (published with the diagnostics)."""
    review: Review | None
    lines: LineIndex
    pieces: tuple[Piece, ...] = ()
    """The chunks with findings to show, in document order."""
    revision: int = 0
    """The server's count of the document's changes when it was checked (documents.py):
    what tells a stale result, since a client may repeat a version number."""

    def body(self) -> bytes:
        """The diagnostics as the ``diagnostics`` array of a publish, without brackets."""
        return b",".join(body for p in self.pieces if (body := p.body()))

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every kept shown finding in document order and offsets (built on request)."""
        return tuple(f for p in self.pieces for _, f, _ in p.pairs())

    @cached_property
    def diagnostics(self) -> list[types.Diagnostic]:
        """The diagnostics, one per finding in ``findings``."""
        return [d for p in self.pieces for _, _, d in p.pairs()]

    def json(self) -> list[str]:
        """The diagnostics as ``publish`` sends them, each serialised."""
        return [d for p in self.pieces for d in p.json()]

    def items(self) -> list[dict[str, Any]]:
        """The diagnostics as the client receives them (parsed from ``json``)."""
        return [json.loads(d) for d in self.json()]

    def overlapping(self, start: int, end: int) -> Iterator[tuple[Piece, int, Finding,
                                                                  types.Diagnostic]]:
        """Kept findings touching ``[start, end]``, looking only into the chunks there."""
        first = bisect_left(self.pieces, start, key=attrgetter("start"))
        for p in self.pieces[max(0, first - 1):]:
            if p.start > end:
                return
            if start <= p.end:
                for i, f, d in p.pairs():
                    if f.start <= end and start <= f.end:
                        yield p, i, f, d

    @property
    def result_id(self) -> str:
        """Identifies these diagnostics for pull clients (``previousResultId``): equal
        diagnostics give equal ids, so an edit that changes none gets "unchanged"."""
        keys = tuple(p.key for p in self.pieces)
        return f"{hash(keys) & 0xFFFFFFFFFFFF:012x}"


def _diagnostic_key(d: types.Diagnostic) -> tuple[object, ...]:
    r = d.range
    return (d.code, d.message, r.start.line, r.start.character, r.end.line, r.end.character)


def compact(value: object) -> str:
    """JSON without the spaces ``json.dumps`` puts after separators and without
    escaping non-ASCII text: a publish resends every suggestion per keystroke, and
    this makes it a tenth smaller."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


STEP = 200
"""Diagnostics converted and serialised between two turns of the event loop (about
10 ms of work): see ``DiagnosticCache.prepare``."""
PLACES = 8
"""Placements (first line, encoding) kept per chunk result: a chunk repeated in a
document, or one whose first line moved, is converted once per place; beyond this
many, the place least recently used is dropped (a bound per live result instead of
a global LRU)."""


class DiagnosticCache:
    """Converted diagnostics per chunk result and placement (first line, encoding).

    Chunks start in column 0, so a chunk's diagnostics depend only on its result,
    its first line and the encoding; a result object is reused while its chunk's
    text and the settings are unchanged. Held weakly by the result: its conversions
    live as long as some review holds it (an open document's, or the pipeline's
    ``parts`` while one does), so replaced chunks and closed documents leave nothing
    behind. (An LRU of 20,000 conversions held their results too: two per keystroke,
    the early one and the complete one, each kept until 10,000 edits later.)
    """

    def __init__(self) -> None:
        self.converter = get_converter()
        self._known: WeakKeyDictionary[Part, dict[tuple[int, str], Converted]] = (
            WeakKeyDictionary())

    def __len__(self) -> int:
        """How many chunk results have conversions."""
        return len(self._known)

    def converted(self, chunk: Chunk, start: int, lines: LineIndex) -> Converted:
        """The diagnostics of the chunk starting at ``start``."""
        line = lines.line_of(start)
        if lines.starts[line] != start:  # mid-line: positions depend on the line
            return self._convert(chunk, start, lines)
        places = self._known.get(chunk.part)
        if places is None:
            places = self._known[chunk.part] = {}
        place = (line, lines.encoding)
        found = places.get(place)
        if found is None:
            found = self._convert(chunk, start, lines)
            if len(places) >= PLACES:
                del places[next(iter(places))]  # the place least recently used
        elif len(places) > 1:
            del places[place]  # re-inserted below: the most recently used
        places[place] = found
        return found

    def _convert(self, chunk: Chunk, start: int, lines: LineIndex) -> Converted:
        diagnostics = tuple(to_diagnostic(f, lines) for f in chunk.shown(start))
        return Converted(diagnostics, self.converter)

    async def prepare(self, review: Review, lines: LineIndex) -> None:
        """Convert and serialise the review's chunks ahead of ``checked``, letting the
        event loop in every ``STEP`` diagnostics. Why: at the end of a big check (300 KB,
        7,216 suggestions) converting them took 291 ms and serialising them 85 ms, in
        one step of the loop that hover and every other document waited behind."""
        done = 0
        for start, chunk in review.placed():
            if not chunk.part.shown:
                continue
            converted = self.converted(chunk, start, lines)
            _ = converted.joined  # serialised here, in steps, not all at once by a publish
            done += len(converted.diagnostics)
            if done >= STEP:
                done = 0
                await asyncio.sleep(0)

    def checked(self, uri: str, version: int, review: Review, lines: LineIndex,
                keep: Keep | None = None, *, revision: int = 0) -> Checked:
        """``review`` of one version as diagnostics; ``keep`` filters shown findings."""
        pieces = tuple(Piece(start, c, self.converted(c, start, lines),
                             _kept(c, start, keep, review.kept(start, c)))
                       for start, c in review.placed() if c.part.shown)
        return Checked(uri, version, review, lines, pieces, revision)


def _kept(chunk: Chunk, start: int, keep: Keep | None,
          controlled: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """Indexes of the chunk's shown findings that neither ``keep`` drops nor an
    in-document control hides (``controlled``); None: all of them. Filtering here,
    outside the per-chunk cache, lets a control comment change other chunks'
    diagnostics without converting them again."""
    if keep is None:
        return controlled
    shown = chunk.shown(start)
    survivors = {id(f) for f in keep(shown)}
    indexes = range(len(shown)) if controlled is None else controlled
    return tuple(i for i in indexes if id(shown[i]) in survivors)


@dataclass(frozen=True)
class FullReport:
    """A full answer to a diagnostics pull, its items serialised already (each chunk's,
    as ``publish`` sends them). The protocol writes it as it is (protocol.py): pygls
    would serialise every diagnostic again, on the event loop, for every keystroke's
    pull: 7.5 ms at 600 diagnostics, 18 ms at 2,000, 87 ms at 7,000."""

    result_id: str
    items: bytes
    """The diagnostics, serialised and joined, without brackets (``Checked.body``)."""

    def response(self, msg_id: int | str) -> bytes:
        """The JSON-RPC response to request ``msg_id`` holding this report."""
        head = compact({"jsonrpc": "2.0", "id": msg_id})[:-1]
        report = compact({"kind": "full", "resultId": self.result_id})[:-1]
        return f'{head},"result":{report},"items":['.encode() + self.items + b"]}}"


def publish(protocol: JsonRPCProtocol, checked: Checked) -> None:
    """Push a document's diagnostics as a message assembled from each chunk's
    serialised diagnostics: a keystroke serialises only the edited chunk's, instead
    of ``json.dumps`` (or cattrs) over every diagnostic of the document."""
    params = compact({"uri": checked.uri, "version": checked.version})
    head = (f'{{"jsonrpc":"2.0","method":"{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}",'
            f'"params":{params[:-1]},"diagnostics":[')
    send_framed(protocol, b"".join((head.encode(), checked.body(), b"]}}")))


def send_framed(protocol: JsonRPCProtocol, data: bytes) -> None:
    """Write one ready JSON-RPC message (UTF-8) with the base protocol's header to the
    protocol's public ``writer``: pygls has no public way to send an already
    serialised message, and re-serialising every diagnostic per keystroke costs more
    than the rest of a keystroke's work at 100k words. The server runs only on stdio
    and TCP, whose writers take framed bytes (test_diagnostic_cache checks that this
    framing is pygls' own)."""
    header = (f"Content-Length: {len(data)}\r\n"
              f"Content-Type: {JsonRPCProtocol.CONTENT_TYPE}; "
              f"charset={JsonRPCProtocol.CHARSET}\r\n\r\n")
    writer = protocol.writer
    if writer is None:
        log.error("no transport to publish diagnostics on")
        return
    try:
        writer.write(header.encode(JsonRPCProtocol.CHARSET) + data)
    except BrokenPipeError:
        log.error("the client's pipe is closed: diagnostics not sent")
