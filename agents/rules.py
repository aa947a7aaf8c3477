"""Rules as data: TOML files of phrase lists, swaps and patterns, each with examples.

A rule file holds ``[[rule]]`` tables::

    [[rule]]
    id = "clarity.wordy-phrase"          # stable id, agent prefix first
    category = "wordiness"
    severity = "info"                    # error | warning | info | hint
    confidence = 0.6                     # prior, before calibration
    message = "“{match}” is wordy: try “{replacement}”."
    explanation = "Why this matters, shown on hover and in --explain."
    swap = { "in order to" = "to" }      # phrase → replacement ("a|b" for several)
    match = ["basically"]                # phrases flagged (with `replace` if given)
    replace = []                         # replacements for `match` ([""] deletes)
    pattern = '\\bregex\\b'              # or a regular expression (case-insensitive)
    when = { formality = ["formal"] }    # only for these goals (any Goals field)
    unless = { domain = ["casual"] }     # never for these goals
    examples = [
      { bad = "We left in order to eat.", fixed = "We left to eat." },
      { good = "The order to leave came." },
    ]

Long lists go one entry a line (tests/test_rule_files.py): ``match`` over several
lines, swaps as a ``[rule.swap]`` table after the rule's other keys, a long pattern in
verbose mode (``'''(?x)...'''`` over several lines).

Rules whose logic is code (readability, passive voice) use the same table with
no ``swap``/``match``/``pattern``: their examples still run as tests.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import regex

from prosewise.agents.model import (
    AgentName,
    Category,
    EditKind,
    Finding,
    Replacement,
    Severity,
    Source,
)
from prosewise.agents.patterns import TimedPattern
from prosewise.agents.phrase_trie import phrase_regex
from prosewise.agents.settings import Goals
from prosewise.agents.text import match_case


@dataclass(frozen=True)
class Example:
    """A rule example; each one is also a test (tests/test_rule_examples.py)."""

    text: str
    flagged: bool
    fixed: str | None = None


@dataclass(frozen=True)
class Rule:
    """One data rule: what to match, what to say, when it applies."""

    id: str
    category: Category
    message: str
    severity: Severity = Severity.INFO
    confidence: float = 0.5
    explanation: str = ""
    swaps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pattern: re.Pattern[str] | TimedPattern | None = None
    """Built-in rules use ``re``; house rules a pattern under a time limit."""
    when: dict[str, frozenset[str]] = field(default_factory=dict)
    unless: dict[str, frozenset[str]] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    source: str = ""

    @property
    def agent(self) -> AgentName:
        """The agent that owns the rule, from its id prefix."""
        return AgentName(self.id.split(".", 1)[0])

    def applies(self, goals: Goals) -> bool:
        """Whether the writer's goals select this rule."""
        values = goal_values(goals)
        if any(values.get(k) not in v for k, v in self.when.items()):
            return False
        return not any(values.get(k) in v for k, v in self.unless.items())

    @property
    def timed_out(self) -> bool:
        """Whether this house rule's pattern ran over its time limit and is now off."""
        return isinstance(self.pattern, TimedPattern) and self.pattern.timed_out

    def find(self, text: str, lines: tuple[int, int] | None = None) -> Iterator[Finding]:
        """Every match of the rule in ``text`` as a finding (block coordinates); for a
        built-in rule, only in ``lines`` (start, end) if given (see ``find_all``)."""
        if self.pattern is None:
            return
        if isinstance(self.pattern, TimedPattern):
            spans: Iterable[tuple[int, int]] = self.pattern.spans(text)
        else:
            spans = (m.span() for m in self.pattern.finditer(text, *(lines or (0, len(text)))))
        for start, end in spans:
            quoted = text[start:end]
            options = self.swaps.get(_norm(quoted), ())
            yield self.finding(start, end, quoted, options)

    def finding(self, start: int, end: int, quoted: str, options: Iterable[str] = ()) -> Finding:
        """A finding of this rule at a span, with case-matched replacements."""
        replacements = tuple(
            Replacement(kind=EditKind.DELETE) if o == ""
            else Replacement(value=match_case(quoted, o))
            for o in options
        )
        shown = replacements[0].apply(quoted) if replacements else ""
        return Finding(
            agent=self.agent, rule=self.id, category=self.category, start=start, end=end,
            text=quoted, message=fill(self.message, {"match": quoted, "replacement": shown}),
            replacements=replacements, severity=self.severity, confidence=self.confidence,
            explanation=self.explanation, sources=(Source.of("rule", self.source),),
        )


