"""House-rule patterns under a time limit.

A house rule's ``pattern`` comes from a file in the workspace, so it may be written
badly or with ill intent: ``(a|aa)+$`` against a line of 40 ``a``s and a ``b``
backtracks for hours. Python's ``re`` cannot be interrupted, so house patterns are
compiled with the ``regex`` package (the same syntax, lookarounds included; RE2 has
none, and the built-in phrase tables need them) and matched with its ``timeout``.
A pattern that runs over the limit is switched off for the rest of the session
(until its file changes): one slow rule must not make every keystroke slow. The
built-in rules are ours and tested, so they keep ``re``.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

PATTERN_TIME_LIMIT = 0.1
"""Seconds one house rule may spend on one paragraph. Real rules take microseconds
(a word list on a 300 KB table: about 2 ms), so a pattern over this has run away."""


@dataclass(eq=False)
class TimedPattern:
    """A compiled house-rule pattern that gives up, and stays off, past its time limit."""

    compiled: regex.Pattern[str]
    limit: float = PATTERN_TIME_LIMIT
    timed_out: bool = False
    """Set once a match ran over ``limit``: the rule finds nothing from then on."""

    @classmethod
    def compile(cls, source: str, limit: float = PATTERN_TIME_LIMIT) -> TimedPattern:
        """Compile case-insensitively, as the built-in rules are; raises ``regex.error``."""
        return cls(regex.compile(source, regex.IGNORECASE | regex.VERSION0), limit)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every non-empty match in ``text``, or none at all once over the limit.

        All or nothing: the matches found before the limit are dropped too, so a
        paragraph's findings do not depend on how busy the machine was.
        """
        if self.timed_out:
            return []
        try:
            return [m.span() for m in self.compiled.finditer(text, timeout=self.limit)
                    if m.end() > m.start()]
        except TimeoutError:
            self.timed_out = True
            return []
