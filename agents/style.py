"""The style agent."""

from __future__ import annotations

from prosewise.agents.base import CheckContext
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.ruleagent import data_rule_findings


class StyleAgent:
    """Data rules of the style agent."""

    name = AgentName.STYLE
    description = "style"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Findings of this agent's rules."""
        return await data_rule_findings(self.name, block, ctx)
