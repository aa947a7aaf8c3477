"""A document's review as a list of per-chunk results, made document-wide lazily.

Why: ranking decides locally (duplicates and overlaps share a span, density caps
count per sentence and paragraph), so each chunk of the document (see chunks.py)
is ranked alone and its result cached by content. A review is then the chunks'
results placed at their offsets; copying every finding into document offsets is
O(document), so it is done only when someone reads ``shown``, ``decisions`` or
``blocks``, and ``tone`` (a whole-document pass) only when someone asks for it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from prosewise.agents.model import Block, Finding, Segment, ToneSummary
from prosewise.agents.registry import tone_summary
from prosewise.agents.settings import Goals
from prosewise.merge.model import Decision


@dataclass(frozen=True, eq=False)
class Part:
    """One chunk's review in chunk offsets (0 = the chunk's first character)."""

    blocks: tuple[Block, ...]
    findings: tuple[Finding, ...]
    """Every enabled finding of every agent (the ranking's input; the tone summary reads it)."""
    shown: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    complete: bool = True
    """False when an engine was missing or failed: such a part is never cached."""
    fronts: dict[Hashable, object] = field(default_factory=dict, repr=False)
    """What a front derives from the part (the server's diagnostics per placement),
    kept with it so it is forgotten with it."""
    _placed: dict[int, tuple[Finding, ...]] = field(default_factory=dict, repr=False)

    def shown_at(self, start: int) -> tuple[Finding, ...]:
        """``shown`` moved to ``start``; the last placement is remembered, so after an
        edit the chunks before it cost nothing."""
        found = self._placed.get(start)
        if found is None:
            found = tuple(shift_finding(f, start) for f in self.shown)
            self._placed.clear()
            self._placed[start] = found
        return found


class Placed(NamedTuple):
    """A part at its place in the document (a tuple: a review makes one per chunk)."""

    start: int
    chunk: str
    """The chunk's text."""
    part: Part


def shift_finding(f: Finding, delta: int) -> Finding:
    """``f`` moved by ``delta`` code points (no validation: offsets were valid in the chunk)."""
    return f if delta == 0 else f.model_copy(update={"start": f.start + delta,
                                                     "end": f.end + delta})


def shift_decision(d: Decision, delta: int, shown_before: int) -> Decision:
    """``d`` in document offsets; ``into`` indexes the document's ``shown``."""
    update: dict[str, object] = {"finding": shift_finding(d.finding, delta)}
    if d.into is not None:
        update["into"] = d.into + shown_before
    return d.model_copy(update=update)


def shift_block(b: Block, delta: int) -> Block:
    """``b`` with its segments pointing ``delta`` code points further."""
    if delta == 0:
        return b
    segments = tuple(Segment.model_construct(block_start=s.block_start,
                                             doc_start=s.doc_start + delta, length=s.length)
                     for s in b.segments)
    return b.model_copy(update={"segments": segments})


@dataclass(frozen=True, eq=False)
class Review:
    """The result of reviewing one document.

    The document's chunks are three parallel tuples (``starts``, ``chunks``,
    ``results``): after a keystroke the next review slices the unchanged ends out of
    them instead of making an object per chunk. ``parts`` (the same as ``Placed``
    tuples), ``shown`` (document order, document offsets), ``decisions`` (one per
    finding; ``into`` indexes ``shown``), ``blocks`` and ``tone`` are computed on
    first read; a front that converts per part can skip them altogether.
    """

    text: str
    starts: tuple[int, ...] = ()
    chunks: tuple[str, ...] = ()
    results: tuple[Part, ...] = ()
    """Each chunk's part, in chunk offsets."""
    incomplete: tuple[int, ...] = ()
    """Indexes of the parts an engine was missing from (loading or failed)."""
    goals: Goals = field(default_factory=Goals)
    checked_blocks: int = 0
    """How many (agent, block) pairs actually ran; the rest came from the cache."""
    language: str = ""
    context: str = ""
    """Everything besides its text the review depended on (language, settings, feedback):
    its parts can stand in for the next version's equal chunks only in the same context."""

    @property
    def complete(self) -> bool:
        """Whether every engine contributed (False while one is loading or after it failed)."""
        return not self.incomplete

    @cached_property
    def parts(self) -> tuple[Placed, ...]:
        """Each chunk's part at its place."""
        return tuple(map(Placed, self.starts, self.chunks, self.results))

    @cached_property
    def shown(self) -> tuple[Finding, ...]:
        """The suggestions to show, in document order and offsets."""
        return tuple(f for p in self.parts for f in p.part.shown_at(p.start))

    @cached_property
    def decisions(self) -> tuple[Decision, ...]:
        """The ranking's decision for every finding, in document offsets."""
        out: list[Decision] = []
        before = 0
        for p in self.parts:
            out.extend(shift_decision(d, p.start, before) for d in p.part.decisions)
            before += len(p.part.shown)
        return tuple(out)

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """The prose blocks, in document offsets."""
        return tuple(shift_block(b, p.start) for p in self.parts for b in p.part.blocks)

    @cached_property
    def tone(self) -> ToneSummary | None:
        """How the whole document sounds (None for short documents)."""
        blocks: list[Block] = [b for p in self.parts for b in p.part.blocks]
        return tone_summary(blocks, self.goals)
