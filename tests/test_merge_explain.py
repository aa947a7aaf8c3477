"""The decision log for people: ``--explain`` lines with 1-based line:col."""

from __future__ import annotations

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.agents.settings import Settings
from prosewise.merge.agreement import Agreement
from prosewise.merge.calibration import Calibration
from prosewise.merge.explain import explain, format_decisions
from prosewise.merge.model import Layout
from prosewise.merge.rank import rank

TEXT = "😀 Fine.\nI has 👩‍👩‍👧 a apple\nand a long note.\n"


def at(quote: str, rule: str, fix: str | None, source: str, occurrence: int = 0) -> Finding:
    """A finding quoting the ``occurrence``-th ``quote`` in TEXT."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(quote, start + 1)
    agent = AgentName(rule.split(".")[0])
    return Finding(agent=agent, rule=rule, category=Category.GRAMMAR, start=start,
                   end=start + len(quote), text=quote, message="m",
                   replacements=(Replacement(value=fix),) if fix else (),
                   severity=Severity.ERROR if agent is AgentName.GRAMMAR else Severity.INFO,
                   confidence=0.6, sources=(source,))


FOUND = [
    at("has", "grammar.agreement", "have", "harper:AgreeHas"),
    at("a apple", "grammar.an", "an apple", "harper:AnA"),
    at("has", "grammar.subject-verb", "have", "lingotweaker:HAS"),
    at("a", "style.article", "the", "rule:style/s.toml", occurrence=1),  # the "a" of "a apple"
    at("long note", "style.vague", None, "rule:style/v.toml"),
]


def test_format_decisions_line_col_with_emoji() -> None:
    ranking = rank(FOUND, Settings(), Layout(), calibration=Calibration(),
                   agreement=Agreement())
    assert format_decisions(ranking, TEXT) == [
        '2:3 grammar.agreement "has" shown (confidence 0.84: harper+lingotweaker agree)',
        '2:3 grammar.subject-verb "has" merged (same edit as grammar.agreement'
        " (harper:AgreeHas, lingotweaker:HAS))",
        '2:13 style.article "a" suppressed (overlaps grammar.an at 20–27, which ranks higher'
        " (correctness before style); rule prior, not calibrated)",
        '2:13 grammar.an "a apple" shown (confidence 0.60: rule prior, not calibrated)',
        '3:7 style.vague "long note" shown (confidence 0.60: rule prior, not calibrated)',
    ]


def test_explain_without_text_uses_offsets() -> None:
    ranking = rank(FOUND[:1], Settings(), Layout(), calibration=Calibration(),
                   agreement=Agreement())
    assert explain(ranking) == [
        '@10–13 grammar.agreement "has" shown (confidence 0.60: rule prior, not calibrated)'
    ]
