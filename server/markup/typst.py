"""Typst: the prose of markup, never code, math or raw text.

Read with Pygments' Typst lexer (maintained, already a dependency, and every token
has its exact offset; no parser on PyPI gives positions without fetching grammars at
run time). Its tokens say which mode the text is in: ``Text`` only occurs in markup.
On top, a stack of modes follows the brackets, so code (``#let``, ``#set``,
``#show``, ``#import`` lines, a call's arguments, ``#{…}``) is skipped while content
blocks in it (``#emph[…]``, ``caption: […]``) are read as prose. An inline
expression without content (``#x``, ``#lorem(20)``), math, raw text and references
(``@intro``) stand as the placeholder noun; comments and labels (``<intro>``) vanish.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import (
    Comment,
    Generic,
    Literal,
    Name,
    Punctuation,
    Text,
    _TokenType,
    is_token_subtype,
)

from prosewise.agents.model import Block, BlockKind
from prosewise.server.lineindex import LINE_BREAK
from prosewise.server.markup.builder import PLACEHOLDER, PLACEHOLDER_AFTER_A, BlockBuilder
from prosewise.server.markup.guard import never_raises
from prosewise.server.markup.paragraphs import feed

Token = tuple[int, _TokenType, str]

MARKUP, BRACKET, EXPR, STATEMENT, CODE, MATH = (
    "markup", "bracket", "expr", "statement", "code", "math")
"""Modes: prose (and prose inside a pair of plain brackets); an inline expression
(``#f(x)[…]``) or a statement (``#let …``) still open in markup; code inside
brackets; math."""
STRONG = re.compile(
    r"(?P<drop1>^=+[ \t]*|<[\w:.-]+>\s*$)|\*(?P<keep1>[^*\n]+)\*|_(?P<keep2>[^_\n]+)_"
    r"|`[^`]*`|\$[^$]*\$|@[\w:.-]*\w|#[\w.-]*\w(?:\([^)\n]*\))?")
"""Markup inside what the lexer gives as one token (a heading, a strong or emphasised
run), read as paragraphs.py reads inline markup."""
_BLANK = re.compile(r"\n[ \t]*\n")
_NAME_TAIL = re.compile(r"\S*")
_BULLETS = frozenset({"-", "+", "/"})


@never_raises("Typst")
def extract_typst(text: str) -> list[Block]:
    """One block per paragraph, heading or list item (content blocks join the text
    around them)."""
    reader = _Reader(text)
    for token in _tokens(text):
        reader.token(*token)
    reader.close()
    return reader.blocks


def _tokens(text: str) -> Iterator[Token]:
    """The lexer's tokens, a run of blank ones as one (a blank line is lexed as two). The
    lexer knows no CR: it reads a copy with each CR a blank (the same offsets)."""
    blank: Token | None = None
    lexed = text.replace("\r\n", " \n").replace("\r", "\n") if "\r" in text else text
    for at, kind, value in _lexer().get_tokens_unprocessed(lexed):
        if _of(kind, Text.Whitespace):
            blank = (blank[0], kind, blank[2] + value) if blank else (at, kind, value)
            continue
        if blank is not None:
            yield blank
            blank = None
        yield at, kind, value
    if blank is not None:
        yield blank


@functools.cache
def _lexer() -> Lexer:
    """Keeps the text as given: no tab expansion, no added final newline, no stripping
    (the offsets must be the document's)."""
    return get_lexer_by_name("typst", stripnl=False, stripall=False, ensurenl=False, tabsize=0)


def _of(kind: _TokenType, *types: _TokenType) -> bool:
    """Whether ``kind`` is one of ``types`` or a subtype of one."""
    return any(is_token_subtype(kind, t) for t in types)


@dataclass
class _Reader:
    doc: str
    blocks: list[Block] = field(default_factory=list)
    modes: list[str] = field(default_factory=lambda: [MARKUP])
    builder: BlockBuilder | None = None
    pending: bool = False
    """An inline expression is open whose content has not shown: it ends as the placeholder."""
    after_name: bool = False
    """The last token was a code name or reference (its tail may be lexed as text)."""
    line_start: bool = True
    """Nothing but blanks since the last line break (where list markers are)."""

    def token(self, at: int, kind: _TokenType, value: str) -> None:
        if _of(kind, Text.Whitespace) and _BLANK.search(value):
            self.close()  # a paragraph break, also in code and content blocks
        mode = self.modes[-1]
        if mode == EXPR and not self.continues(kind, value):
            self.end_expression()
            mode = self.modes[-1]
        if mode in (MARKUP, BRACKET):
            self.markup(at, kind, value)
        elif mode == MATH:
            if _of(kind, Punctuation) and value == "$":
                self.modes.pop()
        else:
            self.code(kind, value)
        self.after_name = _of(kind, Name) and mode != MATH
        if value.strip():
            self.line_start = False
        if "\n" in value:
            self.line_start = not value[value.rindex("\n"):].strip()

    def continues(self, kind: _TokenType, value: str) -> bool:
        """Whether a token right after an inline expression's name or brackets is still
        part of it: its arguments, content blocks, a field (``.y``)."""
        if _of(kind, Punctuation) and value[:1] in "([{":
            return True
        return _of(kind, Text) and not _of(kind, Text.Whitespace) and bool(
            re.match(r"\.[A-Za-z_]", value))

    def end_expression(self) -> None:
        self.modes.pop()
        if self.pending:
            self.placeholder()
        self.pending = False

    def markup(self, at: int, kind: _TokenType, value: str) -> None:
        if _of(kind, Text.Whitespace):
            if self.builder is not None:  # a line break as "\n", as other formats give it
                value = self.doc[at:at + len(value)]
                start = 0
                for m in LINE_BREAK.finditer(value):
                    self.builder.text(value[start:m.start()], at + start)
                    self.builder.text("\n", at + m.start())
                    start = m.end()
                self.builder.text(value[start:], at + start)
        elif _of(kind, Generic.Heading, Generic.Subheading):
            self.close()
            self.open(BlockKind.HEADING)
            lead = len(value) - len(value.lstrip())
            self.inline(value[lead:], at + lead)
            self.close()
        elif _of(kind, Generic.Strong, Generic.Emph):
            self.inline(value, at)
        elif _of(kind, Text) or (_of(kind, Name.Variable) and value[:1] not in "#@"):
            if self.after_name and not _of(kind, Name):  # "@fig" lexed apart from ":one"
                tail = _NAME_TAIL.match(value)
                assert tail is not None
                value, at = value[tail.end():], at + tail.end()
            elif value.startswith("\\") and len(value) > 1:  # an escape: "\#" is "#"
                value, at = value[1:], at + 1
            self.text(value, at)
        elif _of(kind, Literal.String.Backtick) or (
                _of(kind, Name.Label) and value.startswith("@")):
            self.placeholder()
        elif _of(kind, Punctuation):
            self.punctuation(at, value)
        elif value.startswith("#"):
            self.modes.append(EXPR if _of(kind, Name) else STATEMENT)
            self.pending = _of(kind, Name)
            if value == "#{" or value == "#(":
                self.modes.append(CODE)
        # comments and labels vanish

    def punctuation(self, at: int, value: str) -> None:
        if value == "$":
            self.placeholder()
            self.modes.append(MATH)
        elif value == "]" and self.modes[-1] == BRACKET:
            self.modes.pop()
            self.text(value, at)
        elif value == "]" and len(self.modes) > 1:
            self.modes.pop()  # the end of a content block
            if self.modes[-1] != EXPR:
                self.close()
        elif value in _BULLETS and self.line_start:
            self.open(BlockKind.LIST_ITEM)
        elif value == "~":
            self.text(" ", None)
        elif value == "#{" or value == "#(":
            self.modes.extend((STATEMENT, CODE))
        else:
            if value == "[":
                self.modes.append(BRACKET)
            self.text(value, at)

    def code(self, kind: _TokenType, value: str) -> None:
        mode = self.modes[-1]
        if _of(kind, Punctuation):
            if value == "[":
                if mode != EXPR:
                    self.close()  # a cell, a caption: a block of its own
                self.pending = False
                self.modes.append(MARKUP)
            elif value[-1:] in "({":
                self.modes.append(CODE)
            elif value in (")", "}") and mode == CODE:
                self.modes.pop()
        elif mode == STATEMENT and _of(kind, Text.Whitespace) and "\n" in value:
            self.modes.pop()
        elif _of(kind, Comment) and mode == STATEMENT and value.startswith("//"):
            self.modes.pop()  # a line comment ends the statement's line

    def text(self, value: str, at: int | None) -> None:
        if value:
            self.open(None)
            assert self.builder is not None
            self.builder.text(value, at)

    def inline(self, value: str, at: int) -> None:
        self.open(None)
        assert self.builder is not None
        feed(self.builder, value, at, STRONG)

    def placeholder(self) -> None:
        self.open(None)
        assert self.builder is not None
        last = self.builder.pieces[-1] if self.builder.pieces else ("", 0)
        if last[1] is not None or last[0] not in (PLACEHOLDER, PLACEHOLDER_AFTER_A):
            self.builder.placeholder()  # once for a raw block's three tokens

    def open(self, kind: BlockKind | None) -> None:
        """Begin a block of ``kind`` (None: continue the open block, or a paragraph)."""
        if kind is not None:
            self.close()
        if self.builder is None:
            self.builder = BlockBuilder(self.doc, kind or BlockKind.PARAGRAPH)

    def close(self) -> None:
        if self.builder is not None and (block := self.builder.trim().build()) is not None:
            self.blocks.append(block)
        self.builder = None
