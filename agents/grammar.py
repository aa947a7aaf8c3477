"""The grammar agent: grammar, spelling, punctuation and agreement from both engines."""

from __future__ import annotations

from prosewise.agents.base import CheckContext
from prosewise.agents.model import AgentName, Block, Finding
from prosewise.agents.routing import route, to_finding


class GrammarAgent:
    """Harper and lingotweaker side by side; only the rules routed to grammar."""

    name = AgentName.GRAMMAR
    description = "Grammar, spelling, punctuation and agreement."

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        """Engine hits owned by this agent."""
        hits = await ctx.engine_hits(block)
        return [to_finding(h, block.text) for h in hits.all() if route(h) is self.name]
