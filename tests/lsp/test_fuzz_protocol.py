"""Fuzz: malformed frames, bad JSON and out-of-range params, each burst followed by a
valid request that must be answered, on one real server (``--lite``: engines do not
matter here). The default run sends a few hundred malformed messages in ~20 s."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from raw import RawServer

pytestmark = pytest.mark.slow

TEXT = "We recieve teh letters.\n\nShe have a cat.\n"
EXAMPLES = 100
"""Bursts in the default run (``--slow``: ten times as many)."""
BURST = (2, 4)
"""Malformed messages per example (so at least 200 in the default run)."""
METHODS = [
    "textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic",
    "textDocument/didChange", "textDocument/didOpen", "textDocument/didClose",
    "textDocument/didSave",
    "workspace/executeCommand", "workspace/didChangeConfiguration", "textDocument/completion",
    "$/cancelRequest", "$/setTrace", "no/suchMethod",
]
"""Everything but initialize, shutdown and exit, which end or restart the session."""
COMMANDS = ["prosewise.recheck", "prosewise.showDecisions", "prosewise.showTone",
            "prosewise.checkWithModel", "no.such"]
"""Commands without side effects on disk (the stores have their own tests)."""

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40),
                      st.floats(allow_nan=False), st.text(max_size=12))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
number = st.one_of(st.sampled_from([-1, 0, 1, 2**31 - 1, 2**31, 2**32, -(2**31)]),
                   st.integers(-(2**40), 2**40), json_leaf)
position = st.fixed_dictionaries({"line": number, "character": number})
a_range = st.one_of(st.fixed_dictionaries({"start": position, "end": position}), json_value)


@dataclass
class Session:
    """The server under fuzz, the document it holds and how much it was sent."""

    server: RawServer
    uri: str
    malformed: int = 0
    synced: int = 0


def params(uri: str) -> st.SearchStrategy[Any]:
    """Params that are nearly right: the right keys with wrong or out-of-range values,
    missing keys, or anything at all."""
    document = st.one_of(st.fixed_dictionaries(
        {"uri": st.sampled_from([uri, "file:///nowhere.md", "untitled:x", ""])},
        optional={"version": number, "text": st.text(max_size=40), "languageId": json_leaf}),
        json_value)
    change = st.one_of(
        st.fixed_dictionaries({"text": st.text(max_size=20)}, optional={"range": a_range}),
        json_value)
    shaped = st.fixed_dictionaries({}, optional={
        "textDocument": document, "position": position, "range": a_range,
        "context": st.one_of(st.none(), st.fixed_dictionaries(
            {"diagnostics": st.just([])}, optional={"only": st.lists(st.text(max_size=20))})),
        "contentChanges": st.lists(change, max_size=3),
        "command": st.sampled_from(COMMANDS), "arguments": st.lists(json_value, max_size=3),
        "id": json_leaf, "settings": json_value,
    })
    return st.one_of(shaped, json_value)


def messages(uri: str) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON-RPC message with a method from METHODS (or none), maybe an id, and params
    that may not fit."""
    return st.builds(
        lambda method, msg_id, p, version: {
            k: v for k, v in {"jsonrpc": version, "method": method, "id": msg_id,
                              "params": p}.items() if v is not _MISSING},
        st.one_of(st.sampled_from(METHODS), st.just(_MISSING), json_leaf),
        st.one_of(st.just(_MISSING), st.integers(0, 2**31), st.text(max_size=5), json_leaf),
        st.one_of(st.just(_MISSING), params(uri)),
        st.sampled_from(["2.0", "2.0", "2.0", "1.0", _MISSING]),
    )


_MISSING = object()


@st.composite
def malformed(draw: st.DrawFn, uri: str) -> bytes:
    """One message as bytes, framed wrongly or rightly around a body that may be wrong."""
    message = draw(messages(uri))
    body = draw(st.one_of(
        st.just(json.dumps(message).encode()),
        st.just(json.dumps([message, message]).encode()),  # a batch
        json_value.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=40),
    ))
    header = draw(st.sampled_from([b"Content-Length", b"content-length", b"CONTENT-LENGTH"]))
    length = len(body) + draw(st.sampled_from([0, 0, 0, -1, 1, -5, 40]))
    framing = draw(st.sampled_from(["right", "no-blank", "garbage", "bare"]))
    if framing == "bare":
        return body
    head = header + b": %d\r\n" % max(0, length)
    if framing == "right":
        head += b"\r\n"
    elif framing == "garbage":
        head = draw(st.binary(min_size=1, max_size=20)) + b"\r\n" + head + b"\r\n"
    return head + body


def test_malformed_messages_never_stop_the_server(tmp_path: Path) -> None:
    with RawServer(tmp_path, flags=("--lite",)) as server:
        server.initialize()
        session = Session(server, server.open("notes.md", TEXT))

        @settings(max_examples=examples(EXAMPLES))
        @given(st.lists(malformed(session.uri), min_size=BURST[0], max_size=BURST[1]))
        def burst(sent: list[bytes]) -> None:
            for data in sent:
                server.send(data)
            session.malformed += len(sent)
            session.synced += 1
            sync = f"sync-{session.synced}"
            answer = server.request(sync, "textDocument/hover", {
                "textDocument": {"uri": session.uri},
                "position": {"line": 0, "character": 4}})
            assert "result" in answer, answer
            assert server.process.poll() is None

        burst()
        assert session.malformed >= 200
        # Whatever the fuzz did to the document, a fresh one is checked and explained.
        uri = server.open("after.md", TEXT)
        answer = server.request("last", "textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}})
        assert answer["result"] is not None and "recieve" in answer["result"]["contents"]["value"]
