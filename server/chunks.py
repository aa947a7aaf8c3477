"""Cutting a document into chunks that can be extracted, checked and ranked alone.

Why: after a one-character edit only the chunk holding it changed, so the
pipeline re-extracts and re-ranks that chunk and takes every other one from its
cache, whatever the document's size. A chunk boundary is a blank line followed
by a line starting in column 0: in CommonMark nothing continues across that
(lists, quotes, paragraphs and tables all end there), except the constructs
protected below, which may hold blank lines: fenced code, ``$$`` math, raw HTML
of the kinds that end at a marker, and front matter. Reference definitions change
how text elsewhere parses: each chunk is read with the document's labels
(markup/references.py). Footnotes are moved and numbered across the document, so a
document with any is one chunk (correct, just not incremental).

``rechunk`` gives the same chunks as ``split`` in terms of the previous version's:
when the edit lies in one chunk and cannot reach beyond it, only that chunk is cut
again (a keystroke in a 100k-word document: 0.5 ms instead of 5 ms), and the
unchanged chunks stay the previous string objects.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from prosewise.server.markup import WHOLE_DOCUMENT, canonical
from prosewise.server.markup.frontmatter import front_matter_end, opens_front_matter
from prosewise.server.markup.latex_chunks import latex_cuts

_BOUNDARY = re.compile(r"\n(?:[ \t\r]*\n)+(?=\S)")
"""Blank line(s) then a line starting in column 0; the chunk starts at the match end."""
_CANDIDATE = re.compile(r"\n {0,3}[`~$<]")
"""Lines that may open a protected construct (a literal prefix: a fast scan)."""
_OPENER = re.compile(
    r"^ {0,3}(?:(?P<fence>`{3,}|~{3,})|(?P<math>\$\$)"
    r"|(?P<html><!--|<\?|<!\[CDATA\[|<![A-Za-z]|<(?:script|pre|style|textarea)\b))",
    re.MULTILINE | re.IGNORECASE,
)
_HTML_END = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}
_REACHING = re.compile(r"[`~$<>\[]")
"""Characters of every construct whose extent is not local (see ``_local``)."""
_TAIL = re.compile(r"\n(?:[ \t\r]*\n)+\Z")
"""How a chunk followed by another one ends (the blank lines of ``_BOUNDARY``)."""

Chunks = list[tuple[int, str]]
Edited = tuple[int, int]
"""Bounds of an edit between two texts: at least the first ``prefix`` and the last
``suffix`` characters of both are the same (the server knows them from its edits;
they may overlap when little changed)."""


def split(text: str, language: str) -> Chunks:
    """``(start, chunk)`` pairs covering ``text`` in order (concatenated they are ``text``)."""
    if (language == "markdown" and _non_local(text)) or canonical(language) in WHOLE_DOCUMENT:
        return [(0, text)] if text else []
    protected = _protected(text) if language == "markdown" else []
    if canonical(language) == "latex":
        starts = [0, *latex_cuts(text)]
    else:
        starts = [0, *(m.end() for m in _BOUNDARY.finditer(text))]
    if protected:
        starts = _outside(starts, protected)
    if language == "markdown" and ("\n---" in text or "\n+++" in text):
        starts = [s for s in starts if s == 0 or not _looks_like_front_matter(text, s)]
    ends = [*starts[1:], len(text)]
    return [(s, text[s:e]) for s, e in zip(starts, ends, strict=True) if e > s]


@dataclass(frozen=True)
class Rechunked:
    """The chunks of an edited text in terms of its previous version's: the first
    ``before`` and the last ``after`` previous chunks are unchanged (the latter moved
    by ``delta``), ``middle`` (text offsets) replaces the ones between."""

    before: int
    middle: Chunks
    after: int
    delta: int


def rechunk(starts: Sequence[int], chunks: Sequence[str], text: str,
            language: str, edited: Edited | None = None) -> Rechunked | None:
    """How ``split(text, language)`` differs from the previous version's chunks
    (``starts``, ``chunks``), when the edit is local (else None: split it all).
    ``edited`` bounds the edit, so the changed chunk is found by bisection instead of
    comparing every chunk (about 1 ms for a 100k-word document's 2,000 chunks)."""
    if not chunks:
        return None
    changed = _changed(starts, chunks, text, edited or _compared(starts, chunks, text))
    if changed is None or not _local(chunks, changed[0], changed[1], language):
        return None
    i, chunk = changed
    middle = [(starts[i] + s, c) for s, c in split(chunk, language)]
    return Rechunked(i, middle, len(chunks) - i - 1, len(chunk) - len(chunks[i]))


def _compared(starts: Sequence[int], chunks: Sequence[str], text: str) -> Edited:
    """The edit's bounds in whole chunks: the chunks ``text`` still holds in place at
    its start, and moved by the change in length at its end (compared without
    copying the text)."""
    i, n = 0, len(chunks)
    while i < n and text.startswith(chunks[i], starts[i]):
        i += 1
    old = starts[-1] + len(chunks[-1])
    if i == n:  # typed at the very end: the last chunk is a prefix of what follows
        return old, 0
    delta = len(text) - old
    j = n - 1
    while j > i and text.startswith(chunks[j], starts[j] + delta):
        j -= 1
    return starts[i], old - starts[j] - len(chunks[j])


def _changed(starts: Sequence[int], chunks: Sequence[str], text: str,
             edited: Edited) -> tuple[int, str] | None:
    """The one previous chunk the edit lies in, and what it became (None: the chunk
    holding the first character that may differ does not hold the last one)."""
    old = starts[-1] + len(chunks[-1])
    prefix = max(0, min(edited[0], old, len(text)))
    i = bisect_right(starts, prefix) - 1 if prefix < old else len(chunks) - 1
    last = max(prefix, old - edited[1] - 1)  # the last old character that may differ
    if last < old and bisect_right(starts, last) - 1 != i:
        return None
    start, end = starts[i], starts[i] + len(chunks[i]) + len(text) - old
    return (i, text[start:end]) if end >= start else None


def _local(chunks: Sequence[str], i: int, chunk: str, language: str) -> bool:
    """Whether replacing chunk ``i`` by ``chunk`` changes no chunk but that one.

    It must still start a chunk (non-space first character after the previous
    chunk's blank lines) and end with blank lines before the next one; in Markdown
    neither version may hold a character of a protected construct or a reference
    (those reach across blank lines, ``_REACHING``), nor be the first chunk or look
    like front matter. Boundaries inside it are then exactly those of ``split(chunk)``.
    """
    if i > 0 and (not chunk or chunk[0].isspace()):
        return False
    if i < len(chunks) - 1 and _TAIL.search(chunk) is None:
        return False
    if canonical(language) == "latex":
        return False  # where LaTeX may be cut depends on all that precedes (latex_chunks.py)
    if language != "markdown":
        return True
    return (i > 0 and not _REACHING.search(chunks[i]) and not _REACHING.search(chunk)
            and not opens_front_matter(chunk))


def _outside(starts: list[int], protected: list[tuple[int, int]]) -> list[int]:
    """The boundaries that fall inside no protected span."""
    kept: list[int] = []
    spans = iter(protected)
    span = next(spans, None)
    for at in starts:
        while span is not None and span[1] <= at:
            span = next(spans, None)
        if span is None or not span[0] < at < span[1]:
            kept.append(at)
    return kept


def _looks_like_front_matter(text: str, at: int) -> bool:
    """Whether a chunk starting at ``at`` would start with a front-matter opener: cut
    there, it would be read as a header (a thematic break and a setext heading, lost)."""
    if not text.startswith(("---", "+++"), at):
        return False
    line_end = text.find("\n", at)
    return opens_front_matter(text[at:len(text) if line_end < 0 else line_end + 1])


def _non_local(text: str) -> bool:
    """Whether the text may have footnotes (a substring test: a regex scan of a
    100k-word document costs milliseconds)."""
    return "[^" in text


def _openers(text: str, pos: int) -> re.Match[str] | None:
    """The next line from ``pos`` on that opens a protected construct."""
    if pos == 0 and (m := _OPENER.match(text)) is not None:
        return m
    for candidate in _CANDIDATE.finditer(text, max(0, pos - 1)):
        if (m := _OPENER.match(text, candidate.start() + 1)) is not None:
            return m
    return None


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans (sorted, disjoint) no chunk boundary may fall inside."""
    spans: list[tuple[int, int]] = []
    pos = 0
    if opens_front_matter(text):
        end = front_matter_end(text)  # never closed: protected to the end of the text,
        pos = len(text) if end is None else end  # so a closer typed later is no local edit
        spans.append((0, pos))
    while (m := _openers(text, pos)) is not None:
        end = _end_of(text, m)
        spans.append((m.start(), end))
        pos = max(end, m.end())
    return spans


def _end_of(text: str, m: re.Match[str]) -> int:
    """Where the construct opened by ``m`` ends (the end of the text if never closed)."""
    line_end = text.find("\n", m.end())
    after = len(text) if line_end < 0 else line_end + 1
    if (fence := m.group("fence")) is not None:
        closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$",
                            re.MULTILINE)
        found = closer.search(text, after)
    elif m.group("math") is not None:
        if "$$" in text[m.end():after]:
            return after
        found = re.compile(r"\$\$").search(text, after)
    else:
        opener = m.group("html")
        marker = _HTML_END.get(opener, ">" if opener.startswith("<!") else f"</{opener[1:]}>")
        found = re.compile(re.escape(marker), re.IGNORECASE).search(text, m.end())
    return len(text) if found is None else found.end()
