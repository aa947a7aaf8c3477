"""harper-py behind one small class, on one thread of its own; hits in code points.

Why one thread: harper builds its spelling-suggestion index lazily, per thread, on
the first misspelling that needs it (1.3-1.9 s of CPU for *each* thread that lints),
and each thread's ``Linter`` keeps what it has linted. So all harper work goes to
one dedicated thread, where ``warm`` pays the dictionary (≈0.7 s) and that index up
front, and where the next check finds them ready. (``Linter`` is not thread-safe
either; a linter per calling thread stays as a guard for direct callers.)
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from prosewise.agents.engines.hits import HARPER, EngineHit
from prosewise.agents.model import EditKind, Replacement
from prosewise.agents.settings import Dialect

_DIALECTS = {
    Dialect.EN_US: 0, Dialect.EN_GB: 1, Dialect.EN_AU: 2, Dialect.EN_CA: 3, Dialect.EN_IN: 4,
}
NUMBER_SUFFIX_RULES = frozenset({"CorrectNumberSuffix"})
"""harper rules whose job is the letters after a number ("2th" → "2nd")."""
WARM_UP_TEXT = "Edgecombq wrote this sentense."
"""A capitalised unknown word triggers the lazy suggestion index ("Edgecombe" took
1.3 s on first sight, a second unknown word 6 ms)."""


@dataclass
class HarperEngine:
    """Harper's thread and linters, with the rule descriptions."""

    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="harper"), repr=False)
    """The thread harper runs on (see the module docstring); batch runs without
    lingotweaker use several (``threaded``)."""
    name: str = field(default=HARPER, init=False)
    pooled: bool = field(default=False, init=False)
    remote: bool = field(default=False, init=False)
    """harper's linters and suggestion index are per thread: its checks stay on its own."""
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _descriptions: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def threaded(cls, threads: int) -> HarperEngine:
        """harper on ``threads`` threads, for batch runs: one harper thread alone is
        the bottleneck of a big batch (each thread pays for its own suggestion index,
        1.3-1.9 s, which a batch of thousands of words repays)."""
        return cls(executor=ThreadPoolExecutor(threads, thread_name_prefix="harper"))

    def linter(self, dialect: Dialect, words: tuple[str, ...]) -> object:
        """This thread's Linter for the dialect, with exactly ``words`` as personal words.

        One linter per dialect and thread, whatever the word set: a new word set is
        swapped into it (60-100 ms) instead of building another linter, which cost
        1.5 s and 40 MB more each time the writer added a word, never given back.
        The first build takes a lock: two threads building at once would both pay
        for the dictionary instead of one paying and the other reusing it."""
        import harper

        linters: dict[Dialect, _Linter] = getattr(self._local, "linters", {})
        self._local.linters = linters
        if dialect not in linters:
            with self._lock:
                linter = harper.Linter(harper.Dialect(_DIALECTS[dialect]))
                if not self._descriptions:
                    self._descriptions.update(linter.get_lint_descriptions())
            linters[dialect] = _Linter(linter)
        current = linters[dialect]
        if current.words != words:
            current.linter.clear_words()  # type: ignore[attr-defined]
            if words:
                current.linter.import_words(list(words))  # type: ignore[attr-defined]
            current.words = words
        return current.linter

    def spells(self, dialect: Dialect) -> bool:
        """harper spells every dialect it knows."""
        return True

    def warm(self, dialect: Dialect) -> object:
        """Build a linter and the suggestion index (see the module docstring)."""
        self.hits(WARM_UP_TEXT, dialect, ())
        return self

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> tuple[EngineHit, ...]:
        """Harper's lints for plain prose, keyed by rule name, with the rule's description."""
        import harper

        linter = self.linter(dialect, words)
        assert isinstance(linter, harper.Linter)
        personal = {w.lower() for w in words}
        out: list[EngineHit] = []
        for rule, lints in linter.organized_lints(text, language="plaintext").items():
            for lint in lints:
                start, end = lint.span.start, lint.span.end
                if lint.lint_kind == "Spelling" and text[start:end].lower() in personal:
                    continue
                if misread(rule, text, start, end):
                    continue
                out.append(EngineHit(
                    engine=HARPER, rule=rule, kind=lint.lint_kind, start=start, end=end,
                    message=lint.message, explanation=self._descriptions.get(rule, ""),
                    replacements=tuple(_replacement(s) for s in lint.suggestions),
                ))
        return tuple(sorted(out, key=lambda h: (h.start, h.end)))


@dataclass
class _Linter:
    """A thread's linter for one dialect and the personal words it holds now."""

    linter: object
    words: tuple[str, ...] = ()


def misread(rule: str, text: str, start: int, end: int) -> bool:
    """Whether a hit on ``text[start:end]`` comes from harper misreading the text, not
    from the writer. Measured on the dev sets (corrected native text: false alarms;
    learner text: true hits):

    - Letters glued to a number ("the 90s", "the 70s hit") are a word of their own to
      harper: "s" → "so", "s hit" → "shit". 56 false alarms; 2 true hits, both
      number suffixes ("2th"), whose rule is kept.
    - A word glued to a full stop ("Megogo.net", ".disk") is a name's part, not a
      sentence start: 8 false alarms, no true hit.
    - "A" or "a" glued to what follows ("A-I", "a)") is a label, not an article.
    - "It's" opening a sentence ("It's February", "It's simple") is the contraction,
      never the possessive: 5 false alarms, no true hit.
    """
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() and text[start:start + 1].isalpha():
        return rule not in NUMBER_SUFFIX_RULES
    if rule == "SentenceCapitalization":
        return before == "."
    if rule == "AnA":
        return bool(after) and not after.isspace()
    return rule == "ItsPossessive" and text[start:end] == "It's"


def _replacement(suggestion: object) -> Replacement:
    kind = int(suggestion.kind)  # type: ignore[attr-defined]
    value: str = suggestion.replacement_text  # type: ignore[attr-defined]
    if kind == 1:
        return Replacement(kind=EditKind.DELETE)
    if kind == 2:
        return Replacement(kind=EditKind.INSERT, value=value)
    return Replacement(value=value)
