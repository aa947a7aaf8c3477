"""Typst: the prose of markup, never code, math or raw text.

A scanner of Typst's three modes, as its own parser switches them: markup, code
after ``#`` (and inside a call's brackets or ``{…}``), math between ``$``. No
parser on PyPI gives positions offline (tree-sitter-language-pack 1.x fetches its
grammars at run time), and Pygments' Typst lexer loses its place after an escaped
``\\$`` or a bracket after a call's arguments, reading the rest of the file wrong.

Prose: markup text, headings, list items and content blocks, also inside code
(``#emph[…]``, ``caption: […]``, table cells, ``#let x = […]``). Never read:
``#let``/``#set``/``#show``/``#import`` lines, a call's arguments, ``#{…}``,
strings, math, raw text, comments and labels; an inline expression without content
(``#x``, ``#lorem(20)``), math, raw text and references (``@intro``) stand as the
placeholder noun. Content blocks in code are blocks of their own (a caption, a
cell); a call's trailing content (``#emph[word]``) is part of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.builder import PLACEHOLDER, PLACEHOLDER_AFTER_A, BlockBuilder
from prosewise.server.markup.guard import never_raises

_TEXT = re.compile(r"(?:[^\\/`$<@#\r\n*_~\[\]h]|h(?!ttps?://)|/(?![/*]))+")
"""A run of plain markup text: up to the next character that may start markup."""
_URL = re.compile(r"https?://[^\s\[\]<>\"]*[^\s\[\]<>\".,;:!?')]")
_LABEL = re.compile(r"<[\w\-.:]+>")
_REFERENCE = re.compile(r"@[\w\-.:]*\w(?:\[[^\]\n]*\])?")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
_FIELD = re.compile(r"\.[A-Za-z_][\w-]*")
_STATEMENTS = frozenset({"let", "set", "show", "import", "include", "if", "for", "while",
                         "return", "break", "continue", "context"})
"""Keywords after ``#`` that begin code running to the end of the line."""
_MARKER = re.compile(r"(?:=+|[-+/]|\d+\.)(?:[ \t]+|(?=\r|\n|$))")
"""A heading's or list item's marker at the start of a line."""
_CLOSING = {"(": ")", "{": "}", "[": "]"}
_TICKS = re.compile(r"`+")
_BREAKS = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))+[ \t]*")
_BREAK = re.compile(r"\r\n|\r|\n")
_UNICODE = re.compile(r"\\u\{[0-9A-Fa-f]*\}?")
_MATH = re.compile(r'(?:\\.|"(?:\\.|[^"\\])*"|[^$\\"])*\$', re.DOTALL)
_STRING = re.compile(r'"(?:\\.|[^"\\\r\n])*"?')
_COMMENT = re.compile(r"/\*|\*/")


@never_raises("Typst")
def extract_typst(text: str) -> list[Block]:
    """One block per paragraph, heading, list item or content block in code."""
    scanner = _Scanner(text)
    scanner.markup(None)
    scanner.close()
    return scanner.blocks


