"""A small deterministic engine for tests that are not about the engines: it loads at
once and flags a fixed list of mistakes, through the real ``Engine`` protocol (the hub,
the grammar agent, routing and ranking see it as they see harper or lingotweaker).

The real engines keep their own tests (test_engines.py, test_grammar.py, ...).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from prosewise.agents.engines.engine import Engine
from prosewise.agents.engines.hits import HARPER, LINGO, EngineHit, Hits
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import Replacement
from prosewise.agents.settings import Dialect

MISSPELLED = {"recieve": "receive", "teh": "the", "wrold": "world", "sentense": "sentence",
              "zorblax": "", "zorblatt": "", "quenfrid": "", "plimbert": "", "vostrel": ""}
"""Words the fake speller flags (lower case, whole words), with a fix where there is one."""
GRAMMAR = (
    (re.compile(r"\b(a) (?=[aeiou])", re.IGNORECASE), "grammar.article", "an"),
    (re.compile(r"\b(?:I|you|we|they) (has)\b", re.IGNORECASE), "grammar.agreement", "have"),
    (re.compile(r"\b(?:he|she|it) (have)\b", re.IGNORECASE), "grammar.agreement", "has"),
    (re.compile(r"\b(?:weather|it) (are)\b", re.IGNORECASE), "grammar.agreement", "is"),
    (re.compile(r"\b((\w+) \2)\b", re.IGNORECASE), "grammar.repeated-word", ""),
)
"""Patterns whose first group is flagged, with the Prosewise rule and the fix."""
RULES = {
    HARPER: {"grammar.spelling": ("SpellCheck", "Spelling"), "grammar.article": ("AnA", ""),
             "grammar.agreement": ("PronounVerbAgreement", ""),
             "grammar.repeated-word": ("RepeatedWords", "Repetition")},
    LINGO: {"grammar.spelling": ("MORFOLOGIK_RULE_EN_US", "TYPOS"),
            "grammar.article": ("EN_A_VS_AN", "GRAMMAR"),
            "grammar.agreement": ("HE_VERB_AGR", "GRAMMAR"),
            "grammar.repeated-word": ("ENGLISH_WORD_REPEAT_RULE", "MISC/duplication")},
}
"""Each engine's own rule name and kind for a Prosewise rule (routing.toml maps back)."""
WORD = re.compile(r"\w+")


@dataclass
class FakeEngine:
    """An ``Engine`` named like a real one that flags ``MISSPELLED`` and ``GRAMMAR``."""

    name: str
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="fake"), repr=False)
    pooled: bool = True
    remote: bool = False
    checked: list[str] = field(default_factory=list, repr=False)
    """Every text checked, in order."""

    def warm(self, dialect: Dialect) -> object:
        return self

    def spells(self, dialect: Dialect) -> bool:
        return True

    def hits(self, text: str, dialect: Dialect, words: tuple[str, ...]) -> Hits:
        self.checked.append(text)
        personal = {w.lower() for w in words}
        found = [self._hit("grammar.spelling", m.start(), m.end(), MISSPELLED[m[0].lower()])
                 for m in WORD.finditer(text)
                 if m[0].lower() in MISSPELLED and m[0].lower() not in personal]
        found += [self._hit(rule, m.start(1), m.end(1), fix)
                  for pattern, rule, fix in GRAMMAR for m in pattern.finditer(text)]
        return tuple(sorted(found, key=lambda h: (h.start, h.end)))

    def _hit(self, rule: str, start: int, end: int, fix: str) -> EngineHit:
        own, kind = RULES[self.name][rule]
        return EngineHit(engine=self.name, rule=own, kind=kind, start=start, end=end,
                         message=f"Fake {rule}.",
                         replacements=(Replacement(value=fix),) if fix else ())


def fake_hub(*, lite: bool = False, wait: bool = True) -> EngineHub:
    """A hub on two fake engines named harper and lingotweaker (one when ``lite``)."""
    harper: Engine = FakeEngine(HARPER)
    lingo: Engine = FakeEngine(LINGO)
    return EngineHub(use_lingo=not lite, wait_for_engines=wait, harper=harper, lingo=lingo)
