"""The ranking agent (placeholder: keeps non-overlapping findings in order)."""

from __future__ import annotations

from collections.abc import Sequence

from prosewise.agents.model import Finding
from prosewise.agents.settings import Settings
from prosewise.merge.model import Decision, Layout, Outcome, Ranking


def rank(findings: Sequence[Finding], settings: Settings, layout: Layout) -> Ranking:
    """Suggestions to show, in document order, with a decision for each finding."""
    shown: list[Finding] = []
    decisions: list[Decision] = []
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if shown and f.start < shown[-1].end:
            decisions.append(Decision(finding=f, outcome=Outcome.SUPPRESSED, reason="overlaps"))
            continue
        shown.append(f)
        decisions.append(Decision(finding=f, outcome=Outcome.SHOWN, reason="shown"))
    return Ranking(shown=tuple(shown), decisions=tuple(decisions))
