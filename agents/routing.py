"""Which agent owns each engine rule (placeholder; replaced by a data table)."""

from __future__ import annotations

from prosewise.agents.engines.hub import EngineHit
from prosewise.agents.model import AgentName, Category, Finding, Severity


def route(hit: EngineHit) -> AgentName:
    """The one agent an engine hit belongs to."""
    kind = hit.kind.split("/")[0]
    if kind in {"Readability"}:
        return AgentName.CLARITY
    if kind in {"Style", "Enhancement", "Redundancy", "STYLE", "REDUNDANCY", "PLAIN_ENGLISH"}:
        return AgentName.STYLE
    return AgentName.GRAMMAR


def to_finding(hit: EngineHit, text: str) -> Finding:
    """An engine hit as a finding of its agent."""
    agent = route(hit)
    return Finding(
        agent=agent, rule=f"{agent.value}.{hit.rule}", category=Category.GRAMMAR,
        start=hit.start, end=hit.end, text=text[hit.start:hit.end], message=hit.message,
        replacements=hit.replacements,
        severity=Severity.ERROR if agent is AgentName.GRAMMAR else Severity.INFO,
        sources=(f"{hit.engine}:{hit.rule}",),
    )
