"""Shared body of the data-rule agents (clarity, tone, style).

Besides running the data rules, it gives code rules (long sentences, exclamation
marks) their table from the data files, and tidies deletions so that accepting
"drop this word" leaves well-formed text.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from prosewise.agents.engines.hits import EngineHits
from prosewise.agents.model import AgentName, EditKind, Finding, Replacement, Source
from prosewise.agents.patterns import PATTERN_TIME_LIMIT
from prosewise.agents.routing import route, to_finding
from prosewise.agents.rules import Rule, RuleError, builtin_rules, fill, find_all, parse_rule
from prosewise.agents.setting_files import file_problem, read_settings_file
from prosewise.agents.settings import Goals, Settings, file_stamp
from prosewise.agents.text import lead_in, word_at

log = logging.getLogger(__name__)

HOUSE_AGENTS = (AgentName.CLARITY, AgentName.TONE, AgentName.STYLE)
"""Agents that run data rules, so the only valid prefixes of a house rule id."""
_RULE_ID = re.compile(r"(?:" + "|".join(a.value for a in HOUSE_AGENTS) + r")\.[a-z0-9][a-z0-9.-]*")


def house_file(path: str) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    """The good rules of one user rule file, and a message per problem (naming the file).

    Re-read when the file changes (keyed by its size and modification time).
    """
    return _house_file(path, file_stamp(path))


@lru_cache(maxsize=64)
def _house_file(path: str, stamp: tuple[int, int]) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    """The parse behind ``house_file``, cached per file version.

    Why not raise: one typo in a house file must not switch off every data rule of
    every agent; the bad table is skipped, the rest of the file still applies, and
    the problem is offered to the fronts by ``house_rule_problems``.
    """
    try:
        text = read_settings_file(path)
        tables = tomllib.loads(text).get("rule", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return (), _logged([f"house rules {file_problem(path, exc)}"])
    if not isinstance(tables, list):
        return (), _logged([f"house rules {path}: `rule` must be [[rule]] tables"])
    lines = _table_lines(text, len(tables))
    rules: list[Rule] = []
    problems: list[str] = []
    for raw, line in zip(tables, lines, strict=True):
        where = f"house rules {path}" + (f", line {line}" if line else "")
        rule_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        if not _RULE_ID.fullmatch(rule_id):
            problems.append(
                f"{where}: rule id {rule_id!r} must look like "
                f"'<agent>.<name>' with agent one of {', '.join(a.value for a in HOUSE_AGENTS)}"
            )
            continue
        try:
            rules.append(parse_rule(raw, Path(path).name, house=True))
        except RuleError as exc:
            problems.append(f"{where}: rule {rule_id} is skipped: {exc.reason}")
    return tuple(rules), _logged(problems)


_TABLE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*rule[ \t]*\]\]", re.MULTILINE)


def _table_lines(text: str, count: int) -> list[int | None]:
    """The line of each ``[[rule]]`` header, to name in messages (None if they cannot be
    told apart, e.g. rules written as an inline array)."""
    starts = [m.start() for m in _TABLE_HEADER.finditer(text)]
    if len(starts) != count:
        return [None] * count
    return [text.count("\n", 0, s) + 1 for s in starts]


def _logged(problems: list[str]) -> tuple[str, ...]:
    """Problems are logged at info only: the fronts say them, once (``house_rule_problems``)."""
    for p in problems:
        log.info("%s (skipped)", p)
    return tuple(problems)


def house_rule_problems(paths: Iterable[str]) -> list[str]:
    """Every problem in the user's rule files, for a front to show (CLI, editor): the
    bad files and tables, and the rules switched off for running over their time limit."""
    problems: list[str] = []
    for path in paths:
        rules, found = house_file(path)
        problems += found
        problems += [
            f"house rules {path}: rule {r.id} is switched off for this session: its pattern "
            f"took longer than {PATTERN_TIME_LIMIT * 1000:.0f} ms on one paragraph "
            "(it backtracks too much: avoid nested or overlapping repeats like (a|aa)+)"
            for r in rules if r.timed_out
        ]
    return problems


def load_house_rules(paths: Iterable[str], agent: AgentName) -> list[Rule]:
    """The valid rules of the user's files that belong to ``agent``."""
    return [r for path in paths for r in house_file(path)[0] if r.agent is agent]


@lru_cache(maxsize=64)
def rules_for(agent: AgentName, house: tuple[str, ...]) -> tuple[Rule, ...]:
    """Built-in rules of an agent plus the user's house rules for it (loaded once).

    Once: a stat of each house file per block cost more than matching its rules. The
    rules are the objects ``house_file`` caches, so a rule switched off for its time
    limit is the one ``house_rule_problems`` reports (until the file is edited).
    """
    return tuple(builtin_rules(agent) + load_house_rules(house, agent))


