"""What a client gets wrong on the wire: the server answers, re-synchronises and keeps
serving; and when the client goes, the process goes, even mid-check."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from editor import FAKE_SERVER
from raw import Message, RawServer, frame

pytestmark = pytest.mark.slow

TEXT = "We recieve teh letters.\n"
EXIT_BOUND = 2.0
"""Seconds the process may take to end after its client goes (the aim is 1 s; the
bound leaves room for a loaded machine)."""


def wire(root: Path) -> RawServer:
    """A server on fake engines (fake_engine.py): these tests are about the wire."""
    return RawServer(root, command=FAKE_SERVER)


def hover(uri: str, line: int = 0, character: int = 4) -> dict[str, object]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def answered(server: RawServer, uri: str, msg_id: str) -> Message:
    """A valid hover on ``recieve``: proof that the server still reads and answers."""
    answer = server.request(msg_id, "textDocument/hover", hover(uri))
    assert "result" in answer and answer["result"] is not None, answer
    return answer


def test_requests_with_params_that_do_not_parse_get_invalid_params(tmp_path: Path) -> None:
    """They got no response at all, only a message box ("Error in server")."""
    with wire(tmp_path) as server:
        server.initialize()
        uri = server.open("notes.md", TEXT)
        bad = {
            "null": ("textDocument/hover", None),
            "negative": ("textDocument/hover", hover(uri, line=-1)),
            "no-context": ("textDocument/codeAction", {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0},
                          "end": {"line": 0, "character": 3}}}),
        }
        for msg_id, (method, params) in bad.items():
            error = server.request(msg_id, method, params).get("error")
            assert error is not None and error["code"] == -32602, (msg_id, error)
        assert "context" in server.answer("no-context")["error"]["message"]
        answered(server, uri, "after")


def test_a_batch_gets_an_error_per_request(tmp_path: Path) -> None:
    """A JSON-RPC batch (array) was dropped without a word."""
    with wire(tmp_path) as server:
        server.initialize()
        uri = server.open("notes.md", TEXT)
        server.send([{"jsonrpc": "2.0", "id": "b1", "method": "textDocument/hover",
                      "params": hover(uri)},
                     {"jsonrpc": "2.0", "id": "b2", "method": "shutdown"}])
        for msg_id in ("b1", "b2"):
            assert server.answer(msg_id)["error"]["code"] == -32600
        server.send(frame([]))
        server.send(b"Content-Length: 4\r\n\r\nnull")
        answered(server, uri, "after")
        assert [m["error"]["code"] for m in server.seen if m.get("id") is None
                and "error" in m] == [-32600, -32600]


@pytest.mark.parametrize("mistake", [
    pytest.param(lambda body: b"content-length: %d\r\n\r\n" % len(body) + body, id="lower-case"),
    pytest.param(lambda body: b"CONTENT-LENGTH:%d  \r\ncontent-type: x\r\n\r\n" % len(body)
                 + body, id="upper-case-no-space"),
])
def test_header_names_are_read_case_insensitively(tmp_path: Path, mistake: object) -> None:
    """A lower-case ``content-length`` header made the server deaf to every message after."""
    assert callable(mistake)
    with wire(tmp_path) as server:
        server.initialize()
        uri = server.open("notes.md", TEXT)
        body = json.dumps({"jsonrpc": "2.0", "id": "odd", "method": "textDocument/hover",
                           "params": hover(uri)}).encode()
        server.send(mistake(body))
        assert server.answer("odd")["result"] is not None
        answered(server, uri, "after")
        assert not server.skipped_notices()


def test_garbage_and_wrong_lengths_are_skipped_up_to_the_next_header(tmp_path: Path) -> None:
    """Stray bytes, a Content-Length too short and one too long: each message after them
    is read again, and the writer is told once that messages were skipped."""
    with wire(tmp_path) as server:
        server.initialize()
        uri = server.open("notes.md", TEXT)
        body = json.dumps({"jsonrpc": "2.0", "id": "lost", "method": "textDocument/hover",
                           "params": hover(uri)}).encode()
        mistakes = {
            "garbage": b"\x00\xffhello there\r\n{not json}\r\n\r\n",
            "short": b"Content-Length: %d\r\n\r\n" % (len(body) - 10) + body,
            "long": b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body,
            "no-blank-line": b"Content-Length: %d\r\n" % len(body) + body,
            "not-a-number": b"Content-Length: many\r\n\r\n" + body,
            "not-json": b"Content-Length: 9\r\n\r\n{'a': 1}\n",
        }
        for name, mistake in mistakes.items():
            server.send(mistake)
            answered(server, uri, name)
        assert len(server.skipped_notices()) == 1


@pytest.mark.parametrize("how", ["close", "exit"])
def test_the_process_ends_within_a_second_of_its_client_mid_check(
    tmp_path: Path, how: str
) -> None:
    """Closing stdin (or ``exit``) during a check of a 200k-word document left the
    process alive for seconds, its worker threads finishing the check."""
    big = "\n".join(f"Their is a apple on teh table number {i} and we recieve it today."
                    for i in range(17_000))
    with RawServer(tmp_path) as server:  # real engines: their threads are mid-check too
        server.initialize({"window": {"workDoneProgress": True}})
        server.open("big.md", big)
        # The server asks for a progress token only for a check still running after 0.5 s.
        while server.read().get("method") != "window/workDoneProgress/create":
            pass
        start = time.monotonic()
        if how == "exit":
            server.notify("exit")
        else:
            assert server.process.stdin is not None
            server.process.stdin.close()
        code = server.process.wait(timeout=30)
        took = time.monotonic() - start
        print(f"process ended {took:.2f} s after {how}")
        assert took < EXIT_BOUND
        assert code == 1  # no shutdown first (LSP: exit code 1)


def test_shutdown_then_exit_in_one_write_ends_with_code_0(tmp_path: Path) -> None:
    """Messages already buffered are handled in order: an ``exit`` read right behind
    ``shutdown`` (before its handler has finished) still ends the process with 0."""
    with wire(tmp_path) as server:
        server.initialize()
        server.send(frame({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"})
                    + frame({"jsonrpc": "2.0", "method": "exit"}))
        assert server.process.wait(timeout=30) == 0


@pytest.mark.parametrize("words", [3_000, 40_000])
def test_shutdown_mid_check_is_quiet(tmp_path: Path, words: int) -> None:
    """``shutdown`` while the engines check a document (one they check at once, and one
    whose first review goes without them and whose next wave runs them) stops the
    checks without a traceback: one was seen from the engine hub scheduling work on
    the closed worker pool ("cannot schedule new futures after shutdown")."""
    line = "Their is a apple on teh table number {} and we recieve it today.\n"
    text = "".join(line.format(i) for i in range(words // 13))
    with RawServer(tmp_path) as server:  # real engines: their threads are mid-check too
        server.initialize({"window": {"workDoneProgress": True}})
        server.open("doc.md", text)
        # The server asks for a progress token only for a check still running after 0.5 s.
        while server.read().get("method") != "window/workDoneProgress/create":
            pass
        answer = server.request("bye", "shutdown")
        assert "result" in answer, answer
        server.notify("exit")
        assert server.process.wait(timeout=30) == 0
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log and "Error" not in log, log
