"""Markdown: prose blocks from markdown-it-py tokens, with exact offset maps.

Only prose is checked. Code (fenced, indented, inline), math, raw HTML, front
matter, URLs, link targets and reference definitions never reach the agents:
block-level ones produce no block, inline code and math become a placeholder
noun, and so do autolinks and bare URLs. Link text, emphasis content and image alt
text are prose. Every verbatim run of block text is a segment pointing at the
exact document offset it came from, so findings land where the writer typed.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.frontmatter import front_matter_end
from prosewise.server.markup.guard import never_raises
from prosewise.server.markup.inline import span_of
from prosewise.server.markup.lines import ContentMap, DocLines, content_map
from prosewise.server.markup.parser import markdown_parser
from prosewise.server.markup.references import Labels, reference_env

_CONTAINERS = {"blockquote_open": BlockKind.QUOTE, "list_item_open": BlockKind.LIST_ITEM}
_CLOSERS = frozenset({"blockquote_close", "list_item_close"})
_OPENERS = {"heading_open": BlockKind.HEADING, "th_open": BlockKind.TABLE_CELL,
            "td_open": BlockKind.TABLE_CELL}
_CODE_LIKE = frozenset({"code_inline", "math_inline", "math_inline_double"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
_PIPE = re.compile(r"(?<!\\)\|")
_LINE_BREAK_TAG = re.compile(r"<br\b", re.IGNORECASE)


@never_raises("markdown")
def extract_markdown(text: str, labels: Labels = frozenset()) -> tuple[Block, ...]:
    """Prose blocks of a Markdown document (or chunk of one, ``labels`` being its
    document's reference labels: see references.py), in document order."""
    return _extract(text, labels)


@functools.lru_cache(maxsize=16)
def _extract(text: str, labels: Labels) -> tuple[Block, ...]:
    """Parse once (front matter blanked out, so line numbers still match) and map blocks.

    Remembered per text: the server asks again for an unchanged document (code
    actions, pull diagnostics), and blocks are immutable.
    """
    doc = DocLines.of(text)
    front = front_matter_end(text)
    blank = 0 if front is None else bisect_left(doc.starts, front)
    tokens = markdown_parser().parse(doc.source(blank=blank), reference_env(labels))
    blocks = [b for b in _blocks(text, doc, tokens) if b is not None]
    blocks.sort(key=lambda b: b.doc_start)  # footnote definitions are moved to the end
    return tuple(blocks)


def _blocks(text: str, doc: DocLines, tokens: Sequence[Token]) -> Iterator[Block | None]:
    """One block per inline token, its kind from the opener and the innermost container."""
    containers: list[BlockKind] = []
    row = (-1, 0)  # (line, column) reached in the current table row
    for i, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            containers.append(_CONTAINERS[token.type])
        elif token.type in _CLOSERS and containers:
            containers.pop()
        elif token.type == "inline" and token.map and token.children is not None and i:
            opener = tokens[i - 1]
            kind = _OPENERS.get(opener.type) or (containers[-1] if containers else None)
            cmap, row = _content_map(doc, token, opener, row)
            builder = BlockBuilder(doc=text, kind=kind or BlockKind.PARAGRAPH)
            _fill(builder, token.children, cmap)
            yield builder.build()


def _content_map(
    doc: DocLines, token: Token, opener: Token, row: tuple[int, int]
) -> tuple[ContentMap, tuple[int, int]]:
    """Where the inline content sits; table cells and ATX headings are searched by column."""
    line = token.map[0] if token.map else 0
    source = doc.lines[line] if line < len(doc.lines) else ""
    if opener.type in ("th_open", "td_open"):
        column = row[1] if row[0] == line else 0
        cmap = content_map(token.content, doc, line, column)
        if cmap.columns[0] >= 0:
            return cmap, (line, cmap.columns[0] + len(token.content))
        pipe = _PIPE.search(source, column + 1)  # an escaped pipe changed the text: skip the cell
        return cmap, (line, pipe.end() if pipe else len(source))
    if opener.type == "heading_open" and opener.markup.startswith("#"):
        column = len(source) - len(source.lstrip(" \t")) + len(opener.markup)
        return content_map(token.content, doc, line, column), row
    return content_map(token.content, doc, line), row


def _fill(builder: BlockBuilder, children: Sequence[Token], cmap: ContentMap) -> None:
    """Append the prose of inline ``children``; code, math and autolinks become placeholders."""
    skipping = False
    for token in children:
        kind = token.type
        if skipping:
            skipping = kind != "link_close"
        elif kind == "text" or kind == "text_special":
            span = span_of(token)
            verbatim = span is not None and (kind == "text" or token.content == token.markup)
            builder.text(token.content, cmap.offset(*span) if span and verbatim else None)
        elif kind in _BREAKS:
            span = span_of(token)
            builder.text("\n", cmap.newline(span[0]) if span else None)
        elif kind in _CODE_LIKE:
            builder.placeholder()
        elif kind == "link_open" and token.markup == "autolink":
            builder.placeholder()
            skipping = True
        elif kind == "image" and token.children:
            _fill(builder, token.children, cmap)
        elif kind == "html_inline" and _LINE_BREAK_TAG.match(token.content):
            builder.text("\n", None)  # keeps "one<br>two" two words
