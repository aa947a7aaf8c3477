"""The offline engines (harper-py and lingotweaker), run once per block.

Both engines are native code that releases the GIL, so the two run side by side
in the worker pool. Harper's ``Linter`` is not thread-safe: each worker thread
gets its own (built lazily, reused). lingotweaker's ``Engine`` is thread-safe and
shared; its offsets are UTF-8 bytes and are converted to code points here, the
only place that knows about them.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Executor
from dataclasses import dataclass, field

from prosewise.agents.model import EditKind, Replacement
from prosewise.agents.settings import Dialect, Settings


@dataclass(frozen=True)
class EngineHit:
    """One raw result of one engine, in code points of the checked text."""

    engine: str
    rule: str
    kind: str
    start: int
    end: int
    message: str
    replacements: tuple[Replacement, ...] = ()


@dataclass(frozen=True)
class EngineHits:
    """Everything the engines found in one text."""

    harper: tuple[EngineHit, ...] = ()
    lingo: tuple[EngineHit, ...] = ()

    def all(self) -> tuple[EngineHit, ...]:
        """Both engines' hits."""
        return self.harper + self.lingo


_HARPER_DIALECTS = {
    Dialect.EN_US: 0, Dialect.EN_GB: 1, Dialect.EN_AU: 2, Dialect.EN_CA: 3, Dialect.EN_IN: 4,
}


def byte_to_char_offsets(text: str) -> list[int]:
    """Table from UTF-8 byte offset to code point offset (index = byte offset).

    Bytes inside a multi-byte character map to that character's index.
    """
    table: list[int] = []
    for i, ch in enumerate(text):
        table.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
    table.append(len(text))
    return table


@dataclass
class EngineHub:
    """Owns the engines; one per pipeline, shared by every agent and every block."""

    use_harper: bool = True
    use_lingo: bool = True
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _lingo: dict[Dialect, object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    async def check(self, text: str, settings: Settings, pool: Executor) -> EngineHits:
        """Run both engines concurrently on ``text`` in ``pool``."""
        loop = asyncio.get_running_loop()
        dialect, words = settings.goals.dialect, settings.words
        harper_job = (
            loop.run_in_executor(pool, self.harper_hits, text, dialect, words)
            if self.use_harper else _done(())
        )
        lingo_job = (
            loop.run_in_executor(pool, self.lingo_hits, text, dialect, words)
            if self.use_lingo else _done(())
        )
        harper, lingo = await asyncio.gather(harper_job, lingo_job)
        return EngineHits(harper=harper, lingo=lingo)

    def harper_linter(self, dialect: Dialect, words: tuple[str, ...]) -> object:
        """This thread's harper Linter for the dialect, with the personal words loaded."""
        import harper

        key = (dialect, words)
        linters: dict[tuple[Dialect, tuple[str, ...]], object] = getattr(self._local, "linters", {})
        self._local.linters = linters
        if key not in linters:
            linter = harper.Linter(harper.Dialect(_HARPER_DIALECTS[dialect]))
            if words:
                linter.import_words(list(words))
            linters[key] = linter
        return linters[key]

    def harper_hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> tuple[EngineHit, ...]:
        """Harper's lints for plain prose, keyed by rule name."""
        import harper

        linter = self.harper_linter(dialect, words)
        assert isinstance(linter, harper.Linter)
        out: list[EngineHit] = []
        for rule, lints in linter.organized_lints(text, language="plaintext").items():
            for lint in lints:
                out.append(EngineHit(
                    engine="harper", rule=rule, kind=lint.lint_kind,
                    start=lint.span.start, end=lint.span.end, message=lint.message,
                    replacements=tuple(_harper_replacement(s) for s in lint.suggestions),
                ))
        return tuple(sorted(out, key=lambda h: (h.start, h.end)))

    def lingo_engine(self, dialect: Dialect) -> object:
        """The shared lingotweaker engine for the dialect (thread-safe, built once)."""
        import lingotweaker_data_en
        import lt_py

        with self._lock:
            if dialect not in self._lingo:
                self._lingo[dialect] = lt_py.Engine(
                    dialect.value, data_dir=lingotweaker_data_en.data_dir()
                )
            return self._lingo[dialect]

    def lingo_hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> tuple[EngineHit, ...]:
        """lingotweaker's matches with byte offsets turned into code points."""
        engine = self.lingo_engine(dialect)
        matches = engine.check(text)  # type: ignore[attr-defined]
        if not matches:
            return ()
        table = byte_to_char_offsets(text)
        personal = {w.lower() for w in words}
        out: list[EngineHit] = []
        for m in matches:
            start = table[m["offset"]]
            end = table[min(m["offset"] + m["length"], len(table) - 1)]
            if personal and m["category_id"] == "TYPOS" and text[start:end].lower() in personal:
                continue
            out.append(EngineHit(
                engine="lingotweaker", rule=m["rule_id"],
                kind=f'{m["category_id"]}/{m["issue_type"]}', start=start, end=end,
                message=m.get("short_message") or m["message"],
                replacements=tuple(Replacement(value=s) for s in (m["suggestions"] or [])[:5]),
            ))
        return tuple(out)


def _harper_replacement(suggestion: object) -> Replacement:
    kind = int(suggestion.kind)  # type: ignore[attr-defined]
    value: str = suggestion.replacement_text  # type: ignore[attr-defined]
    if kind == 1:
        return Replacement(kind=EditKind.DELETE)
    if kind == 2:
        return Replacement(kind=EditKind.INSERT, value=value)
    return Replacement(value=value)


def _done(value: tuple[EngineHit, ...]) -> asyncio.Future[tuple[EngineHit, ...]]:
    fut: asyncio.Future[tuple[EngineHit, ...]] = asyncio.get_running_loop().create_future()
    fut.set_result(value)
    return fut
