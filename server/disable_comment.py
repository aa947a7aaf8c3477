"""Writing ``prosewise: disable RULE`` into a document: the text and the place of the
comment that "Disable RULE in this file with a comment" inserts.

Why a comment as well as the stored setting: it travels with the file, so the team and
``prosewise review`` in CI see the same. It goes at the top, in the format's own comment
syntax, below what must stay first: front matter, a ``#!`` line, Python's encoding line,
an HTML doctype or XML declaration. Offered only where ``controls.read_controls`` will
honour it: the edited text is read back before it is offered.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from prosewise.server.controls import Hidden, comment_form, read_controls
from prosewise.server.markup import LEXERS
from prosewise.server.markup.frontmatter import front_matter_end

_LINE = r"[^\r\n]*(?:\r\n?|\n)?"
_CODING = rf"[ \t\f]*#[^\r\n]*?coding[:=]{_LINE}"
_KEEP_FIRST = {
    "python": re.compile(rf"#!{_LINE}(?:{_CODING})?|{_CODING}"),
    "html": re.compile(r"(?:\s*<(?i:!doctype|\?xml)[^>]*>[ \t]*(?:\r\n?|\n)?)+"),
    "rust": re.compile(rf"#!(?!\[){_LINE}"),
}
"""What must stay at the top (PEP 263: the encoding line is the first or second line)."""
_SHEBANG = re.compile(rf"#!{_LINE}")
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Insertion:
    """Text to insert at a code point offset."""

    at: int
    text: str


def disable_comment(text: str, language: str, rule: str, finding: int) -> Insertion | None:
    """The control comment that disables ``rule`` in ``text`` (read as ``language``, a
    canonical id), or None where none would hide the finding at offset ``finding``: a
    format without comments, a rule id a control cannot name, an ``enable`` in between."""
    written = _written(text, language, rule)
    if written is None:
        return None
    insertion, hidden = written
    moved = finding + len(insertion.text) if finding >= insertion.at else finding
    return insertion if any(h.start <= moved < h.end and rule in h.rules for h in hidden) \
        else None


@functools.lru_cache(maxsize=2)
def _written(text: str, language: str, rule: str) -> tuple[Insertion, tuple[Hidden, ...]] | None:
    """The comment and what the controls of the text with it hide. Cached: a code action
    request asks once per finding in its range, and reading back a 640 KB text took 4 ms."""
    form = comment_form(language)
    if form is None:
        return None
    at = _top(text, language)
    newline = m.group(0) if (m := _BREAK.search(text)) else "\n"
    before = newline if at and not text[:at].endswith(("\n", "\r")) else ""
    blank = form.separate and at < len(text) and _BREAK.match(text, at) is None
    line = f"{before}{form.template.format(f'prosewise: disable {rule}')}{newline}"
    insertion = Insertion(at, line + (newline if blank else ""))
    edited = text[:at] + insertion.text + text[at:]
    return insertion, read_controls(edited, language).hidden


def _top(text: str, language: str) -> int:
    """Where the comment goes: after a byte-order mark and what must stay first."""
    start = 1 if text.startswith("\ufeff") else 0
    if language == "markdown":
        return front_matter_end(text) or start
    first = _KEEP_FIRST.get(language, _SHEBANG if language in LEXERS else None)
    found = first.match(text, start) if first is not None else None
    return found.end() if found is not None else start
