"""Plain text: paragraphs are runs of non-blank lines."""

from __future__ import annotations

import re

from prosewise.agents.model import Block, BlockKind

_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t\r]*\n))*")
"""A paragraph ends at a blank line (CRLF-aware: ``.`` also matches ``\r``)."""


def extract_plaintext(text: str) -> list[Block]:
    """One block per paragraph, each a single verbatim run of the document."""
    return [Block.verbatim(m.group(0).rstrip(), m.start(), BlockKind.PARAGRAPH)
            for m in _PARAGRAPH.finditer(text)]
