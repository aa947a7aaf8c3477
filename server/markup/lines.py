"""Line tables: from markdown-it's line numbers and inline content to document offsets.

markdown-it normalises line endings (CRLF and CR become LF) and NUL characters
before parsing, and strips container markers (``> ``, list bullets, indentation)
from each line of a paragraph's ``content``. Line numbers survive all of that,
and within a line a content line is a suffix of the source line, so positions
are mapped line by line: (line, column) → original document offset.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from markdown_it.common.utils import MD_TRIM_CHARS

from prosewise.server.lineindex import LINE_BREAK


@dataclass(frozen=True)
class DocLines:
    """The document's lines: normalised text (as markdown-it sees it) and original offsets."""

    lines: tuple[str, ...]
    starts: tuple[int, ...]
    """Original offset where each line starts."""
    newlines: tuple[int, ...]
    """Original offset of the ``\\n`` ending each line, -1 when there is none (CR or EOF)."""

    @classmethod
    def of(cls, text: str) -> DocLines:
        """Split ``text`` the way markdown-it's ``normalize`` rule does."""
        lines: list[str] = []
        starts: list[int] = [0]
        newlines: list[int] = []
        for m in LINE_BREAK.finditer(text):
            lines.append(text[starts[-1]:m.start()])
            newlines.append(m.end() - 1 if m.group() != "\r" else -1)
            starts.append(m.end())
        lines.append(text[starts[-1]:])
        newlines.append(-1)
        if "\0" in text:
            lines = [line.replace("\0", "\ufffd") for line in lines]
        return cls(lines=tuple(lines), starts=tuple(starts), newlines=tuple(newlines))

    def source(self, blank: int = 0) -> str:
        """The normalised source for markdown-it, the first ``blank`` lines emptied."""
        return "\n" * blank + "\n".join(self.lines[blank:])


@dataclass(frozen=True)
class ContentMap:
    """Maps positions in one inline token's ``content`` to document offsets."""

    doc: DocLines
    first_line: int
    content_starts: tuple[int, ...]
    """Where each content line starts in ``content``."""
    columns: tuple[int, ...]
    """Source column of each content line's first real character; -1 if not found."""
    skips: tuple[int, ...]
    """Leading characters of each content line that are not in the source (tab expansion)."""

    def offset(self, start: int, end: int) -> int | None:
        """Document offset of ``content[start:end]`` (one line, no newline) or None."""
        k = bisect_right(self.content_starts, start) - 1
        col = start - self.content_starts[k]
        nxt = self.content_starts[k + 1] if k + 1 < len(self.content_starts) else None
        if self.columns[k] < 0 or col < self.skips[k] or (nxt is not None and end >= nxt):
            return None
        line = self.first_line + k
        return self.doc.starts[line] + self.columns[k] + col - self.skips[k]

    def newline(self, at: int) -> int | None:
        """Document offset of the ``\\n`` that ends the content line holding ``at``."""
        k = bisect_right(self.content_starts, at) - 1
        line = self.first_line + k
        if line >= len(self.doc.newlines):
            return None
        found = self.doc.newlines[line]
        return found if found >= 0 else None


def content_map(
    content: str, doc: DocLines, first_line: int, column: int | None = None
) -> ContentMap:
    """Locate each line of an inline token's ``content`` in its source lines.

    With ``column``, the (single-line) content is searched from there instead:
    table cells share a row, an ATX heading may end in ``#``s.
    """
    parts = content.split("\n")
    starts: list[int] = []
    columns: list[int] = []
    skips: list[int] = []
    at = 0
    last = len(parts) - 1
    for k, part in enumerate(parts):
        line = first_line + k
        source = doc.lines[line] if 0 <= line < len(doc.lines) else ""
        if column is not None and k == 0:
            col, skip = (source.find(part, column) if part else -1), 0
        else:
            col, skip = _locate_line(part, source, last=k == last)
        starts.append(at)
        columns.append(col)
        skips.append(skip)
        at += len(part) + 1
    return ContentMap(doc=doc, first_line=first_line, content_starts=tuple(starts),
                      columns=tuple(columns), skips=tuple(skips))


def _locate_line(part: str, source: str, *, last: bool) -> tuple[int, int]:
    """(column of ``part``'s first real character in ``source``, count of invented ones).

    A content line is the tail of its source line, except that the last one lost
    its trailing blanks and a line whose indentation was a partly used tab gained
    leading spaces.
    """
    tails = (source, source.rstrip(MD_TRIM_CHARS)) if last else (source,)
    bare = part.lstrip(" ")
    for tail in tails:
        if tail.endswith(part):
            return len(tail) - len(part), 0
        if bare != part and tail.endswith(bare):
            return len(tail) - len(bare), len(part) - len(bare)
    return -1, 0