DATA_RULE_FIELDS = frozenset({"match", "replacement"})
"""What a data rule's message may name: the matched text and the first fix."""


def fill(template: str, fields: Mapping[str, object]) -> str:
    """The message with its fields filled in; the template as written if it names others.

    Why not ``str.format`` alone: one house rule's ``{foo}`` raised KeyError inside the
    style agent and took every style finding of the paragraph with it. Rules are
    checked when loaded (``template_problem``); this is the second line of defence.
    """
    try:
        return template.format_map(fields)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return template


def template_problem(template: str, fields: frozenset[str] = DATA_RULE_FIELDS) -> str | None:
    """Why ``template`` cannot be a message, in the rule writer's words; None if it can.

    Only bare ``{name}`` fields are allowed: a format spec (``{match:>999999999}``)
    could make one message a gigabyte, an attribute (``{match.__class__}``) leaks
    internals.
    """
    allowed = ", ".join(f"{{{f}}}" for f in sorted(fields))
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"message is not a valid template ({exc}); write {{{{ and }}}} for a literal brace"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in fields:
            return f"message names {{{name}}}, which is unknown; it may use only {allowed}"
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            return (f"message writes {written}: a field takes no conversion or format;"
                    f" write {{{name}}}")
    return None


@lru_cache(maxsize=32)
def goal_values(goals: Goals) -> dict[str, str]:
    """Goals as plain strings, computed once per goals (every rule asks, every block)."""
    return goals.model_dump(mode="json")


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().replace("’", "'").split())


Compiled = re.Pattern[str] | TimedPattern | None


def _compile(raw: dict[str, Any], house: bool) -> tuple[dict[str, tuple[str, ...]], Compiled]:
    swaps: dict[str, tuple[str, ...]] = {}
    for phrase, value in raw.get("swap", {}).items():
        swaps[_norm(phrase)] = tuple(value) if isinstance(value, list) else tuple(value.split("|"))
    replace = tuple(raw.get("replace", ()))
    for phrase in raw.get("match", ()):
        swaps[_norm(phrase)] = replace
    source = raw["pattern"] if "pattern" in raw else phrase_regex(swaps) if swaps else None
    if source is None:
        return swaps, None
    if house:
        return swaps, TimedPattern.compile(source)
    return swaps, re.compile(source, re.IGNORECASE)


def _examples(raw: list[dict[str, str]]) -> tuple[Example, ...]:
    out = []
    for ex in raw:
        if "bad" in ex:
            out.append(Example(text=ex["bad"], flagged=True, fixed=ex.get("fixed")))
        else:
            out.append(Example(text=ex["good"], flagged=False))
    return tuple(out)


class RuleError(ValueError):
    """A ``[[rule]]`` table that cannot be a rule, and why (``reason``, for the writer)."""

    def __init__(self, source: str, rule_id: str, reason: str) -> None:
        super().__init__(f"{source}: bad rule {rule_id}: {reason}")
        self.reason = reason


