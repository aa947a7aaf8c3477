"""LaTeX: the prose of the document body, read through pylatexenc's LatexWalker.

Only what a reader reads as sentences is checked. The preamble, comments, math,
verbatim and code environments and the arguments of commands that are not prose
(``\\label``, ``\\usepackage``, ``\\includegraphics``) produce no text; references,
citations, URLs and inline code stand as a placeholder noun, so "see \\ref{x}." is
still a sentence; headings, captions and footnotes are blocks of their own; the
arguments of ``\\emph`` and other unknown commands are prose in place. A paragraph
ends at a blank line, as in TeX. The walker gives every node's position in the
document, so each run of prose is a segment at its exact offset.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
    LatexWalker,
)

from prosewise.agents.markup_settings import LatexSettings
from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup import latex_context as ctx
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.guard import never_raises

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
_LINE_END = re.compile(r"[ \t]*\r?\n")
_SPECIALS = {"~": " ", "``": "\u201c", "''": "\u201d", "--": "\u2013", "---": "\u2014",
             "!`": "¡", "?`": "¿"}
_DEFAULT = LatexSettings()


@never_raises("LaTeX")
def extract_latex(text: str, options: LatexSettings = _DEFAULT) -> tuple[Block, ...]:
    """Prose blocks of a LaTeX document (or of a file ``\\input`` by one), in order."""
    return _extract(text, options)


@functools.lru_cache(maxsize=16)
def _extract(text: str, options: LatexSettings) -> tuple[Block, ...]:
    """Parse once and read the body (remembered per text, as for Markdown)."""
    walker = LatexWalker(text, latex_context=ctx.context(options), tolerant_parsing=True)
    nodes = walker.get_latex_nodes()[0]
    reader = _Reader(text, ctx.roles(options))
    reader.nodes(_body(nodes, text))
    reader.flush()
    return tuple(sorted(reader.blocks, key=lambda b: b.doc_start))


def _body(nodes: list[Any], text: str) -> list[Any]:
    """The nodes of the ``document`` environment; in a file without one (a chapter, or
    the last chunk of a document), those before a stray ``\\end{document}`` (which the
    parser passes over in silence, leaving a gap)."""
    end = 0
    for i, node in enumerate(nodes):
        if isinstance(node, LatexEnvironmentNode) and node.environmentname == "document":
            return list(node.nodelist)
        if "\\end{document}" in text[end:node.pos]:
            return nodes[:i]
        end = node.pos + node.len
    return nodes


@dataclass
class _Reader:
    """Walks the nodes, feeding the current block; block-level structure flushes it."""

    doc: str
    roles: ctx.Roles
    blocks: list[Block] = field(default_factory=list)
    kind: BlockKind = BlockKind.PARAGRAPH
    builder: BlockBuilder = field(init=False)
    line_start: bool = False
    """Just after a comment, which ends with its line: a blank line may follow."""

    def __post_init__(self) -> None:
        self.builder = BlockBuilder(self.doc, self.kind)

    def flush(self) -> None:
        """End the current block (kept if it holds prose) and start a new one."""
        block = self.builder.trim().build()
        if block is not None:
            self.blocks.append(block)
        self.builder = BlockBuilder(self.doc, self.kind)

    @contextmanager
    def block(self, kind: BlockKind, *, aside: bool = False) -> Iterator[None]:
        """Read into a block of ``kind``: after the current one (flushed), or ``aside``
        of it (a footnote, which the sentence around it goes on after)."""
        outer_kind, outer = self.kind, self.builder
        if not aside:
            self.flush()
        self.kind = kind
        self.builder = BlockBuilder(self.doc, kind)
        yield
        self.flush()
        self.kind = outer_kind
        self.builder = outer if aside else BlockBuilder(self.doc, outer_kind)

    def nodes(self, nodes: Iterable[Any]) -> None:
        for node in nodes:
            if node is not None:
                self.node(node)

    def node(self, node: Any) -> None:
        after_comment, self.line_start = self.line_start, False
        if isinstance(node, LatexCharsNode):
            self.chars(node.chars, node.pos, after_comment=after_comment)
        elif isinstance(node, LatexCommentNode):
            self.line_start = True
        elif isinstance(node, LatexGroupNode):
            self.nodes(node.nodelist)
        elif isinstance(node, LatexMathNode):
            self.builder.placeholder()
        elif isinstance(node, LatexSpecialsNode):
            self.specials(node.specials_chars)
        elif isinstance(node, LatexMacroNode):
            self.macro(node)
        elif isinstance(node, LatexEnvironmentNode):
            self.environment(node)

    def chars(self, chars: str, pos: int, *, after_comment: bool) -> None:
        """Prose, cut into paragraphs at blank lines (a comment's line may be the first)."""
        if after_comment and (m := _LINE_END.match(chars)) is not None:
            self.flush()
            chars, pos = chars[m.end():], pos + m.end()
        at = 0
        for m in _PARAGRAPH_BREAK.finditer(chars):
            self.builder.text(chars[at:m.start()], pos + at)
            self.flush()
            at = m.end()
        self.builder.text(chars[at:], pos + at)

    def specials(self, chars: str) -> None:
        if chars == "&" and self.kind is BlockKind.TABLE_CELL:
            self.flush()
        else:
            self.builder.text(_SPECIALS.get(chars, chars), None)

    def macro(self, node: Any) -> None:
        name = node.macroname
        args = _braced(node)
        if name in self.roles.dropped:
            return
        if name in self.roles.nouns:
            self.builder.placeholder()
        elif name in ctx.HEADINGS or name in ctx.SIDE_BLOCKS:
            if args:
                kind = BlockKind.HEADING if name in ctx.HEADINGS else BlockKind.PARAGRAPH
                with self.block(kind, aside=name in ctx.SIDE_BLOCKS and name != "caption"):
                    self.node(args[-1])
        elif name == "item":
            self.flush()
        elif name in ctx.LINE_BREAKS:
            self.line_break(name)
        elif name in ctx.TEXT:
            self.builder.text(ctx.TEXT[name], None)
        elif name in ctx.ACCENTS:
            self.builder.text(_latex2text().nodelist_to_text([node]), None)
        elif name in ctx.PROSE_ARGUMENT:
            index = ctx.PROSE_ARGUMENT[name]
            if index < len(args):
                self.node(args[index])
        else:
            self.nodes(args)

    def line_break(self, name: str) -> None:
        """``\\\\`` ends a table row; ``\\par`` a paragraph; elsewhere a line break."""
        if name == "par" or self.kind is BlockKind.TABLE_CELL:
            self.flush()
        else:
            self.builder.text("\n", None)

    def environment(self, node: Any) -> None:
        name = node.environmentname
        if name in ctx.MATH_ENVIRONMENTS:
            self.builder.placeholder()
        elif name in self.roles.verbatim:
            self.flush()
        elif name in ctx.LISTS:
            with self.block(BlockKind.LIST_ITEM):
                self.nodes(node.nodelist)
        elif name in ctx.QUOTES:
            with self.block(BlockKind.QUOTE):
                self.nodes(node.nodelist)
        elif name in ctx.TABLES:
            with self.block(BlockKind.TABLE_CELL):
                self.nodes(node.nodelist)
        else:
            with self.block(self.kind):
                self.nodes(node.nodelist)


def _braced(node: Any) -> list[Any]:
    """A command's arguments in braces (optional ones, in brackets, are never prose)."""
    argd = node.nodeargd
    if argd is None or not getattr(argd, "argnlist", None):
        return []
    return [a for a in argd.argnlist
            if isinstance(a, LatexGroupNode) and a.delimiters == ("{", "}")]


@functools.cache
def _latex2text() -> LatexNodes2Text:
    return LatexNodes2Text()
