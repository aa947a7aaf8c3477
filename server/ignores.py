"""The contents of ``.prosewise/ignores.json``, read leniently.

The file is shared (committed, merged, edited by hand), so it may arrive damaged:
a bad byte, a merge conflict, an entry of the wrong shape. Reading keeps every
entry that is still good and says what it skipped, by line for bytes and JSON
syntax, by entry otherwise; writing keeps keys it does not know (a newer
Prosewise may have added them).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

FIELDS = ("occurrences", "file_rules", "workspace_rules")
_RULES = TypeAdapter(list[str])
T = TypeVar("T")


class Occurrence(BaseModel):
    """One ignored finding: its rule, quoted text and a little surrounding text. Keys
    it does not know are kept (a newer Prosewise may have added them)."""

    model_config = ConfigDict(extra="allow")

    rule: str
    text: str
    context: str


class Ignores(BaseModel):
    """The contents of ``ignores.json``."""

    occurrences: dict[str, list[Occurrence]] = Field(default_factory=dict)
    """Per file (relative path): findings the writer chose to ignore."""
    file_rules: dict[str, list[str]] = Field(default_factory=dict)
    """Per file: rules switched off in that file."""
    workspace_rules: list[str] = Field(default_factory=list)
    """Rules switched off in the whole workspace."""

    def add_occurrence(self, file: str, occurrence: Occurrence) -> bool:
        """Ignore one occurrence in ``file``; False if it already was."""
        return _add(self.occurrences.setdefault(file, []), occurrence)

    def add_rule(self, rule: str, file: str | None) -> bool:
        """Switch a rule off in ``file``, or everywhere when None; False if it already was."""
        rules = self.workspace_rules if file is None else self.file_rules.setdefault(file, [])
        return _add(rules, rule)

    def union(self, other: Ignores) -> Ignores:
        """Everything either one ignores (the files' and this session's)."""
        out = self.model_copy(deep=True)
        for file, found in other.occurrences.items():
            for occurrence in found:
                out.add_occurrence(file, occurrence)
        for file, rules in other.file_rules.items():
            for rule in rules:
                out.add_rule(rule, file)
        for rule in other.workspace_rules:
            out.add_rule(rule, None)
        return out


def _add(items: list[T], item: T) -> bool:
    if item in items:
        return False
    items.append(item)
    return True


def parse_ignores(data: bytes) -> tuple[Ignores, dict[str, Any], list[str]]:
    """The good entries, the keys this version does not know, and what was skipped."""
    bad: list[str] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        bad.append(f"line {line} is not UTF-8 text (the entries holding it are skipped)")
    if not data.strip():
        return Ignores(), {}, bad
    try:
        raw = json.loads(data.decode("utf-8", "surrogateescape"))
    except json.JSONDecodeError as error:
        return Ignores(), {}, [*bad, f"line {error.lineno} is not valid JSON ({error.msg}),"
                                 " so none of it applies"]
    if not isinstance(raw, dict):
        return Ignores(), {}, [*bad, "it does not hold a JSON object, so none of it applies"]
    ignores = Ignores()
    for file, items in _per_file(raw, "occurrences", bad).items():
        for number, item in enumerate(items, 1):
            try:
                ignores.add_occurrence(file, Occurrence.model_validate(item))
            except ValidationError:
                bad.append(f"ignored occurrence {number} of “{file}” is not valid (skipped)")
    for file, rules in _per_file(raw, "file_rules", bad).items():
        for rule in _rules(rules, f"the rules switched off in “{file}”", bad):
            ignores.add_rule(rule, file)
    for rule in _rules(raw.get("workspace_rules", []), "workspace_rules", bad):
        ignores.add_rule(rule, None)
    extra = {k: v for k, v in raw.items() if k not in FIELDS and _readable({k: v})}
    return ignores, extra, bad


def _per_file(raw: dict[str, Any], key: str, bad: list[str]) -> dict[str, list[Any]]:
    table = raw.get(key, {})
    if not isinstance(table, dict):
        bad.append(f"“{key}” is not a table of files (skipped)")
        return {}
    out: dict[str, list[Any]] = {}
    for file, items in table.items():
        if not _readable(file) or not isinstance(items, list):
            bad.append(f"the entry for “{_shown(file)}” in “{key}” is not valid (skipped)")
            continue
        out[file] = [i for i in items if _readable(i)]
        if len(out[file]) < len(items):
            bad.append(f"an entry for “{file}” in “{key}” is not UTF-8 text (skipped)")
    return out


def _rules(value: object, where: str, bad: list[str]) -> list[str]:
    try:
        rules = _RULES.validate_python(value)
    except ValidationError:
        bad.append(f"{where} is not a list of rule ids (skipped)")
        return []
    readable = [r for r in rules if _readable(r)]
    if len(readable) < len(rules):
        bad.append(f"{where} holds a rule id that is not UTF-8 text (skipped)")
    return readable


def _readable(value: object) -> bool:
    """No text in ``value`` came from invalid UTF-8 bytes (decoded as surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def dump_ignores(ignores: Ignores, extra: dict[str, Any]) -> bytes:
    """The file's new bytes: the known fields, then the unknown keys as they were."""
    raw: dict[str, Any] = {**ignores.model_dump(mode="json"), **extra}
    return (json.dumps(raw, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
