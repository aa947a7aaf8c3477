"""The offline engines (harper-py and lingotweaker), run once per block.

Both engines are native code that releases the GIL, so the two run side by side
in the worker pool. Harper's ``Linter`` is not thread-safe: each worker thread
gets its own (built lazily, reused). lingotweaker's ``Engine`` is thread-safe and
shared; its offsets are UTF-8 bytes and are converted to code points here, the
only place that knows about them.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

from prosewise.agents.model import EditKind, Replacement
from prosewise.agents.settings import Dialect, Settings

log = logging.getLogger(__name__)


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
    explanation: str = ""
    """The engine's description of the rule (harper: Markdown), if it has one."""


@dataclass(frozen=True)
class EngineHits:
    """Everything the engines found in one text."""

    harper: tuple[EngineHit, ...] = ()
    lingo: tuple[EngineHit, ...] = ()
    failed: tuple[str, ...] = ()
    """Engines that raised on this text (their hits are missing, the other's are kept)."""
    pending: tuple[str, ...] = ()
    """Engines still loading: their hits are missing and the result must not be cached."""
    spellers: tuple[str, ...] = ("harper", "lingotweaker")
    """Engines that checked spelling: a lone spelling hit means disagreement only when
    the other engine could have agreed (lingotweaker has no en-AU/CA/IN speller)."""

    def all(self) -> tuple[EngineHit, ...]:
        """Both engines' hits."""
        return self.harper + self.lingo


_HARPER_DIALECTS = {
    Dialect.EN_US: 0, Dialect.EN_GB: 1, Dialect.EN_AU: 2, Dialect.EN_CA: 3, Dialect.EN_IN: 4,
}

# lingotweaker's spelling dictionaries: en-US and en-GB only (en-AU/CA/IN get the US
# speller behind their variant's grammar rules), so harper alone checks their spelling.
_LINGO_SPELLERS = {Dialect.EN_US: "MORFOLOGIK_RULE_EN_US", Dialect.EN_GB: "MORFOLOGIK_RULE_EN_GB"}


# lingotweaker rules switched off for speed: NUMBERS_IN_WORDS takes 1-9 s of CPU on
# one word like "w3schools" or "mycity4kids" (it spell-checks every letter variant);
# it fired once in the dev sets, and harper's speller still sees such words.
_LINGO_SLOW_RULES = ("NUMBERS_IN_WORDS",)

