"""Every example in every data rule file is a test, run through its agent.

`bad` examples must be flagged by their rule (and, with `fixed`, the first
replacement must produce the fixed text); `good` examples must not be flagged.
"""

from __future__ import annotations

import pytest
from agent_check import run_agent

from prosewise.agents.model import AgentName
from prosewise.agents.rules import Example, Rule, builtin_rules
from prosewise.agents.settings import Goals, Settings
from prosewise.server.pipeline import Pipeline

CASES = [
    pytest.param(rule, ex, id=f"{rule.id}:{i}:{ex.text[:30]}")
    for agent in AgentName
    for rule in builtin_rules(agent)
    for i, ex in enumerate(rule.examples)
]


def goals_for(rule: Rule) -> Goals:
    """Goals that select the rule (the first allowed value of each `when` key)."""
    return Goals.model_validate({k: sorted(v)[0] for k, v in rule.when.items()})


def apply_first(text: str, start: int, end: int, rule_fix: str) -> str:
    return text[:start] + rule_fix + text[end:]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(pipeline: Pipeline, rule: Rule, example: Example) -> None:
    settings = Settings(goals=goals_for(rule), profile="picky")
    agent = next(a for a in pipeline.agents if a.name is rule.agent)
    found = run_agent(pipeline, agent, example.text, settings)
    mine = [f for f in found if f.rule == rule.id]
    if not example.flagged:
        assert not mine, f"{rule.id} flagged a good example: {[f.text for f in mine]}"
        return
    assert mine, f"{rule.id} missed: {example.text!r}"
    if example.fixed is not None:
        f = mine[0]
        assert f.replacements, f"{rule.id} offers no replacement"
        fixed = apply_first(example.text, f.start, f.end, f.replacements[0].apply(f.text))
        assert fixed == example.fixed


def test_every_rule_has_examples() -> None:
    for agent in AgentName:
        for rule in builtin_rules(agent):
            assert any(e.flagged for e in rule.examples), f"{rule.id} has no bad example"
