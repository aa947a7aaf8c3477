"""Git commit messages: the subject and body, without what git itself adds or strips.

Git strips the ``#`` comment lines it writes into COMMIT_EDITMSG and everything after
its scissors line (the diff of ``git commit --verbose``); trailers
(``Signed-off-by:``) in the last paragraph are metadata. None of these is read. The
subject is a heading; bullets are list items; indented lines (quoted output, code)
are not prose, and in the prose identifiers and paths stand as the placeholder noun
(codewords.py), as in comments. ``git log`` output (piped to ``prosewise review -``)
is read as one message per commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.builder import BlockBuilder
from prosewise.server.markup.codewords import Line, feed, prose_line
from prosewise.server.markup.guard import never_raises

_END = re.compile(r"^(?:# -+ >8 -+|diff --git .*)\r?$", re.MULTILINE)
"""The scissors line (the diff after it is stripped by git) or a bare diff."""
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_TRAILER = re.compile(r"(?:[A-Za-z][\w-]*:\s+\S|\(cherry picked from commit )")
_CONTINUATION = re.compile(r"[ \t]+\S")
_BULLET = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
_CONVENTIONAL = re.compile(r"[a-z]+(?:\([\w./-]+\))?!?:[ \t]+")
"""A Conventional Commits type before the subject ("fix(parser): ...")."""
_INDENTED = re.compile(r"(?: {4}|\t)")
_LOG_COMMIT = re.compile(r"commit [0-9a-f]{7,64}\b")
"""The first line of each commit in ``git log`` output."""


@never_raises("commit message")
def extract_commit(text: str) -> list[Block]:
    """One block per paragraph or bullet of each message, each subject a heading."""
    blocks: list[Block] = []
    for message in _messages(text):
        _read(text, _paragraphs(message), blocks)
    return blocks


def _read(text: str, paragraphs: list[list[Line]], blocks: list[Block]) -> None:
    for n, paragraph in enumerate(paragraphs):
        builder: BlockBuilder | None = None
        for i, line in enumerate(paragraph):
            bullet = _BULLET.match(line.text)
            skip = bullet.end() if bullet else 0
            if n == 0 and i == 0:
                skip = max(skip, _end(_CONVENTIONAL.match(line.text)))
            prose = prose_line(line.text[skip:])
            if _INDENTED.match(line.text) and not bullet:
                prose = None
            if builder is None or bullet or prose is None:
                _close(builder, blocks)
                kind = (BlockKind.HEADING if n == 0 and len(paragraph) == 1 else
                        BlockKind.LIST_ITEM if bullet else BlockKind.PARAGRAPH)
                builder = None if prose is None else BlockBuilder(text, kind)
            else:
                builder.text("\n", None)
            if builder is not None and prose is not None:
                start = skip + prose
                feed(builder, line.text[start:].strip(), line.start + start + _lead(
                    line.text[start:]))
        _close(builder, blocks)


def _messages(text: str) -> Iterator[list[Line]]:
    """The lines of each message: the whole text as git leaves a message file, or each
    commit's indented message in ``git log`` output (its headers and diffs left out)."""
    if _LOG_COMMIT.match(text) is None:
        end = _END.search(text)
        lines = _lines(text, end.start() if end else len(text))
        yield [line for line in lines if not line.text.startswith("#")]
        return
    message: list[Line] = []
    in_diff = False
    for line in _lines(text, len(text)):
        if _LOG_COMMIT.match(line.text):
            yield message
            message, in_diff = [], False
        elif in_diff or line.text.startswith("diff --git "):
            in_diff = True
        elif not line.text.strip():
            message.append(line)
        elif line.text.startswith("    "):
            message.append(Line(line.text[4:], line.start + 4))
    yield message


def _lines(text: str, end: int) -> Iterator[Line]:
    for m in _LINE.finditer(text, 0, end):
        yield Line(m.group().rstrip("\r\n"), m.start())


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Paragraphs of the message as git keeps it, the trailers' paragraph left out."""
    paragraphs: list[list[Line]] = [[]]
    for line in lines:
        if line.text.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) > 1 and _trailers(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _trailers(paragraph: list[Line]) -> bool:
    """Whether every line is a trailer (or continues one), as git decides."""
    return bool(_TRAILER.match(paragraph[0].text)) and all(
        _TRAILER.match(line.text) or _CONTINUATION.match(line.text) for line in paragraph)


def _close(builder: BlockBuilder | None, blocks: list[Block]) -> None:
    if builder is not None and (block := builder.build()) is not None:
        blocks.append(block)


def _end(m: re.Match[str] | None) -> int:
    return m.end() if m else 0


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())
