"""The decision log for people: one line per finding, what became of it and why.

``prosewise review --explain`` prints ``format_decisions``; a line reads
``12:5 grammar.agreement "has" shown (confidence 0.91: harper+lingotweaker agree)``.
Where the engines' agreement decided (``merge.agreement``), the line says so:
``... shown (...; shown: both engines flag this (right in 88% of 175 on the dev sets))``
or ``... suppressed (below the balanced threshold ...; hidden: only harper flags this,
and harper's rule SpellCheck alone is usually wrong here (right in 14% of 1109 ...))``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable

from prosewise.merge.model import Decision, Ranking

QUOTE_LIMIT = 40


def explain(ranking: Ranking, text: str | None = None) -> list[str]:
    """One line per decision in document order; positions are 1-based line:col when
    ``text`` is given, else code point offsets (``@12–15``)."""
    where = _line_col(text) if text is not None else _offsets
    ordered = sorted(ranking.decisions, key=lambda d: (d.finding.start, d.finding.end))
    return [describe(d, where(d)) for d in ordered]


def format_decisions(ranking: Ranking, text: str) -> list[str]:
    """The ``--explain`` lines for the document ``text`` the ranking was made for."""
    return explain(ranking, text)


def describe(decision: Decision, where: str) -> str:
    """``<where> <rule> "<quote>" <outcome> (<reason>)``."""
    f = decision.finding
    quote = f.text if len(f.text) <= QUOTE_LIMIT else f.text[:QUOTE_LIMIT - 1] + "…"
    quoted = json.dumps(quote, ensure_ascii=False)
    return f"{where} {f.rule} {quoted} {decision.outcome} ({decision.reason})"


def _offsets(decision: Decision) -> str:
    return f"@{decision.finding.start}–{decision.finding.end}"


def _line_col(text: str) -> Callable[[Decision], str]:
    """Maps a decision to the 1-based line:col (code points) where its finding starts."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def where(decision: Decision) -> str:
        offset = decision.finding.start
        line = bisect_right(starts, offset) - 1
        return f"{line + 1}:{offset - starts[line] + 1}"

    return where
