"""Words that are code, in prose written by programmers (comments, commit messages).

A comment says "the recieveBuffer holds `len(x)` bytes from ./src/main.rs": the
sentence is prose, the identifier, the call and the path are not. Each of those
stands as the placeholder noun, like inline code in Markdown, so the sentence stays
checkable and nothing inside them is ever flagged. A line that is code as a whole
(commented-out code, a doctest, a tool's directive) is no prose at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosewise.server.markup.builder import BARE_URL, BlockBuilder

CODE_WORD = re.compile(
    rf"""
      `[^`\n]+`                                  # `code` and ``code``
    | {BARE_URL.pattern}                         # URLs and e-mail addresses
    | \{{@\w+[^}}\n]*\}}                         # {{@link Foo}}
    | @(?:param|tparam|throws|exception|arg)\s+[\w.$]+   # Javadoc/Doxygen tags and their names
    | [@\\]\w+                                   # @return, \brief, decorators
    | :[\w-]+(?:\s+[\w.*]+)?:                    # reST fields and roles: :param x:, :func:
    | (?<![\w/.~$-])[\w.~${{}}-]*(?:/[\w.\-*${{}}]*[\w*${{}}-])+/?  # /abs, ./rel, ~/x, $D/bin
    | (?<=^Package\s)[a-z]\w*                    # Go's "Package name ..."
    | (?<![\w-])--?[A-Za-z][\w-]*                # --flags and -x
    | \b\w+(?:::\w+)+                            # std::io::Read
    | \b\d+(?:[.,]\d+)*\s?(?:[kKMGT]i?B|[mµun]?s|min|h|[kMG]?Hz|px|pt|x)\b  # 0.5 s, 2 KB
    | \b\w+(?:\.\w+)+(?:\([^()\s]*\))?           # module.attr, file.py, 1.2.3
    | \b\w+\([^()\n]{{0,40}}\)                   # calls: len(x), foo()
    | \b[a-z]+[A-Z]\w*                           # camelCase
    | \b[A-Z][a-z]+[A-Z]\w*                      # PascalCase with inner capitals
    | \b\w*_\w*                                  # snake_case, __init__, MAX_SIZE
    | \b[A-Za-z]+\d\w*                           # utf8, sha256, x86_64
    | [\w$]*(?:[\[\]{{}}<>=|$]+[\w$]*)+          # symbols: a[0], ${{VAR}}, x<T>
    """,
    re.VERBOSE,
)
"""An identifier, call, path, URL, flag or tag inside a sentence."""

CODE_LINE = re.compile(
    r"""
      [;{}]\s*$                                  # ends a statement, opens or closes a block
    | ^\s*[})\]]                                 # closes one
    | ^\s*(?:>>>|\.\.\.)(?:\s|$)                 # a doctest
    | ^\s*(?:def|class|fn|func|function|struct|impl|interface)\s+\w+\s*[(:<{]
    | ^\s*(?:import\s+[\w.]+\s*$|from\s+[\w.]+\s+import\b|\#\s*(?:include|define|if)\b)
    | ^\s*(?:const|let|var|local|export)\s+\w+\s*=
    | ^\s*(?:if|for|while|switch)\s*\(
    | ^\s*(?:if|elif|else|for|while|with|try|except|finally)\b[^:]*:(?:\s|$)
    | ^\s*return\b.*[();]\s*$
    | ^\s*[\w.\[\]"']+\s*(?:[-+*/%|&^]?=|:=)(?!=)\s*\S   # an assignment
    | ^\s*[\w.]+\(.*\)[;,]?\s*$                  # a call alone on its line
    | ==|!=|=>|->|&&|\|\||<<|>>
    """,
    re.VERBOSE,
)
"""A line of code (commented out, or an example)."""

DIRECTIVE = re.compile(
    r"^\s*(?:noqa|type:|pylint:|mypy:|ruff:|fmt:|pragma|eslint|prettier-ignore|@ts-|"
    r"go:|nolint|NOLINT|clang-format|istanbul|shellcheck|-\*-|vim?:|SPDX-|"
    r"Copyright\b|\(c\)|@(?:author|since|version|see)\b|(?i:prosewise|ltex):)",
)
"""Lines for tools (our controls and LTeX's too; ``harper:ignore`` may lead a sentence of
prose), licence headers and doc tags that name people or versions."""

@dataclass(frozen=True)
class Line:
    """One line of prose (a comment's, a commit message's) and where it starts."""

    text: str
    start: int


_LABEL = re.compile(r"^\s*(?:TODO|FIXME|XXX|HACK|NOTE|BUG)\b(?:\([^)]*\))?:?\s*")


def prose_line(line: str) -> int | None:
    """Where the prose of a comment line starts, or None when the line is code or a
    tool's directive (a "TODO(ann):" label is skipped, its text kept)."""
    label = _LABEL.match(line)
    if label is not None:
        return label.end() if line[label.end():].strip() else None
    if DIRECTIVE.match(line) or CODE_LINE.search(line) or _mostly_code(line):
        return None
    return 0


def _mostly_code(line: str) -> bool:
    """Whether most words are code, and at least two (``cp -r ./a "$B"``)."""
    code = len(CODE_WORD.findall(line))
    return code >= 2 and 2 * code > len(line.split())


_WORD = re.compile(r"\b\w{3,}\b")


def feed(builder: BlockBuilder, text: str, doc_start: int,
         names: frozenset[str] = frozenset()) -> None:
    """Append ``text`` (document text at ``doc_start``), each code word, and each word
    that is one of the code's ``names`` (``buf`` in "buf must end in NUL"), a placeholder."""
    at = 0
    for m in CODE_WORD.finditer(text):
        _prose(builder, text[at:m.start()], doc_start + at, names)
        builder.placeholder()
        at = m.end()
    _prose(builder, text[at:], doc_start + at, names)


def _prose(builder: BlockBuilder, text: str, doc_start: int, names: frozenset[str]) -> None:
    at = 0
    if names:
        for m in _WORD.finditer(text):
            if m.group() in names:
                builder.text(text[at:m.start()], doc_start + at)
                builder.placeholder()
                at = m.end()
    builder.text(text[at:], doc_start + at)
