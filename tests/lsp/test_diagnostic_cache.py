"""Diagnostics converted per chunk and cached: after an edit they must equal
a fresh conversion of the whole review, in every encoding, and unchanged chunks
must not be converted again."""

from __future__ import annotations

import asyncio
import gc
import json
import random
from collections.abc import AsyncIterator

import pytest
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.protocol import JsonRPCProtocol

import prosewise.server.lsp.diagnostics as diagnostics_module
from bench.lsp_latency import PUBLISH_HEAD
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.settings import Settings
from prosewise.server.incremental import Chunk
from prosewise.server.lsp import create_server
from prosewise.server.lsp.convert import LineIndex, to_diagnostic
from prosewise.server.lsp.diagnostics import (
    Converted,
    DiagnosticCache,
    FullReport,
    publish,
    send_framed,
)
from prosewise.server.pipeline import Pipeline

URI = "file:///notes.md"
TEXT = ("# Notes 😀\n\nWe recieve teh letters very very often.\n\n"
        "In order to 𝄞 utilize the synergy, we act in the event that it is needed.\n\n"
        "Café 😀 is a apple pie that we utilize daily.\n")
ENCODINGS = ["utf-8", "utf-16", "utf-32"]
PICKY = Settings.model_validate({"profile": "picky"})
"""Every suggestion shown: the rule agents alone then find enough to test with."""


@pytest.fixture
async def pipeline() -> AsyncIterator[Pipeline]:
    """Rule agents only: the engines add nothing to what is tested here."""
    pipeline = Pipeline(engines=EngineHub(use_harper=False, use_lingo=False))
    yield pipeline
    pipeline.close()


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_cached_diagnostics_equal_a_fresh_conversion(pipeline: Pipeline,
                                                           encoding: str) -> None:
    cache, settings = DiagnosticCache(), PICKY
    before = await pipeline.review(TEXT, "markdown", settings)
    cache.checked(URI, 1, before, LineIndex(TEXT, encoding))
    edited = "An intro 😀 line\r\nthat wraps.\n\n" + TEXT
    review = await pipeline.review(edited, "markdown", settings)
    lines = LineIndex(edited, encoding)
    checked = cache.checked(URI, 2, review, lines)
    fresh = [to_diagnostic(f, lines) for f in review.shown]
    assert len(fresh) >= 2
    assert checked.diagnostics == fresh
    converter = get_converter()
    assert checked.items() == [converter.unstructure(d) for d in fresh]


async def test_unchanged_chunks_reuse_their_diagnostics(pipeline: Pipeline) -> None:
    cache, settings = DiagnosticCache(), PICKY
    first = cache.checked(URI, 1, await pipeline.review(TEXT, "markdown", settings),
                          LineIndex(TEXT))
    edit_at = TEXT.index("Café")
    edited = TEXT.replace("Café", "Cafe")  # same lines, last chunk only
    second = cache.checked(URI, 2, await pipeline.review(edited, "markdown", PICKY),
                           LineIndex(edited))
    before = {p.start: p.converted for p in first.pieces}
    assert [before.get(p.start) is p.converted for p in second.pieces] == [
        p.start < edit_at for p in second.pieces]
    assert second.pieces[0].start < edit_at <= second.pieces[-1].start


async def test_conversions_go_with_the_results_they_convert(pipeline: Pipeline) -> None:
    """A replaced chunk's diagnostics are not kept once no review holds its result,
    nor a closed document's (no review holds its results then)."""
    cache = DiagnosticCache()
    review = await pipeline.review(TEXT, "markdown", PICKY)
    cache.checked(URI, 1, review, LineIndex(TEXT))
    converted = len(cache)
    assert converted == sum(1 for c in review.chunks if c.part.shown) >= 2
    for version, (before, after) in enumerate((("Café", "Cafe"), ("Cafe", "Café")), 2):
        text = review.text.replace(before, after)
        review = await pipeline.review(text, "markdown", PICKY, previous=review)
        cache.checked(URI, version, review, LineIndex(text))
        await asyncio.sleep(0)  # the loop lets go of the finished checks' results
        gc.collect()
        assert len(cache) == converted
    del review
    await asyncio.sleep(0)
    gc.collect()
    assert len(cache) == 0


async def test_ignored_findings_are_left_out(pipeline: Pipeline) -> None:
    review = await pipeline.review(TEXT, "markdown", PICKY)
    checked = DiagnosticCache().checked(
        URI, 1, review, LineIndex(TEXT),
        keep=lambda shown: tuple(f for f in shown if f.text != "utilize"))
    texts = [item["data"]["text"] for item in checked.items()]
    assert "utilize" in {f.text for f in review.shown} and "utilize" not in texts
    assert texts == [d.data["text"] for d in checked.diagnostics]  # type: ignore[index]
    assert [f.text for f in checked.findings] == texts


