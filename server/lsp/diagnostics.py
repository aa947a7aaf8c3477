"""Diagnostics per review part, cached, and the push message built from them.

Diagnostics are converted per review part (one chunk of the document, see
server/incremental.py) and cached by (part, where it starts, encoding): a
keystroke converts and serialises only the edited chunk's diagnostics, so the
server's own per-edit work does not grow with the document's findings.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, cast

from cattrs import Converter
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.protocol import JsonRPCProtocol

from prosewise.agents.model import Finding
from prosewise.server.incremental import Part, shift_finding
from prosewise.server.lsp.convert import LineIndex, to_diagnostic
from prosewise.server.pipeline import Review

PLACES = 4
"""Placements remembered per part (a part reused at several places: equal chunks)."""

Keep = Callable[[tuple[Finding, ...]], tuple[Finding, ...]]
"""Filters shown findings (document offsets), e.g. the writer's ignored occurrences."""


@dataclass(frozen=True, eq=False)
class Converted:
    """One part's shown findings as diagnostics at one place (first line, encoding)."""

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


class Slice(NamedTuple):
    """One chunk of a checked document: its part, its span and its diagnostics (a
    tuple: a check makes one per chunk with findings)."""

    start: int
    end: int
    part: Part
    converted: Converted
    kept: tuple[int, ...] | None = None
    """Indexes into ``part.shown`` that the writer has not ignored; None = all."""

    def indexes(self) -> range | tuple[int, ...]:
        """Indexes of the shown findings kept in this slice."""
        return range(len(self.part.shown)) if self.kept is None else self.kept

    def pairs(self) -> Iterator[tuple[int, Finding, types.Diagnostic]]:
        """(index in ``part.shown``, finding in document offsets, diagnostic)."""
        shown = self.part.shown_at(self.start)
        for i in self.indexes():
            yield i, shown[i], self.converted.diagnostics[i]

    def json(self) -> tuple[str, ...]:
        """The kept diagnostics, serialised."""
        done = self.converted.json
        return done if self.kept is None else tuple(done[i] for i in self.kept)

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
    converted: tuple[Converted | None, ...] = ()
    """Each chunk's diagnostics, aligned with ``review.results`` (None: nothing shown)."""
    kept: tuple[tuple[int, ...] | None, ...] | None = None
    """Per chunk, the indexes into its shown findings that the writer has not ignored
    (None: all of them, in every chunk)."""
    revision: int = 0
    """The server's count of the document's changes when it was checked (documents.py):
    what tells a stale result, since a client may repeat a version number."""

    @cached_property
    def slices(self) -> tuple[Slice, ...]:
        """The chunks that have shown findings, in document order (built on request)."""
        review = self.review
        if review is None:
            return ()
        ends = (*review.starts[1:], len(review.text))[:len(review.starts)]  # none if empty
        kept = self.kept or (None,) * len(self.converted)
        return tuple(Slice(start, end, part, c, k) for start, end, part, c, k
                     in zip(review.starts, ends, review.results, self.converted, kept,
                            strict=True) if c is not None)

    def body(self) -> bytes:
        """The diagnostics as the ``diagnostics`` array of a publish, without brackets."""
        if self.kept is None:
            return b",".join(c.joined for c in self.converted if c is not None)
        return ",".join(self.json()).encode()

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every kept shown finding in document order and offsets (built on request)."""
        return tuple(f for s in self.slices for _, f, _ in s.pairs())

    @cached_property
    def diagnostics(self) -> list[types.Diagnostic]:
        """The diagnostics, one per finding in ``findings``."""
        return [d for s in self.slices for _, _, d in s.pairs()]

    def json(self) -> list[str]:
        """The diagnostics as ``publish`` sends them, each serialised."""
        return [d for s in self.slices for d in s.json()]

    def items(self) -> list[dict[str, Any]]:
        """The diagnostics as the client receives them (parsed from ``json``)."""
        return [json.loads(d) for d in self.json()]

    def overlapping(self, start: int, end: int) -> Iterator[tuple[Slice, int, Finding,
                                                                  types.Diagnostic]]:
        """Kept findings touching ``[start, end]``, looking only into the chunks there."""
        for s in self.slices:
            if s.start <= end and start <= s.end:
                for i, f, d in s.pairs():
                    if f.start <= end and start <= f.end:
                        yield s, i, f, d

    @property
    def result_id(self) -> str:
        """Identifies these diagnostics for pull clients (``previousResultId``): equal
        diagnostics give equal ids, so an edit that changes none gets "unchanged"."""
        keys = tuple(s.key for s in self.slices)
        return f"{hash(keys) & 0xFFFFFFFFFFFF:012x}"


def _diagnostic_key(d: types.Diagnostic) -> tuple[object, ...]:
    r = d.range
    return (d.code, d.message, r.start.line, r.start.character, r.end.line, r.end.character)


def compact(value: object) -> str:
    """JSON without the spaces ``json.dumps`` puts after separators and without
    escaping non-ASCII text: a publish resends every suggestion per keystroke, and
    this makes it a tenth smaller."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class DiagnosticCache:
    """Converted diagnostics per part and placement, kept in the part (``Part.fronts``)
    and so forgotten with it.

    Chunks start in column 0, so a part's diagnostics depend only on its text,
    its first line and the encoding; part objects are reused while their chunk is
    unchanged.
    """

    def __init__(self) -> None:
        self.converter = get_converter()

    def converted(self, start: int, part: Part, lines: LineIndex) -> Converted:
        """The part's diagnostics when it starts at ``start``."""
        line = lines.line_of(start)
        if lines.starts[line] != start:  # mid-line: positions depend on the line
            return self._convert(start, part, lines)
        known = cast(dict[tuple[int, str], Converted], part.fronts)
        key = (line, lines.encoding)
        found = known.get(key)
        if found is None:
            if len(known) >= PLACES:
                known.clear()
            found = known[key] = self._convert(start, part, lines)
        return found

    def _convert(self, start: int, part: Part, lines: LineIndex) -> Converted:
        diagnostics = tuple(to_diagnostic(shift_finding(f, start), lines) for f in part.shown)
        return Converted(diagnostics, self.converter)

    def checked(self, uri: str, version: int, review: Review, lines: LineIndex,
                keep: Keep | None = None, previous: Checked | None = None,
                revision: int = 0) -> Checked:
        """``review`` of one version as diagnostics; ``keep`` filters shown findings.
        ``previous``, the document's last result, lends its diagnostics for the chunks
        at both ends that a keystroke left alone (``_unchanged_ends``): the tail only
        when no line was added or removed."""
        if keep is not None:
            kept = tuple(_kept(start, part, keep) if part.shown else None
                         for start, part in zip(review.starts, review.results, strict=True))
            return Checked(uri, version, review, lines, self._each(review, lines), kept,
                           revision)
        return Checked(uri, version, review, lines, self._converted(review, lines, previous),
                       revision=revision)

    def _converted(self, review: Review, lines: LineIndex,
                   previous: Checked | None) -> tuple[Converted | None, ...]:
        ends = _unchanged_ends(previous, review, lines)
        if previous is None or ends is None:
            return self._each(review, lines)
        head, tail = ends
        old, n = previous.converted, len(review.results)
        if len(lines.starts) == len(previous.lines.starts):  # the tail's lines kept their numbers
            last = old[len(old) - tail:]
        else:
            last = self._each(review, lines, range(n - tail, n))
        return (*old[:head], *self._each(review, lines, range(head, n - tail)), *last)

    def _each(self, review: Review, lines: LineIndex,
              indexes: range | None = None) -> tuple[Converted | None, ...]:
        """The diagnostics of the chunks at ``indexes`` (all by default)."""
        starts, results = review.starts, review.results
        return tuple(self.converted(starts[i], results[i], lines) if results[i].shown else None
                     for i in (range(len(results)) if indexes is None else indexes))


