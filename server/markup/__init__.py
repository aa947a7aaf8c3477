"""Markup extractors: turn a document into prose blocks with exact offset maps.

Pluggable by language id (the LSP ``languageId`` or a file suffix); unknown
languages are treated as plain text.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from prosewise.agents.markup_settings import LatexSettings
from prosewise.agents.model import Block
from prosewise.server.markup.plaintext import extract_plaintext
from prosewise.server.markup.references import Labels

Extractor = Callable[[str], list[Block]]


@functools.cache
def extractors() -> dict[str, Extractor]:
    """Language id → extractor (imported when first asked for: a parser costs start-up
    time, and most runs read one format)."""
    from prosewise.server.markup.asciidoc import extract_asciidoc
    from prosewise.server.markup.comments import extract_comments
    from prosewise.server.markup.commit import extract_commit
    from prosewise.server.markup.html import extract_html
    from prosewise.server.markup.latex import extract_latex
    from prosewise.server.markup.markdown import extract_markdown
    from prosewise.server.markup.org import extract_org
    from prosewise.server.markup.rst import extract_rst
    from prosewise.server.markup.typst import extract_typst

    return {
        "markdown": extract_markdown,
        "latex": extract_latex,
        "git-commit": extract_commit,
        "html": extract_html,
        "restructuredtext": extract_rst,
        "org": extract_org,
        "asciidoc": extract_asciidoc,
        "typst": extract_typst,
        "plaintext": extract_plaintext,
        "text": extract_plaintext,
        **{language: extract_comments(language) for language in LEXERS},
    }


LEXERS = {
    "python": "python", "javascript": "javascript", "javascriptreact": "jsx",
    "typescript": "typescript", "typescriptreact": "tsx", "go": "go", "rust": "rust",
    "java": "java", "c": "c", "cpp": "cpp", "shellscript": "bash",
}
"""Programming languages (VS Code's ids) and their Pygments lexers: only comments and
docstrings are read (comments.py)."""

SUFFIXES = {
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".mdown": "markdown",
    ".mkd": "markdown", ".mkdn": "markdown", ".txt": "plaintext", ".tex": "latex",
    ".ltx": "latex", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rst": "restructuredtext", ".rest": "restructuredtext", ".py": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "typescriptreact", ".go": "go", ".rs": "rust", ".java": "java", ".c": "c",
    ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp",
    ".hxx": "cpp", ".sh": "shellscript", ".bash": "shellscript", ".zsh": "shellscript",
    ".org": "org", ".adoc": "asciidoc", ".asciidoc": "asciidoc", ".asc": "asciidoc",
    ".typ": "typst",
}

NAMES = {"COMMIT_EDITMSG": "git-commit", "MERGE_MSG": "git-commit",
         "TAG_EDITMSG": "git-commit", "SQUASH_MSG": "git-commit"}
"""Files known by their whole name (git's message files)."""

ALIASES = {"tex": "latex", "text": "plaintext", "sh": "shellscript", "bash": "shellscript",
           "zsh": "shellscript", "gitcommit": "git-commit", "rst": "restructuredtext",
           "org-mode": "org", "orgmode": "org", "adoc": "asciidoc"}
"""Language ids other editors send for the same formats (Neovim sends its filetype)."""

WHOLE_DOCUMENT = frozenset({"git-commit", "html", "restructuredtext", "org", "asciidoc",
                            "typst", *LEXERS})
"""Languages read as one piece: their constructs (a docstring, a ``<pre>``, a literal
block) reach across blank lines, so they are never cut into chunks (server/chunks.py;
LaTeX is cut where nothing reaches across: latex_chunks.py)."""


def language_for(filename: str) -> str:
    """Language id for a file name (plain text when unknown)."""
    if (name := NAMES.get(os.path.basename(filename))) is not None:
        return name
    for suffix, language in SUFFIXES.items():
        if filename.lower().endswith(suffix):
            return language
    return "plaintext"


def languages() -> list[str]:
    """Every language id the CLI's ``--language`` accepts."""
    return sorted({*SUFFIXES.values(), *NAMES.values(), *ALIASES})


def canonical(language: str) -> str:
    """The language id an extractor is registered under."""
    language = language.lower()  # Emacs's AUCTeX sends "LaTeX"
    return ALIASES.get(language, language)


def extract(text: str, language: str, labels: Labels = frozenset(),
            latex: LatexSettings | None = None) -> list[Block]:
    """Prose blocks of ``text`` read as ``language``; a Markdown chunk is read with its
    document's reference ``labels`` (markup/references.py), LaTeX with the commands
    and environments of the settings."""
    language = canonical(language)
    if language == "markdown" and labels:
        from prosewise.server.markup.markdown import extract_markdown

        return extract_markdown(text, labels)
    if language == "latex" and latex is not None:
        from prosewise.server.markup.latex import extract_latex

        return extract_latex(text, latex)
    return extractors().get(language, extract_plaintext)(text)
