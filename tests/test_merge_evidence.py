"""Evidence from the text: error-dense chunks lower the grammar threshold, explained; the
packaged table is what the fit picks from its own grid."""

from __future__ import annotations

import re

import pytest

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.agents.settings import Goals, Profile, Settings, Writer
from prosewise.merge.calibration import Calibration
from prosewise.merge.evidence import (
    LEARNER_DROP,
    LEARNER_NOTE,
    Evidence,
    Trial,
    choose,
    density,
    load_evidence,
)
from prosewise.merge.model import Layout, Outcome
from prosewise.merge.rank import rank

TABLE = Evidence(confident=0.8, drop=0.2, min_share=0.5)
# four sentences of 20 code points each
LAYOUT = Layout(paragraphs=((0, 80),), sentences=((0, 20), (20, 40), (40, 60), (60, 80)))
NOTE = "shown: this text has many similar errors"


def mk(start: int, conf: float, *, agent: AgentName = AgentName.GRAMMAR,
       sev: Severity = Severity.ERROR) -> Finding:
    return Finding(agent=agent, rule=f"{agent}.r{start}", category=Category.GRAMMAR,
                   start=start, end=start + 3, text="abc", message="m", severity=sev,
                   replacements=(Replacement(value="x"),), confidence=conf,
                   sources=(f"harper:R{start}",))


def outcomes(*found: Finding, profile: Profile = Profile.BALANCED,
             table: Evidence = TABLE) -> list[Outcome]:
    ranking = rank(list(found), Settings(profile=profile), LAYOUT, calibration=Calibration(),
                   evidence=table)
    return [d.outcome for d in ranking.decisions]


SHOWN, HIDDEN = Outcome.SHOWN, Outcome.SUPPRESSED


@pytest.mark.parametrize(("found", "expected"), [
    # 2 of 4 sentences hold a confident grammar finding: 0.35 >= 0.5 - 0.2 shows
    ((mk(1, 0.9), mk(21, 0.85), mk(45, 0.35)), [SHOWN, SHOWN, SHOWN]),
    # 1 of 4: not dense enough
    ((mk(1, 0.9), mk(45, 0.35)), [SHOWN, HIDDEN]),
    # two confident findings in one sentence are still one sentence
    ((mk(1, 0.9), mk(10, 0.9), mk(45, 0.35)), [SHOWN, SHOWN, HIDDEN]),
    # below the lowered floor too
    ((mk(1, 0.9), mk(21, 0.85), mk(45, 0.25)), [SHOWN, SHOWN, HIDDEN]),
    # only grammar findings are evidence, and only grammar findings are lifted
    ((mk(1, 0.9, agent=AgentName.STYLE), mk(21, 0.9, agent=AgentName.STYLE), mk(45, 0.35)),
     [SHOWN, SHOWN, HIDDEN]),
    ((mk(1, 0.9), mk(21, 0.85), mk(45, 0.35, agent=AgentName.STYLE, sev=Severity.INFO)),
     [SHOWN, SHOWN, HIDDEN]),
    ((mk(1, 0.9), mk(21, 0.85), mk(45, 0.35, sev=Severity.HINT)), [SHOWN, SHOWN, HIDDEN]),
], ids=["dense", "sparse", "one-sentence", "too-doubtful", "style-is-no-evidence",
        "style-not-lifted", "hints-not-lifted"])
def test_dense_text_lowers_the_grammar_threshold(found: tuple[Finding, ...],
                                                 expected: list[Outcome]) -> None:
    assert outcomes(*found) == expected


def test_the_decision_log_says_why() -> None:
    ranking = rank([mk(1, 0.9), mk(21, 0.85), mk(45, 0.35), mk(65, 0.6)],
                   Settings(profile=Profile.BALANCED), LAYOUT, calibration=Calibration(),
                   evidence=TABLE)
    lifted, plain = ranking.decisions[2], ranking.decisions[3]
    assert lifted.outcome is SHOWN
    assert f"{NOTE} (2 of 4 sentences hold a confident grammar finding)" in lifted.reason
    assert plain.outcome is SHOWN and NOTE not in plain.reason  # passed on its own


