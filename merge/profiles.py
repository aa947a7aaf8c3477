"""What each profile lets through: confidence floor, severities, density caps.

strict shows only clear errors; balanced adds confident suggestions of any kind,
a few per sentence; picky shows nearly everything the agents find.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from prosewise.agents.model import Finding, Severity
from prosewise.agents.settings import Profile


@dataclass(frozen=True)
class Policy:
    """One profile's limits. Caps count non-error suggestions; None means no cap."""

    min_confidence: float
    errors_only: bool = False
    per_sentence: int | None = None
    per_paragraph: int | None = None


POLICIES: Mapping[Profile, Policy] = MappingProxyType({
    Profile.STRICT: Policy(min_confidence=0.8, errors_only=True),
    Profile.BALANCED: Policy(min_confidence=0.5, per_sentence=3, per_paragraph=6),
    Profile.PICKY: Policy(min_confidence=0.2, per_sentence=6, per_paragraph=15),
})


def below_threshold(finding: Finding, profile: Profile) -> str | None:
    """Why the profile hides this (calibrated) finding, or None if it passes."""
    policy = POLICIES[profile]
    if policy.errors_only and finding.severity is not Severity.ERROR:
        return f"{profile} shows only errors; this is {_article(finding.severity)}"
    if finding.confidence < policy.min_confidence:
        return (f"below the {profile} threshold: confidence {finding.confidence:.2f}"
                f" < {policy.min_confidence:.2f}")
    return None


def _article(severity: Severity) -> str:
    return f"an {severity}" if severity in (Severity.ERROR, Severity.INFO) else f"a {severity}"
