"""A real engine with a hook before each check: tests record, hold back or break one
engine without replacing it (the hub sees an ``Engine`` like any other)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from prosewise.agents.engines.engine import Engine
from prosewise.agents.engines.hits import Hits
from prosewise.agents.settings import Dialect


@dataclass
class SpyEngine:
    """``inner``, with ``before(text)`` called before each of its checks."""

    inner: Engine
    before: Callable[[str], None]

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def executor(self) -> ThreadPoolExecutor:
        return self.inner.executor

    @property
    def pooled(self) -> bool:
        return self.inner.pooled

    @property
    def remote(self) -> bool:
        return self.inner.remote

    def warm(self, dialect: Dialect) -> object:
        return self.inner.warm(dialect)

    def spells(self, dialect: Dialect) -> bool:
        return self.inner.spells(dialect)

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        self.before(text)
        return self.inner.hits(text, dialect, words)


def crash(text: str) -> None:
    """A ``before`` hook that fails as a crashed native engine would."""
    raise RuntimeError("engine crashed")
