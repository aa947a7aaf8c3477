"""Source code: the prose of its comments and docstrings, found by Pygments' lexers.

The lexer tells comments (and Python's docstrings, Rust's doc comments) from code
and strings, with their offsets. Of each comment only the words are read: the
markers (``#``, ``//``, ``/*``, a block comment's ``*`` gutter, a docstring's
quotes) are left out, and a run of line comments is one paragraph, as the writer
meant it. Inside the prose, identifiers, calls, paths and URLs stand as a
placeholder noun; lines of code (commented out, doctests, fenced examples) and
tools' directives (``# noqa``) are not read (codewords.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Name, String, _TokenType, is_token_subtype

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup import LEXERS
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.codewords import Line, feed, prose_line
from prosewise.server.markup.guard import never_raises

_NOT_PROSE = (Comment.Preproc, Comment.PreprocFile, Comment.Hashbang)
_DOCSTRING = re.compile(r"""^[rRuUbBfF]{0,2}("{3}|'{3}|"|')""")
_LINE_MARKER = re.compile(r"[ \t]*(?:/{2,}!?|#+)[ \t]?")
_BLOCK_OPEN = re.compile(r"/\*+!?[ \t]?")
_BLOCK_CLOSE = re.compile(r"[ \t]*\*+/$")
_GUTTER = re.compile(r"[ \t]*(?:\*(?!/)[ \t]?)?")
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_ONE_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


Paragraph = list[Line]


def extract_comments(language: str) -> functools.partial[list[Block]]:
    """The extractor for a programming language (``LEXERS``)."""
    return functools.partial(extract_source, language=language)


@never_raises("comment")
def extract_source(text: str, language: str) -> tuple[Block, ...]:
    """One block per comment paragraph, in document order."""
    return _extract(text, language)


MINIFIED_LINE = 400
"""Characters per line, on average, beyond which a file was made by a tool (a minified
bundle), not written: it is not read (lexing a 1 MB bundle took 8 s)."""


@functools.lru_cache(maxsize=16)
def _extract(text: str, language: str) -> tuple[Block, ...]:
    if len(text) > MINIFIED_LINE * (text.count("\n") + 1):
        return ()
    tokens = list(_lexer(LEXERS[language]).get_tokens_unprocessed(text))
    names = frozenset(v.lstrip("$") for _, kind, v in tokens if is_token_subtype(kind, Name))
    blocks = []
    for paragraph in _paragraphs(text, tokens):
        builder = BlockBuilder(text, BlockKind.COMMENT)
        for i, line in enumerate(paragraph):
            if i:
                builder.text("\n", None)
            feed(builder, line.text, line.start, names)
        if (block := builder.build()) is not None:
            blocks.append(block)
    return tuple(blocks)


@functools.cache
def _lexer(name: str) -> Lexer:
    return get_lexer_by_name(name)


Tokens = list[tuple[int, _TokenType, str]]


def _paragraphs(text: str, tokens: Tokens) -> Iterator[Paragraph]:
    """Comment paragraphs: a blank or code line ends one, and so does code between
    two comments; line comments on consecutive lines continue one."""
    paragraph: Paragraph = []
    end = -1  # where the previous comment ended
    for start, comment in _comments(tokens):
        block = comment.startswith("/*") or _DOCSTRING.match(comment) is not None
        joins = not block and _ONE_LINE_BREAK.fullmatch(text, max(end, 0), start) is not None
        if not joins and paragraph:
            yield paragraph
            paragraph = []
        for line in _lines(comment, start):
            if line is None:
                if paragraph:
                    yield paragraph
                paragraph = []
            else:
                paragraph.append(line)
        end = start + len(comment)
        if block:
            if paragraph:
                yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph


def _comments(tokens: Tokens) -> Iterator[tuple[int, str]]:
    """(offset, text) of each comment and docstring, its pieces joined (a lexer may
    cut one comment into several tokens), trailing line breaks left out."""
    start, parts = -1, ""
    for at, kind, value in tokens:
        prose = is_token_subtype(kind, String.Doc) or (is_token_subtype(kind, Comment) and not any(
            is_token_subtype(kind, k) for k in _NOT_PROSE))
        if prose and parts and at == start + len(parts):
            parts += value
            continue
        if parts:
            yield start, parts.rstrip("\r\n")
        start, parts = (at, value) if prose else (-1, "")
    if parts:
        yield start, parts.rstrip("\r\n")


def _lines(comment: str, start: int) -> Iterator[Line | None]:
    """The prose lines of one comment (None: a paragraph break), markers left out."""
    quote = _DOCSTRING.match(comment)
    if quote is not None:
        body_start = quote.end()
        body = comment[body_start:len(comment) - len(quote.group(1))]
        marker = None
    elif comment.startswith("/*"):
        body_start = _BLOCK_OPEN.match(comment).end()  # type: ignore[union-attr]
        closing = _BLOCK_CLOSE.search(comment)
        body = comment[body_start:closing.start() if closing else len(comment)]
        marker = _GUTTER
    else:
        body_start, body, marker = 0, comment, _LINE_MARKER
    fenced = False
    at = start + body_start
    for raw in body.split("\n"):
        line_start = at
        at += len(raw) + 1
        cut = marker.match(raw) if marker is not None else None
        content = raw[cut.end() if cut else 0:].rstrip("\r")
        if _FENCE.match(content):
            fenced = not fenced
            yield None
            continue
        offset = None if fenced else prose_line(content)
        if offset is None or not content[offset:].strip():
            yield None
            continue
        lead = len(content) - len(content.lstrip())
        offset = max(offset, lead)
        yield Line(content[offset:].rstrip(), line_start + (cut.end() if cut else 0) + offset)
