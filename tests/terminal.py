"""Run a command with stderr on a pseudo-terminal: what a writer sees in a terminal
(progress bars) while stdout stays a pipe (the report)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TerminalRun:
    """A finished run: its stdout (a pipe) and what it wrote to the terminal (stderr)."""

    returncode: int
    stdout: bytes
    terminal: str


def run_on_terminal(command: Sequence[str], *, cwd: Path | None = None,
                    env: dict[str, str] | None = None, timeout: float = 300) -> TerminalRun:
    """``command`` with stderr on a new pseudo-terminal, drained while it runs."""
    import pty

    main, side = pty.openpty()
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(main, chunks), daemon=True)
    reader.start()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=side, cwd=cwd, env=env,
                              timeout=timeout, check=False)
    finally:
        os.close(side)
        reader.join(timeout=10)
    return TerminalRun(done.returncode, done.stdout,
                       b"".join(chunks).decode("utf-8", "replace"))


def _drain(fd: int, into: list[bytes]) -> None:
    """Read a pseudo-terminal until it closes, so the child never blocks writing to it."""
    try:
        while chunk := os.read(fd, 65536):
            into.append(chunk)
    except OSError:
        pass
    finally:
        os.close(fd)
