"""The agents Prosewise runs, by name, and the document-level tone summary."""

from __future__ import annotations

from collections.abc import Sequence

from prosewise.agents.base import Agent
from prosewise.agents.clarity import ClarityAgent
from prosewise.agents.grammar import GrammarAgent
from prosewise.agents.model import Block, ToneSummary
from prosewise.agents.settings import Goals
from prosewise.agents.style import StyleAgent
from prosewise.agents.tone import ToneAgent
from prosewise.agents.tone_summary import summarize


def default_agents() -> list[Agent]:
    """One instance of each agent, in precedence order."""
    return [GrammarAgent(), ClarityAgent(), ToneAgent(), StyleAgent()]


def tone_summary(blocks: Sequence[Block], goals: Goals) -> ToneSummary | None:
    """The document's tone: traits, evidence and a headline (None for short documents).

    It reads only the document's prose ``blocks``, so code and markup do not colour the
    tone, and not its findings, so switching a rule off does not change how the text
    sounds.
    """
    return summarize(blocks, goals)
