"""Keep stdout for our own output: native engines sometimes print to file descriptor 1.

harper-py prints debugging lines (e.g. ``gerund_form: ...``) straight to fd 1 for
some sentences. On the language server's stdio that corrupts JSON-RPC, and in
``review --format json`` it corrupts the JSON. So the real stdout moves to a new
descriptor that only Python's ``sys.stdout`` writes to, and fd 1 becomes stderr.
"""

from __future__ import annotations

import io
import os
import sys


def reserve_stdout() -> None:
    """Point ``sys.stdout`` at a private copy of fd 1, then send fd 1 to stderr.

    Idempotent; does nothing when stdout is not a real file descriptor (tests that
    capture output in-process).
    """
    if getattr(sys.stdout, "_prosewise_reserved", False):
        return
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    sys.stdout.flush()
    private = os.dup(fd)
    os.dup2(sys.stderr.fileno(), fd)
    stream = io.TextIOWrapper(
        os.fdopen(private, "wb"), encoding="utf-8", errors="strict",
        line_buffering=bool(sys.stdout.line_buffering), write_through=False,
    )
    stream._prosewise_reserved = True  # type: ignore[attr-defined]
    sys.stdout = stream
