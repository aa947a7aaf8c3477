"""Markup extractors: turn a document into prose blocks with exact offset maps.

Pluggable by language id (the LSP ``languageId`` or a file suffix); unknown
languages are treated as plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from prosewise.agents.model import Block
from prosewise.server.markup.plaintext import extract_plaintext
from prosewise.server.markup.references import Labels

Extractor = Callable[[str], list[Block]]


def extractors() -> dict[str, Extractor]:
    """Language id → extractor."""
    from prosewise.server.markup.markdown import extract_markdown

    return {
        "markdown": extract_markdown,
        "plaintext": extract_plaintext,
        "text": extract_plaintext,
    }


SUFFIXES = {
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".mdown": "markdown",
    ".mkd": "markdown", ".mkdn": "markdown", ".txt": "plaintext",
}


def language_for(filename: str) -> str:
    """Language id for a file name (plain text when unknown)."""
    for suffix, language in SUFFIXES.items():
        if filename.lower().endswith(suffix):
            return language
    return "plaintext"


def extract(text: str, language: str, labels: Labels = frozenset()) -> list[Block]:
    """Prose blocks of ``text`` read as ``language``; a Markdown chunk is read with its
    document's reference ``labels`` (markup/references.py)."""
    if language == "markdown" and labels:
        from prosewise.server.markup.markdown import extract_markdown

        return extract_markdown(text, labels)
    return extractors().get(language, extract_plaintext)(text)
