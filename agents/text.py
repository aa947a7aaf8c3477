"""Sentence and word spans in a block of prose, shared by the agents and the ranking."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "cf", "al",
    "fig", "no", "vol", "approx", "inc", "ltd", "co", "corp", "dept", "est", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
])
_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+|$)""")
_NEXT = re.compile(r"\s*(\S)")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")

LONGEST_TOKEN = 64
"""The longest run without white space that is still prose (the longest English words
are about 45 letters). Longer runs are data: a base64 data URI, a hash, a minified
line. harper's speller allocates memory that grows with the square of a word's
length (2,000 characters: 670 MB; 100,000: an abort that kills the process)."""
UNBROKEN = re.compile(rf"\S{{{LONGEST_TOKEN + 1},}}")
"""A run of non-space characters longer than ``LONGEST_TOKEN``."""


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text`` (stripped of surrounding space).

    A rule-based splitter: ends at . ! ? … unless the word before is a known
    abbreviation, a single initial, or the next word starts in lower case.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if not _is_boundary(text, m.start(), m.end()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[1] > s[0]]


def _is_boundary(text: str, dot: int, after: int) -> bool:
    if text[dot] != ".":
        return True
    begin = dot  # scan back, not text[:dot]: copying the prefix made long texts quadratic
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    token = text[begin:dot].lower().strip("(\"'")
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    nxt = _NEXT.match(text, after)
    return nxt is None or not nxt.group(1).islower()


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def words(text: str) -> list[tuple[int, int]]:
    """Spans of the words (letters, digits, inner apostrophes and hyphens)."""
    return [m.span() for m in _WORD.finditer(text)]


def word_count(text: str) -> int:
    """How many words ``text`` has."""
    return len(_WORD.findall(text))


def match_case(template: str, replacement: str) -> str:
    """``replacement`` in the case of ``template``: 'In order to' → 'To'."""
    if not replacement or not template:
        return replacement
    if template.isupper() and len(template) > 1:
        return replacement.upper()
    if template[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def lead_in(text: str, i: int, marks: frozenset[str], *, within_line: bool = False) -> int:
    """Where the white space and ``marks`` (opening quotes, brackets ...) just before ``i``
    begin: ``text[j - 1]`` is what the word at ``i`` follows (nothing when ``j`` is 0).
    ``within_line``: a line break ends the run (``text[j - 1]`` is then the break).

    The shared step of the agents' sentence-start questions, which differ in their
    marks and in what counts as an end: does the position explain a capital (grammar's
    name test), does a deletion leave the next word to open a sentence (tidy_deletions),
    is a match inside a sentence (tone's name test).
    """
    j = i
    while j > 0 and (text[j - 1] in marks or text[j - 1].isspace()) and not (
            within_line and text[j - 1] == "\n"):
        j -= 1
    return j


def word_at(text: str, i: int) -> int | None:
    """End of the word starting exactly at ``i``, or None if no word starts there."""
    m = _WORD.match(text, i)
    return m.end() if m else None


_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Estimated syllables of an English word (vowel groups, silent final e).

    Why not textstat: its English counter loads NLTK's cmudict and downloads it
    over the network on first use; readability must work offline.
    """
    w = word.lower().strip("'’")
    n = len(_VOWELS.findall(w))
    if n > 1 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        n -= 1
    if n > 1 and w.endswith(("es", "ed")) and not w.endswith(
        ("ted", "ded", "ses", "zes", "ces", "ges", "xes", "ches", "shes")
    ):
        n -= 1
    return max(1, n)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` read as one sentence (0 for no words)."""
    found = _WORD.findall(text)
    if not found:
        return 0.0
    per_word = sum(map(syllables, found)) / len(found)
    return 0.39 * len(found) + 11.8 * per_word - 15.59
