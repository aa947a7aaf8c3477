"""Plain text: paragraphs are runs of non-blank lines."""

from __future__ import annotations

import re

from prosewise.agents.model import Block, BlockKind, Segment

_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*", re.MULTILINE)


def extract_plaintext(text: str) -> list[Block]:
    """One block per paragraph, each a single verbatim run of the document."""
    blocks = []
    for m in _PARAGRAPH.finditer(text):
        body = m.group(0).rstrip()
        blocks.append(Block(kind=BlockKind.PARAGRAPH, text=body,
                            segments=(Segment(block_start=0, doc_start=m.start(), length=len(body)),)))
    return blocks
