"""lingotweaker behind one small class: one thread-safe engine per dialect.

Its offsets are UTF-8 bytes; they are turned into code points here, the only
place that knows about them. Pass ``data_dir`` explicitly: without it the engine
looks for a ``data/`` folder in the working directory (the user's project).
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from prosewise.agents.engines.hits import LINGO, EngineHit
from prosewise.agents.model import Replacement
from prosewise.agents.settings import Dialect

# lingotweaker's spelling dictionaries: en-US and en-GB only (en-AU/CA/IN get the US
# speller behind their variant's grammar rules), so harper alone checks their spelling.
SPELLERS = {Dialect.EN_US: "MORFOLOGIK_RULE_EN_US", Dialect.EN_GB: "MORFOLOGIK_RULE_EN_GB"}

# Rules switched off for speed: NUMBERS_IN_WORDS takes 1-9 s of CPU on one word like
# "w3schools" or "mycity4kids" (it spell-checks every letter variant); it fired once
# in the dev sets, and harper's speller still sees such words.
_SLOW_RULES = ("NUMBERS_IN_WORDS",)

_OTHER_DIALECT = re.compile(r"is (?:British|American|Australian|Canadian|New Zealand) English")


def byte_to_char_offsets(text: str) -> list[int]:
    """Table from UTF-8 byte offset to code point offset (index = byte offset).

    Bytes inside a multi-byte character map to that character's index.
    """
    if text.isascii():
        return list(range(len(text) + 1))
    table: list[int] = []
    for i, ch in enumerate(text):
        table.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
    table.append(len(text))
    return table


@dataclass
class LingoEngine:
    """The shared lingotweaker engines, built once per dialect."""

    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="lingotweaker"),
        repr=False)
    """lingotweaker's own thread. ``warm`` runs there, not in the check pool, so checks
    do not queue behind a load; so do the checks an early hub does not wait for, so
    that a backlog of them never holds up the pool (batch checks use the pool)."""
    name: str = field(default=LINGO, init=False)
    pooled: bool = field(default=True, init=False)
    remote: bool = field(default=False, init=False)
    """One engine per dialect serves every thread."""
    _engines: dict[Dialect, object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def engine(self, dialect: Dialect) -> object:
        """The dialect's engine (2-5 s and ≈400 MB to build; it holds the GIL meanwhile)."""
        import lingotweaker_data_en  # type: ignore[import-untyped]
        import lt_py  # type: ignore[import-untyped]

        with self._lock:
            if dialect not in self._engines:
                self._engines[dialect] = lt_py.Engine(
                    dialect.value, variant=dialect.value, data_dir=lingotweaker_data_en.data_dir(),
                    disabled_rules=list(_SLOW_RULES),
                )
            return self._engines[dialect]

    def spells(self, dialect: Dialect) -> bool:
        """Only en-US and en-GB have a lingotweaker speller (see ``SPELLERS``)."""
        return dialect in SPELLERS

    def warm(self, dialect: Dialect) -> object:
        """Build the dialect's engine (for a loading thread)."""
        return self.engine(dialect)

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> tuple[EngineHit, ...]:
        """lingotweaker's matches with byte offsets turned into code points.

        Spelling hits are dropped for personal words and for dialects lingotweaker
        has no speller for (see ``SPELLERS``).
        """
        matches = self.engine(dialect).check(text)  # type: ignore[attr-defined]
        if not matches:
            return ()
        table = byte_to_char_offsets(text)
        personal = {w.lower() for w in words}
        speller = SPELLERS.get(dialect)
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
                engine=LINGO, rule=rule, kind=match_kind(m), start=start, end=end,
                message=m["message"] or m.get("short_message") or "",
                replacements=tuple(Replacement(value=s) for s in (m["suggestions"] or [])[:5]),
            ))
        return tuple(out)


def match_kind(match: dict[str, str]) -> str:
    """``CATEGORY/issue_type``; a speller hit that only names the other dialect
    ("'colour' is British English") is a locale violation, not a misspelling."""
    kind = f'{match["category_id"]}/{match["issue_type"]}'
    message = match.get("message") or ""
    if match["rule_id"].startswith("MORFOLOGIK_RULE") and _OTHER_DIALECT.search(message):
        return f'{match["category_id"]}/locale-violation'
    return kind
