"""What the ranking agent returns: the suggestions to show and a decision per finding."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

from prosewise.agents.model import Finding


class Outcome(StrEnum):
    """What happened to a finding."""

    SHOWN = "shown"
    MERGED = "merged"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """One line of the decision log: a finding, its fate, and why, for people (a
    slotted dataclass, as ``Finding``: one per raised finding)."""

    finding: Finding
    """The finding exactly as the agent raised it (prior confidence, its own sources)."""
    outcome: Outcome
    reason: str
    into: int | None = None
    """For merged findings, the index in ``Ranking.shown`` of the suggestion it joined."""
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    """Calibrated confidence of the suggestion this finding ended up in (or would have)."""


class Layout(BaseModel):
    """Paragraph and sentence spans of the document (code points), for density caps."""

    model_config = ConfigDict(frozen=True)

    paragraphs: tuple[tuple[int, int], ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()


class RuleFeedback(BaseModel):
    """How the writer treated one rule's suggestions in this workspace.

    Kept by the server (accept = code action applied, dismiss = "ignore" command);
    the ranking agent only reads it, to demote rules the writer keeps rejecting.
    """

    model_config = ConfigDict(frozen=True)

    accepted: int = Field(default=0, ge=0)
    dismissed: int = Field(default=0, ge=0)


class Contest(BaseModel):
    """What the ranking settled on rules alone and a model may judge better (optional
    ranking, off by default): two fixes for the same words, the first ranked higher,
    or one fix just under the profile's threshold."""

    model_config = ConfigDict(frozen=True)

    options: tuple[Finding, ...]
    """Two options (an overlap: the winner first) or one (a near miss: show it?)."""


def finding_key(finding: Finding) -> str:
    """Names a finding within one ranked text, for the model's verdicts."""
    return f"{finding.rule}@{finding.start}-{finding.end}"


class Verdicts(BaseModel):
    """The model's judgements on contests, by ``finding_key``, each with its reason."""

    model_config = ConfigDict(frozen=True)

    preferred: dict[str, str] = Field(default_factory=dict)
    """Fixes the model chose over the ones competing for the same words."""
    kept: dict[str, str] = Field(default_factory=dict)
    """Near misses the model would show although their confidence is below the threshold."""


class Ranking(BaseModel):
    """The ranking agent's answer: ordered suggestions and the full decision log.

    ``shown`` is in document order and carries calibrated confidences and merged
    sources; ``decisions[i]`` is about the i-th finding given to ``rank``.
    """

    model_config = ConfigDict(frozen=True)

    shown: tuple[Finding, ...]
    decisions: tuple[Decision, ...]
    contests: tuple[Contest, ...] = ()
    """What a model could judge (``rank``'s ``contests``); none unless asked for."""

    def by_importance(self) -> tuple[Finding, ...]:
        """Shown suggestions, most important first: severity, then confidence, then position.

        For summaries and "top N" views; editors list them in document order.
        """
        return tuple(sorted(
            self.shown, key=lambda f: (-f.severity.rank, -f.confidence, f.start, f.end)
        ))
