"""A LanguageTool server on 127.0.0.1 speaking its HTTP API (``POST /v2/check``,
``GET /v2/languages``), scripted per test.

Why: the LanguageTool engine is tested through language-tool-python's real HTTP code
(requests), so timeouts, status codes and bodies reach it exactly as a real server's
would. Every check is answered from ``rules`` (each match of each rule's pattern, with
offsets in UTF-16 units, as LanguageTool's Java counts them), unless a behaviour was
scripted for it (``script``: a status, a stall, a broken body). A text over
``max_bytes`` is refused with 413, as LanguageTool refuses one over its limit. Every
check's form fields are recorded (``checks``).
"""

from __future__ import annotations

import json
import queue
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from llm_server import BrokenBody, Stall, Status

from bench.loopback import Loopback, reply

LANGUAGES = [{"name": "English", "code": "en", "longCode": "en"},
             {"name": "English (US)", "code": "en", "longCode": "en-US"},
             {"name": "English (GB)", "code": "en", "longCode": "en-GB"}]


@dataclass(frozen=True)
class Rule:
    """Every match of ``pattern`` (its first group if it has one) is a match of ``id``."""

    pattern: str
    id: str
    category: str = "GRAMMAR"
    issue_type: str = "grammar"
    message: str = "Scripted match."
    replacements: tuple[str, ...] = ()


Behaviour = Status | Stall | BrokenBody


def utf16(text: str) -> int:
    """Length in UTF-16 units (LanguageTool's offsets)."""
    return len(text.encode("utf-16-le")) // 2


def matches(text: str, rules: list[Rule]) -> list[dict[str, Any]]:
    """LanguageTool's ``matches`` for ``text``, offsets and lengths in UTF-16 units."""
    out = []
    for rule in rules:
        for m in re.finditer(rule.pattern, text):
            group = 1 if m.re.groups else 0
            start, end = m.span(group)
            out.append({
                "message": rule.message, "shortMessage": "",
                "offset": utf16(text[:start]), "length": utf16(text[start:end]),
                "replacements": [{"value": v} for v in rule.replacements],
                "context": {"text": text, "offset": utf16(text[:start]),
                            "length": utf16(text[start:end])},
                "sentence": text,
                "rule": {"id": rule.id, "description": rule.message, "issueType": rule.issue_type,
                         "category": {"id": rule.category, "name": rule.category}},
            })
    return sorted(out, key=lambda m: m["offset"])


class LanguageToolServer(Loopback):
    """The scripted server: set ``rules`` and ``max_bytes``, ``script`` failures, read
    ``checks`` and ``language_requests`` afterwards."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.max_bytes: int | None = None
        self.checks: list[dict[str, str]] = []
        """The form fields of every /v2/check request, in order."""
        self.language_requests = 0
        self._behaviours: queue.SimpleQueue[Behaviour] = queue.SimpleQueue()
        super().__init__(self._handler_class())

    @property
    def url(self) -> str:
        """The base URL a user would configure (the client adds ``/v2/...``)."""
        return self.base

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next checks, one each (then ``rules`` answer again)."""
        for behaviour in behaviours:
            self._behaviours.put(behaviour)

    def _check(self, form: dict[str, str]) -> tuple[int, bytes] | None:
        """The status and body for a check (None: stall)."""
        with self._lock:
            self.checks.append(form)
        try:
            behaviour: Behaviour | None = self._behaviours.get_nowait()
        except queue.Empty:
            behaviour = None
        text = form.get("text", "")
        if isinstance(behaviour, Stall):
            self._released.wait()
            return None
        if isinstance(behaviour, Status):
            return behaviour.code, b"Error: scripted failure"
        if isinstance(behaviour, BrokenBody):
            return 200, b'{"matches": ['
        if self.max_bytes is not None and len(text.encode()) > self.max_bytes:
            return 413, f"Error: your text exceeds the limit of {self.max_bytes}".encode()
        body = {"software": {"name": "LanguageTool", "version": "6.6"},
                "language": {"code": form.get("language", "")},
                "matches": matches(text, self.rules)}
        return 200, json.dumps(body).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path.startswith("/v2/languages"):
                    with server._lock:
                        server.language_requests += 1
                    self._send(200, json.dumps(LANGUAGES).encode())
                else:
                    self._send(404, b"Not found")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if not self.path.startswith("/v2/check"):
                    self._send(404, b"Not found")
                    return
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                answer = server._check(form)
                if answer is not None:
                    self._send(*answer)

            def _send(self, code: int, payload: bytes) -> None:
                reply(self, code, payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: pytest shows failures, not every request."""

        return Handler


@pytest.fixture
def lt_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LanguageToolServer]:
    """A scripted LanguageTool server for one test, stopped (stalls released) after it;
    the test's own cache folder, so no answer cached by another test is reused (the
    engine keeps LanguageTool's answers on disk)."""
    monkeypatch.setenv("PROSEWISE_CACHE_DIR", str(tmp_path / "lt-cache"))
    server = LanguageToolServer()
    server.start()
    yield server
    server.stop()
