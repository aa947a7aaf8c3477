"""An OpenAI-compatible chat-completions server on 127.0.0.1, scripted per test.

Why: the model path is tested through litellm's real HTTP code (no patching), so
timeouts, status codes and headers reach the client exactly as a provider's would.
Each request takes the next behaviour from a queue (an empty queue answers 500, so a
test that makes more calls than it scripted fails loudly) and its body is recorded.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from fake_engine import fake_hub

from bench.loopback import Loopback, completion, reply
from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline, Review


@dataclass(frozen=True)
class Answer:
    """Answer 200 with ``content`` as the assistant message (valid or not for the schema)."""

    content: str
    usage: tuple[int, int] = (10, 5)
    """The prompt and completion tokens the answer reports (what litellm counts)."""


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status, and Retry-After when given."""

    code: int
    retry_after: str | None = None
    body: str | None = None
    """The error's JSON body as the server sends it; None: OpenAI's error object."""
    after: int = 0
    """Answer only once this many requests have arrived: concurrent calls all see it."""


@dataclass(frozen=True)
class Stall:
    """Answer nothing until the test ends: the client must give up on its own timeout."""


@dataclass(frozen=True)
class BrokenBody:
    """Answer 200 with a body that is not JSON (a proxy's HTML page, a cut connection)."""


@dataclass(frozen=True)
class ByTask:
    """Answer 200 with the content of the first (marker, content) whose marker is in the
    request's system message, else 500: agents that ask at once come in any order."""

    answers: tuple[tuple[str, str], ...]

    def content(self, request: dict[str, Any]) -> str | None:
        system = " ".join(m["content"] for m in request.get("messages", ())
                          if m.get("role") == "system")
        return next((content for marker, content in self.answers if marker in system), None)


@dataclass(frozen=True)
class Reply:
    """Answer 200 with ``answer(the request's last user message)``: for concurrent
    requests, whose order is not the script's."""

    answer: Callable[[str], str]


Behaviour = Answer | Status | Stall | BrokenBody | ByTask | Reply


class ModelServer(Loopback):
    """The scripted server: ``script`` behaviours, read ``requests`` afterwards."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        """Every request body received, parsed, in order."""
        self.headers: list[dict[str, str]] = []
        """The headers of every request, in order (Authorization shows the key sent)."""
        self._behaviours: queue.SimpleQueue[Behaviour] = queue.SimpleQueue()
        super().__init__(self._handler_class())

    @property
    def url(self) -> str:
        """The ``api_base`` for the client: OpenAI-style paths go under ``/v1``."""
        return f"{self.base}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, one each."""
        for behaviour in behaviours:
            self._behaviours.put(behaviour)

    def wait_for_requests(self, count: int, timeout: float = 60.0) -> None:
        """Block until ``count`` requests have arrived (a test's thread, not the loop's:
        ``await asyncio.to_thread(server.wait_for_requests, n)``)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"{len(self.requests)} requests, not {count}")

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            self._lock.notify_all()
        try:
            return self._behaviours.get_nowait()
        except queue.Empty:
            return Status(500)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                behaviour = server._record(body, dict(self.headers.items()))
                if isinstance(behaviour, Status) and behaviour.after:
                    server.wait_for_requests(behaviour.after)
                if isinstance(behaviour, Stall):
                    server._released.wait()
                    return
                if isinstance(behaviour, ByTask):
                    content = behaviour.content(body)
                    behaviour = Status(500) if content is None else Answer(content)
                if isinstance(behaviour, Reply):
                    asked = [m["content"] for m in body["messages"] if m["role"] == "user"]
                    behaviour = Answer(behaviour.answer(asked[-1]))
                if isinstance(behaviour, Answer):
                    answer = completion(body, behaviour.content, behaviour.usage)
                    self._send(200, json.dumps(answer).encode())
                elif isinstance(behaviour, BrokenBody):
                    self._send(200, b'{"id": "chatcmpl-1", "choices": [')
                else:
                    error = {"error": {"message": f"scripted {behaviour.code}", "type": "x"}}
                    body = behaviour.body or json.dumps(error)
                    extra = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
                    self._send(behaviour.code, body.encode(), extra)

            def _send(self, code: int, payload: bytes, extra: dict[str, str] | None = None) -> None:
                reply(self, code, payload, extra)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: pytest shows failures, not every request."""

        return Handler


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    """A scripted model server for one test, stopped (and stalls released) after it."""
    server = ModelServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def llm_checks(tmp_path: Path) -> Iterator[LlmChecks]:
    """The model's checks with a result cache of the test's own."""
    made = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))
    yield made
    made.cache.close()


def rewrites(*pairs: tuple[int, str]) -> Answer:
    """A rewrite task's answer: (sentence number, rewrite) pairs."""
    return Answer(json.dumps({"rewrites": [{"id": i, "rewrite": r, "reason": "clearer"}
                                           for i, r in pairs]}))


def user_messages(server: ModelServer) -> list[str]:
    """What each request sent as the user's message."""
    return [m["content"] for r in server.requests for m in r["messages"] if m["role"] == "user"]


async def review_text(text: str, settings: Settings, checks: LlmChecks | None) -> Review:
    """A review of a Markdown text on fake engines by a fresh pipeline (so only the
    result cache remembers earlier reviews), asking the model when ``checks`` is given."""
    pipeline = Pipeline(engines=fake_hub(), llm=checks)
    try:
        return await pipeline.review(text, "markdown", settings)
    finally:
        pipeline.close()
