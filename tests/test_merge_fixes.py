"""The fixes a shown suggestion offers: each once, spelling alternatives closest first, three."""

from __future__ import annotations

import pytest

from prosewise.agents.model import AgentName, Category, EditKind, Finding, Replacement, Severity
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.calibration import Calibration
from prosewise.merge.fixes import distance, tidy
from prosewise.merge.model import Layout
from prosewise.merge.rank import rank


def mk(text: str, *fixes: str | Replacement, rule: str = "grammar.spelling",
       sources: tuple[str, ...] = ("harper:SpellCheck",)) -> Finding:
    reps = tuple(f if isinstance(f, Replacement) else Replacement(value=f) for f in fixes)
    return Finding(agent=AgentName.GRAMMAR, rule=rule, category=Category.SPELLING, start=0,
                   end=len(text), text=text, message="m", severity=Severity.ERROR,
                   replacements=reps, confidence=0.9, sources=sources)


def values(f: Finding) -> list[str]:
    return [r.apply(f.text) for r in f.replacements]


@pytest.mark.parametrize(("finding", "expected"), [
    (mk("their", "they're", "they're ", rule="grammar.usage"), ["they're"]),
    (mk("their", "they're ", "they're", rule="grammar.usage"), ["they're"]),
    (mk("their", "they're", "there", "they're  ", rule="grammar.usage"), ["they're", "there"]),
    (mk("a  b", " ", "", rule="grammar.space"), [" ", ""]),
    (mk("the", Replacement(kind=EditKind.INSERT, value=" "), "the ", rule="grammar.x"),
     ["the "]),
    (mk("alot", "lot", "a lot", "plot", "slot", "alto"), ["lot", "a lot", "plot"]),
    (mk("park alot", "parka lot", "park a lot", "park lot"),
     ["park a lot", "park lot", "parka lot"]),
    (mk("Teh", "Then", "The"), ["The", "Then"]),
    (mk("tha", "THA", "the"), ["the", "THA"]),
    (mk("definelty", "defined", "define", "defines", "definite", "definest"),
     ["defined", "define", "defines"]),
    (mk("alot", "a lot", "a lot ", "allot"), ["a lot", "allot"]),
    (mk("wrod", "word", "rod", "wrong", rule="grammar.other"), ["word", "rod", "wrong"]),
], ids=["padded-second", "padded-first", "keeps-order", "space-fixes-differ", "insert-equals",
        "spelling-cap", "closest-first", "swap-is-one-edit", "case-counts", "window",
        "dedupe-then-rank", "not-spelling"])
def test_tidy(finding: Finding, expected: list[str]) -> None:
    assert values(tidy(finding)) == expected


@pytest.mark.parametrize(("a", "b", "d"), [
    ("alot", "a lot", 1), ("alot", "alto", 1), ("alot", "plot", 1), ("park alot", "parka lot", 2),
    ("", "abc", 3), ("kitten", "sitting", 3), ("same", "same", 0),
])
def test_distance(a: str, b: str, d: int) -> None:
    assert distance(a, b) == d


def test_ranked_suggestion_offers_tidied_fixes_of_both_engines() -> None:
    """Through the ranking agent: two engines' same first fix merge, and the union of
    their lists is offered once each, closest first, three at most."""
    harper = mk("alot", "a lot", "a lot ", "allot", sources=("harper:SpellCheck",))
    lingo = mk("alot", "a lot", "lot", "plot", "slot", sources=("lingotweaker:MORFOLOGIK",))
    ranking = rank([harper, lingo], Settings(profile=Profile.PICKY), Layout(),
                   calibration=Calibration())
    (shown,) = ranking.shown
    assert values(shown) == ["a lot", "allot", "lot"]
    assert set(shown.sources) == {"harper:SpellCheck", "lingotweaker:MORFOLOGIK"}
