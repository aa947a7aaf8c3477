"""Calibrated confidence: table lookup, smoothing toward the prior, the packaged table."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.calibration import (
    PRIOR_WEIGHT,
    Bin,
    Calibration,
    Measure,
    load_calibration,
    parse_calibration,
    score,
    smooth,
)
from prosewise.merge.model import Layout, RuleFeedback
from prosewise.merge.rank import rank

TABLE = Calibration(
    rules={"grammar.spelling": Measure(precision=0.9, support=400),
           "grammar.rare": Measure(precision=1.0, support=2)},
    sources={"harper:SpellCheck": Measure(precision=0.7, support=300),
             "lingotweaker:MORFOLOGIK": Measure(precision=0.95, support=30)},
)


def mk(rule: str = "grammar.spelling", sources: tuple[str, ...] = (),
       prior: float = 0.5) -> Finding:
    """A grammar error at 0–3 of "teh" with one fix."""
    return Finding(agent=AgentName.GRAMMAR, rule=rule, category=Category.SPELLING, start=0,
                   end=3, text="teh", message="Spelling.", replacements=(Replacement(value="the"),),
                   severity=Severity.ERROR, confidence=prior, sources=sources)


@pytest.mark.parametrize(("precision", "support", "prior", "expected"), [
    (0.9, 0, 0.5, 0.5),
    (0.9, PRIOR_WEIGHT, 0.5, 0.7),
    (0.9, 990, 0.5, 0.896),
    (0.2, 10_000, 0.8, 0.2006),
])
def test_smoothing_pulls_small_samples_to_the_prior(precision: float, support: int, prior: float,
                                                     expected: float) -> None:
    measure = Measure(precision=precision, support=support)
    assert smooth(measure, prior) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("finding", "expected", "basis"), [
    (mk(), (0.9 * 400 + 0.5 * 10) / 410, "grammar.spelling measured 0.90 over 400"),
    (mk(sources=("harper:SpellCheck",)), (0.7 * 300 + 5) / 310, "harper:SpellCheck measured"),
    (mk(sources=("harper:Unknown",)), (0.9 * 400 + 5) / 410, "grammar.spelling measured"),
    (mk(sources=("lingotweaker:MORFOLOGIK", "harper:SpellCheck")), (0.7 * 300 + 5) / 310,
     "harper:SpellCheck"),
    (mk("grammar.rare", prior=0.4), (1.0 * 2 + 0.4 * 10) / 12, "grammar.rare measured"),
    (mk("grammar.other", prior=0.65), 0.65, "rule prior, not calibrated"),
], ids=["rule", "source-preferred", "unknown-source-falls-back", "best-supported-source",
        "small-support", "missing"])
def test_lookup(finding: Finding, expected: float, basis: str) -> None:
    got = score(finding, TABLE)
    assert got.confidence == pytest.approx(expected)
    assert basis in got.basis


def test_empty_table_keeps_priors() -> None:
    assert score(mk(prior=0.42), Calibration()).confidence == pytest.approx(0.42)


def test_calibration_decides_the_strict_profile() -> None:
    """Prior 0.5 is below strict's 0.8; measured 0.9 over 400 findings passes."""
    strict = Settings(profile=Profile.STRICT)
    assert not rank([mk()], strict, Layout(), calibration=Calibration()).shown
    (shown,) = rank([mk()], strict, Layout(), calibration=TABLE).shown
    assert shown.confidence == pytest.approx(0.8902, abs=1e-3)


def test_dismissal_demotes_a_calibrated_rule() -> None:
    feedback = {"grammar.spelling": RuleFeedback(dismissed=4)}
    r = rank([mk()], Settings(profile=Profile.STRICT), Layout(), calibration=TABLE,
             feedback=feedback)
    assert not r.shown
    assert "demoted: dismissed 4 of 4 times here" in r.decisions[0].reason


def test_table_format_round_trips() -> None:
    raw = {"version": 1, "generated": "2026-11-24", "command": "python bench/calibrate.py",
           "rules": {"grammar.spelling": {"precision": 0.71, "support": 412}},
           "sources": {"harper:SpellCheck": {"precision": 0.8, "support": 90}},
           "agreement": {"precision": 0.93, "support": 120}}
    table = parse_calibration(json.dumps(raw))
    assert table.rules["grammar.spelling"] == Measure(precision=0.71, support=412)
    assert table.agreement == Measure(precision=0.93, support=120)


@pytest.mark.parametrize("bad", [
    '{"rules": {"grammar.x": {"precision": 1.5, "support": 3}}}',
    '{"rules": {"grammar.x": {"precision": 0.5}}}',
    "not json",
])
def test_malformed_table_is_rejected(bad: str) -> None:
    with pytest.raises(ValidationError):
        parse_calibration(bad)


def test_packaged_table_loads_once() -> None:
    first = load_calibration()
    assert first is load_calibration()
    assert all(0 <= m.precision <= 1 for m in first.rules.values())


@pytest.mark.parametrize(("confidence", "expected"), [
    (0.3, (0.2 * 400 + 0.5 * 10) / 410),   # low bin (e.g. looks like a name)
    (0.8, (0.9 * 600 + 0.5 * 10) / 610),   # high bin (e.g. both engines agree)
    (0.99, 0.5),                          # outside every bin: the whole rule
])
def test_confidence_bins_keep_what_the_agent_knew(confidence: float, expected: float) -> None:
    rule = Measure(precision=0.5, support=1000, bins=(
        Bin(low=0.0, high=0.5, precision=0.2, support=400),
        Bin(low=0.5, high=0.95, precision=0.9, support=600),
    ))
    table = Calibration(rules={"grammar.spelling": rule},
                        sources={"harper:SpellCheck": Measure(precision=0.1, support=9000)})
    f = Finding(agent="grammar", rule="grammar.spelling", category="spelling", start=0, end=3,
                text="abc", message="m", confidence=confidence, sources=("harper:SpellCheck",))
    got = score(f, table).confidence
    # the bin's precision (smoothed toward the rule's), then toward the finding's prior
    bin_p = expected
    assert got == pytest.approx((bin_p * rule_support(rule, confidence) + confidence * 10)
                                / (rule_support(rule, confidence) + 10))


def rule_support(rule: Measure, confidence: float) -> int:
    return next((b.support for b in rule.bins if b.low <= confidence < b.high), rule.support)
