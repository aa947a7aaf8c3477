"""The ranking agent, rule by rule: dedupe, overlaps, profiles, caps, order, decision log."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pytest

from prosewise.agents.model import AgentName, Category, EditKind, Finding, Replacement, Severity
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.calibration import Calibration, Measure
from prosewise.merge.model import Layout, Outcome, Ranking, RuleFeedback, Verdicts
from prosewise.merge.rank import rank

DOC = "".join(chr(ord("a") + i % 26) for i in range(400))
H, L = "harper:Rule", "lingotweaker:RULE"
SHOWN, MERGED, HIDDEN = Outcome.SHOWN, Outcome.MERGED, Outcome.SUPPRESSED


def mk(rule: str, start: int, end: int, fix: str | None = None, *, conf: float = 0.6,
       sev: Severity | None = None, src: tuple[str, ...] | None = None,
       cat: Category = Category.GRAMMAR, kind: EditKind = EditKind.REPLACE) -> Finding:
    """A finding of the agent named by the rule prefix; errors for grammar, info otherwise."""
    agent = AgentName(rule.split(".")[0])
    return Finding(
        agent=agent, rule=rule, category=cat, start=start, end=end, text=DOC[start:end],
        message=f"{rule} at {start}", severity=sev or (
            Severity.ERROR if agent is AgentName.GRAMMAR else Severity.INFO),
        replacements=(Replacement(kind=kind, value=fix),) if fix is not None else (),
        confidence=conf, sources=src if src is not None else (f"rule:{agent}/r.toml",),
    )


def run(*found: Finding, profile: str = "picky", layout: Layout | None = None,
        table: Calibration | None = None,
        feedback: dict[str, RuleFeedback] | None = None) -> Ranking:
    return rank(list(found), Settings(profile=Profile(profile)), layout or Layout(),
                calibration=table or Calibration(), feedback=feedback)


def outcomes(r: Ranking) -> list[Outcome]:
    return [d.outcome for d in r.decisions]


# 1. duplicates ---------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "expected"), [
    (mk("grammar.a", 4, 7, "x", src=(H,)), mk("grammar.b", 4, 7, "x", src=(L,)), [SHOWN, MERGED]),
    (mk("style.a", 4, 7, "x"), mk("grammar.b", 4, 7, "x"), [MERGED, SHOWN]),
    (mk("grammar.a", 4, 7, "x"), mk("grammar.b", 4, 7, "y"), [SHOWN, HIDDEN]),
    (mk("grammar.a", 4, 7, "x"), mk("grammar.b", 5, 8, "x"), [SHOWN, HIDDEN]),
    (mk("grammar.a", 4, 7, "x"), mk("grammar.b", 20, 23, "x"), [SHOWN, SHOWN]),
    (mk("style.a", 4, 7), mk("grammar.b", 4, 7, "x"), [MERGED, SHOWN]),
    (mk("grammar.a", 4, 7), mk("style.b", 4, 7, "x"), [MERGED, SHOWN]),
    (mk("clarity.a", 4, 7), mk("style.b", 4, 7), [SHOWN, MERGED]),
    (mk("clarity.a", 4, 7), mk("style.b", 4, 7, cat=Category.PASSIVE), [SHOWN, SHOWN]),
], ids=["engines-same-edit", "agents-same-edit", "same-span-other-fix", "other-span-same-fix",
        "far-apart", "note-joins-fix", "fix-keeps-over-precedence", "notes-same-kind",
        "notes-different-kind"])
def test_duplicates(a: Finding, b: Finding, expected: list[Outcome]) -> None:
    r = run(a, b)
    assert outcomes(r) == expected
    for d in r.decisions:
        if d.outcome is MERGED:
            assert d.into == 0 and "same edit as" in d.reason
            assert set(d.finding.sources) <= set(r.shown[0].sources)


def test_merged_suggestion_credits_all_and_keeps_the_grammar_owner() -> None:
    style = mk("style.swap", 4, 7, "x", conf=0.9, src=("rule:style/s.toml",))
    grammar = mk("grammar.agree", 4, 7, "x", conf=0.6, src=(H,))
    (shown,) = run(style, grammar).shown
    assert (shown.agent, shown.rule) == (AgentName.GRAMMAR, "grammar.agree")
    assert shown.sources == (H, "rule:style/s.toml")
    assert shown.message == style.message  # the most confident member speaks
    assert shown.severity is Severity.ERROR


def test_merged_alternatives_are_united_in_owner_order() -> None:
    a = replace(mk("grammar.a", 4, 7, "x", src=(H,)),
                replacements=(Replacement(value="x"), Replacement(value="y")))
    b = replace(mk("grammar.b", 4, 7, "x", src=(L,)),
                replacements=(Replacement(value="x"), Replacement(value="z")))
    assert [x.value for x in run(a, b).shown[0].replacements] == ["x", "y", "z"]


@pytest.mark.parametrize(("src_a", "src_b", "raised"), [
    ((H,), (L,), True),
    (("harper:A",), ("harper:B",), False),
    (("rule:grammar/g.toml",), ("rule:style/s.toml",), True),
])
def test_agreement_raises_confidence(src_a: tuple[str, ...], src_b: tuple[str, ...],
                                     raised: bool) -> None:
    agent_b = "style" if "style" in src_b[0] else "grammar"
    r = run(mk("grammar.a", 4, 7, "x", conf=0.6, src=src_a),
            mk(f"{agent_b}.b", 4, 7, "x", conf=0.5, src=src_b))
    assert r.shown[0].confidence == pytest.approx(0.8 if raised else 0.6)
    assert ("agree" in r.decisions[0].reason) is raised


def test_one_finding_naming_two_engines_is_not_boosted_again() -> None:
    # its agent already weighed the agreement, and its calibration bin measured it
    r = run(mk("grammar.a", 4, 7, "x", conf=0.7, src=(H, L)))
    assert r.shown[0].confidence == pytest.approx(0.7)
    assert "agree" not in r.decisions[0].reason


def test_agreement_ignores_the_global_agreement_measure() -> None:
    table = Calibration(agreement=Measure(precision=0.3, support=5000))
    r = run(mk("grammar.a", 4, 7, "x", src=(H,)), mk("grammar.b", 4, 7, "x", src=(L,)),
            table=table)
    assert r.shown[0].confidence == pytest.approx(0.84)
    assert r.decisions[0].reason.endswith("harper+lingotweaker agree")


# 4. overlapping edits --------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "expected"), [
    (mk("style.a", 4, 7, "x"), mk("grammar.b", 4, 7, "y"), [HIDDEN, SHOWN]),
    (mk("grammar.a", 5, 5, ","), mk("clarity.b", 5, 8, "y"), [SHOWN, HIDDEN]),
    (mk("grammar.a", 8, 8, ","), mk("clarity.b", 5, 8, "y"), [SHOWN, HIDDEN]),
    (mk("tone.a", 5, 5, ","), mk("style.b", 5, 5, ";"), [SHOWN, HIDDEN]),
    (mk("grammar.a", 5, 6, ",", kind=EditKind.INSERT), mk("style.b", 5, 9, "y"),
     [SHOWN, HIDDEN]),
    (mk("style.a", 4, 7, "x", conf=0.6), mk("style.b", 6, 9, "y", conf=0.9), [HIDDEN, SHOWN]),
    (mk("style.a", 4, 9, "x"), mk("style.b", 6, 8, "y"), [HIDDEN, SHOWN]),
    (mk("grammar.a", 0, 3, "x"), mk("grammar.b", 3, 6, "y"), [SHOWN, SHOWN]),
    (mk("clarity.long", 0, 40), mk("style.b", 6, 8, "y"), [SHOWN, SHOWN]),
    (mk("style.note", 5, 7), mk("grammar.b", 4, 9, "y"), [HIDDEN, SHOWN]),
    (mk("grammar.note", 5, 7), mk("style.b", 4, 9, "y"), [SHOWN, HIDDEN]),
    (mk("style.note", 2, 7), mk("grammar.b", 4, 9, "y"), [SHOWN, SHOWN]),
    (mk("clarity.a", 0, 9), mk("style.b", 4, 12), [SHOWN, SHOWN]),
], ids=["grammar-beats-style", "insert-vs-replace-start", "insert-vs-replace-end",
        "two-inserts-same-point", "insert-after-vs-replace", "equal-agents-confidence",
        "equal-confidence-shorter", "adjacent", "sentence-note-and-edit", "note-inside-edit",
        "grammar-note-beats-style-edit", "note-partly-over-edit", "notes-overlap"])
def test_overlaps(a: Finding, b: Finding, expected: list[Outcome]) -> None:
    assert outcomes(run(a, b)) == expected


@pytest.mark.parametrize(("a", "b", "why"), [
    (mk("grammar.agreement", 12, 15, "x"), mk("style.b", 13, 16, "y"), "correctness before style"),
    (mk("style.a", 12, 15, "x", conf=0.9), mk("style.b", 13, 16, "y"), "confidence 0.90 vs 0.60"),
    (mk("style.a", 12, 15, "x"), mk("style.b", 12, 18, "y"), "shorter span"),
])
def test_overlap_reason_names_the_winner(a: Finding, b: Finding, why: str) -> None:
    reason = run(a, b).decisions[1].reason
    assert reason.startswith(f"overlaps {a.rule} at 12–15, which ranks higher ({why})")


# 3. profiles -------------------------------------------------------------------

@pytest.mark.parametrize(("profile", "sev", "conf", "shown"), [
    ("strict", Severity.ERROR, 0.85, True),
    ("strict", Severity.ERROR, 0.75, True),
    ("strict", Severity.ERROR, 0.65, False),
    ("strict", Severity.WARNING, 0.95, False),
    ("balanced", Severity.WARNING, 0.55, True),
    ("balanced", Severity.HINT, 0.5, True),
    ("balanced", Severity.ERROR, 0.45, False),
    ("picky", Severity.HINT, 0.25, True),
    ("picky", Severity.ERROR, 0.15, False),
])
def test_profile_threshold(profile: str, sev: Severity, conf: float, shown: bool) -> None:
    """Thresholds of calibrated confidence per profile (merge/profiles.py)."""
    r = run(mk("style.a", 4, 7, "x", sev=sev, conf=conf), profile=profile)
    assert bool(r.shown) is shown
    if not shown:
        assert profile in r.decisions[0].reason


@pytest.mark.parametrize(("rule", "conf", "shown"), [
    ("clarity.a", 0.42, True),    # clarity's floor: calibrated on free rewrites (ASSET)
    ("clarity.a", 0.38, False),
    ("style.a", 0.42, False),
    ("grammar.a", 0.42, False),
])
def test_balanced_floor_per_agent(rule: str, conf: float, shown: bool) -> None:
    r = run(mk(rule, 4, 7, "x", sev=Severity.INFO, conf=conf), profile="balanced")
    assert bool(r.shown) is shown


# 5. density caps ---------------------------------------------------------------

LAYOUT = Layout(sentences=((0, 50), (51, 100), (101, 150)), paragraphs=((0, 150),))


def _notes(start: int, confs: list[float], sev: Severity = Severity.INFO) -> list[Finding]:
    return [mk("style.n", start + 5 * i, start + 5 * i + 2, "x", conf=c, sev=sev)
            for i, c in enumerate(confs)]


@pytest.mark.parametrize(("profile", "found", "hidden"), [
    ("balanced", _notes(0, [0.9, 0.6, 0.8, 0.7]), {1: "sentence"}),
    ("balanced", _notes(0, [0.9, 0.6, 0.8]) + _notes(51, [0.9, 0.9, 0.9]) + _notes(101, [0.7]),
     {1: "paragraph"}),
    ("balanced", _notes(0, [0.9, 0.9, 0.9, 0.9], Severity.ERROR), {}),
    ("balanced", _notes(0, [0.9, 0.9, 0.9], Severity.ERROR) + _notes(20, [0.6, 0.7, 0.8, 0.9]),
     {3: "sentence"}),
    ("balanced", [*_notes(0, [0.9, 0.8, 0.9]), mk("style.n", 30, 32, "x", sev=Severity.WARNING,
                                                conf=0.7)], {1: "sentence"}),
    ("picky", _notes(0, [0.9, 0.6, 0.8, 0.7, 0.5, 0.4]), {}),
    ("picky", _notes(0, [0.9, 0.6, 0.8, 0.7, 0.5, 0.4, 0.3]), {6: "sentence"}),
    ("strict", _notes(0, [0.9] * 8, Severity.ERROR), {}),
], ids=["sentence-cap", "paragraph-cap", "errors-uncapped", "errors-take-no-room",
        "severity-counts", "picky-looser", "picky-cap", "strict-errors"])
def test_density_caps(profile: str, found: list[Finding], hidden: dict[int, str]) -> None:
    r = run(*found, profile=profile, layout=LAYOUT)
    assert {i for i, d in enumerate(r.decisions) if d.outcome is HIDDEN} == set(hidden)
    for i, unit in hidden.items():
        assert f"non-error ones per {unit})" in r.decisions[i].reason


# 6. order, dismissals, decision log ----------------------------------------------

def test_shown_in_document_order_and_by_importance() -> None:
    r = run(mk("style.a", 30, 32, "x", conf=0.9), mk("grammar.b", 10, 12, "y", conf=0.5),
            mk("clarity.c", 0, 2, "z", conf=0.7, sev=Severity.WARNING))
    assert [f.start for f in r.shown] == [0, 10, 30]
    assert [f.start for f in r.by_importance()] == [10, 0, 30]


@pytest.mark.parametrize(("accepted", "dismissed", "profile", "shown"), [
    (0, 0, "balanced", True),
    (0, 2, "balanced", True),
    (0, 3, "balanced", False),
    (5, 4, "balanced", True),
    (0, 3, "picky", True),
    (1, 12, "picky", False),
])
def test_dismissed_rules_are_demoted(accepted: int, dismissed: int, profile: str,
                                     shown: bool) -> None:
    feedback = {"style.a": RuleFeedback(accepted=accepted, dismissed=dismissed)}
    r = run(mk("style.a", 4, 7, "x", conf=0.7), profile=profile, feedback=feedback)
    assert bool(r.shown) is shown
    demoted = dismissed >= 3 and dismissed > accepted
    assert ("demoted: dismissed" in r.decisions[0].reason) is demoted


MIXED = [
    mk("grammar.a", 4, 7, "x", src=(H,)), mk("grammar.b", 4, 7, "x", src=(L,)),
    mk("style.c", 4, 7), mk("style.d", 5, 9, "y"), mk("clarity.long", 0, 49),
    mk("tone.e", 20, 20, ","), mk("style.f", 20, 20, ";", conf=0.3),
    *_notes(60, [0.9, 0.8, 0.7, 0.6, 0.55]), mk("grammar.g", 60, 62, "q", conf=0.4),
    mk("grammar.h", 120, 125, "w", conf=0.9, sev=Severity.ERROR),
    mk("style.i", 121, 122, "v", conf=0.9, src=(H,)),
]


@pytest.mark.parametrize("profile", list(Profile))
def test_every_finding_gets_exactly_one_decision(profile: Profile) -> None:
    r = run(*MIXED, profile=profile, layout=LAYOUT)
    assert [d.finding for d in r.decisions] == MIXED
    assert sum(d.outcome is SHOWN for d in r.decisions) == len(r.shown)
    for d in r.decisions:
        assert d.reason
        if d.outcome is MERGED:
            assert d.into is not None and d.finding.sources[0] in r.shown[d.into].sources
        else:
            assert d.into is None
    edits = [f for f in r.shown if f.replacements]
    assert all(a.end <= b.start and a.start != b.start for a, b in pairwise(edits))


def test_nothing_to_rank() -> None:
    r = run(profile="balanced", layout=LAYOUT)
    assert r.shown == () and r.decisions == ()


# 7. optional ranking by a model (verdicts) --------------------------------------

def judged(*found: Finding, verdicts: Verdicts | None = None,
           profile: str = "balanced") -> Ranking:
    return rank(list(found), Settings(profile=Profile(profile)), Layout(),
                calibration=Calibration(), verdicts=verdicts, contests=True)


@pytest.mark.parametrize(("a", "b", "preferred", "expected"), [
    (mk("grammar.a", 4, 7, "x"), mk("style.b", 5, 8, "y"), None, [SHOWN, HIDDEN]),
    (mk("grammar.a", 4, 7, "x"), mk("style.b", 5, 8, "y"), "style.b@5-8", [HIDDEN, SHOWN]),
    (mk("grammar.a", 4, 7, "x"), mk("style.b", 5, 8, "y"), "grammar.a@4-7", [SHOWN, HIDDEN]),
    (mk("grammar.a", 4, 7, "x"), mk("style.b", 5, 8, "y"), "style.b@9-12", [SHOWN, HIDDEN]),
    (mk("grammar.a", 4, 7, "x"), mk("style.b", 20, 23, "y"), "style.b@20-23", [SHOWN, SHOWN]),
], ids=["rules-alone", "model-picks-the-loser", "model-agrees", "stale-key-ignored",
        "no-overlap-nothing-to-pick"])
def test_the_model_s_pick_settles_an_overlap(a: Finding, b: Finding, preferred: str | None,
                                             expected: list[Outcome]) -> None:
    verdicts = Verdicts(preferred={preferred: "reads better"} if preferred else {})
    r = judged(a, b, verdicts=verdicts)
    assert outcomes(r) == expected
    if preferred == "style.b@5-8":
        assert r.decisions[0].reason.startswith(
            "overlaps style.b at 5–8, which ranks higher (the model preferred it: reads better)")
        assert "the model preferred it: reads better" in r.decisions[1].reason


def test_contests_are_the_overlapping_fixes_and_the_near_misses() -> None:
    win, lose = mk("grammar.a", 4, 7, "x"), mk("style.b", 5, 8, "y")
    near, far = mk("style.c", 20, 23, "z", conf=0.4), mk("style.d", 30, 33, "w", conf=0.2)
    note = mk("clarity.e", 40, 44, conf=0.45)
    r = judged(win, lose, near, far, note)
    assert [[f.rule for f in c.options] for c in r.contests] == [["style.c"],
                                                                 ["grammar.a", "style.b"]]
    assert not judged(win, lose, near, verdicts=Verdicts(
        preferred={"grammar.a@4-7": "ok"}, kept={"style.c@20-23": "ok"})).contests
    assert not rank([win, lose], Settings(), Layout(), calibration=Calibration()).contests


def test_a_near_miss_the_model_keeps_is_shown_and_says_why() -> None:
    near = mk("style.c", 20, 23, "z", conf=0.4)
    assert outcomes(judged(near)) == [HIDDEN]
    r = judged(near, verdicts=Verdicts(kept={"style.c@20-23": "a real typo"}))
    assert outcomes(r) == [SHOWN]
    assert "the model would show it: a real typo" in r.decisions[0].reason
