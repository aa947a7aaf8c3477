"""Run one agent on one piece of text, as the pipeline would (shared by agent tests)."""

from __future__ import annotations

import asyncio

from prosewise.agents.base import Agent, CheckContext
from prosewise.agents.model import Block, Finding
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline


def run_agent(pipeline: Pipeline, agent: Agent, text: str, settings: Settings) -> list[Finding]:
    """``agent``'s findings on ``text`` with the pipeline's engines and worker pool."""
    ctx = CheckContext(settings=settings, pool=pipeline.pool, engines=pipeline.engines)
    return asyncio.run(agent.check(Block.verbatim(text), ctx))


def picky(**goals: str) -> Settings:
    """Settings with these goals and every suggestion shown."""
    return Settings.model_validate({"goals": goals, "profile": "picky"})