def test_strict_still_shows_only_errors_and_no_table_changes_nothing() -> None:
    warning = mk(45, 0.6, sev=Severity.WARNING)
    assert outcomes(mk(1, 0.9), mk(21, 0.9), warning, profile=Profile.STRICT)[2] is HIDDEN
    assert outcomes(mk(1, 0.9), mk(21, 0.9), mk(45, 0.55), profile=Profile.STRICT) == [SHOWN] * 3
    assert outcomes(mk(1, 0.9), mk(21, 0.85), mk(45, 0.35), table=Evidence())[2] is HIDDEN


def test_density_counts_sentences_and_a_chunk_without_spans_is_one() -> None:
    found = [mk(1, 0.9), mk(10, 0.95), mk(61, 0.8), mk(41, 0.5)]
    got = density(found, LAYOUT, TABLE)
    assert (got.confident, got.sentences, got.share) == (2, 4, 0.5)
    assert density(found, Layout(), TABLE).sentences == 1


def trial(c: float, d: float, f: float, fa: float) -> Trial:
    return Trial(confident=c, drop=d, min_share=0.2, learner_f05=f, native_fa=fa)


@pytest.mark.parametrize(("grid", "expected"), [
    ([trial(1, 0, 70, 8.0), trial(0.8, 0.2, 72, 8.05), trial(0.7, 0.3, 75, 9.0)], 1),
    ([trial(1, 0, 70, 8.0), trial(0.8, 0.2, 69, 8.0)], 0),
    ([trial(1, 0, 70, 8.0), trial(0.8, 0.3, 72, 8.0), trial(0.8, 0.2, 72, 8.0)], 2),
], ids=["best-within-budget", "none-better", "tie-smaller-drop"])
def test_choose(grid: list[Trial], expected: int) -> None:
    assert choose(grid, 0.1) == grid[expected]


def test_packaged_table_is_what_the_fit_picks_from_its_grid() -> None:
    """Fails when merge/data/evidence.json is edited by hand: refit with
    ``python -m bench.calibrate --evidence``."""
    table = load_evidence()
    pick = choose(table.grid, table.budget)
    assert pick is not None
    assert (table.confident, table.drop, table.min_share) == (
        pick.confident, pick.drop, pick.min_share)
    assert re.fullmatch(r"[0-9a-f]{40}", table.commit)
    assert table.command.startswith("python -m bench.calibrate --evidence")
    assert set(table.sets) == {"jfleg-dev", "gmeg-fce-dev", "gmeg-wiki-dev", "cweb-g-dev"}
    assert len(table.grid) > 1 and any(t.drop == 0 for t in table.grid)


@pytest.mark.parametrize(("writer", "profile", "expected"), [
    (Writer.ENGLISH_LEARNER, Profile.BALANCED, [SHOWN, SHOWN]),
    (Writer.FLUENT, Profile.BALANCED, [SHOWN, HIDDEN]),
    (Writer.ENGLISH_LEARNER, Profile.STRICT, [SHOWN, HIDDEN]),  # 0.35 < 0.7 - 0.2
], ids=["learner", "fluent", "learner-strict"])
def test_a_learner_sees_less_certain_grammar_findings_anywhere(
        writer: Writer, profile: Profile, expected: list[Outcome]) -> None:
    """One confident finding in four sentences is sparse text: only the writer's
    setting lowers the threshold there, by LEARNER_DROP, and the log says why."""
    settings = Settings(profile=profile, goals=Goals(writer=writer))
    ranking = rank([mk(1, 0.9), mk(45, 0.35)], settings, LAYOUT, calibration=Calibration(),
                   evidence=TABLE)
    assert [d.outcome for d in ranking.decisions] == expected
    if expected[1] is SHOWN:
        assert ranking.decisions[1].reason.endswith(LEARNER_NOTE)
    below = mk(45, 0.5 - LEARNER_DROP - 0.01)  # under the lowered floor: still hidden
    assert rank([below], settings, LAYOUT, calibration=Calibration(),
                evidence=TABLE).shown == ()


def test_dense_text_is_named_before_the_learner_setting() -> None:
    settings = Settings(goals=Goals(writer=Writer.ENGLISH_LEARNER))
    ranking = rank([mk(1, 0.9), mk(21, 0.9), mk(45, 0.35)], settings, LAYOUT,
                   calibration=Calibration(), evidence=Evidence(confident=0.8, drop=0.3,
                                                                min_share=0.5))
    assert NOTE in ranking.decisions[2].reason
