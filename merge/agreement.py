"""Engine agreement per rule: two engines on one span is strong evidence; one alone
depends on which rule of which engine it is.

Harper and lingotweaker flag the same span with compatible fixes (the grammar agent
merges such hits, so the finding names both engines' rules): measured on the dev
sets, that is right far more often than either rule alone. A hit of one engine alone
is another matter per rule: harper's spelling check alone on a capitalised word is
mostly a name; lingotweaker's comma rules alone are mostly taste. So each grammar
finding is keyed by what raised it, ``agreed`` with the pair of rules or ``alone``
with the one engine's rule (falling back to the engine and the Prosewise rule id
when a rule has too few findings), and its calibrated confidence moves toward the
precision measured for that key: by the key's right findings beyond those the
calibration expected (a rule-level table that cannot tell the engines apart), per
finding, with ``weight`` findings' worth of doubt added to the key's support.
Within a key, findings keep their order (a capitalised word still ranks below a
lower-case one).

Counts and ``weight`` are fitted by ``bench/calibrate.py --agreement`` on k folds of
the dev sets' documents (the weight picked on the other folds, the figures reported
on the held-out one) and kept in ``merge/data/agreement.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from prosewise.agents.model import AgentName, Finding
from prosewise.merge.calibration import Fitted, packaged_table

ENGINES = ("harper", "lingotweaker")
"""The independent offline engines whose agreement is measured."""
MAX_CONFIDENCE = 0.99
"""No key makes a suggestion certain."""


Moves = Literal["both", "up", "down"]
"""Which keys move: all, only those the calibration underrates, or only those it
overrates."""


class Count(BaseModel):
    """How many findings of a key were right (``tp``) of all counted (``n``), and how
    many the calibration expected (the sum of their calibrated confidences)."""

    model_config = ConfigDict(frozen=True)

    tp: int = Field(ge=0)
    n: int = Field(ge=0)
    expected: float = Field(default=0.0, ge=0.0)

    @property
    def precision(self) -> float:
        return self.tp / self.n if self.n else 0.0


class Trial(BaseModel):
    """One weight the fit tried (None: no adjustment) and what it measured."""

    model_config = ConfigDict(frozen=True)

    weight: float | None
    moves: Moves = "both"
    spare_dense: bool = False
    shift: float = 0.0
    select: bool = False
    """Only the keys that, moved alone, cost nothing on the folds fitted on."""
    learner_f05: float
    """Mean F0.5 (%) of the grammar agent on the learner sets."""
    native_fa: dict[str, float]
    """False alarms per 1k words of everything shown, per native set."""


class Agreement(Fitted):
    """The fitted table (``merge/data/agreement.json``); the default changes nothing."""

    folds: int = 0
    min_support: int = Field(default=20, ge=1)
    """A key is used from this many counted findings; below, its fallback key."""
    weight: float | None = None
    """Smoothing: a key's shift is (right - expected) / (support + weight); None: no
    adjustment."""
    moves: Moves = "both"
    spare_dense: bool = False
    """In error-dense text (``merge.evidence``) no key moves down: there a lone
    engine's hit is right far more often than its rule's average."""
    shift: float = Field(default=0.0, ge=-1.0, le=1.0)
    """Added to every keyed finding's confidence after its move: what the native
    false alarms the moves saved buy back in recall on learner text."""
    only: tuple[str, ...] | None = None
    """The keys that move (chosen by the fit, see ``Trial.select``); None: all."""
    counts: dict[str, Count] = Field(default_factory=dict)
    budget: float = 0.0
    """False alarms per 1k words a weight may add on each native set."""
    grid: tuple[Trial, ...] = ()
    """Every weight tried on all the data, from which ``choose`` picked ``weight``."""


@dataclass(frozen=True)
class Adjustment:
    """A finding's confidence moved by its key's measured precision, and why."""

    before: float
    confidence: float
    key: str
    count: Count

    def note(self, *, shown: bool | None) -> str:
        """The decision log's words; ``shown`` says whether this decided the
        threshold verdict (None: it did not)."""
        how = f"right in {100 * self.count.precision:.0f}% of {self.count.n} on the dev sets"
        state, _, rules = self.key.partition(" ")
        if state == "agreed":
            said = f"both engines flag this ({how})"
        else:
            engine, _, rule = rules.partition(":")
            verdict = "usually wrong" if self.count.precision < 0.5 else "usually right"
            said = (f"only {engine} flags this, and {engine}'s rule {rule} alone is "
                    f"{verdict} here ({how})")
        prefix = {True: "shown: ", False: "hidden: ", None: ""}[shown]
        return prefix + said


def keys(finding: Finding) -> list[str]:
    """The finding's keys, most specific first: ``agreed harper:A+lingotweaker:B`` or
    ``alone harper:A``, then ``agreed grammar.spelling`` or ``alone harper:grammar.spelling``.
    None for findings no engine raised or outside the grammar agent."""
    if finding.agent is not AgentName.GRAMMAR:
        return []
    mine = sorted({s for s in finding.sources if s.origin in ENGINES})
    engines = sorted({s.origin for s in mine})
    if not mine:
        return []
    if len(engines) > 1:
        return [f"agreed {'+'.join(mine)}", f"agreed {finding.rule}"]
    return [f"alone {'+'.join(mine)}", f"alone {engines[0]}:{finding.rule}"]


def adjust(finding: Finding, table: Agreement, *, dense: bool = False) -> Adjustment | None:
    """The finding's confidence toward its key's precision, or None (no table, no key
    with enough support); ``dense``: the text around it is error-dense."""
    if table.weight is None:
        return None
    for key in keys(finding):
        count = table.counts.get(key)
        if count is not None and count.n >= table.min_support:
            if table.only is not None and key not in table.only:
                return None
            bias = (count.tp - count.expected) / (count.n + table.weight)
            if bias < 0 and (table.moves == "up" or (dense and table.spare_dense)):
                bias = 0.0
            if bias > 0 and table.moves == "down":
                bias = 0.0
            c = finding.confidence
            moved = min(MAX_CONFIDENCE, max(0.0, c + bias + table.shift))
            return Adjustment(before=c, confidence=moved, key=key, count=count)
    return None


def choose(grid: tuple[Trial, ...] | list[Trial], budget: float) -> Trial | None:
    """The weight with the best learner F0.5 whose false alarms on each native set stay
    within ``budget`` of the unchanged ranking's (weight None); ties go to the larger
    weight (the smaller move), the smaller shift, fewer moves, no exception. None when
    the grid has no unchanged trial."""
    base = next((t for t in grid if t.weight is None), None)
    if base is None:
        return None
    allowed = [t for t in grid
               if all(fa <= base.native_fa.get(s, 0.0) + budget for s, fa in t.native_fa.items())]
    return max(allowed, key=lambda t: (round(t.learner_f05, 6),
                                       float("inf") if t.weight is None else t.weight,
                                       -abs(t.shift), t.moves != "both", not t.spare_dense,
                                       not t.select))


@lru_cache(maxsize=1)
def load_agreement() -> Agreement:
    """The packaged table, read once; missing or malformed → no adjustment."""
    return packaged_table("agreement.json", Agreement, "no agreement adjustment")
