"""HTML: the prose of the text nodes, read with the standard library's parser.

Text inside ``<code>``, ``<pre>``, ``<script>``, ``<style>`` and their kind is never
read (inline code stands as the placeholder noun), nor are attribute values or
comments. Block elements (paragraphs, headings, list items, cells) end a block. The
parser is asked not to decode character references, so every text node it reports
is the document's own characters at the position it reports; references become
their character, unmapped. Whitespace is read as a browser shows it: a run with a
line break, or of several blanks, is one unmapped space.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.guard import never_raises

SKIPPED = frozenset({"script", "style", "pre", "textarea", "template", "svg", "math",
                     "noscript", "object", "iframe", "select", "canvas"})
"""Elements whose content is not prose."""
CODE = frozenset({"code", "kbd", "samp", "var", "tt"})
"""Inline code: one placeholder noun for the whole element."""
KINDS = {"h1": BlockKind.HEADING, "h2": BlockKind.HEADING, "h3": BlockKind.HEADING,
         "h4": BlockKind.HEADING, "h5": BlockKind.HEADING, "h6": BlockKind.HEADING,
         "title": BlockKind.HEADING, "li": BlockKind.LIST_ITEM, "dt": BlockKind.LIST_ITEM,
         "dd": BlockKind.LIST_ITEM, "td": BlockKind.TABLE_CELL, "th": BlockKind.TABLE_CELL,
         "blockquote": BlockKind.QUOTE}
BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "body",
    "html", "ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot", "caption",
    "figure", "figcaption", "details", "summary", "address", "form", "fieldset",
    "legend", "hr", "option", "button", "label", "center", *KINDS,
})
"""Elements that begin and end a block."""
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col",
                  "embed", "source", "track", "wbr"})
_SPACES = re.compile(r"\s*\n\s*|\s{2,}")
_ITEMS = frozenset({"li", "dt", "dd", "td", "th"})
_CONTAINERS = frozenset({"ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot"})


@never_raises("HTML")
def extract_html(text: str) -> list[Block]:
    """One block per paragraph-like element's run of text, in document order."""
    reader = _Reader(text)
    reader.feed(text)
    reader.close()
    reader.flush()
    return sorted(reader.blocks, key=lambda b: b.doc_start)


class _Reader(HTMLParser):
    """Feeds text nodes to the current block; block elements flush it."""

    def __init__(self, doc: str) -> None:
        super().__init__(convert_charrefs=False)
        self.doc = doc
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", doc))]
        self.blocks: list[Block] = []
        self.open: list[tuple[str, BlockKind]] = [("", BlockKind.PARAGRAPH)]
        """Open elements that give their blocks a kind (innermost last)."""
        self.skipping: list[str] = []
        """Open elements whose content is not read (innermost last)."""
        self.builder = BlockBuilder(doc)

    def flush(self) -> None:
        block = self.builder.trim().build()
        if block is not None:
            self.blocks.append(block)
        self.builder = BlockBuilder(self.doc, self.open[-1][1])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in SKIPPED or tag in CODE:
            if tag in CODE:
                self.builder.placeholder()
            self.skipping.append(tag)
        elif tag in VOID:
            self.handle_startendtag(tag, attrs)
        elif tag in BLOCKS:
            if tag in KINDS:
                if tag in _ITEMS and self.open[-1][0] in _ITEMS:  # </li> may be left out
                    self.open.pop()
                self.open.append((tag, KINDS[tag]))
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            return
        if tag == "br":
            self.builder.text("\n", None)
        elif tag in BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in BLOCKS:
            tags = [t for t, _ in self.open]
            if tag in tags:
                del self.open[tags.index(tag):]
            while tag in _CONTAINERS and self.open[-1][0] in _ITEMS:
                self.open.pop()
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        start = self.doc_offset()
        at = 0
        for m in _SPACES.finditer(data):
            self.builder.text(data[at:m.start()], start + at)
            self.builder.text(" ", None)
            at = m.end()
        self.builder.text(data[at:], start + at)

    def handle_entityref(self, name: str) -> None:
        self.reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.reference(f"&#{name};")

    def reference(self, ref: str) -> None:
        if not self.skipping:
            char = unescape(ref)
            self.builder.text(" " if char.isspace() else char, None)

    def doc_offset(self) -> int:
        """Document offset of the event being handled."""
        line, column = self.getpos()
        return self.line_starts[line - 1] + column if line - 1 < len(self.line_starts) else -1
