"""Calibrated confidence: how often a rule's findings turned out right, measured.

An agent's own ``confidence`` is a guess (a prior). The bench
(``bench/calibrate.py``) measures each rule's and engine rule's precision on the
evaluation sets and writes ``merge/data/calibration.json``; here a finding's
confidence becomes that precision, pulled toward the prior when the measurement
rests on few findings, and raised when independent checkers agree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from math import prod
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prosewise.agents.model import Finding

log = logging.getLogger(__name__)

PRIOR_WEIGHT = 10
"""The prior counts as this many findings when smoothing a measured precision."""
MAX_AGREED = 0.99
"""Agreement never makes a suggestion certain."""


class Bin(BaseModel):
    """Precision of a rule's findings whose raw confidence lies in [low, high)."""

    model_config = ConfigDict(frozen=True)

    low: float
    high: float
    precision: float = Field(ge=0.0, le=1.0)
    support: int = Field(ge=0)


class Measure(BaseModel):
    """A measured precision and the number of findings it was measured on."""

    model_config = ConfigDict(frozen=True)

    precision: float = Field(ge=0.0, le=1.0)
    support: int = Field(ge=0)
    bins: tuple[Bin, ...] = ()
    """The same, split by the agent's raw confidence: what the agent knows about a
    finding (two engines agree, the word looks like a name) shows up as a bin."""

    def at(self, confidence: float) -> Measure:
        """The measure of the bin holding ``confidence``, smoothed toward the whole
        rule's precision; the whole rule when no bin holds it."""
        for b in self.bins:
            if b.low <= confidence < b.high:
                return Measure(precision=smooth(Measure(precision=b.precision, support=b.support),
                                                self.precision), support=b.support)
        return self


class Calibration(BaseModel):
    """The table in ``merge/data/calibration.json``; empty means "use the priors"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = 1
    generated: str = ""
    command: str = ""
    rules: dict[str, Measure] = Field(default_factory=dict)
    """By rule id, e.g. ``grammar.spelling``."""
    sources: dict[str, Measure] = Field(default_factory=dict)
    """By source, e.g. ``harper:SpellCheck``: finer than the rule id, so preferred."""
    agreement: Measure | None = None
    """Precision of findings raised by two or more independent checkers."""


@dataclass(frozen=True)
class Score:
    """A calibrated confidence and, for people, what it rests on."""

    confidence: float
    basis: str


def smooth(measure: Measure, prior: float) -> float:
    """Measured precision pulled toward ``prior`` when support is small."""
    n = measure.support
    return (measure.precision * n + prior * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)


def score(finding: Finding, table: Calibration) -> Score:
    """The calibrated confidence of one finding as its agent raised it."""
    found = _measure_for(finding, table)
    if found is None:
        return Score(finding.confidence, "rule prior, not calibrated")
    label, measure = found
    measure = measure.at(finding.confidence)
    return Score(
        smooth(measure, finding.confidence),
        f"{label} measured {measure.precision:.2f} over {measure.support} findings",
    )


def _measure_for(finding: Finding, table: Calibration) -> tuple[str, Measure] | None:
    """The rule entry when it has confidence bins (they see what the agent saw, such
    as two engines agreeing), else the best-supported source entry, else the rule."""
    rule = table.rules.get(finding.rule)
    if rule is not None and rule.bins:
        return finding.rule, rule
    by_source = [(s, table.sources[s]) for s in finding.sources if s in table.sources]
    if by_source:
        return max(by_source, key=lambda item: item[1].support)
    if rule is not None:
        return finding.rule, rule
    return None


def origins(finding: Finding) -> set[str]:
    """Independent checkers behind a finding: engines by name, data rules by agent.

    ``harper:AnA`` → ``harper``; ``rule:style/wordy.toml`` → ``style``. Two rules of
    one engine are not independent; two engines, or an engine and an agent, are.
    """
    found = {finding.agent.value if o == "rule" else o for o in finding.origins}
    return found or {finding.agent.value}


def agreement(confidences: Mapping[str, float]) -> float | None:
    """Confidence when several independent checkers (origin → best confidence) agree.

    Noisy-OR of the checkers, never below the best single checker. The calibration
    table's ``agreement`` measure is informational and not read here: agreement inside
    one agent (harper and lingotweaker on one span) is already in that finding's bin.
    """
    if len(confidences) < 2:
        return None
    noisy = min(MAX_AGREED, 1 - prod(1 - c for c in confidences.values()))
    return max(noisy, *confidences.values())


def agree_basis(names: Iterable[str]) -> str:
    """``harper+lingotweaker agree``."""
    return "+".join(sorted(names)) + " agree"


def parse_calibration(text: str) -> Calibration:
    """The table from its JSON text; raises pydantic.ValidationError when malformed."""
    return Calibration.model_validate_json(text)


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The packaged table, read once; missing or malformed → empty (priors only)."""
    return packaged_table("calibration.json", Calibration, "using rule priors")


Table = TypeVar("Table", bound=BaseModel)


class Fitted(BaseModel):
    """What every table fitted by ``bench/calibrate.py`` records of its making."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = 1
    generated: str = ""
    command: str = ""
    commit: str = ""
    """The commit whose agents raised the findings the fit was made on."""
    sets: tuple[str, ...] = ()


def packaged_table(name: str, model: type[Table], fallback: str) -> Table:
    """A fitted table from ``merge/data``; missing or malformed → the model's defaults
    (which change nothing), with a warning naming ``fallback``."""
    entry = resources.files("prosewise.merge").joinpath("data", name)
    if not entry.is_file():
        return model()
    try:
        return model.model_validate_json(entry.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        log.warning("ignoring merge/data/%s (%s); %s", name, exc, fallback)
        return model()
