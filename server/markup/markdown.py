"""Markdown (placeholder until the markdown-it-py extractor lands): treated as plain text."""

from __future__ import annotations

from prosewise.agents.model import Block
from prosewise.server.markup.plaintext import extract_plaintext


def extract_markdown(text: str) -> list[Block]:
    """Prose blocks of a Markdown document."""
    return extract_plaintext(text)
