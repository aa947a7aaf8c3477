"""In-document controls: comments that hide findings from what a review shows.

Why here and only as a filter: a control changes what is *shown*, never what is
checked, so chunks keep their cached results and an added or removed comment costs
one pass over the text (skipped outright when no marker occurs in it). Read in each
format's comment syntax:

- ``prosewise: ignore-next-line``, ``prosewise: disable RULE`` / ``enable RULE`` (a
  rule id or prefix, as in the settings' ``rules``; no rule = every rule),
  ``prosewise: off`` / ``on``, ``prosewise: ignore-file``;
- harper's ``harper:ignore`` (also ``harper: ignore``): harper-ls skips the comment
  block holding it; here, the lines from the comment to the next blank line (the rest
  of that comment block, or the paragraph right below the comment);
- LTeX's magic comments ``ltex: enabled=false`` / ``enabled=true`` (any case), as
  ``off`` / ``on``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from prosewise.agents.model import Finding
from prosewise.merge.model import Decision, Outcome

MARKERS = ("prosewise:", "harper:", "ltex:", "LTeX:", "LTEX:")
"""Where a control starts: a text holding none of these has none."""

@dataclass(frozen=True)
class CommentForm:
    """A format's comments, as controls are read from them and written into them."""

    opener: str
    """A regex for what opens a comment, looked for before a directive on its line
    (scanning for the openers first took 19 ms per check of a 560 KB Python file)."""
    template: str
    """A control as "Disable RULE in this file with a comment" writes it (``{}``)."""
    separate: bool = False
    """Whether a blank line follows a written control: in reStructuredText the next
    lines would belong to the comment, in code a comment right below would be joined to
    it (a Go package doc, a run of line comments read as one paragraph)."""


_MARKUP = CommentForm(r"<!--", "<!-- {} -->")
_CODE = r"#|//|/\*+|\*"
_HASH = CommentForm(_CODE, "# {}", separate=True)
CODE = CommentForm(_CODE, "// {}", separate=True)
"""Source code's comments, for the languages ``FORMS`` does not name."""
FORMS: dict[str, CommentForm | None] = {
    "markdown": _MARKUP, "html": _MARKUP, "latex": CommentForm(r"%", "% {}"),
    "restructuredtext": CommentForm(r"\.\.", ".. {}", separate=True),
    "plaintext": None, "git-commit": None, "org": CommentForm(r"#[ \t]", "# {}"),
    "asciidoc": CommentForm(r"//", "// {}"), "typst": CommentForm(r"//|/\*", "// {}"),
    "python": _HASH, "shellscript": _HASH,
}
"""Comments per language id; None: the format has none that controls live in."""


def comment_form(language: str) -> CommentForm | None:
    """How ``language`` (a canonical language id) writes comments, if it has any."""
    return FORMS.get(language, CODE)


_DIRECTIVE = re.compile(
    r"(?i:prosewise):[ \t]*(?P<prosewise>ignore-next-line|ignore-file|off|on"
    r"|(?:disable|enable)(?:[ \t]+[\w.\-]+(?:[ \t]*,[ \t]*[\w.\-]+)*)?)(?![\w\-])"
    r"|(?i:ltex):[ \t]*(?i:enabled)[ \t]*=[ \t]*(?P<ltex>(?i:true|false))"
    r"|(?P<harper>(?i:harper):[ \t]?ignore)")
_FENCES = {
    "markdown": re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE),
    "asciidoc": re.compile(r"^(?:-{4,}|\.{4,}|\+{4,}|```)[ \t]*\r?$", re.MULTILINE),
    "org": re.compile(r"^[ \t]*#\+(?:begin|end)_(?:src|example|export)\b", re.M | re.I),
    "typst": re.compile(r"```"),
}
"""What opens and closes a code block, in the formats that show code: a control inside
one is an example."""
_INLINE_CODE = {"markdown": "`", "asciidoc": "`", "org": "=~", "typst": "`"}
"""What begins inline code (a control after one on its line is an example)."""
_BLANK = re.compile(r"\n[ \t]*\r?\n|\r[ \t]*\r")
_EVERY = frozenset({""})
"""The prefix of every rule."""


@dataclass(frozen=True, slots=True)
class Hidden:
    """A document range whose findings of some rules are not shown."""

    start: int
    end: int
    rules: frozenset[str]
    """Rule ids or prefixes ('style', 'grammar.agreement'); ``{""}``: every rule."""
    control: str
    """The control as written and its line, for the decision log."""

    def hides(self, f: Finding) -> bool:
        """Whether ``f`` starts in the range and its rule is one of ``rules``."""
        return self.start <= f.start < self.end and any(
            not p or f.rule == p or f.rule.startswith(p + ".") for p in self.rules)


