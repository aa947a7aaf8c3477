"""A slow OpenAI-compatible model for the benches: every answer after ``delay`` seconds.

Why: issue 11 asks that a model taking seconds per answer costs a keystroke nothing.
The server answers ``/v1/chat/completions`` with a valid answer for whatever task asks,
built from the JSON schema in the request's ``response_format`` (the task's own, so a
new task or field needs no change here): every list empty (no rewrites, breaches or
labels), and a corrected ``text`` with one change, so that each grammar answer makes
one ``grammar.llm`` finding and the bench can see the model's findings arrive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from bench.loopback import Loopback, completion, reply

LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


@dataclass
class Counts:
    """What the server has seen: requests received, and answers sent after the delay
    (a request whose client gave up meanwhile, a cancelled pass's, is not answered)."""

    requests: int = 0
    answered: int = 0


class SlowModel(Loopback):
    """The model server; ``counts`` is safe to read while it runs."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.counts = Counts()
        super().__init__(self._handler_class())

    @property
    def url(self) -> str:
        """The ``api_base``: OpenAI-style paths go under ``/v1``."""
        return f"{self.base}/v1"

    def _count(self, field: str) -> None:
        with self._lock:
            setattr(self.counts, field, getattr(self.counts, field) + 1)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                server._count("requests")
                if server._released.wait(server.delay):  # stopped meanwhile
                    return
                if not self.path.endswith("/chat/completions"):
                    reply(self, 404, b'{"error": {"message": "not found", "type": "x"}}')
                    return
                content = json.dumps(answer(body))
                reply(self, 200, json.dumps(completion(body, content)).encode())
                server._count("answered")

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the bench prints its own figures."""

        return Handler


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """An answer that fits the request's schema: lists empty, a ``text`` corrected once."""
    schema = request.get("response_format", {})
    schema = schema.get("json_schema", {}).get("schema") or schema.get("schema") or {}
    user = [m["content"] for m in request.get("messages", ()) if m.get("role") == "user"]
    out: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        if name == "text":
            out[name] = corrected(user[-1] if user else "")
        elif spec.get("type") == "array":
            out[name] = []
    return out


def corrected(text: str) -> str:
    """``text`` with its first lowercase word capitalised: a stand-in for a correction,
    which the grammar task's diff turns into one finding."""
    return LOWER_WORD.sub(lambda m: m[0].capitalize(), text, count=1)
