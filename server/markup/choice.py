"""Which format reads a document: the built-in table (markup/__init__.py) under the
project's own (``Settings.languages``).

One function for both fronts, so a file is read the same way by ``prosewise review``
and in the editor: the CLI passes the language its file name gives, the server the
editor's ``languageId``, and both the file's name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from prosewise.server.markup import canonical, extractors, language_for


def document_language(language: str, name: str, table: Mapping[str, str]) -> str:
    """The format ``name`` is read as, given ``language`` (the editor's id, or the one
    the CLI found for the file) and the project's ``table`` (lower-case keys: language
    ids, and suffixes with their dot).

    The project's table comes first: the language id, then the longest suffix it lists
    (VS Code sends "plaintext" for a suffix it does not know). Then the id itself, when
    an extractor reads it; else the built-in table by file name (an editor's own id such
    as "mdx" for ``x.mdx``); else plain text.
    """
    given = language.lower()
    if given in table:
        return table[given]
    base = os.path.basename(name).lower()
    suffixes = [key for key in table if key.startswith(".") and base.endswith(key)]
    if suffixes:
        return table[max(suffixes, key=len)]
    known = canonical(given)
    return known if known in extractors() else language_for(name)
