"""The one interface every grammar engine implements (harper-py, lingotweaker, a
LanguageTool server): the hub loops over engines and never asks which is which.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from prosewise.agents.engines.hits import Hits
from prosewise.agents.settings import Dialect


class EngineUnavailable(Exception):
    """An engine that cannot answer for now and has said why once (a paused server): the
    hub reports it failed on each text without logging each refusal."""


class Engine(Protocol):
    """A grammar engine: where it runs, how it loads, what it finds in a text."""

    @property
    def name(self) -> str:
        """The engine's name: the first part of its findings' sources ("harper")."""

    @property
    def executor(self) -> ThreadPoolExecutor:
        """The engine's own thread: it loads there, and checks that nobody waits for
        (or that need its per-thread state) run there."""

    @property
    def pooled(self) -> bool:
        """Whether a batch may run its checks in the shared worker pool (thread-safe,
        no per-thread state worth keeping); otherwise they go to ``executor``."""

    @property
    def remote(self) -> bool:
        """Whether it answers over the network (a LanguageTool server): a keystroke's
        check never waits for it; its hits come in a later wave, as a late engine's."""

    def warm(self, dialect: Dialect) -> object:
        """Load what a check of the dialect needs (slow: seconds of native work)."""

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        """The engine's hits on plain prose, in code points; personal ``words`` are
        never misspelled."""

    def spells(self, dialect: Dialect) -> bool:
        """Whether the engine checks spelling in the dialect (its silence on a word
        then counts as an opinion)."""
