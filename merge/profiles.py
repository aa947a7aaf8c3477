"""What each profile lets through: confidence floor, severities, density caps.

strict shows only clear errors; balanced adds confident suggestions of any kind,
a few per sentence; picky shows nearly everything the agents find.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from prosewise.agents.model import AgentName, Finding, Severity
from prosewise.agents.settings import Profile


@dataclass(frozen=True)
class Policy:
    """One profile's limits. Caps count non-error suggestions; None means no cap."""

    min_confidence: float
    errors_only: bool = False
    floors: Mapping[AgentName, float] = field(default_factory=dict)
    """Per-agent floors where an agent's confidence is measured on another scale."""
    per_sentence: int | None = None
    per_paragraph: int | None = None


POLICIES: Mapping[Profile, Policy] = MappingProxyType({
    Profile.STRICT: Policy(min_confidence=0.7, errors_only=True),
    # Clarity is calibrated against ASSET, where people rewrote sentences freely: a
    # rule whose spans they rewrote 40% of the time is a strong signal there.
    Profile.BALANCED: Policy(min_confidence=0.5, per_sentence=3, per_paragraph=6,
                             floors=MappingProxyType({AgentName.CLARITY: 0.4})),
    Profile.PICKY: Policy(min_confidence=0.2, per_sentence=6, per_paragraph=15),
})


def below_threshold(finding: Finding, profile: Profile, floor: float | None = None) -> str | None:
    """Why the profile hides this (calibrated) finding, or None if it passes; ``floor``
    replaces the profile's confidence floor (lowered by evidence from the text)."""
    policy = POLICIES[profile]
    if policy.errors_only and finding.severity is not Severity.ERROR:
        return f"{profile} shows only errors; this is {_article(finding.severity)}"
    floor = confidence_floor(finding, profile) if floor is None else floor
    if finding.confidence < floor:
        return (f"below the {profile} threshold: confidence {finding.confidence:.2f}"
                f" < {floor:.2f}")
    return None


def confidence_floor(finding: Finding, profile: Profile) -> float:
    """The confidence the profile asks of this finding's agent."""
    policy = POLICIES[profile]
    return policy.floors.get(finding.agent, policy.min_confidence)


def _article(severity: Severity) -> str:
    return f"an {severity}" if severity in (Severity.ERROR, Severity.INFO) else f"a {severity}"
