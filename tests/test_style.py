"""The style agent: passive voice, domain-aware rules, list hygiene and house rules end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosewise.agents.model import AgentName, Finding, Severity
from prosewise.agents.ruleagent import house_rule_problems, load_house_rules, rules_for
from prosewise.agents.rules import (
    SCAN_CHARS,
    Rule,
    _line_ranges,
    builtin_rules,
    find_all,
    run_rules,
)
from prosewise.agents.settings import Domain, Goals, Settings
from prosewise.agents.style import PASSIVE_RULE, passive_findings
from prosewise.server.pipeline import Pipeline

STYLE_RULES = builtin_rules(AgentName.STYLE)
PASSIVE = next(r for r in STYLE_RULES if r.id == PASSIVE_RULE)


def passives(text: str, domain: Domain = Domain.GENERAL) -> list[str]:
    return [f.text for f in passive_findings(text, PASSIVE, Goals(domain=domain))]


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("The bug was fixed by the team.", ["was fixed"]),
        ("The report is being written by interns.", ["is being written"]),
        ("The houses have been completely rebuilt.", ["been completely rebuilt"]),
        ("The cake wasn't eaten; the tea was never drunk.", ["wasn't eaten", "was never drunk"]),
        ("We're told it will be sent soon.", ["'re told", "be sent"]),
        ("I am tired of waiting.", []),
        ("She was interested in art and is located in Paris.", []),
        ("The table is made of oak.", []),
        ("It is indeed a very complicated case.", []),
        ("He was born in 1950 and is known as Al.", []),
        ("The result is extremely limited.", []),
        ("Everyone was Alfred's friend.", []),
    ],
)
def test_passive_groups(text: str, groups: list[str]) -> None:
    assert passives(text) == groups


def test_passive_finding_is_a_hint_without_fix() -> None:
    (f,) = passive_findings("Mistakes were made.", PASSIVE, Goals())
    assert f.severity is Severity.HINT
    assert f.replacements == ()
    assert f.confidence < 0.5  # agentless: picky profile only
    (by,) = passive_findings("The bug was fixed by Ana.", PASSIVE, Goals())
    assert by.confidence > f.confidence
    (by_hand,) = passive_findings("The paint was applied by hand.", PASSIVE, Goals())
    assert by_hand.confidence == f.confidence  # "by hand" names no actor


def test_academic_passive_only_with_an_actor() -> None:
    methods = "Samples were centrifuged and the supernatant was discarded."
    assert passives(methods, Domain.ACADEMIC) == []
    assert passives(methods, Domain.GENERAL) == ["were centrifuged", "was discarded"]
    assert passives("The data were collected by the authors.", Domain.TECHNICAL) == [
        "were collected"
    ]


def test_jargon_is_domain_aware() -> None:
    text = "I don't have the bandwidth to leverage the platform."

    def jargon(domain: Domain) -> list[str]:
        found = run_rules(STYLE_RULES, text, Goals(domain=domain))
        return [f.text for f in found if f.rule == "style.jargon"]

    assert jargon(Domain.BUSINESS) == ["bandwidth", "leverage"]
    assert jargon(Domain.TECHNICAL) == []


def test_weasel_is_stronger_in_academic_writing() -> None:
    text = "Arguably, experts agree on this."
    general = run_rules(STYLE_RULES, text, Goals())
    academic = run_rules(STYLE_RULES, text, Goals(domain=Domain.ACADEMIC))
    assert [f.text for f in general] == ["experts agree"]
    assert {f.text for f in academic} == {"Arguably", "experts agree"}
    assert all(f.severity is Severity.INFO for f in academic)
    assert general[0].severity is Severity.HINT


def test_lists_are_large_enough() -> None:
    def phrases(rule_id: str) -> int:
        return sum(len(r.swaps) for r in STYLE_RULES if r.id == rule_id)

    assert phrases("style.cliche") >= 300  # 200+ clichés, with their verb forms
    assert phrases("style.redundancy") >= 200
    assert phrases("style.jargon") >= 60


def _goals_for(rule: Rule) -> Goals:
    return Goals.model_validate({k: sorted(v)[0] for k, v in rule.when.items()})


PHRASE_TABLES = [r for r in STYLE_RULES if r.swaps and r.pattern]


@pytest.mark.parametrize(
    "rule", PHRASE_TABLES, ids=[f"{r.id}-{i}" for i, r in enumerate(PHRASE_TABLES)]
)
def test_each_phrase_is_flagged_once_by_its_own_rule(rule: Rule) -> None:
    """No phrase is in two tables that apply together, nor swallowed by a longer one."""
    goals = _goals_for(rule)
    for phrase in rule.swaps:
        if phrase.startswith(("leverag", "ecosystem", "bandwidth")):
            continue  # pattern-gated words, covered by their examples
        found: list[Finding] = run_rules(STYLE_RULES, f"So {phrase} now.", goals)
        assert [f.rule for f in found] == [rule.id], (phrase, [f.text for f in found])


async def test_house_rule_end_to_end(pipeline: Pipeline, tmp_path: Path) -> None:
    house = tmp_path / "house.toml"
    house.write_text(
        '[[rule]]\nid = "style.house-product-name"\ncategory = "style"\n'
        'message = "Write “{replacement}”."\nswap = { "Javascript" = "JavaScript" }\n',
        encoding="utf-8",
    )
    text = "🎉 We 𝒳 write Javascript daily.\n"
    settings = Settings(house_rules=(str(house),), profile="picky")
    review = await pipeline.review(text, "plaintext", settings)
    (d,) = [d for d in review.decisions if d.finding.rule == "style.house-product-name"]
    assert d.outcome in {"shown", "merged"}  # may join the spell checker's same fix
    assert text[d.finding.start:d.finding.end] == "Javascript"
    assert d.finding.replacements[0].value == "JavaScript"
    assert any(f.start == d.finding.start and f.replacements[0].value == "JavaScript"
               for f in review.shown)
    off = Settings(house_rules=(str(house),), profile="picky",
                   rules={"style.house-product-name": False})
    review = await pipeline.review(text, "plaintext", off)
    assert not [d for d in review.decisions if d.finding.rule == "style.house-product-name"]


async def test_bad_house_files_are_reported_not_fatal(pipeline: Pipeline, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rule]\nid = 'style.x'", encoding="utf-8")
    mixed = tmp_path / "mixed.toml"
    mixed.write_text(
        '[[rule]]\nid = "house-name"\ncategory = "style"\nmessage = "m"\nmatch = ["foo"]\n\n'
        '[[rule]]\nid = "style.bad-category"\ncategory = "nonsense"\nmessage = "m"\n'
        'match = ["bar"]\n\n'
        '[[rule]]\nid = "style.house-ok"\ncategory = "style"\nmessage = "m"\nmatch = ["qux"]\n',
        encoding="utf-8",
    )
    missing = tmp_path / "missing.toml"
    grammar = tmp_path / "grammar.toml"
    grammar.write_text('[[rule]]\nid = "grammar.x"\ncategory = "grammar"\nmessage = "m"\n')
    paths = (str(broken), str(mixed), str(missing), str(grammar))
    problems = house_rule_problems(paths)
    assert len(problems) == 5
    assert str(broken) in problems[0] and str(missing) in problems[3]
    assert "'house-name' must look like '<agent>.<name>'" in problems[1]
    assert "style.bad-category" in problems[2]
    assert "'grammar.x'" in problems[4]  # grammar takes no data rules: say so, don't ignore
    assert [r.id for r in load_house_rules(paths, AgentName.STYLE)] == ["style.house-ok"]

    text = "The end result is qux.\n"
    review = await pipeline.review(text, "plaintext", Settings(house_rules=paths, profile="picky"))
    rules = {d.finding.rule for d in review.decisions}
    assert {"style.redundancy", "style.house-ok"} <= rules  # built-ins still run


def test_house_rules_stay_with_their_agent(tmp_path: Path) -> None:
    house = tmp_path / "tone.toml"
    house.write_text(
        '[[rule]]\nid = "tone.house-no-sorry"\ncategory = "politeness"\nmessage = "m"\n'
        'match = ["sorry"]\n', encoding="utf-8",
    )
    assert not [r for r in rules_for(AgentName.STYLE, (str(house),)) if r.id.startswith("tone")]
    assert [r.id for r in load_house_rules([str(house)], AgentName.TONE)] == [
        "tone.house-no-sorry"
    ]


async def test_passive_offsets_and_switch_off(pipeline: Pipeline) -> None:
    text = "😀 Notes 👩‍👩‍👧: the 𝒳 bug was fixed by Ana.\n"
    review = await pipeline.review(text, "plaintext", Settings(profile="picky"))
    (f,) = [f for f in review.decisions if f.finding.rule == PASSIVE_RULE]
    assert text[f.finding.start:f.finding.end] == "was fixed"
    off = Settings(profile="picky", rules={PASSIVE_RULE: False})
    review = await pipeline.review(text, "plaintext", off)
    assert not [d for d in review.decisions if d.finding.rule == PASSIVE_RULE]


def test_the_documented_example_works(tmp_path: Path) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "house-rules.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n")[2].split("```")[0]
    house = tmp_path / "house.toml"
    house.write_text(example, encoding="utf-8")
    assert house_rule_problems([str(house)]) == []
    style = load_house_rules([str(house)], AgentName.STYLE)
    found = run_rules(style, "We use Javascript and e-mail.", Goals())
    assert [f.replacements[0].value for f in found] == ["JavaScript", "email"]


def test_a_large_block_is_scanned_in_line_ranges_with_the_same_findings() -> None:
    """Past ``SCAN_CHARS`` the built-in rules scan a block line range by line range (a
    scan of a whole 1 MB block held the GIL for long): the findings are the same."""
    lines = ["Due to the fact that it rained, we utilize\nvery unique tools in order to",
             "win.\nIt is important to note that the results are basically fine!\n"]
    text = "".join(lines) * (3 * SCAN_CHARS // len("".join(lines)))
    assert len(_line_ranges(text)) > 2
    rules = [r for agent in AgentName for r in builtin_rules(agent)]
    whole = [(f.rule, f.start, f.end) for r in rules for f in r.find(text)]
    assert [(f.rule, f.start, f.end) for f in find_all(rules, text)] == whole
    assert len({rule for rule, _, _ in whole}) >= 3  # several rules, some across a line
