"""What an engine is handed, and for how long: texts it can take, work it may do.

harper-py and lingotweaker are native code that trusts its input. One unbroken run of
100,000 characters made harper abort the whole process; a text without sentence ends
costs it time with the square of its length; a 300 KB log file kept lingotweaker busy
for half a minute. Every text goes to an engine through ``check_all``, in pieces it can
take and within a budget of CPU time.
"""

from __future__ import annotations

import time

from prosewise.agents.engines.engine import Engine
from prosewise.agents.engines.hits import EngineHit, Hits
from prosewise.agents.engines.units import Units
from prosewise.agents.settings import Dialect
from prosewise.agents.text import UNBROKEN

LONGEST_TEXT = 1_000
"""The most characters an engine gets in one call. A sentence is far shorter; a text
without sentence ends (a table row, a log file, one huge line) is cut at a line break
or a space: harper's time grows with the square of a text with no sentence end
(266,000 characters: 36 s in one call)."""
ENGINE_BUDGET = 10.0
"""CPU seconds one engine may spend on one block's unchecked text (one job). Past it
the rest of that text goes without the engine's hits, not cached, with a log line: a
paragraph takes milliseconds, a 300 KB log file with no paragraph breaks took
lingotweaker half a minute, during which nothing else could use it."""


def within(units: Units, run: tuple[int, int]) -> list[tuple[int, int]]:
    """A run of units cut at unit starts into runs of at most ``LONGEST_TEXT``
    characters, but for a unit longer than that alone (``pieces`` cuts it)."""
    out: list[tuple[int, int]] = []
    first, stop = run
    for i in range(first + 1, stop):
        if units.bounds[i + 1] - units.bounds[first] > LONGEST_TEXT:
            out.append((first, i))
            first = i
    out.append((first, stop))
    return out


def check_all(
    engine: Engine, texts: list[str], dialect: Dialect, words: tuple[str, ...]
) -> list[Hits | None]:
    """Each text's hits, until the job has used ``ENGINE_BUDGET`` of this thread's CPU
    time (not wall time: waiting for a busy machine is not the engine's cost); None
    for the texts after that."""
    out: list[Hits | None] = []
    deadline = time.thread_time() + ENGINE_BUDGET
    for text in texts:
        over = time.thread_time() > deadline
        out.append(None if over else check_guarded(engine, text, dialect, words))
    return out


def check_guarded(engine: Engine, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
    """The engine's hits on ``text``, handed over in pieces it can take (``pieces``):
    no run longer than any word (``UNBROKEN``; one of 100,000 characters makes harper
    abort the whole process) and nothing longer than ``LONGEST_TEXT``."""
    out: list[EngineHit] = []
    for start, end in pieces(text):
        out.extend(h.moved(start) for h in engine.hits(text[start:end], dialect, words))
    return tuple(out)


def pieces(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` to check one by one: the text between runs too long to be a
    word, cut where longer than ``LONGEST_TEXT`` (``_bounded``); blank ones left out."""
    if len(text) <= LONGEST_TEXT and UNBROKEN.search(text) is None:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    at = 0
    for run in [*(m.span() for m in UNBROKEN.finditer(text)), (len(text), len(text))]:
        spans.extend(_bounded(text, at, run[0]))
        at = run[1]
    return [(a, b) for a, b in spans if not text[a:b].isspace() and b > a]


def _bounded(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """``text[start:stop]`` in spans of at most ``LONGEST_TEXT``, each ending after a
    line break if one lies in its second half, else after its last space (runs without
    space are shorter than ``UNBROKEN``'s, so there is one)."""
    out: list[tuple[int, int]] = []
    while stop - start > LONGEST_TEXT:
        limit = start + LONGEST_TEXT
        cut = text.rfind("\n", start + LONGEST_TEXT // 2, limit)
        if cut < 0:
            cut = max(text.rfind(" ", start, limit), text.rfind("\t", start, limit))
        cut = cut + 1 if cut > start else limit
        out.append((start, cut))
        start = cut
    out.append((start, stop))
    return out
