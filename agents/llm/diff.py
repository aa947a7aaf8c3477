"""Grammar findings from a model's minimally corrected text, derived here.

The model only returns corrected text; where each change sits is computed locally by
a word-level diff against the original (a model's offsets are never trusted). Each
changed run of words becomes one finding whose span and replacement start and end on
words: an insertion or deletion takes in the word before it (or after it, at the
start), so "went store" → "went to the store" is one edit of "went".
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import NamedTuple

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Source

RULE = "grammar.llm"
SOURCE = Source.of("llm", "grammar")
MIN_KEPT = 0.5
"""Share of the original's tokens a correction must leave unchanged. Below it, the
model rewrote rather than corrected (or answered about something else): its edits are
not minimal fixes, and shown word by word they would be noise, so none are made."""
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")
"""A word (with inner apostrophes or hyphens: "don't", "well-known") or one other
non-space character: punctuation, a symbol, one code point of an emoji."""


class Token(NamedTuple):
    """A token and where it is in its text (code points)."""

    text: str
    start: int
    end: int


class _Change(NamedTuple):
    """Token ranges [i1, i2) of the original and [j1, j2) of the correction; whether
    only punctuation changed (judged before widening takes in a word)."""

    i1: int
    i2: int
    j1: int
    j2: int
    punctuation: bool


def tokens(text: str) -> list[Token]:
    """Words and single non-space characters, with their offsets; spaces are dropped, so
    changes of spacing alone are no findings."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def corrections(original: str, corrected: str) -> list[Finding]:
    """One finding per changed run of tokens; none for an unchanged text or a rewrite
    (fewer than MIN_KEPT of the original's tokens kept)."""
    a, b = tokens(original), tokens(corrected)
    if not a or not b:
        return []
    matcher = SequenceMatcher(None, [t.text for t in a], [t.text for t in b], autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    if kept < MIN_KEPT * len(a):
        return []
    changes = [_widened(_Change(i1, i2, j1, j2, _punctuation(a[i1:i2] + b[j1:j2])), len(a))
               for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    return [_finding(original, corrected, a, b, change) for change in _merged(changes)]


def _widened(change: _Change, length: int) -> _Change:
    """An insertion or deletion takes in the unchanged token before it (after it at the
    start), so both sides quote text and the edit is a plain replacement."""
    if change.i1 < change.i2 and change.j1 < change.j2:
        return change
    if change.i1 > 0:
        return change._replace(i1=change.i1 - 1, j1=change.j1 - 1)
    if change.i2 < length:
        return change._replace(i2=change.i2 + 1, j2=change.j2 + 1)
    return change


def _merged(changes: list[_Change]) -> list[_Change]:
    """Changes that widening made overlap ("X a Y", both taking in "a") become one."""
    out: list[_Change] = []
    for change in changes:
        if out and change.i1 < out[-1].i2:
            last = out.pop()
            change = _Change(last.i1, max(last.i2, change.i2), last.j1, max(last.j2, change.j2),
                             last.punctuation and change.punctuation)
        out.append(change)
    return out


def _finding(original: str, corrected: str, a: list[Token], b: list[Token],
             change: _Change) -> Finding:
    start, end = a[change.i1].start, a[change.i2 - 1].end
    value = corrected[b[change.j1].start:b[change.j2 - 1].end] if change.j1 < change.j2 else ""
    quoted = original[start:end]
    return Finding(
        agent=AgentName.GRAMMAR, rule=RULE,
        category=Category.PUNCTUATION if change.punctuation else Category.GRAMMAR,
        start=start, end=end, text=quoted,
        message=f"“{quoted}” may be wrong: try “{value}”." if value else f"Remove “{quoted}”.",
        replacements=(Replacement(value=value),), sources=(SOURCE,),
    )


def _punctuation(changed: list[Token]) -> bool:
    return all(unicodedata.category(t.text[0]).startswith("P") for t in changed)
