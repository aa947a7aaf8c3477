"""The fixes a suggestion offers: no repeats, and spelling alternatives in a useful order.

Engines pad fixes differently (harper offers both ``they're`` and ``they're `` for
"their"), and merging two engines' lists repeats them further; a writer should read
each distinct fix once. A speller's list runs long and is ordered by each dictionary's
own measure (``park alot`` → ``parka lot`` first): the fix closest to what was
typed is the likeliest meant, and past three alternatives none is.
"""

from __future__ import annotations

from dataclasses import replace

from prosewise.agents.model import Finding, Replacement

SPELLING_RULE = "grammar.spelling"
MAX_SPELLING = 3
"""Spelling alternatives offered at most."""
WINDOW = 4
"""Spelling alternatives reordered by edit distance: the engines' first four. On the
dev sets, first fixes that were the reference's: learner +1, native Wikipedia +5 of
285, web text ±0; the whole list, case ignored, lost 1 to 2 on learner text."""


def tidy(finding: Finding) -> Finding:
    """The finding with each distinct fix once (spaces normalised, the plainest kept
    in the first one's place) and, for spelling, the closest three alternatives."""
    fixes = distinct(finding.text, finding.replacements)
    if finding.rule == SPELLING_RULE:
        fixes = closest(finding.text, fixes)[:MAX_SPELLING]
    return finding if fixes == finding.replacements else replace(finding, replacements=fixes)


def distinct(quoted: str, fixes: tuple[Replacement, ...]) -> tuple[Replacement, ...]:
    """Fixes whose resulting text differs once runs of spaces are collapsed and the ends
    trimmed; of equal ones, the shortest (fewest stray spaces) at the first one's place."""
    kept: dict[str, Replacement] = {}
    for r in fixes:
        new = r.apply(quoted)
        key = " ".join(new.split()) or new  # a fix made of spaces only is kept as it is
        old = kept.get(key)
        if old is None or len(new) < len(old.apply(quoted)):
            kept[key] = r
    return tuple(kept.values())


def closest(quoted: str, fixes: tuple[Replacement, ...]) -> tuple[Replacement, ...]:
    """The engines' first ``WINDOW`` fixes by edit distance to the quoted text (case
    counts: ``tha`` → ``the`` before ``THA``), their order kept among equals; the rest
    after them as they came: ``park alot`` → ``park a lot`` (a space typed) before
    ``parka lot``. Farther down, a speller's list is a dictionary's near neighbours,
    which no writer meant (``definelty`` → ``definest``)."""
    head = sorted(fixes[:WINDOW], key=lambda r: distance(quoted, r.apply(quoted)))
    return (*head, *fixes[WINDOW:])


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbouring letters) from ``a`` to
    ``b``. Moving a space is two edits: ``park alot`` is one from ``park a lot`` (a
    space typed) and two from ``parka lot``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]
                    and " " not in a[i - 2:i]):
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]
