"""``prosewise rules``: every rule id once, to switch rules off by name."""

from __future__ import annotations

import json
import sys
from typing import Any

from prosewise.agents.llm.clarity import RULE as CLARITY_RULE
from prosewise.agents.llm.diff import RULE as MODEL_RULE
from prosewise.agents.llm.style import RULE as STYLE_RULE
from prosewise.agents.llm.tone import RULE as TONE_RULE
from prosewise.agents.model import AgentName, Category

MODEL_RULES = (
    (MODEL_RULE, Category.GRAMMAR), (MODEL_RULE, Category.PUNCTUATION),
    (CLARITY_RULE, Category.READABILITY), (TONE_RULE, Category.FORMALITY),
    (STYLE_RULE, Category.STYLE),
)
"""The rules only a model raises (``--llm``), with their categories."""


def list_rules(fmt: str) -> int:
    """Print every rule id once: the engines' grouped ids, then each agent's data rules."""
    from prosewise.agents.routing import routing_table
    from prosewise.agents.rules import builtin_rules

    table: dict[str, dict[str, Any]] = {}

    def add(rule_id: str, category: str, source: str) -> None:
        row = table.setdefault(rule_id, {"id": rule_id, "agent": rule_id.split(".")[0],
                                         "categories": [], "sources": []})
        for key, value in (("categories", category), ("sources", source)):
            if value not in row[key]:
                row[key].append(value)

    for spec in routing_table().ids.values():
        add(spec.id, spec.category.value, "engines")
    for agent in AgentName:
        for rule in builtin_rules(agent):
            add(rule.id, rule.category.value, rule.source)
    for rule_id, category in MODEL_RULES:
        add(rule_id, category.value, "model (--llm)")
    rows = sorted(table.values(), key=lambda r: (list(AgentName).index(r["agent"]), r["id"]))
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    for row in rows:
        sys.stdout.write(f"{row['id']:<28} {', '.join(row['categories']):<24} "
                         f"{', '.join(row['sources'])}\n")
    return 0
