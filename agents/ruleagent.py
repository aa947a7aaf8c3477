"""Shared body of the data-rule agents (clarity, tone, style)."""

from __future__ import annotations

from functools import lru_cache

from prosewise.agents.base import CheckContext
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.routing import route, to_finding
from prosewise.agents.rules import Rule, builtin_rules, house_rules, run_rules


@lru_cache(maxsize=64)
def rules_for(agent: AgentName, house: tuple[str, ...]) -> tuple[Rule, ...]:
    """Built-in rules of an agent plus the user's house rules for it (loaded once)."""
    return tuple(builtin_rules(agent) + house_rules(house, agent))


async def data_rule_findings(agent: AgentName, block: Block, ctx: CheckContext) -> list[Finding]:
    """Findings of an agent's data rules plus the engine rules routed to it."""
    rules = rules_for(agent, ctx.settings.house_rules)
    found = await ctx.run(run_rules, rules, block.text, ctx.settings.goals)
    hits = await ctx.engine_hits(block)
    return found + [to_finding(h, block.text) for h in hits.all() if route(h) is agent]