def _kept(start: int, part: Part, keep: Keep) -> tuple[int, ...]:
    shown = part.shown_at(start)
    survivors = {id(f) for f in keep(shown)}
    return tuple(i for i, f in enumerate(shown) if id(f) in survivors)


def _unchanged_ends(previous: Checked | None, review: Review,
                    lines: LineIndex) -> tuple[int, int] | None:
    """How many chunks at the start and at the end hold the same part objects as in
    ``previous`` (so the same text; their diagnostics can be lent), or None when
    ``previous`` cannot lend any."""
    if (previous is None or previous.review is None or previous.kept is not None
            or previous.lines.encoding != lines.encoding):
        return None
    old, new = previous.review.results, review.results
    n = min(len(old), len(new))
    head = 0
    while head < n and old[head] is new[head]:
        head += 1
    tail = 0
    while tail < n - head and old[-1 - tail] is new[-1 - tail]:
        tail += 1
    return head, tail


def publish(protocol: JsonRPCProtocol, checked: Checked) -> None:
    """Push a document's diagnostics as a message assembled from each part's
    serialised diagnostics: a keystroke serialises only the edited chunk's, instead
    of ``json.dumps`` (or cattrs) over every diagnostic of the document."""
    params = compact({"uri": checked.uri, "version": checked.version})
    head = (f'{{"jsonrpc":"2.0","method":"{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}",'
            f'"params":{params[:-1]},"diagnostics":[')
    send_body(protocol, b"".join((head.encode(), checked.body(), b"]}}")))


def send_body(protocol: JsonRPCProtocol, data: bytes) -> None:
    """Write one ready JSON-RPC message (UTF-8) with pygls' stdio/TCP framing but without its
    ``json.dumps`` (pygls has no public way to send an already serialised message).
    Other transports (websockets: headerless, async writers) take pygls' own path."""
    writer = protocol.writer
    if writer is None or not protocol._include_headers or _is_async(writer):
        protocol._send_data(json.loads(data))
        return
    header = (f"Content-Length: {len(data)}\r\n"
              f"Content-Type: {protocol.CONTENT_TYPE}; charset={protocol.CHARSET}\r\n\r\n")
    writer.write(header.encode(protocol.CHARSET) + data)


def _is_async(writer: object) -> bool:
    return inspect.iscoroutinefunction(getattr(writer, "write", None))
