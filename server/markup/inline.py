"""Source positions for markdown-it's inline tokens.

markdown-it records line maps for block tokens only, and its tokens say nothing
about where their text came from. Prosewise must map every run of prose back to
the document exactly, so the inline tokenizer is replaced by a copy of its loop
that notes, after each rule fires, where the new tokens sit in the inline source:
``token.meta[SPAN] = (start, end)`` in the coordinates of the inline token's
``content``.

Tokens get a span only when the source slice provably holds their text (plain
text, escapes and entities by their markup, line breaks by their newline);
everything else stays unmapped, which costs a finding at worst, never a wrong
offset.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

SPAN = "pw_span"
"""Key of the ``(start, end)`` source span in ``Token.meta``."""

_BREAKS = frozenset({"softbreak", "hardbreak"})


def track_positions(md: MarkdownIt) -> None:
    """Make ``md`` record inline source spans and keep text tokens unmerged.

    The two joining passes are switched off because a merged token keeps only one
    of its parts' spans: ``text_join`` folds escapes into text, ``fragments_join``
    folds stray emphasis delimiters into their neighbours.
    """
    inline = md.inline

    def tokenize(state: StateInline) -> None:
        _tokenize(inline, state)

    inline.tokenize = tokenize  # type: ignore[method-assign]
    md.core.ruler.disable("text_join")
    inline.ruler2.disable("fragments_join")


def span_of(token: Token) -> tuple[int, int] | None:
    """The source span recorded for ``token``, if it has one."""
    span = token.meta.get(SPAN) if token.meta else None
    return span if isinstance(span, tuple) else None


def _tokenize(inline: ParserInline, state: StateInline) -> None:
    """``ParserInline.tokenize`` plus span notes; keep in step with markdown-it's loop."""
    rules = inline.ruler.getRules("")
    end = state.posMax
    max_nesting = state.md.options["maxNesting"]
    while state.pos < end:
        pos = state.pos
        first = len(state.tokens)
        pending = len(state.pending)
        ok = False
        if state.level < max_nesting:
            for rule in rules:
                ok = rule(state, False)
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        if ok:
            if len(state.tokens) > first:
                _note(state, first, pos, pending)
            if state.pos >= end:
                break
            continue
        state.append_pending(state.src[state.pos])
        state.pos += 1
    if state.pending:
        first, pending = len(state.tokens), len(state.pending)
        state.pushPending()
        _note(state, first, state.pos, pending)


def _note(state: StateInline, first: int, pos: int, pending: int) -> None:
    """Give spans to the tokens one rule (started at ``pos``) just pushed.

    Pending text always ends where the rule started: if there was some, the first
    new token is that text, flushed (maybe with trailing spaces trimmed).
    """
    src, tokens = state.src, state.tokens
    i = first
    if pending:
        _set_if_verbatim(tokens[i], src, pos - pending)
        i += 1
    cursor, limit = pos, state.pos
    for token in tokens[i:]:
        known = span_of(token)
        if known is not None:
            cursor = max(cursor, known[1])
            continue
        cursor = _locate(token, src, cursor, limit)
        if token.type == "image" and token.children:
            _shift(token.children, pos + 2)  # the alt text was parsed on its own, from "!["


def _set_if_verbatim(token: Token, src: str, start: int) -> None:
    """Record ``token``'s span at ``start`` if the source there really holds its text."""
    end = start + len(token.content)
    if start >= 0 and src[start:end] == token.content:
        token.meta[SPAN] = (start, end)


def _locate(token: Token, src: str, cursor: int, limit: int) -> int:
    """Find a rule-made token's text at or after ``cursor``; returns the new cursor."""
    kind = token.type
    if kind == "text":
        needle = token.content
    elif kind == "text_special":
        needle = token.markup
    elif kind in _BREAKS:
        needle = "\n"
    else:
        return cursor
    if not needle:
        return cursor
    at = src.find(needle, cursor, limit)
    if at < 0:
        return cursor
    token.meta[SPAN] = (at, at + len(needle))
    return at + len(needle)


def _shift(tokens: Sequence[Token], delta: int) -> None:
    """Move spans (and nested children's spans) recorded in a sub-source by ``delta``."""
    for token in tokens:
        span = span_of(token)
        if span is not None:
            token.meta[SPAN] = (span[0] + delta, span[1] + delta)
        if token.children:
            _shift(token.children, delta)
