"""A document's review: one record per chunk, in one table, made document-wide lazily.

Why: ranking decides locally (duplicates and overlaps share a span, density caps
count per sentence and paragraph), so each chunk of the document (see chunks.py)
is ranked alone and its result cached by content. A review is the table of its
chunks (``Chunk``: where it starts, its text, its ranked result); an edit replaces
the records of the edited chunks and keeps the others' results. Copying every
finding into document offsets is O(document), so it is done only when someone
reads ``shown``, ``decisions`` or ``blocks``, and ``tone`` (a whole-document pass)
only when someone asks for it.

A result that went without a source (an engine still loading, an engine answering
late, a failure) says so in ``Part.waiting``: it is never cached, and the chunk is
checked again on the next review; nothing else about late sources lives here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

from prosewise.agents.model import Block, Finding, Segment, ToneSummary
from prosewise.agents.registry import tone_summary
from prosewise.agents.settings import Goals
from prosewise.merge.model import Decision
from prosewise.server.chunks import Edited, rechunk, split
from prosewise.server.controls import Controls, hide_decisions, read_controls
from prosewise.server.markup import canonical
from prosewise.server.markup.references import Labels


@dataclass(frozen=True, eq=False)
class Part:
    """One chunk's ranked result in chunk offsets (0 = the chunk's first character)."""

    blocks: tuple[Block, ...]
    findings: tuple[Finding, ...]
    """Every enabled finding of every agent (the ranking's input; the tone summary reads it)."""
    shown: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    waiting: frozenset[str] = frozenset()
    """The sources this result went without (engines loading, late or failed, agents
    that failed): such a part is never cached and its chunk is checked again."""
    marked: bool = False
    """Whether the chunk's text may hold an in-document control (``has_markers``)."""


class Chunk(NamedTuple):
    """One chunk of a reviewed document: its text and its result. Where it starts is
    the review's (``Review.starts``, derived from the texts' lengths): an edit then
    keeps every other record as it is, instead of making a moved copy of each record
    after it (≈1,000 per keystroke in a 100k-word document)."""

    text: str
    part: Part

    @property
    def waiting(self) -> frozenset[str]:
        """The sources the chunk's result still waits for."""
        return self.part.waiting

    def shown(self, start: int) -> tuple[Finding, ...]:
        """The part's shown findings in document offsets, the chunk starting at ``start``."""
        return tuple(shift_finding(f, start) for f in self.part.shown)


def shift_finding(f: Finding, delta: int) -> Finding:
    """``f`` moved by ``delta`` code points (no validation: offsets were valid in the chunk)."""
    return f if delta == 0 else replace(f, start=f.start + delta, end=f.end + delta)


def shift_decision(d: Decision, delta: int, shown_before: int) -> Decision:
    """``d`` in document offsets; ``into`` indexes the document's ``shown``."""
    into = None if d.into is None else d.into + shown_before
    return replace(d, finding=shift_finding(d.finding, delta), into=into)


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
    """The result of reviewing one document: its chunks, in document order.

    ``shown`` (document order, document offsets), ``decisions`` (one per finding;
    ``into`` indexes ``shown``), ``blocks`` and ``tone`` are computed on first read;
    a front that converts per chunk can skip them altogether.
    """

    text: str
    chunks: tuple[Chunk, ...] = ()
    goals: Goals = field(default_factory=Goals)
    checked_blocks: int = 0
    """How many (agent, block) pairs actually ran; the rest came from the cache."""
    language: str = ""
    context: str = ""
    """Everything besides its text the review depended on (language, settings, feedback):
    its results can stand in for the next version's equal chunks only in the same context."""
    labels: Labels = frozenset()
    """The document's reference labels (Markdown): with others, a chunk may read
    differently (``[text][label]`` is a link or not), so its result is looked up again."""
    waiting: frozenset[str] = frozenset()
    """The sources some chunk's result still waits for (empty: complete). Only the
    chunks checked by this review can wait: a waiting result is never cached, and the
    next review checks such chunks again, so the pipeline knows it without a pass."""

    @property
    def complete(self) -> bool:
        """Whether every source contributed (False while an engine loads or after it failed)."""
        return not self.waiting

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """Each chunk's text (for ``rechunk``)."""
        return tuple(map(itemgetter(0), self.chunks))  # C-level: a pass per keystroke

    @cached_property
    def starts(self) -> tuple[int, ...]:
        """Each chunk's start: the chunks concatenated are the text."""
        return tuple(accumulate(map(len, self.texts[:-1]), initial=0)) if self.chunks else ()

    def placed(self) -> Iterator[tuple[int, Chunk]]:
        """Each chunk with its start, in document order."""
        return zip(self.starts, self.chunks, strict=True)

    @cached_property
    def controls(self) -> Controls:
        """The in-document controls (controls.py): what they hide is left out of
        ``shown`` here, and of the language server's diagnostics through ``kept``."""
        if not any(c.part.marked for c in self.chunks):  # 1.4 ms less at 600 KB
            return Controls()
        return read_controls(self.text, canonical(self.language))

    @cached_property
    def ranked(self) -> tuple[Finding, ...]:
        """The ranking's suggestions, in document order and offsets, controls aside."""
        return tuple(f for start, c in self.placed() for f in c.shown(start))

    @cached_property
    def shown(self) -> tuple[Finding, ...]:
        """The suggestions to show, in document order and offsets."""
        if not self.controls:
            return self.ranked
        return tuple(f for f in self.ranked if self.controls.hider(f) is None)

    def kept(self, start: int, chunk: Chunk) -> tuple[int, ...] | None:
        """Indexes of the chunk's shown findings that no control hides (None: all), for
        a front that reads the review per chunk (the language server's diagnostics)."""
        if not self.controls.touches(start, start + len(chunk.text)):
            return None
        return self.controls.kept(chunk.shown(start))

    @cached_property
    def decisions(self) -> tuple[Decision, ...]:
        """The ranking's decision for every finding, in document offsets; a finding a
        control hides says so, and ``into`` indexes ``shown``."""
        out: list[Decision] = []
        before = 0
        for start, c in self.placed():
            out.extend(shift_decision(d, start, before) for d in c.part.decisions)
            before += len(c.part.shown)
        if not self.controls:
            return tuple(out)
        return hide_decisions(out, self.ranked, self.controls)

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """The prose blocks, in document offsets."""
        return tuple(shift_block(b, start) for start, c in self.placed() for b in c.part.blocks)

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every enabled finding of every agent before ranking, in document offsets.

        Why not ``decisions``: the ranking agent may rewrite merged findings (sources
        joined), and calibration must not depend on the ranking."""
        return tuple(shift_finding(f, start) for start, c in self.placed()
                     for f in c.part.findings)

    @cached_property
    def tone(self) -> ToneSummary | None:
        """How the whole document sounds (None for short documents)."""
        blocks: list[Block] = [b for c in self.chunks for b in c.part.blocks]
        return tone_summary(blocks, self.goals)


class Todo(NamedTuple):
    """A chunk of the new version whose result is still to be found."""

    text: str


class Layout(NamedTuple):
    """The new version's chunks as ``layout_chunks`` lays them out."""

    records: list[Chunk | Todo]
    todo: list[int]
    """Where the records to look up are (every ``Todo``)."""
    replaced: Sequence[Chunk]
    """The previous records the new ones replace (the edited ones; all of them when
    the text is split again)."""


def layout_chunks(previous: Review | None, text: str, language: str, context: str,
                  edited: Edited | None) -> Layout:
    """The new version's chunks: after a keystroke, the previous review's records for
    the chunks the edit left alone, and the edited ones to look up; otherwise every
    chunk of ``split``, to look up. Records whose result waits for a source are
    looked up again."""
    edit = (rechunk(previous.starts, previous.texts, text, language, edited)
            if previous is not None and previous.language == language else None)
    if previous is None or edit is None:
        records: list[Chunk | Todo] = [Todo(c) for _, c in split(text, language)]
        return Layout(records, list(range(len(records))),
                      previous.chunks if previous is not None else ())
    old = previous.chunks
    after = len(old) - edit.after
    if previous.context != context:
        records = [*(Todo(c.text) for c in old[:edit.before]),
                   *(Todo(c) for _, c in edit.middle),
                   *(Todo(c.text) for c in old[after:])]
        return Layout(records, list(range(len(records))), old[edit.before:after])
    records = [*old[:edit.before], *(Todo(c) for _, c in edit.middle), *old[after:]]
    todo = list(range(edit.before, edit.before + len(edit.middle)))
    if previous.waiting:
        todo = sorted({*todo, *(i for i, c in enumerate(records)
                                if isinstance(c, Chunk) and c.waiting)})
        records = [Todo(c.text) if isinstance(c, Chunk) and c.waiting else c
                   for c in records]
    return Layout(records, todo, old[edit.before:after])
