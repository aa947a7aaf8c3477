"""Plain text: paragraphs are runs of non-blank lines."""

from __future__ import annotations

import re

from prosewise.agents.model import Block
from prosewise.server.markup.builder import BlockBuilder

_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t\r]*\n))*")
"""A paragraph ends at a blank line (CRLF-aware: ``.`` also matches ``\r``)."""


def extract_plaintext(text: str) -> list[Block]:
    """One block per paragraph: its text, with URLs and runs too long to be words
    standing as placeholders (as in Markdown)."""
    blocks = []
    for m in _PARAGRAPH.finditer(text):
        builder = BlockBuilder(text)
        builder.text(m.group(0).rstrip(), m.start())
        if (block := builder.build()) is not None:
            blocks.append(block)
    return blocks
