"""Line starts of one text: code point offsets ↔ (line, column), for every front.

Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as in LSP and as markdown-it reads them
(``str.splitlines`` also splits on U+2028, form feeds ...). A bisect over the line
starts keeps conversions cheap on 100k-word documents, and after an edit only the
edited lines are scanned again. Columns count in the units a front asks for: UTF-16
(the LSP default), UTF-8, or code points (UTF-32: the CLI's columns). The LSP types
are added in server/lsp/convert.py; the CLI uses this module without them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from enum import Enum
from typing import Self

UTF8, UTF16, CODE_POINTS = "utf-8", "utf-16", "utf-32"
"""Column units, named as LSP's ``PositionEncodingKind`` values."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What ends a line, for every front and for markdown-it (server/markup/lines.py)."""


class LineIndex:
    """Line starts of one text; ``encoding`` is the column unit (see the module)."""

    def __init__(self, text: str, encoding: str = UTF16, starts: list[int] | None = None) -> None:
        self.text = text
        self.encoding: str = encoding.value if isinstance(encoding, Enum) else encoding
        self.starts = starts if starts is not None else [
            0, *(m.end() for m in LINE_BREAK.finditer(text))]
        self.ascii = text.isascii()
        """Then a code point is one unit in every encoding: columns are differences of
        offsets, with no slice of the line to encode (on a 200,000-character line, each
        conversion encoded up to the whole line, and a hover walked it)."""

    def edited(self, start: int, end: int, new: str, text: str) -> Self:
        """The index of ``text``, which is this text with ``[start, end)`` replaced by
        ``new``: only the edited lines are scanned again (a full scan of a 100k-word
        document takes 5 ms, too much per keystroke). An edit that inserts a carriage
        return or follows one (it may pair with a line feed across the edit) takes the
        full scan."""
        old = self.text
        if "\r" in new or old[max(0, start - 1):start] == "\r":
            return type(self)(text, self.encoding)
        first, last = self.line_of(start), self.line_of(end)
        delta = len(new) - (end - start)
        tail = [s + delta for s in self.starts[last + 1:]]
        stop = tail[0] if tail else len(text) + 1
        middle = [m.end() for m in LINE_BREAK.finditer(text, self.starts[first], stop)
                  if m.end() < stop]
        return type(self)(text, self.encoding, [*self.starts[:first + 1], *middle, *tail])

    def units(self, chunk: str) -> int:
        """How many column units ``chunk`` takes."""
        if self.encoding == UTF8:
            return len(chunk.encode("utf-8", "surrogatepass"))
        if self.encoding == CODE_POINTS:
            return len(chunk)
        return len(chunk.encode("utf-16-le", "surrogatepass")) // 2

    def line_end(self, line: int) -> int:
        """Offset of the line's end, before its line break."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            return end - (2 if self.text[end - 2:end] == "\r\n" else 1)
        return len(self.text)

    def line_of(self, offset: int) -> int:
        """The line holding a code point offset (clamped to the text)."""
        return bisect_right(self.starts, max(0, min(offset, len(self.text)))) - 1

    def line_column(self, offset: int) -> tuple[int, int]:
        """0-based line and column (in units) of a code point offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, offset - start if self.ascii else self.units(self.text[start:offset])

    def offset_at(self, line: int, column: int) -> int:
        """The code point offset of a 0-based line and column (in units).

        Past the end of a line means the line's end; past the last line means the
        end of the text; a column inside a surrogate pair or a UTF-8 sequence rounds
        down to the character's start.
        """
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.line_end(line)
        if self.ascii or self.encoding == CODE_POINTS:
            return min(start + column, end)
        units = 0
        for i in range(start, end):
            units += self.units(self.text[i])
            if units > column:
                return i
        return end
