"""The markdown-it-py parser Prosewise reads Markdown with, built once per process.

CommonMark plus GFM tables and strikethrough, dollar math and footnotes; inline
tokens carry source spans (``inline.track_positions``) and are cached by content,
because the language server re-extracts the whole document on every edit and
inline parsing is most of the cost: after an edit only changed paragraphs are
tokenized again.
"""

from __future__ import annotations

import functools
import threading

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from prosewise.server.markup.inline import track_positions


class InlineCache:
    """markdown-it's core ``inline`` rule, remembering children by (content, link labels).

    Link labels are in the key because whether ``[text][label]`` is a link depends
    on the document's reference definitions. Footnote syntax (``^``) is never
    cached: parsing it registers the footnote in the document's env.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._children: dict[tuple[str, frozenset[str]], list[Token]] = {}
        self._lock = threading.Lock()

    def __call__(self, state: StateCore) -> None:
        """Fill every inline token's children, from the cache when the content was seen."""
        labels = state.env.get("labels") or frozenset(state.env.get("references", ()))
        md = state.md
        for token in state.tokens:
            if token.type != "inline":
                continue
            content = token.content
            if "^" in content:
                token.children = []
                md.inline.parse(content, md, state.env, token.children)
                continue
            key = (content, labels)
            children = self._children.get(key)
            if children is None:
                children = []
                md.inline.parse(content, md, state.env, children)
                self._remember(key, children)
            token.children = children

    def _remember(self, key: tuple[str, frozenset[str]], children: list[Token]) -> None:
        """Store, starting afresh when full (edits leave many stale paragraphs behind)."""
        with self._lock:
            if len(self._children) >= self.limit:
                self._children.clear()
            self._children[key] = children


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The shared parser; reused read-only (setting one up costs more than a parse).

    Pandoc's rule for ``$``: no space inside the delimiters, no digit after the
    closing one; so "$5 and $10" stays prose.
    """
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.use(footnote_plugin)
    track_positions(md)
    md.core.ruler.at("inline", InlineCache())
    return md
