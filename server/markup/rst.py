"""reStructuredText: prose from the docutils document tree, placed back in the source.

docutils parses the document (no file is ever included, nothing raw is read) and
its tree says what is prose: paragraphs, titles, terms, directives' text (a note's
body). Literal and doctest blocks, comments, targets, substitution definitions,
unknown directives (Sphinx's ``automodule``) and math never are; inline literals,
roles (``:func:``), footnote and citation references stand as the placeholder noun;
a link's text is prose, its target is not.

The tree has line numbers but no columns, so each run of text is found in the
source: from where the previous one was found, within the lines of its paragraph.
Text docutils changed (an escape, a tab) is not found and goes unmapped, which
costs a finding at worst, never a wrong position.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from docutils import frontend, nodes, utils
from docutils.parsers.rst import Parser

from prosewise.agents.model import Block, BlockKind
from prosewise.server.lineindex import LINE_BREAK
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.guard import never_raises

SKIPPED = (nodes.system_message, nodes.literal_block, nodes.doctest_block, nodes.comment,
           nodes.target, nodes.raw, nodes.substitution_definition, nodes.math_block,
           nodes.field_name, nodes.image, nodes.pending, nodes.option_string, nodes.citation)
"""Nodes with no prose in them (a citation is a bibliography entry)."""
NOUNS = (nodes.literal, nodes.problematic, nodes.title_reference, nodes.math,
         nodes.footnote_reference, nodes.citation_reference, nodes.substitution_reference)
"""Inline nodes that stand for a noun: code, roles, references by label."""
CONTAINERS = (nodes.paragraph, nodes.title, nodes.subtitle, nodes.term, nodes.rubric,
              nodes.caption, nodes.line, nodes.attribution)
"""Nodes whose text is one block."""


@never_raises("reStructuredText")
def extract_rst(text: str) -> tuple[Block, ...]:
    """One block per paragraph, title or term, in document order."""
    return _extract(text)


@functools.lru_cache(maxsize=16)
def _extract(text: str) -> tuple[Block, ...]:
    document = utils.new_document("<prosewise>", _settings())
    Parser().parse(text, document)
    reader = _Reader(text, [0, *(m.end() for m in LINE_BREAK.finditer(text))])
    reader.walk(document, BlockKind.PARAGRAPH)
    return tuple(reader.blocks)


@functools.cache
def _settings() -> frontend.Values:
    """Quiet, and safe: no ``include`` of other files, no raw HTML or LaTeX."""
    settings = frontend.get_default_settings(Parser)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = False
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    return settings


@dataclass
class _Reader:
    doc: str
    line_starts: list[int]
    blocks: list[Block] = field(default_factory=list)
    cursor: int = 0
    """Where the next run of text is looked for: after the last one found."""

    def walk(self, node: nodes.Node, kind: BlockKind) -> None:
        if isinstance(node, SKIPPED):
            return
        if isinstance(node, CONTAINERS):
            self.block(node, BlockKind.HEADING if isinstance(node, nodes.title) else kind)
            return
        if isinstance(node, nodes.list_item | nodes.definition_list_item):
            kind = BlockKind.LIST_ITEM
        elif isinstance(node, nodes.block_quote):
            kind = BlockKind.QUOTE
        elif isinstance(node, nodes.entry):
            kind = BlockKind.TABLE_CELL
        for child in node.children:
            self.walk(child, kind)

    def block(self, node: nodes.Element, kind: BlockKind) -> None:
        builder = BlockBuilder(self.doc, kind)
        limit = self.region(node)
        self.inline(node, builder, limit)
        if (block := builder.build()) is not None:
            self.blocks.append(block)

    def region(self, node: nodes.Element) -> int:
        """Moves the cursor to the node's first line; returns where its lines end."""
        line = node.line or (node.parent.line if node.parent is not None else None)
        if not line:
            return len(self.doc)
        count = str(node.rawsource).count("\n") + 1
        first = max(0, min(line - 1 - count, len(self.line_starts) - 1))
        last = min(line + count, len(self.line_starts) - 1)
        self.cursor = max(self.cursor, self.line_starts[first])
        return len(self.doc) if last >= len(self.line_starts) - 1 else self.line_starts[last + 1]

    def inline(self, node: nodes.Node, builder: BlockBuilder, limit: int) -> None:
        for child in node.children:
            if isinstance(child, nodes.Text):
                self.text(str(child), builder, limit)
            elif isinstance(child, NOUNS):
                builder.placeholder()
            elif not isinstance(child, SKIPPED):
                self.inline(child, builder, limit)

    def text(self, text: str, builder: BlockBuilder, limit: int) -> None:
        """Each line of a text node, at its place in the source (escapes as typed)."""
        for i, line in enumerate(text.replace("\x00", "\\").split("\n")):
            if i:
                builder.text("\n", None)
            at = self.doc.find(line, self.cursor, limit) if line else -1
            if at < 0:
                builder.text(line.replace("\\", ""), None)
                continue
            self.cursor = at + len(line)
            for part in line.split("\\"):  # an escape's backslash is not text
                builder.text(part, at)
                at += len(part) + 1
