"""Evidence from the text around a finding: a writer who makes confident errors makes more.

The profile's threshold was tuned against noise in native text. In text full of
errors (a learner's essay) the grammar findings the engines were less sure of are
mostly real too. So, per ranked chunk (a section of the document, ranked alone: a
keystroke never re-ranks the rest), the share of sentences holding a confident
grammar finding is measured from the candidates the ranking already has, and where
it is high enough the grammar agent's threshold drops by a fitted step. Each finding
shown that way says so in the decision log.

The step and what counts as confident are fitted by ``bench/calibrate.py --evidence``
on held-out folds of the dev sets and kept in ``merge/data/evidence.json``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from prosewise.agents.model import AgentName, Finding, Severity
from prosewise.merge.calibration import Fitted, packaged_table
from prosewise.merge.model import Layout


class Trial(BaseModel):
    """One setting the fit tried and what it measured on the folds it was fitted on."""

    model_config = ConfigDict(frozen=True)

    confident: float
    drop: float
    min_share: float
    learner_f05: float
    """Mean F0.5 (%) of the grammar agent on the learner sets."""
    native_fa: float
    """Mean false alarms per 1k words of everything shown on the native sets."""


class Evidence(Fitted):
    """The fitted table (``merge/data/evidence.json``); the default changes nothing."""

    confident: float = Field(default=1.0, ge=0.0, le=1.0)
    """Calibrated confidence from which a grammar finding is evidence of an error-dense text."""
    min_share: float = Field(default=1.0, ge=0.0, le=1.0)
    """Share of a chunk's sentences with a confident grammar finding that makes it
    error-dense (fitted on documents of consecutive dev-set sentences)."""
    drop: float = Field(default=0.0, ge=0.0, le=1.0)
    """How far the grammar agent's threshold drops in error-dense text."""
    grid: tuple[Trial, ...] = ()
    """Every setting tried on all the data, from which ``choose`` picked this one."""
    budget: float = 0.0
    """False alarms per 1k words the fit allowed above the unchanged ranking."""


@dataclass(frozen=True)
class Density:
    """One ranked chunk's error density: sentences with a confident grammar finding."""

    confident: int
    sentences: int

    @property
    def share(self) -> float:
        return self.confident / self.sentences if self.sentences else 0.0

    def dense(self, table: Evidence) -> bool:
        """Whether the fitted table calls this chunk error-dense."""
        return table.drop > 0 and self.confident > 0 and self.share >= table.min_share

    def note(self) -> str:
        """The decision log's words for it."""
        return (f"shown: this text has many similar errors ({self.confident} of "
                f"{self.sentences} sentences hold a confident grammar finding)")


def density(findings: Sequence[Finding], layout: Layout, table: Evidence) -> Density:
    """The chunk's density from its (calibrated) candidates. A chunk without sentence
    spans counts as one sentence."""
    spans = sorted(layout.sentences)
    starts = [s for s, _ in spans]
    hit: set[int] = set()
    for f in findings:
        if f.agent is AgentName.GRAMMAR and f.confidence >= table.confident:
            i = bisect_right(starts, f.start) - 1
            hit.add(i if i >= 0 else 0)
    return Density(confident=len(hit), sentences=max(1, len(spans)))


LEARNER_DROP = 0.2
"""How far the grammar threshold drops everywhere for a writer learning English
(``goals.writer = "english-learner"``). Measured on every sentence of the dev sets,
balanced profile, grammar agent P / R / F0.5, false alarms per 1k words of corrected
text: jfleg-dev 96.8 / 45.0 / 78.6, 9.3 → 96.5 / 46.0 / 79.2, 10.5; gmeg-fce-dev
97.6 / 31.8 / 69.0, 3.9 → 97.0 / 33.4 / 70.2, 4.4 (a step of 0.3: F0.5 79.2 and 70.3,
with 0.5 and 0.2 more false alarms). On native text the same step raises false alarms
by a third (gmeg-wiki-dev 9.0 → 12.4), which is why only the writer's own setting
takes it everywhere. Hints (typography) are left out: lowered with the rest, they
added 0.5 and 0.8 false alarms for no F0.5."""
LEARNER_NOTE = "shown: the writer is learning English (goals.writer)"


def lowered_floor(finding: Finding, floor: float, found: Density, table: Evidence,
                  *, learner: bool = False) -> float:
    """The threshold this finding meets in text of this density, or for a learner.
    Only grammar warnings and errors: a typography or dialect hint is no more likely
    wanted in a learner's text."""
    if finding.agent is not AgentName.GRAMMAR or finding.severity.rank < Severity.WARNING.rank:
        return floor
    drop = LEARNER_DROP if learner else 0.0
    if found.dense(table):
        drop = max(drop, table.drop)
    return max(0.0, floor - drop)


def choose(grid: Sequence[Trial], budget: float) -> Trial | None:
    """The setting with the best learner F0.5 whose native false alarms stay within
    ``budget`` of the unchanged ranking's (the trial with ``drop`` 0); ties go to the
    smaller drop, then the higher bars. None when no trial is unchanged."""
    base = next((t for t in grid if t.drop == 0), None)
    if base is None:
        return None
    allowed = [t for t in grid if t.native_fa <= base.native_fa + budget]
    return max(allowed, key=lambda t: (round(t.learner_f05, 6), -t.drop, t.confident,
                                       t.min_share))


@lru_cache(maxsize=1)
def load_evidence() -> Evidence:
    """The packaged table, read once; missing or malformed → no adjustment."""
    return packaged_table("evidence.json", Evidence, "no density evidence")
