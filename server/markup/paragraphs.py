"""Paragraphs of line-based markup (AsciiDoc, Org): lines in, blocks out.

Each format's reader decides, line by line, what is prose and what kind of block it
starts; this module keeps the open block and reads the inline markup of each prose
line with one pattern per format. The pattern's alternatives say what a match is:
a group named ``keep…`` holds prose (a link's text, bold words: read again with the
same pattern), one named ``aside…`` holds prose read as a block of its own after the
paragraph (a footnote's text), a match with a group named ``drop…`` vanishes (an
anchor), any other match is code, math or a target and stands as the placeholder noun.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from prosewise.agents.model import Block, BlockKind
from prosewise.server.lineindex import LINE_BREAK
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.codewords import Line


def lines(text: str) -> Iterator[Line]:
    """The document's lines without their line endings (CRLF, CR or LF)."""
    start = 0
    for m in LINE_BREAK.finditer(text):
        yield Line(text[start:m.start()], start)
        start = m.end()
    if start < len(text):
        yield Line(text[start:], start)


Aside = tuple[str, int]
"""Text to read as a block of its own, and where it starts."""


def feed(builder: BlockBuilder, text: str, start: int, inline: re.Pattern[str],
         asides: list[Aside] | None = None) -> None:
    """Append ``text`` (document text at ``start``) read with the ``inline`` pattern;
    asides go to ``asides``."""
    at = 0
    for m in inline.finditer(text):
        if m.end() == m.start():
            continue
        builder.text(text[at:m.start()], start + at)
        found = {name: value for name, value in m.groupdict().items() if value is not None}
        keep = next((name for name in found if name.startswith("keep")), None)
        aside = next((name for name in found if name.startswith("aside")), None)
        if keep is not None:
            feed(builder, found[keep], start + m.start(keep), inline, asides)
        elif aside is not None:
            if asides is not None:
                asides.append((found[aside], start + m.start(aside)))
        elif not any(name.startswith("drop") for name in found):
            builder.placeholder()
        at = m.end()
    builder.text(text[at:], start + at)


@dataclass
class Paragraphs:
    """The blocks read so far and the one still open."""

    doc: str
    inline: re.Pattern[str]
    blocks: list[Block] = field(default_factory=list)
    builder: BlockBuilder | None = None
    asides: list[Aside] = field(default_factory=list)
    """The asides of the open block (its footnotes), read when it closes."""

    @property
    def open(self) -> bool:
        """Whether a block is open (the next prose line may continue it)."""
        return self.builder is not None

    def add(self, text: str, start: int, kind: BlockKind | None = None) -> None:
        """One line of prose at ``start``: with a ``kind`` it begins a block of that
        kind, without one it continues the open block (or begins a paragraph)."""
        if kind is not None or self.builder is None:
            self.close()
            self.builder = BlockBuilder(self.doc, kind or BlockKind.PARAGRAPH)
        else:
            self.builder.text("\n", None)
        lead = len(text) - len(text.lstrip())
        feed(self.builder, text.strip(), start + lead, self.inline, self.asides)

    def close(self) -> None:
        """End the open block (a blank line, a heading, skipped markup)."""
        if self.builder is not None and (block := self.builder.trim().build()) is not None:
            self.blocks.append(block)
        self.builder = None
        for text, start in self.asides:
            builder = BlockBuilder(self.doc)
            feed(builder, text, start, self.inline)
            if (block := builder.trim().build()) is not None:
                self.blocks.append(block)
        self.asides.clear()
