"""Demoting rules the writer keeps dismissing in this workspace.

A dismissal says "not useful here". One is noise; several with few acceptances
mean the rule does not fit this writer, so its suggestions lose confidence and
drop below the profile threshold (picky still shows them until dismissals pile up).
"""

from __future__ import annotations

from prosewise.merge.model import RuleFeedback

MIN_DISMISSALS = 3
"""Fewer dismissals than this never demote a rule."""


def demotion(feedback: RuleFeedback | None) -> float:
    """Factor (0–1] applied to a rule's confidence.

    Twice the Laplace-smoothed acceptance rate, capped at 1: a rule accepted as
    often as dismissed keeps its confidence; 3 dismissals and no acceptance give 0.4.
    """
    if feedback is None or feedback.dismissed < MIN_DISMISSALS:
        return 1.0
    if feedback.dismissed <= feedback.accepted:
        return 1.0
    kept = (feedback.accepted + 1) / (feedback.accepted + feedback.dismissed + 2)
    return min(1.0, 2 * kept)


def demotion_note(feedback: RuleFeedback) -> str:
    """For the decision log: ``demoted: dismissed 7 of 8 times here``."""
    total = feedback.accepted + feedback.dismissed
    return f"demoted: dismissed {feedback.dismissed} of {total} times here"
