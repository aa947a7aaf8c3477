"""The domain model every part of Prosewise speaks: prose blocks and findings.

Offsets are always Python ``str`` indices (code points). Conversion to UTF-16 or
UTF-8 positions happens only at the protocol edge (``prosewise.server``).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass
from pydantic_core import CoreSchema, core_schema


class AgentName(StrEnum):
    """The four specialised agents; the order is the precedence used to settle conflicts."""

    GRAMMAR = "grammar"
    CLARITY = "clarity"
    TONE = "tone"
    STYLE = "style"


class Severity(StrEnum):
    """How much a finding matters; maps onto LSP DiagnosticSeverity at the edge."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Higher is more severe; used by ``--fail-on`` and by ranking."""
        return {"error": 3, "warning": 2, "info": 1, "hint": 0}[self.value]


class Category(StrEnum):
    """What kind of problem a finding is about: drives severity, tags and filtering."""

    SPELLING = "spelling"
    GRAMMAR = "grammar"
    PUNCTUATION = "punctuation"
    AGREEMENT = "agreement"
    TYPOGRAPHY = "typography"
    WORD_CHOICE = "word-choice"
    READABILITY = "readability"
    WORDINESS = "wordiness"
    CONFIDENCE = "confidence"
    FORMALITY = "formality"
    POLITENESS = "politeness"
    INCLUSIVE = "inclusive"
    CLICHE = "cliche"
    REDUNDANCY = "redundancy"
    PASSIVE = "passive"
    JARGON = "jargon"
    STYLE = "style"


class EditKind(StrEnum):
    """How a replacement changes the quoted text (harper's ReplaceWith / InsertAfter / Remove)."""

    REPLACE = "replace"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True, slots=True, kw_only=True)
class Replacement:
    """One way to fix a finding. ``value`` is the new text (replace), the text to insert
    after the span (insert) or empty (delete)."""

    kind: EditKind = EditKind.REPLACE
    value: str = ""

    def apply(self, quoted: str) -> str:
        """The text that replaces the finding's span; one rule for all three kinds."""
        if self.kind is EditKind.DELETE:
            return ""
        if self.kind is EditKind.INSERT:
            return quoted + self.value
        return self.value


class Source(str):
    """What raised a finding: an engine and its rule ("harper:AnA") or a rule file
    ("rule:style/cliche.toml"). A string, so it is stored, compared and shown as one
    (JSON output, calibration tables); ``origin`` and ``rule`` are the one place it
    is taken apart."""

    __slots__ = ()

    @classmethod
    def of(cls, origin: str, rule: str) -> Source:
        """The source for ``rule`` of ``origin`` (an engine's name, or "rule")."""
        return cls(f"{origin}:{rule}")

    @property
    def origin(self) -> str:
        """The engine's name, or "rule" for a rule file of an agent."""
        return self.partition(":")[0]

    @property
    def rule(self) -> str:
        """The engine's rule, or the rule file."""
        return self.partition(":")[2]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> CoreSchema:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema())


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem found by one agent (or, after merging, by several).

    A validated dataclass with slots, not a BaseModel: an open document holds one per
    raised, ranked and shown finding, and a BaseModel instance's ``__dict__`` and
    fields-set made each ≈1.3 KB instead of ≈0.37 KB (20 open 10k-word documents:
    see bench.lsp_latency). Changed copies are ``dataclasses.replace``.
    """

    agent: AgentName
    rule: str = Field(description="Stable rule id, e.g. 'clarity.long-sentence'.")
    category: Category
    start: int = Field(ge=0, description="Code point offset where the quoted text starts.")
    end: int = Field(ge=0, description="Code point offset just past the quoted text.")
    text: str = Field(description="The quoted text, always document[start:end].")
    message: str
    replacements: tuple[Replacement, ...] = ()
    severity: Severity = Severity.WARNING
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    explanation: str = ""
    sources: tuple[Source, ...] = Field(
        default=(), description="Engines or rule files that raised it, e.g. 'harper:AnA'."
    )

    @property
    def origins(self) -> frozenset[str]:
        """The engines (or "rule") that raised it."""
        return frozenset(s.origin for s in self.sources)

    def edit_key(self) -> tuple[int, int, str]:
        """Position and first fix: two findings with equal keys propose the same edit."""
        first = self.replacements[0].apply(self.text) if self.replacements else "\0"
        return (self.start, self.end, first)


class BlockKind(StrEnum):
    """The structural role of a prose block; agents may judge headings differently."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list-item"
    QUOTE = "quote"
    TABLE_CELL = "table-cell"
    COMMENT = "comment"


class Segment(BaseModel):
    """A run of block text copied verbatim from the document at ``doc_start``.

    Text between segments (e.g. a placeholder standing for inline code) maps to no
    document text: findings touching it are dropped.
    """

    model_config = ConfigDict(frozen=True)

    block_start: int
    doc_start: int
    length: int


class Block(BaseModel):
    """A unit of prose the agents check: a paragraph, heading, list item ...

    ``text`` is what the agents see; ``segments`` map it back to the document exactly.
    """

    model_config = ConfigDict(frozen=True)

    kind: BlockKind = BlockKind.PARAGRAPH
    text: str
    segments: tuple[Segment, ...]

    @property
    def digest(self) -> str:
        """Content hash: the cache key part that survives edits elsewhere in the file."""
        return hashlib.blake2b(
            f"{self.kind}\0{self.text}".encode("utf-8", "surrogatepass"), digest_size=16
        ).hexdigest()

    @property
    def doc_start(self) -> int:
        """Where the block starts in the document."""
        return self.segments[0].doc_start if self.segments else 0

    @property
    def doc_end(self) -> int:
        """Where the block's last verbatim segment ends in the document."""
        last = self.segments[-1] if self.segments else None
        return last.doc_start + last.length if last else 0

    def to_doc(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a block span to a document span, or None if it is not one verbatim run.

        Why one run: a finding whose text spans markup (``**bold** text``) or a
        placeholder cannot be fixed by replacing a document range.
        """
        starts = [s.block_start for s in self.segments]
        i = bisect_right(starts, start) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        if end > seg.block_start + seg.length:
            return None
        delta = seg.doc_start - seg.block_start
        return start + delta, end + delta

    @classmethod
    def verbatim(
        cls, text: str, doc_start: int = 0, kind: BlockKind = BlockKind.PARAGRAPH
    ) -> Block:
        """A block that is exactly one run of document text."""
        return cls(kind=kind, text=text, segments=(Segment(block_start=0, doc_start=doc_start,
                                                           length=len(text)),))


class ToneTrait(BaseModel):
    """One detected trait of the document's voice, with the phrases that show it."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="e.g. 'confident', 'formal', 'friendly', 'tentative'.")
    score: float = Field(ge=0.0, le=1.0)
    evidence: tuple[str, ...] = ()


class ToneSummary(BaseModel):
    """How the whole document sounds (only for documents long enough to judge)."""

    model_config = ConfigDict(frozen=True)

    traits: tuple[ToneTrait, ...]
    headline: str = Field(description="One line for people, e.g. 'confident, formal'.")
