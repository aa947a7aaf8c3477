"""Engine agreement per rule: findings move toward the precision measured for the engines
that raised them, explained in the decision log; the packaged table is the fit's pick."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.agreement import (
    Agreement,
    Count,
    Trial,
    adjust,
    choose,
    keys,
    load_agreement,
)
from prosewise.merge.calibration import Calibration
from prosewise.merge.evidence import Evidence
from prosewise.merge.explain import format_decisions
from prosewise.merge.model import Layout, Outcome
from prosewise.merge.rank import rank

LAYOUT = Layout(paragraphs=((0, 40),), sentences=((0, 40),))
SPELL_H, SPELL_L = "harper:SpellCheck", "lingotweaker:MORFOLOGIK_RULE_EN_US"
# the calibration expected 60 of the agreed spellings right and 95 were: +35 over 100
# findings, smoothed by 10 more: +0.318 each
TABLE = Agreement(weight=10.0, min_support=20, counts={
    f"agreed {SPELL_H}+{SPELL_L}": Count(tp=95, n=100, expected=60.0),
    f"alone {SPELL_H}": Count(tp=30, n=300, expected=150.0),
    "alone lingotweaker:grammar.comma": Count(tp=0, n=40, expected=20.0),
    "alone harper:Sparse": Count(tp=19, n=19, expected=5.0),
    "alone harper:grammar.agreement": Count(tp=80, n=90, expected=70.0),
})


def mk(*sources: str, conf: float = 0.5, rule: str = "grammar.spelling",
       agent: AgentName = AgentName.GRAMMAR, start: int = 0) -> Finding:
    return Finding(agent=agent, rule=rule, category=Category.GRAMMAR, start=start,
                   end=start + 4, text="abcd", message="m", severity=Severity.ERROR,
                   replacements=(Replacement(value="x"),), confidence=conf, sources=sources)


@pytest.mark.parametrize(("finding", "expected"), [
    (mk(SPELL_L, SPELL_H), [f"agreed {SPELL_H}+{SPELL_L}", "agreed grammar.spelling"]),
    (mk(SPELL_H), [f"alone {SPELL_H}", "alone harper:grammar.spelling"]),
    (mk(SPELL_H, "harper:Other"), [f"alone harper:Other+{SPELL_H}",
                                   "alone harper:grammar.spelling"]),
    (mk("rule:style/wordy.toml"), []),
    (mk(SPELL_H, agent=AgentName.STYLE), []),
], ids=["agreed", "alone", "one-engine-two-rules", "no-engine", "not-grammar"])
def test_keys(finding: Finding, expected: list[str]) -> None:
    assert keys(finding) == expected


@pytest.mark.parametrize(("finding", "key", "confidence", "table"), [
    (mk(SPELL_H, SPELL_L, conf=0.4), f"agreed {SPELL_H}+{SPELL_L}", 0.4 + 35 / 110, TABLE),
    (mk(SPELL_H, conf=0.8), f"alone {SPELL_H}", 0.8 - 120 / 310, TABLE),
    # a rule below min_support falls back to the engine and the Prosewise rule
    (mk("harper:Sparse", rule="grammar.agreement", conf=0.5), "alone harper:grammar.agreement",
     0.6, TABLE),
    (mk("lingotweaker:X", rule="grammar.comma", conf=0.7), "alone lingotweaker:grammar.comma",
     0.3, TABLE),
    (mk(SPELL_H, SPELL_L, conf=0.9), f"agreed {SPELL_H}+{SPELL_L}", 0.99, TABLE),
    (mk(SPELL_H, conf=0.8), f"alone {SPELL_H}", 0.8, TABLE.model_copy(update={"moves": "up"})),
    (mk(SPELL_H, SPELL_L, conf=0.4), f"agreed {SPELL_H}+{SPELL_L}", 0.4,
     TABLE.model_copy(update={"moves": "down"})),
    (mk(SPELL_H, conf=0.8), f"alone {SPELL_H}", 0.8 - 120 / 310 + 0.05,
     TABLE.model_copy(update={"shift": 0.05})),
], ids=["agreed-rises", "alone-falls", "fallback", "category", "never-certain", "up-only",
        "down-only", "shift"])
def test_adjust_moves_by_the_key_bias(finding: Finding, key: str, confidence: float,
                                      table: Agreement) -> None:
    moved = adjust(finding, table)
    assert moved is not None
    assert (moved.key, moved.before) == (key, finding.confidence)
    assert moved.confidence == pytest.approx(confidence)


@pytest.mark.parametrize(("spare", "dense", "confidence"), [
    (True, True, 0.8), (True, False, 0.8 - 120 / 310), (False, True, 0.8 - 120 / 310),
])
def test_error_dense_text_spares_lone_hits(spare: bool, dense: bool, confidence: float) -> None:
    table = TABLE.model_copy(update={"spare_dense": spare})
    moved = adjust(mk(SPELL_H, conf=0.8), table, dense=dense)
    assert moved is not None and moved.confidence == pytest.approx(confidence)
    rises = adjust(mk(SPELL_H, SPELL_L, conf=0.4), table, dense=dense)
    assert rises is not None and rises.confidence == pytest.approx(0.4 + 35 / 110)


def test_no_weight_or_no_key_changes_nothing() -> None:
    assert adjust(mk(SPELL_H), Agreement(counts=TABLE.counts)) is None
    assert adjust(mk("harper:Unknown", rule="grammar.x"), TABLE) is None


def test_only_the_chosen_keys_move() -> None:
    table = TABLE.model_copy(update={"only": (f"agreed {SPELL_H}+{SPELL_L}",)})
    assert adjust(mk(SPELL_H, SPELL_L, conf=0.4), table) is not None
    assert adjust(mk(SPELL_H, conf=0.8), table) is None
    # nor does any other key: those stay where the calibration put them
    assert adjust(mk("harper:Sparse", rule="grammar.agreement"), table) is None


def ranked(*found: Finding, table: Agreement = TABLE,
           profile: Profile = Profile.BALANCED) -> list[tuple[Outcome, str]]:
    ranking = rank(list(found), Settings(profile=profile), LAYOUT, calibration=Calibration(),
                   evidence=Evidence(), agreement=table)
    return [(d.outcome, d.reason) for d in ranking.decisions]


def test_the_decision_log_says_which_engines_decided() -> None:
    (shown, why_shown), = ranked(mk(SPELL_H, SPELL_L, conf=0.4))
    assert shown is Outcome.SHOWN
    assert "shown: both engines flag this (right in 95% of 100 on the dev sets)" in why_shown
    (hidden, why_hidden), = ranked(mk(SPELL_H, conf=0.8))
    assert hidden is Outcome.SUPPRESSED
    assert ("hidden: only harper flags this, and harper's rule SpellCheck alone is usually "
            "wrong here (right in 10% of 300 on the dev sets)") in why_hidden


def test_a_move_that_decides_nothing_is_named_without_a_verdict() -> None:
    (outcome, why), = ranked(mk(SPELL_H, SPELL_L, conf=0.9))
    assert outcome is Outcome.SHOWN
    assert "; both engines flag this (right in 95%" in why
    assert ranked(mk(SPELL_H, conf=0.9), table=Agreement())[0][0] is Outcome.SHOWN


def trial(weight: float | None, f05: float, wiki: float, cweb: float,
          shift: float = 0.0) -> Trial:
    return Trial(weight=weight, shift=shift, learner_f05=f05,
                 native_fa={"gmeg-wiki-dev": wiki, "cweb-g-dev": cweb})


@pytest.mark.parametrize(("grid", "expected"), [
    ([trial(None, 70, 9, 8), trial(0, 75, 9, 8.5), trial(10, 72, 8.9, 8)], 2),
    ([trial(None, 70, 9, 8), trial(0, 69, 8, 7)], 0),
    ([trial(None, 70, 9, 8), trial(0, 72, 9, 8), trial(10, 72, 9, 8)], 2),
    ([trial(None, 70, 9, 8), trial(10, 72, 9, 8, shift=0.05), trial(10, 72, 9, 8)], 2),
], ids=["best-within-budget-on-each-set", "none-better", "tie-smaller-move",
        "tie-smaller-shift"])
def test_choose(grid: list[Trial], expected: int) -> None:
    assert choose(grid, 0.0) == grid[expected]


def test_packaged_table_is_what_the_fit_picks_from_its_grid() -> None:
    """Fails when merge/data/agreement.json is edited by hand: refit with
    ``python -m bench.calibrate --agreement``."""
    table = load_agreement()
    pick = choose(table.grid, table.budget)
    assert pick is not None and table.weight == pick.weight
    assert re.fullmatch(r"[0-9a-f]{40}", table.commit)
    assert table.command.startswith("python -m bench.calibrate --agreement")
    assert set(table.sets) == {"jfleg-dev", "gmeg-fce-dev", "gmeg-wiki-dev", "cweb-g-dev"}
    assert table.folds >= 2 and len(table.grid) > 1
    assert any(t.weight is None for t in table.grid)
    assert table.counts and all(c.tp <= c.n for c in table.counts.values())


def test_explain_lines_name_the_engines() -> None:
    text = "Thsi is wrng."
    found = [replace(f, text=text[f.start:f.end])
             for f in (mk(SPELL_H, SPELL_L, conf=0.4), mk(SPELL_H, conf=0.8, start=8))]
    ranking = rank(found, Settings(), LAYOUT, calibration=Calibration(), evidence=Evidence(),
                   agreement=TABLE)
    lines = format_decisions(ranking, text)
    assert lines[0].startswith('1:1 grammar.spelling "Thsi" shown (confidence 0.72: ')
    assert lines[0].endswith("shown: both engines flag this (right in 95% of 100 on the dev sets))")
    assert lines[1].startswith('1:9 grammar.spelling "wrng" suppressed (below the balanced '
                               "threshold: confidence 0.41 < 0.50; ")
    assert "hidden: only harper flags this, and harper's rule SpellCheck alone" in lines[1]
