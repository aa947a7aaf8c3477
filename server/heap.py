"""Giving freed heap back to the system: glibc's ``malloc_trim`` after checks.

Why: a check allocates far more than it keeps (engine hits, block-offset findings,
rankings, diagnostics and their JSON), on several threads (the event loop, the
worker pool, each engine's own), and glibc keeps what they free in its arenas
instead of returning it. Measured with 20 open 10k-word documents (bench.lsp_latency's
memory server): one ``malloc_trim(0)`` took RSS from 1,262 to 1,158 MB. Python's own
small-object allocator (pymalloc) keeps its arenas either way; only glibc's heap is
trimmed.

When: a second after a big check (an opened or pasted document: a burst of them
trims once, after the last), and while the writer types at most every
``PERIOD`` seconds, so RSS stays where the last trim left it. A trim walks the
whole heap (measured: 58 ms when it returned 100 MB, 13 ms with nothing to return),
so it runs on a worker thread, not the event loop. On other C libraries (macOS,
musl) nothing happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import time
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

BIG_CHECK_DELAY = 1.0
"""Seconds after a big check before trimming (a burst of opens trims once)."""
PERIOD = 30.0
"""Seconds between trims while small checks (keystrokes) go on."""


def malloc_trim() -> Callable[[], None] | None:
    """glibc's ``malloc_trim(0)`` (it returns the free memory of every arena), or None
    where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


class Trimmer:
    """Trims the heap after checks (see the module docstring)."""

    def __init__(self, big: int, trim: Callable[[], None] | None = None) -> None:
        self.big = big
        """Checks that ran at least this many (agent, block) pairs are big."""
        self._trim = trim if trim is not None else malloc_trim()
        self._timer: asyncio.TimerHandle | None = None

    def checked(self, blocks: int) -> None:
        """A check that ran ``blocks`` (agent, block) pairs is done: trim soon."""
        if self._trim is None:
            return
        if blocks >= self.big:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = asyncio.get_running_loop().call_later(BIG_CHECK_DELAY, self._run)
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(PERIOD, self._run)

    def _run(self) -> None:
        self._timer = None
        if self._trim is not None:  # off the event loop (ctypes lets go of the GIL)
            asyncio.get_running_loop().run_in_executor(None, _timed, self._trim)

    def close(self) -> None:
        """Cancel a pending trim."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _timed(trim: Callable[[], None]) -> None:
    start = time.perf_counter()
    trim()
    log.debug("heap trimmed in %.1f ms", 1000 * (time.perf_counter() - start))


class Collector:
    """Python's cyclic garbage collector, held off while a big document is first checked.

    Why: such a check keeps tens of thousands of objects alive (a 300 KB table's 13,000
    cells, their segments and findings), and each full collection on the way walked
    them all on the event loop: pauses of 20 ms growing to 120 ms (270 ms on a
    reference-link farm), which hover waited behind. The server freezes what such a
    check leaves (``gc.freeze``) before the collector runs again. Only big first
    checks hold it, which end: keystrokes never keep it off.
    """

    def __init__(self) -> None:
        self._holding = 0
        self._resume = False

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No automatic collection within (nested and overlapping holds count)."""
        if self._holding == 0:
            self._resume = gc.isenabled()
            gc.disable()
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if self._holding == 0 and self._resume:
                gc.enable()