@dataclass(frozen=True, slots=True)
class Controls:
    """The hidden ranges of one document version."""

    hidden: tuple[Hidden, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.hidden)

    def hider(self, f: Finding) -> Hidden | None:
        """The control that hides ``f``, if any."""
        return next((h for h in self.hidden if h.hides(f)), None)

    def touches(self, start: int, end: int) -> bool:
        """Whether some range overlaps ``[start, end)`` (a chunk with none is left alone)."""
        return any(h.start < end and start < h.end for h in self.hidden)

    def kept(self, findings: Sequence[Finding]) -> tuple[int, ...]:
        """Indexes of the findings no control hides."""
        return tuple(i for i, f in enumerate(findings) if self.hider(f) is None)


def has_markers(text: str) -> bool:
    """Whether ``text`` may hold a control: a chunk's answer is kept with its result, so
    a keystroke's review scans only the edited chunk for them (``Review.controls``)."""
    return any(m in text for m in MARKERS)


def read_controls(text: str, language: str) -> Controls:
    """The controls written in ``text`` read as ``language`` (a canonical language id)."""
    if not has_markers(text):
        return Controls()
    form = comment_form(language)
    if form is None:
        return Controls()
    comment = re.compile(form.opener)
    found = (m for at in sorted(_occurrences(text)) if (m := _DIRECTIVE.match(text, at))
             and comment.search(text, _line_start(text, at), at)
             and not _shown_as_code(text, at, language))
    return Controls(tuple(_ranges(text, found)))


def _occurrences(text: str) -> Iterable[int]:
    """Where the markers occur (``str.find``: a regex scan of a 600 KB text for the
    directives took 30 ms, these finds well under one)."""
    for marker in MARKERS:
        at = text.find(marker)
        while at >= 0:
            yield at
            at = text.find(marker, at + 1)


def _ranges(text: str, found: Iterable[re.Match[str]]) -> Iterable[Hidden]:
    """Hidden ranges from the controls in document order: an ``off`` (or ``disable``)
    runs to the matching ``on`` (``enable`` of the same rules) or the end."""
    open_: dict[frozenset[str], tuple[int, str]] = {}
    for m in found:
        start = _line_start(text, m.start())
        end = _line_end(text, m.end())
        label = f"'{m.group(0)}' (line {text.count(chr(10), 0, start) + 1})"
        word = m.group("prosewise")
        if m.group("harper") is not None:
            blank = _BLANK.search(text, start)
            yield Hidden(start, blank.start() if blank else len(text), _EVERY, label)
        elif m.group("ltex") is not None:
            word = "off" if m.group("ltex").lower() == "false" else "on"
        if word is None:
            continue
        verb, _, rest = word.lower().partition(" ")
        rules = frozenset(r.strip() for r in rest.split(",") if r.strip()) or _EVERY
        if verb == "ignore-file":
            yield Hidden(0, len(text), _EVERY, label)
        elif verb == "ignore-next-line":
            after = end + (2 if text.startswith("\r\n", end) else 1)
            yield Hidden(after, _line_end(text, after), _EVERY, label)
        elif verb in ("off", "disable"):
            open_.setdefault(_EVERY if verb == "off" else rules, (start, label))
        elif (began := open_.pop(_EVERY if verb == "on" else rules, None)) is not None:
            yield Hidden(began[0], start, _EVERY if verb == "on" else rules, began[1])
    for rules, (first, label) in open_.items():
        yield Hidden(first, len(text), rules, label)


def _shown_as_code(text: str, at: int, language: str) -> bool:
    """Whether a control is an example in code (inline code before it on its line, or
    an open code block above it): a page that documents the controls must not obey
    them, nor a code sample's own comment."""
    fence = _FENCES.get(language)
    if fence is None:
        return False
    start = _line_start(text, at)
    return (any(c in text[start:at] for c in _INLINE_CODE[language])
            or len(fence.findall(text, 0, start)) % 2 == 1)


def _line_start(text: str, at: int) -> int:
    return max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1


def _line_end(text: str, at: int) -> int:
    ends = [i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0]
    return min(ends, default=len(text))



def hide_decisions(decisions: Sequence[Decision], ranked: Sequence[Finding],
                   controls: Controls) -> tuple[Decision, ...]:
    """The decision log with what ``controls`` hide marked so; ``into`` indexes the
    ranking's suggestions ``ranked`` before and the shown ones (those not hidden) after."""
    hiders = [controls.hider(f) for f in ranked]
    index: dict[int, int] = {}
    for i, hider in enumerate(hiders):
        if hider is None:
            index[i] = len(index)
    out: list[Decision] = []
    for d in decisions:
        hider = (hiders[d.into] if d.into is not None
                 else controls.hider(d.finding) if d.outcome is Outcome.SHOWN else None)
        if hider is not None:
            out.append(replace(d, outcome=Outcome.SUPPRESSED, into=None,
                               reason=f"hidden by {hider.control}"))
        else:
            out.append(d if d.into is None else replace(d, into=index[d.into]))
    return tuple(out)
