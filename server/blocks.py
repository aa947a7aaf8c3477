"""A chunk's blocks in the document: findings moved from block to document offsets,
and the paragraph and sentence spans the ranking agent weighs density by."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from prosewise.agents.model import Block, Finding
from prosewise.agents.text import sentences
from prosewise.merge.model import Layout

log = logging.getLogger(__name__)


def to_document(block: Block, found: Sequence[Finding]) -> list[Finding]:
    """Findings moved from block to document offsets; ones that cannot map are dropped.
    One that does not move (a plain paragraph's) stays the finding cache's object:
    findings are frozen, and a copy costs ≈0.4 KB."""
    out = []
    for f in found:
        if block.text[f.start:f.end] != f.text:
            log.warning("dropping %s: quoted text does not match the block", f.rule)
            continue
        span = block.to_doc(f.start, f.end)
        if span is None:
            continue
        moved = span != (f.start, f.end)
        out.append(replace(f, start=span[0], end=span[1]) if moved else f)
    return out


def layout_of(blocks: Sequence[Block]) -> Layout:
    """Paragraph and sentence spans in document offsets (sentences that map cleanly)."""
    paragraphs = tuple((b.doc_start, b.doc_end) for b in blocks if b.segments)
    spans: list[tuple[int, int]] = []
    for b in blocks:
        for s, e in sentences(b.text):
            start, end = b.to_doc(s, s), b.to_doc(e, e)
            if start and end:
                spans.append((start[0], end[0]))
    return Layout(paragraphs=paragraphs, sentences=tuple(spans))
