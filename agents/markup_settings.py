"""Settings for reading markup formats: which format a project's files are read as, and
which LaTeX commands and environments are prose.

Part of the settings tree (``Settings.languages``, ``Settings.latex``), so the editors'
settings are generated from it and a change re-checks the document (the settings digest
is in every cache key).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel


class Format(StrEnum):
    """A format Prosewise reads: one extractor each (server/markup; a test keeps the two
    lists equal). Programming languages are read for their comments and docstrings."""

    MARKDOWN = "markdown"
    LATEX = "latex"
    RESTRUCTUREDTEXT = "restructuredtext"
    HTML = "html"
    ASCIIDOC = "asciidoc"
    ORG = "org"
    TYPST = "typst"
    GIT_COMMIT = "git-commit"
    PLAINTEXT = "plaintext"
    PYTHON = "python"
    JAVASCRIPT = "javascript"
    JAVASCRIPTREACT = "javascriptreact"
    TYPESCRIPT = "typescript"
    TYPESCRIPTREACT = "typescriptreact"
    GO = "go"
    RUST = "rust"
    JAVA = "java"
    C = "c"
    CPP = "cpp"
    SHELLSCRIPT = "shellscript"


LanguageKey = Annotated[str, StringConstraints(
    to_lower=True, pattern=r"^\.?[A-Za-z0-9][A-Za-z0-9_+#.\-]*$")]
"""A key of ``languages``: a language id as editors send it ("mdx", "quarto"), or a file
suffix with its dot (".svx"); either in any case."""


LatexCommand = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\\?[A-Za-z@]+\*?(?:\{\}|\[\])*$")
]
"""A command with its arguments as LTeX writes them: ``\\todo{}``, ``\\mycite[]{}``."""
LatexName = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z@]+\*?$")]


class LatexSettings(BaseModel):
    """LaTeX commands and environments to read beyond the built-in ones."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
        use_attribute_docstrings=True,
    )

    ignore_commands: tuple[LatexCommand, ...] = ()
    """Commands left out of the text with their arguments, written with their
    arguments: "\\todo{}", "\\note[]{}". Arguments not listed are read as prose."""
    dummy_commands: tuple[LatexCommand, ...] = ()
    """Commands whose arguments are not prose but that stand for a word in the sentence
    (like \\cite or \\ref): "\\gls{}", "\\mycite[]{}"."""
    ignore_environments: tuple[LatexName, ...] = ()
    """Environments whose content is not prose, read verbatim up to their \\end, e.g.
    "tikzpicture", "algorithmic"."""


def command_spec(command: str) -> tuple[str, str]:
    """(name, pylatexenc argument spec) of a command as written: ``\\cite[]{}`` →
    ("cite", "[{")."""
    body = command.lstrip("\\")
    cut = next((i for i, c in enumerate(body) if c in "{["), len(body))
    args = body[cut:].replace("{}", "{").replace("[]", "[")
    return body[:cut], args