@lru_cache(maxsize=64)
def applicable_rules(agent: AgentName, house: tuple[str, ...], goals: Goals) -> tuple[Rule, ...]:
    """The agent's rules that the goals select, chosen once per goals instead of for
    every block (a 300 KB table's 13,000 cells asked 315,000 times: a second)."""
    return tuple(r for r in rules_for(agent, house) if r.applies(goals))


def data_findings(agent: AgentName, text: str, hits: EngineHits,
                  settings: Settings) -> list[Finding]:
    """Findings of an agent's data rules plus the engine rules routed to it."""
    rules = applicable_rules(agent, settings.house_rules, settings.goals)
    return find_all(rules, text) + [to_finding(h, text) for h in hits.all() if route(h) is agent]


@lru_cache(maxsize=32)
def data_table(agent: AgentName, filename: str) -> dict[str, Any]:
    """A built-in data file of an agent, parsed once (callers must not mutate it)."""
    path = resources.files("prosewise.agents").joinpath("data", agent.value, filename)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def code_rule(agent: AgentName, rule_id: str, house: tuple[str, ...] = ()) -> Rule | None:
    """The table of a rule implemented in code (its message, goals and examples)."""
    return next((r for r in rules_for(agent, house) if r.id == rule_id), None)


def code_finding(
    rule: Rule, start: int, end: int, quoted: str,
    replacements: Sequence[Replacement] = (), message: str | None = None,
    fields: Mapping[str, object] | None = None,
) -> Finding:
    """A finding of a code rule; the message template is filled from ``fields``."""
    template = message if message is not None else rule.message
    return Finding(
        agent=rule.agent, rule=rule.id, category=rule.category, start=start, end=end,
        text=quoted, message=fill(template, {"match": quoted, **(fields or {})}),
        replacements=tuple(replacements), severity=rule.severity, confidence=rule.confidence,
        explanation=rule.explanation, sources=(Source.of("rule", rule.source),),
    )


_OPENERS = frozenset("\"'“‘([{*_")
_SENTENCE_END = frozenset(".!?…")
_CLOSING = frozenset(".,;:!?)]}…")


def tidy_deletions(found: Iterable[Finding], text: str) -> list[Finding]:
    """Findings whose only fix is a deletion, widened so the fix leaves clean text.

    Why: deleting "I think" from "I think we should." must not leave a double space
    or a lower-case sentence start; the span grows to cover the space, a comma that
    belonged to the phrase, or the next word (capitalised).
    """
    return [_tidy(f, text) for f in found]


def _tidy(f: Finding, text: str) -> Finding:
    if len(f.replacements) != 1 or f.replacements[0].kind is not EditKind.DELETE:
        return f
    s, e = f.start, f.end
    if _opens_sentence(text, s):
        return _drop_at_start(f, text, s, e)
    if text[max(0, s - 2):s] == ", " and text[e:e + 1] == ",":
        return _respan(f, text, s - 2, e + 1)
    if e >= len(text) or text[e] in _CLOSING:
        while s > 0 and text[s - 1].isspace():
            s -= 1
        if s > 0 and text[s - 1] == "," and text[e:e + 1] != ",":
            s -= 1
        return _respan(f, text, s, e)
    if e < len(text) and text[e] == ",":
        e += 1
    end = e
    while end < len(text) and text[end].isspace():
        end += 1
    if end == e:
        while s > 0 and text[s - 1].isspace():
            s -= 1
    return _respan(f, text, s, end)


def _opens_sentence(text: str, i: int) -> bool:
    """Whether the word at ``i`` opens a sentence, so that deleting it hands the capital
    on to the next word (line breaks inside a block are white space here)."""
    j = lead_in(text, i, _OPENERS)
    return j == 0 or text[j - 1] in _SENTENCE_END


def _drop_at_start(f: Finding, text: str, s: int, e: int) -> Finding:
    if text[e:e + 1] == ",":
        e += 1
    while e < len(text) and text[e].isspace():
        e += 1
    nxt = word_at(text, e)
    if nxt is None or not text[s:s + 1].isupper():
        return _respan(f, text, s, e)
    word = text[e:nxt]
    return _respan(f, text, s, nxt, Replacement(value=word[0].upper() + word[1:]))


def _respan(f: Finding, text: str, s: int, e: int, fix: Replacement | None = None) -> Finding:
    replacements = (fix,) if fix is not None else f.replacements
    return replace(f, start=s, end=e, text=text[s:e], replacements=replacements)
