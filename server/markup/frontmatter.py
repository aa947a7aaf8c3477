"""Front matter: the YAML (``---``) or TOML (``+++``) header at the top of a Markdown file.

One detector for the two places that must agree on it: extraction blanks it out
before parsing (it is metadata, not prose), and chunking never cuts inside it (a
chunk that held only its tail would be read as prose). Lines end as markdown-it
ends them (``\\r\\n``, ``\\r`` or ``\\n``); a byte-order mark may precede the opener.
"""

from __future__ import annotations

import re

_OPENER = re.compile(r"\A\ufeff*(---|\+\+\+)[^\S\r\n]*(?:\r\n?|\n)")
_CLOSERS = {
    "---": re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[^\S\r\n]*(?:\r\n?|\n|\Z)"),
    "+++": re.compile(r"(?<=[\r\n])\+\+\+[^\S\r\n]*(?:\r\n?|\n|\Z)"),
}


def opens_front_matter(text: str) -> bool:
    """Whether ``text`` starts with a front-matter opening line (closed or not)."""
    return _OPENER.match(text) is not None


def front_matter_end(text: str) -> int | None:
    """Where the front matter at the start of ``text`` ends (after its closing line's
    break), or None: no opening line, or one never closed (the dashes are then
    Markdown, a thematic break)."""
    opener = _OPENER.match(text)
    if opener is None:
        return None
    closer = _CLOSERS[opener.group(1)].search(text, opener.end())
    return None if closer is None else closer.end()