@dataclass
class _Scanner:
    doc: str
    at: int = 0
    blocks: list[Block] = field(default_factory=list)
    builder: BlockBuilder | None = None
    heading: bool = False
    """The open block is a heading: it ends with its line."""

    def markup(self, end: str | None) -> bool:
        """Read markup up to ``end`` (``]``, consumed) or the end of the text; whether
        ``end`` was found."""
        doc = self.doc
        if self.at == 0:
            self.line_start()
        while self.at < len(doc):
            c = doc[self.at]
            if c == end:
                self.at += 1
                return True
            if (run := _TEXT.match(doc, self.at)) is not None:
                self.text(run.group(), self.at)
                self.at = run.end()
            elif c in "\r\n":
                self.newline()
            elif c == "#":
                self.hash()
            elif c == "[":
                self.text("[", self.at)
                self.at += 1
                if self.markup("]"):
                    self.text("]", self.at - 1)
            else:
                self.markup_sign(c)
        return False

    def markup_sign(self, c: str) -> None:
        """Markup that begins with ``c``: escapes, comments, raw text, math, labels,
        references, links, emphasis."""
        doc, at = self.doc, self.at
        if c == "\\":
            nxt = doc[at + 1:at + 2]
            if (code := _UNICODE.match(doc, at)) is not None:
                self.placeholder()
                self.at = code.end()
                return
            if nxt and not nxt.isspace():
                self.text(nxt, at + 1)  # an escaped sign is text, its backslash is not
            self.at = at + (2 if nxt and nxt not in "\r\n" else 1)
        elif doc.startswith("//", at):
            self.at = _line_end(doc, at)
        elif doc.startswith("/*", at):
            self.at = _comment_end(doc, at)
        elif c == "`":
            self.placeholder()
            self.at = _raw_end(doc, at)
        elif c == "$":
            self.placeholder()
            self.at = _math_end(doc, at)
        elif (m := (_URL.match(doc, at) if c == "h" else _LABEL.match(doc, at) if c == "<"
                    else _REFERENCE.match(doc, at) if c == "@" and not (
                        at and doc[at - 1].isalnum()) else None)) is not None:
            if c == "h":
                self.text(m.group(), at)  # the block masks it as a URL
            elif c == "@":
                self.placeholder()
            self.at = m.end()
        elif c in "*_" and not (at > 0 and doc[at - 1].isalnum()
                                and doc[at + 1:at + 2].isalnum()):
            self.at += 1  # strong or emphasis: its words are read, its sign is not
        elif c == "~":
            self.text(" ", None)
            self.at += 1
        else:
            self.text(c, at)
            self.at += 1

    def newline(self) -> None:
        """A line break: a blank line ends the paragraph, a heading ends with its line."""
        doc = self.doc
        m = _BREAKS.match(doc, self.at)
        assert m is not None
        if self.heading or len(_BREAK.findall(m.group())) > 1:
            self.close()
        elif self.builder is not None and self.builder.pieces[-1:] != [("\n", None)]:
            self.builder.text("\n", None)  # once: a line of code between adds none
        self.at = m.end()
        self.line_start()

    def line_start(self) -> None:
        """At the start of a line: a heading's or list item's marker begins a block."""
        doc = self.doc
        while self.at < len(doc) and doc[self.at] in " \t":
            self.at += 1
        if (m := _MARKER.match(doc, self.at)) is None:
            return
        self.close()
        self.builder = BlockBuilder(doc, BlockKind.HEADING if m.group()[0] == "="
                                    else BlockKind.LIST_ITEM)
        self.heading = m.group()[0] == "="
        self.at = m.end()

    def hash(self) -> None:
        """``#`` and the code after it: a statement to the end of its line, a block,
        or an inline expression (the placeholder, unless content follows its call)."""
        doc = self.doc
        start = self.at + 1
        name = _NAME.match(doc, start)
        if name is not None and name.group() in _STATEMENTS:
            self.at = name.end()
            self.code(None)
        elif doc[start:start + 1] in ("(", "{"):
            if doc[start] == "(":
                self.placeholder()  # an inline expression: #(1 + 2)
            self.at = start + 1
            self.code(_CLOSING[doc[start]])
        elif doc[start:start + 1] == "[":
            self.at = start + 1
            self.markup("]")
        elif name is not None:
            alone = not doc[_line_start(doc, self.at):self.at].strip()
            if alone:
                self.close()  # a call on lines of its own is a block (#figure, #block)
            self.at = name.end()
            self.expression()
            if alone and not doc[self.at:_line_end(doc, self.at)].strip():
                self.close()
        else:
            self.text("#", self.at)
            self.at = start

    def expression(self) -> None:
        """The rest of an inline expression after its name: fields, arguments and
        trailing content blocks (read as part of the sentence)."""
        doc = self.doc
        content = False
        while self.at < len(doc):
            if (f := _FIELD.match(doc, self.at)) is not None:
                self.at = f.end()
            elif doc[self.at] == "(":
                self.at += 1
                self.code(")")
            elif doc[self.at] == "[":
                self.at += 1
                content = True
                self.markup("]")
            else:
                break
        if not content:
            self.placeholder()

    def code(self, end: str | None) -> None:
        """Skip code up to ``end`` (consumed), or without one to the end of the line;
        content blocks in it are read as blocks of their own."""
        doc = self.doc
        while self.at < len(doc):
            c = doc[self.at]
            if c == end:
                self.at += 1
                return
            if end is None and (c in "\r\n;" or doc.startswith("//", self.at)):
                self.at += c == ";"
                return
            if c == '"':
                self.at = _string_end(doc, self.at)
            elif doc.startswith("//", self.at):
                self.at = _line_end(doc, self.at)
            elif doc.startswith("/*", self.at):
                self.at = _comment_end(doc, self.at)
            elif c in "({":
                self.at += 1
                self.code(_CLOSING[c])
            elif c == "[":
                self.close()
                self.at += 1
                self.markup("]")
                self.close()
            elif c == "$":
                self.at = _math_end(doc, self.at)
            elif c == "`":
                self.at = _raw_end(doc, self.at)
            else:
                self.at += 1

    def text(self, value: str, at: int | None) -> None:
        if self.builder is None:
            self.builder = BlockBuilder(self.doc)
        self.builder.text(value, at)

    def placeholder(self) -> None:
        """The placeholder noun, once for a run of code, math and raw text."""
        if self.builder is None:
            self.builder = BlockBuilder(self.doc)
        pieces = self.builder.pieces
        if not pieces or pieces[-1][1] is not None or pieces[-1][0] not in (
                PLACEHOLDER, PLACEHOLDER_AFTER_A):
            self.builder.placeholder()

    def close(self) -> None:
        if self.builder is not None and (block := self.builder.trim().build()) is not None:
            self.blocks.append(block)
        self.builder = None
        self.heading = False


def _line_start(doc: str, at: int) -> int:
    return max(doc.rfind("\n", 0, at), doc.rfind("\r", 0, at)) + 1


def _line_end(doc: str, at: int) -> int:
    ends = [i for i in (doc.find("\n", at), doc.find("\r", at)) if i >= 0]
    return min(ends, default=len(doc))


def _comment_end(doc: str, at: int) -> int:
    """After a ``/* … */`` comment (they nest)."""
    depth = 0
    for m in _COMMENT.finditer(doc, at):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(doc)


def _raw_end(doc: str, at: int) -> int:
    """After raw text: ``` `x` ```, or a block fenced by three or more backticks."""
    m = _TICKS.match(doc, at)
    ticks = m.end() - at if m else 1
    if ticks == 2:
        return at + 2  # empty raw text
    end = doc.find("`" * ticks, at + ticks)
    return len(doc) if end < 0 else end + ticks


def _math_end(doc: str, at: int) -> int:
    """After math: the next ``$`` that is not escaped or in a string."""
    m = _MATH.match(doc, at + 1)
    return len(doc) if m is None else m.end()


def _string_end(doc: str, at: int) -> int:
    m = _STRING.match(doc, at)
    return m.end() if m else at + 1
