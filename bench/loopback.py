"""An HTTP server on 127.0.0.1 on a thread of its own, and the OpenAI-compatible
replies: shared by the benches' model server (bench/model_server.py) and the tests'
scripted ones (tests/llm_server.py, tests/lt_server.py; tests may import bench, never
the other way round).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

POLL_S = 0.02
"""How often serve_forever looks for shutdown: its default (0.5 s) is each test's
teardown time."""


class Loopback:
    """A threading HTTP server on 127.0.0.1; a handler that stalls or waits waits for
    ``_released``, set at ``stop``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._released = threading.Event()
        self._lock = threading.Condition()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, args=(POLL_S,),
                                        daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Release waiting handlers first, so no thread outlives the server waiting."""
        self._released.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()


def reply(handler: BaseHTTPRequestHandler, code: int, payload: bytes,
          extra: dict[str, str] | None = None) -> None:
    """Send a JSON response (a client that gave up already is no error)."""
    try:
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in (extra or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass


def completion(request: dict[str, Any], content: str,
               usage: tuple[int, int] = (10, 5)) -> dict[str, Any]:
    """A chat.completion object as OpenAI returns it (``usage``: prompt and completion
    tokens reported)."""
    prompt, completed = usage
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", "test"),
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completed,
                  "total_tokens": prompt + completed},
    }