class Pipe:
    """A stdio writer that keeps what the protocol writes."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        """Nothing to close."""


async def test_publish_frames_one_message_the_bench_reads(pipeline: Pipeline) -> None:
    """``publish`` assembles the JSON by hand: it must be one framed JSON-RPC message
    equal to the diagnostics, with the head ``bench.lsp_latency`` reads uri and
    version from (it skips parsing the diagnostics)."""
    checked = DiagnosticCache().checked(URI, 7, await pipeline.review(TEXT, "markdown", PICKY),
                                        LineIndex(TEXT))
    protocol, pipe = JsonRPCProtocol(None, get_converter()), Pipe()  # type: ignore[arg-type]
    protocol.set_writer(pipe)
    publish(protocol, checked)
    header, body = pipe.data.split(b"\r\n\r\n", 1)
    assert f"Content-Length: {len(body)}".encode() in header
    message = json.loads(body)
    assert message["method"] == "textDocument/publishDiagnostics"
    assert message["params"] == {"uri": URI, "version": 7, "diagnostics": checked.items()}
    head = PUBLISH_HEAD.match(body)
    assert head is not None and json.loads(head["uri"]) == URI and head["version"] == b"7"
    assert body.count(b'"range":') == len(checked.items()) >= 2


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_keystrokes_from_the_previous_result_equal_a_fresh_conversion(
        pipeline: Pipeline, encoding: str) -> None:
    """Random edits (letters, line breaks, deletions) checked from the previous review
    and result: the diagnostics equal a conversion of the whole review, and a letter
    typed into one paragraph converts nothing in the others."""
    rng = random.Random(encoding)
    text = TEXT * 6
    cache, converter = DiagnosticCache(), get_converter()
    scratch = Pipeline(pool=pipeline.pool, engines=pipeline.engines)  # no previous reviews
    review = await pipeline.review(text, "markdown", PICKY)
    checked = cache.checked(URI, 0, review, LineIndex(text, encoding))
    for version in range(1, 40):
        at = rng.randrange(len(text) + 1)
        piece = rng.choice(["x", "x", "x", "\n", "\n\n", ""])
        end = at + (rng.randint(1, 3) if piece == "" else 0)
        text = text[:at] + piece + text[end:]
        before = checked
        review = await pipeline.review(text, "markdown", PICKY, previous=review)
        lines = LineIndex(text, encoding)
        checked = cache.checked(URI, version, review, lines)
        fresh = [converter.unstructure(to_diagnostic(f, lines)) for f in review.shown]
        assert checked.items() == fresh
        assert review.shown == (await scratch.review(text, "markdown", PICKY)).shown
        assert json.loads(b"[" + checked.body() + b"]") == fresh
        if piece == "x" and "\n" not in text[at - 1:at + 2]:
            old = {id(p.converted) for p in before.pieces}
            same = sum(id(p.converted) in old for p in checked.pieces)
            assert same >= len(checked.pieces) - 1


def test_hand_framing_is_pygls_own() -> None:
    """``send_framed`` writes what pygls' own ``notify`` writes for the same body: a
    pygls upgrade that changes its framing or its writer fails here."""
    protocol = JsonRPCProtocol(None, get_converter())  # type: ignore[arg-type]
    theirs, ours = Pipe(), Pipe()
    protocol.set_writer(theirs)
    protocol.notify("window/logMessage", {"type": 4, "message": "framed"})
    body = theirs.data.split(b"\r\n\r\n", 1)[1]
    protocol.set_writer(ours)
    send_framed(protocol, body)
    assert ours.data == theirs.data


async def test_a_pull_answer_is_what_pygls_would_send(pipeline: Pipeline) -> None:
    """A pull is answered from the chunks' serialised diagnostics (``FullReport``,
    written by the server's protocol, ``ProsewiseProtocol._send_data``): the same JSON
    as pygls sends for the report with every diagnostic in it."""
    review = await pipeline.review(TEXT, "markdown", PICKY)
    checked = DiagnosticCache().checked(URI, 1, review, LineIndex(TEXT, "utf-16"))
    assert len(checked.diagnostics) >= 2
    theirs, ours = Pipe(), Pipe()
    pygls = JsonRPCProtocol(None, get_converter())  # type: ignore[arg-type]
    pygls.set_writer(theirs)
    pygls._send_response(7, result=types.RelatedFullDocumentDiagnosticReport(
        items=checked.diagnostics, result_id=checked.result_id))
    protocol = create_server().protocol
    protocol.set_writer(ours)
    protocol._send_response(7, result=FullReport(checked.result_id, checked.body()))

    def message(data: bytes) -> object:
        header, body = data.split(b"\r\n\r\n", 1)
        assert int(header.split(b"\r\n")[0].split(b":")[1]) == len(body)
        return json.loads(body)
    assert message(ours.data) == message(theirs.data)


async def test_a_big_check_is_converted_in_steps_to_the_same_diagnostics(
        pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """``prepare`` converts and serialises chunk by chunk, letting the event loop in
    between (other work ran while it had converted some chunks and not all), and
    ``checked`` afterwards converts nothing again and gives what it gives alone."""
    monkeypatch.setattr(diagnostics_module, "STEP", 1)
    text = TEXT * 4
    review = await pipeline.review(text, "markdown", PICKY)
    lines = LineIndex(text)
    cache = DiagnosticCache()
    chunks = sum(1 for c in review.chunks if c.part.shown)
    seen: list[int] = []

    async def meanwhile() -> None:
        for _ in range(chunks):
            seen.append(len(cache))
            await asyncio.sleep(0)

    await asyncio.gather(cache.prepare(review, lines), meanwhile())
    assert any(0 < n < chunks for n in seen), seen
    converted: list[int] = []
    convert = DiagnosticCache._convert

    def counted(self: DiagnosticCache, chunk: Chunk, start: int, lines: LineIndex) -> Converted:
        converted.append(start)
        return convert(self, chunk, start, lines)
    monkeypatch.setattr(DiagnosticCache, "_convert", counted)
    checked = cache.checked(URI, 1, review, lines)
    assert converted == []
    assert checked.items() == DiagnosticCache().checked(URI, 1, review, lines).items()
    assert len(converted) == chunks  # the fresh cache's conversions: the spy counts