_OTHER_DIALECT = re.compile(r"is (?:British|American|Australian|Canadian|New Zealand) English")


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
    wait_for_lingo: bool = True
    """False in the language server: while lingotweaker loads (2-5 s, ≈400 MB), checks
    run without it and say so in ``EngineHits.pending``. The CLI waits (complete results)."""
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _lingo: dict[Dialect, object] = field(default_factory=dict, repr=False)
    _descriptions: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loading: dict[Dialect, Future[object]] = field(default_factory=dict, repr=False)

    async def check(self, text: str, settings: Settings, pool: Executor) -> EngineHits:
        """Run both engines concurrently on ``text`` in ``pool``.

        An engine that raises is logged and reported in ``failed``: the other
        engine's hits still count (one engine's bug must not hide the other's).
        """
        loop = asyncio.get_running_loop()
        dialect, words = settings.goals.dialect, settings.words
        lingo = self.use_lingo
        pending: tuple[str, ...] = ()
        if lingo and not self.wait_for_lingo and not self.lingo_ready(dialect):
            lingo, pending = False, ("lingotweaker",)
        jobs = [
            loop.run_in_executor(pool, fn, text, dialect, words) if on else _done(())
            for fn, on in ((self.harper_hits, self.use_harper), (self.lingo_hits, lingo))
        ]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        found: list[tuple[EngineHit, ...]] = []
        failed: list[str] = []
        for name, result in zip(("harper", "lingotweaker"), results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                log.error("engine %s failed on a %d-character text", name, len(text),
                          exc_info=result)
                failed.append(name)
                found.append(())
            else:
                found.append(result)
        spellers = tuple(
            name for name, on in (("harper", self.use_harper),
                                  ("lingotweaker", lingo and dialect in _LINGO_SPELLERS))
            if on and name not in failed
        )
        return EngineHits(harper=found[0], lingo=found[1], failed=tuple(failed),
                          spellers=spellers, pending=pending)

    def lingo_ready(self, dialect: Dialect) -> bool:
        """Whether the dialect's engine has finished loading (``lingo_loading``)."""
        future = self._loading.get(dialect)
        return future is not None and future.done()

    def lingo_loading(self, dialect: Dialect) -> Future[object]:
        """The dialect's engine, loading on its own thread from the first call (not in
        the pool, so checks do not queue behind it). The load holds the GIL for its
        1-2 s, stalling the event loop too: the server starts it only once the first
        diagnostics are out, and ``check`` never starts it when not waiting for it."""
        with self._lock:
            future = self._loading.get(dialect)
            if future is None:
                future = self._loading[dialect] = Future()
                threading.Thread(target=self._load, args=(dialect, future), daemon=True,
                                 name=f"lingotweaker-{dialect.value}").start()
        return future

    def _load(self, dialect: Dialect, future: Future[object]) -> None:
        try:
            future.set_result(self.lingo_engine(dialect))
        except BaseException as error:  # reported to whoever waits on the future
            future.set_exception(error)

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
            with self._lock:
                if not self._descriptions:
                    self._descriptions.update(linter.get_lint_descriptions())
            linters[key] = linter
        return linters[key]

    def harper_hits(
        self, text: str, dialect: Dialect, words: tuple[str, ...]
    ) -> tuple[EngineHit, ...]:
        """Harper's lints for plain prose, keyed by rule name, with the rule's description."""
        import harper

        linter = self.harper_linter(dialect, words)
        assert isinstance(linter, harper.Linter)
        personal = {w.lower() for w in words}
        out: list[EngineHit] = []
        for rule, lints in linter.organized_lints(text, language="plaintext").items():
            for lint in lints:
                start, end = lint.span.start, lint.span.end
                is_word = lint.lint_kind == "Spelling" and text[start:end].lower() in personal
                if is_word:
                    continue
                out.append(EngineHit(
                    engine="harper", rule=rule, kind=lint.lint_kind, start=start, end=end,
                    message=lint.message, explanation=self._descriptions.get(rule, ""),
                    replacements=tuple(_harper_replacement(s) for s in lint.suggestions),
                ))
        return tuple(sorted(out, key=lambda h: (h.start, h.end)))

    def lingo_engine(self, dialect: Dialect) -> object:
        """The shared lingotweaker engine for the dialect (thread-safe, built once)."""
        import lingotweaker_data_en  # type: ignore[import-untyped]
        import lt_py  # type: ignore[import-untyped]

        with self._lock:
            if dialect not in self._lingo:
                self._lingo[dialect] = lt_py.Engine(
                    dialect.value, variant=dialect.value, data_dir=lingotweaker_data_en.data_dir(),
                    disabled_rules=list(_LINGO_SLOW_RULES),
                )
            return self._lingo[dialect]

    def lingo_hits(
        self, text: str, dialect: Dialect, words: tuple[str, ...]
    ) -> tuple[EngineHit, ...]:
        """lingotweaker's matches with byte offsets turned into code points.

        Spelling hits are dropped for personal words and for dialects lingotweaker
        has no speller for (see ``_LINGO_SPELLERS``).
        """
        engine = self.lingo_engine(dialect)
        matches = engine.check(text)  # type: ignore[attr-defined]
        if not matches:
            return ()
        table = byte_to_char_offsets(text)
        personal = {w.lower() for w in words}
        speller = _LINGO_SPELLERS.get(dialect)
        out: list[EngineHit] = []
        for m in matches:
            start = table[min(m["offset"], len(table) - 1)]
            end = table[min(m["offset"] + m["length"], len(table) - 1)]
            rule = m["rule_id"]
            if rule.startswith("MORFOLOGIK_RULE") and rule != speller:
                continue
            if m["category_id"] == "TYPOS" and text[start:end].lower() in personal:
                continue
            out.append(EngineHit(
                engine="lingotweaker", rule=rule, kind=_lingo_kind(m), start=start, end=end,
                message=m["message"] or m.get("short_message") or "",
                replacements=tuple(Replacement(value=s) for s in (m["suggestions"] or [])[:5]),
            ))
        return tuple(out)


def _lingo_kind(match: dict[str, str]) -> str:
    """``CATEGORY/issue_type``; a speller hit that only names the other dialect
    ("'colour' is British English") is a locale violation, not a misspelling."""
    kind = f'{match["category_id"]}/{match["issue_type"]}'
    message = match.get("message") or ""
    if match["rule_id"].startswith("MORFOLOGIK_RULE") and _OTHER_DIALECT.search(message):
        return f'{match["category_id"]}/locale-violation'
    return kind


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