def parse_rule(raw: dict[str, Any], source: str, house: bool = False) -> Rule:
    """Build a Rule from one ``[[rule]]`` table; raises RuleError on a bad table.

    ``house``: the table comes from a user's file, so its pattern runs under a time
    limit and its message may name only the fields a data rule fills in.
    """
    try:
        if house and (problem := template_problem(str(raw["message"]))):
            raise ValueError(problem)
        swaps, pattern = _compile(raw, house)
        confidence = float(raw.get("confidence", 0.5))
        if not 0.0 <= confidence <= 1.0:  # a finding's confidence is a probability
            raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
        return Rule(
            id=raw["id"], category=Category(raw["category"]), message=raw["message"],
            severity=Severity(raw.get("severity", "info")),
            confidence=confidence, explanation=raw.get("explanation", ""),
            swaps=swaps, pattern=pattern,
            when={k: frozenset(v) for k, v in raw.get("when", {}).items()},
            unless={k: frozenset(v) for k, v in raw.get("unless", {}).items()},
            examples=_examples(raw.get("examples", [])), source=source,
        )
    except KeyError as exc:
        raise RuleError(source, str(raw.get("id", "?")), f"{exc} is missing") from exc
    except (ValueError, TypeError, AttributeError, re.error, regex.error) as exc:
        raise RuleError(source, str(raw.get("id", "?")), str(exc)) from exc


def load_rule_file(text: str, source: str) -> list[Rule]:
    """Rules of one TOML file's text."""
    return [parse_rule(r, source) for r in tomllib.loads(text).get("rule", [])]


def builtin_rules(agent: AgentName) -> list[Rule]:
    """The rules shipped in ``prosewise/agents/data/<agent>/*.toml``."""
    folder = resources.files("prosewise.agents").joinpath("data", agent.value)
    if not folder.is_dir():
        return []
    rules: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(load_rule_file(entry.read_text(encoding="utf-8"), f"{agent}/{entry.name}"))
    return rules


def run_rules(rules: Iterable[Rule], text: str, goals: Goals) -> list[Finding]:
    """All findings of the data rules that apply to these goals."""
    return find_all([rule for rule in rules if rule.applies(goals)], text)


SCAN_CHARS = 10_000
"""The most characters one built-in pattern scans in one call. ``re`` holds the GIL
for a whole call: a rule scanning a 1 MB block in one call kept the event loop (hover,
``exit``) waiting for seconds. A larger block is scanned line range by line range, cut
after a line that ends a sentence where there is one (a phrase does not run on across
that), else after any line; a house rule (``regex``, with a time limit) still sees the
whole block."""


def find_all(rules: Iterable[Rule], text: str) -> list[Finding]:
    """All findings of these data rules (chosen for the goals already)."""
    if len(text) <= SCAN_CHARS:
        return [f for rule in rules if _may_match(rule, text) for f in rule.find(text)]
    ranges = _line_ranges(text)
    return [f for rule in rules
            for f in (rule.find(text) if isinstance(rule.pattern, TimedPattern)
                      else (f for lines in ranges for f in rule.find(text, lines)))]


def _may_match(rule: Rule, text: str) -> bool:
    """Whether the rule can find anything in ``text``: a built-in pattern is searched
    first. Why: most blocks match none of an agent's rules, and one ``search`` (C code)
    costs less than setting up a scan (a table cell: 0.75 -> 0.42 s for 13,000 cells'
    data rules). A house rule's timed pattern is not run twice."""
    if isinstance(rule.pattern, re.Pattern):
        return rule.pattern.search(text) is not None
    return rule.pattern is not None


def _line_ranges(text: str) -> list[tuple[int, int]]:
    """``text`` in ranges of at most about ``SCAN_CHARS``, each ending after a line
    break (a sentence's last line if one lies in its second half); a line longer than
    that is one range."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > SCAN_CHARS:
        limit = start + SCAN_CHARS
        cut = max(text.rfind(f"{end}\n", start + SCAN_CHARS // 2, limit) for end in ".!?")
        if cut >= 0:
            cut += 2
        else:
            cut = text.rfind("\n", start, limit) + 1 or text.find("\n", limit) + 1
        if cut <= start:
            break
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out
