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
from prosewise.server.incremental import Part, Placed, shift_finding
from prosewise.server.lsp.convert import LineIndex, to_diagnostic
from prosewise.server.pipeline import Review

PLACES = 4
"""Placements remembered per part (a part reused at several places: equal chunks)."""

Keep = Callable[[tuple[Finding, ...]], tuple[Finding, ...]]
"""Filters shown findings (document offsets), e.g. the writer's ignored occurrences."""


@dataclass(frozen=True, eq=False)
class Converted:
    """One part's shown findings as diagnostics at one place in one document."""

    diagnostics: tuple[types.Diagnostic, ...]
    converter: Converter

    @cached_property
    def json(self) -> tuple[str, ...]:
        """Each diagnostic serialised once per placement: a push message is then a join
        of ready strings (``json.dumps`` of 2,000 diagnostics costs ≈30 ms per keystroke)."""
        return tuple(compact(self.converter.unstructure(d)) for d in self.diagnostics)

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
    review: Review | None
    slices: tuple[Slice, ...]
    """The chunks that have shown findings, in document order."""
    lines: LineIndex

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

    def converted(self, placed: Placed, lines: LineIndex) -> Converted:
        """The part's diagnostics where it is placed now."""
        line = lines.line_of(placed.start)
        if lines.starts[line] != placed.start:  # mid-line: positions depend on the line
            return self._convert(placed, lines)
        known = cast(dict[tuple[int, str], Converted], placed.part.fronts)
        key = (line, lines.encoding)
        found = known.get(key)
        if found is None:
            if len(known) >= PLACES:
                known.clear()
            found = known[key] = self._convert(placed, lines)
        return found

    def _convert(self, placed: Placed, lines: LineIndex) -> Converted:
        diagnostics = tuple(to_diagnostic(shift_finding(f, placed.start), lines)
                            for f in placed.part.shown)
        return Converted(diagnostics, self.converter)

    def checked(self, uri: str, version: int, review: Review, lines: LineIndex,
                keep: Keep | None = None) -> Checked:
        """``review`` of one version as diagnostics; ``keep`` filters shown findings."""
        parts = review.parts
        ends = [*(p.start for p in parts[1:]), len(review.text)]
        slices = tuple(self._slice(p, end, lines, keep)
                       for p, end in zip(parts, ends, strict=True) if p.part.shown)
        return Checked(uri, version, review, slices, lines)

    def _slice(self, placed: Placed, end: int, lines: LineIndex, keep: Keep | None) -> Slice:
        kept = None
        if keep is not None:
            shown = placed.part.shown_at(placed.start)
            survivors = {id(f) for f in keep(shown)}
            kept = tuple(i for i, f in enumerate(shown) if id(f) in survivors)
        return Slice(placed.start, end, placed.part, self.converted(placed, lines), kept)


def publish(protocol: JsonRPCProtocol, checked: Checked) -> None:
    """Push a document's diagnostics as a message assembled from each part's
    serialised diagnostics: a keystroke serialises only the edited chunk's, instead
    of ``json.dumps`` (or cattrs) over every diagnostic of the document."""
    diagnostics = ",".join(checked.json())
    params = compact({"uri": checked.uri, "version": checked.version})
    body = (f'{{"jsonrpc":"2.0","method":"{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}",'
            f'"params":{params[:-1]},"diagnostics":[{diagnostics}]}}}}')
    send_body(protocol, body)


def send_body(protocol: JsonRPCProtocol, body: str) -> None:
    """Write one ready JSON-RPC message with pygls' stdio/TCP framing but without its
    ``json.dumps`` (pygls has no public way to send an already serialised message).
    Other transports (websockets: headerless, async writers) take pygls' own path."""
    writer = protocol.writer
    if writer is None or not protocol._include_headers or _is_async(writer):
        protocol._send_data(json.loads(body))
        return
    data = body.encode(protocol.CHARSET)
    header = (f"Content-Length: {len(data)}\r\n"
              f"Content-Type: {protocol.CONTENT_TYPE}; charset={protocol.CHARSET}\r\n\r\n")
    writer.write(header.encode(protocol.CHARSET) + data)


def _is_async(writer: object) -> bool:
    return inspect.iscoroutinefunction(getattr(writer, "write", None))
