"""A budget of CPU time per agent and chunk: one agent's slow rules cannot hold a
chunk's check (and the worker pool, and with it every other document) for long.

The agents hand their CPU-bound work to ``CheckContext.run``; within a chunk's check
each call is charged to the agent that made it (``charging``, set by the pipeline for
each agent's check) in CPU seconds of the thread that ran it, so a busy machine does
not count against it. Once an agent has spent ``AGENT_BUDGET`` on a chunk, its next
call raises ``OverBudget``: the pipeline skips that agent's findings for the rest of
the chunk and says so once. A call already running is not cut short: it is one
block's work (the built-in rules scan a long block range by range, house rules run
under a regex timeout). The engines have their own budget (engines/guard.py).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from prosewise.agents.model import AgentName

log = logging.getLogger(__name__)

T = TypeVar("T")

AGENT_BUDGET = 10.0
"""CPU seconds one agent may spend on one chunk: a chunk of prose takes milliseconds,
300 KB of table cells about a second of all four agents together."""
_AGENT: ContextVar[AgentName | None] = ContextVar("prosewise_agent", default=None)
"""The agent whose check is running (each agent's check is a task of its own)."""


class OverBudget(Exception):
    """An agent has spent its budget on this chunk."""

    def __init__(self, agent: AgentName, limit: float) -> None:
        super().__init__(f"agent {agent} used its {limit:g} CPU seconds")
        self.agent = agent


@dataclass
class Budget:
    """What each agent has spent on one chunk."""

    chars: int
    """The chunk's length, for the log line."""
    limit: float = field(default_factory=lambda: AGENT_BUDGET)
    spent: dict[AgentName, float] = field(default_factory=dict)
    _told: set[AgentName] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def skipped(self, over: OverBudget) -> None:
        """Say once per agent that the rest of the chunk goes without its findings."""
        if over.agent not in self._told:
            self._told.add(over.agent)
            log.warning("%s on a chunk of %d characters: its findings for the rest of that"
                        " chunk are skipped", over, self.chars)

    @contextlib.contextmanager
    def charging(self, agent: AgentName) -> Iterator[None]:
        """Within, ``charged`` work counts against ``agent``."""
        token = _AGENT.set(agent)
        try:
            yield
        finally:
            _AGENT.reset(token)

    def charged(self, fn: Callable[..., T]) -> Callable[..., T]:
        """``fn`` timed against the current agent, wherever it runs; raises
        ``OverBudget`` at once if that agent has already spent its budget."""
        agent = _AGENT.get()
        if agent is None:
            return fn
        if self.spent.get(agent, 0.0) >= self.limit:
            raise OverBudget(agent, self.limit)

        def timed(*args: object) -> T:
            start = time.thread_time()
            try:
                return fn(*args)
            finally:
                used = time.thread_time() - start
                with self._lock:
                    self.spent[agent] = self.spent.get(agent, 0.0) + used

        return timed
