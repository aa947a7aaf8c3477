"""What the ranking agent returns: the suggestions to show and a decision per finding."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from prosewise.agents.model import Finding


class Outcome(StrEnum):
    """What happened to a finding."""

    SHOWN = "shown"
    MERGED = "merged"
    SUPPRESSED = "suppressed"


class Decision(BaseModel):
    """One line of the decision log: a finding, its fate, and why, for people."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    outcome: Outcome
    reason: str
    into: int | None = None
    """For merged findings, the index in ``Ranking.shown`` of the suggestion it joined."""


class Layout(BaseModel):
    """Paragraph and sentence spans of the document (code points), for density caps."""

    model_config = ConfigDict(frozen=True)

    paragraphs: tuple[tuple[int, int], ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()


class Ranking(BaseModel):
    """The ranking agent's answer: ordered suggestions and the full decision log."""

    model_config = ConfigDict(frozen=True)

    shown: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
