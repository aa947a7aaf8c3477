"""What the writer told the server to remember, kept in the workspace under ``.prosewise/``.

Plain files so they can be committed and shared by a team: ``dictionary.txt``
(one word a line) and ``ignores.json`` (ignored occurrences and rules switched
off per file or for the whole workspace). Paths inside are relative to the root.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from prosewise.agents.model import Finding

log = logging.getLogger(__name__)

FOLDER = ".prosewise"


def context_of(text: str, start: int, end: int, width: int = 24) -> str:
    """The finding's text with a little of each side: identifies an occurrence
    across edits elsewhere in the document."""
    return text[max(0, start - width):end + width]


class Occurrence(BaseModel):
    """One ignored finding: its rule, quoted text and a little surrounding text."""

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


class WorkspaceMemory:
    """Dictionary and ignores of one workspace folder, read once and written on change."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.words: list[str] = self._read_words()
        self.ignores: Ignores = self._read_ignores()

    @property
    def folder(self) -> Path:
        """Where the files live."""
        return self.root / FOLDER

    def _read_words(self) -> list[str]:
        path = self.folder / "dictionary.txt"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        return [w.strip() for w in lines if w.strip() and not w.startswith("#")]

    def _read_ignores(self) -> Ignores:
        path = self.folder / "ignores.json"
        try:
            return Ignores.model_validate_json(path.read_text(encoding="utf-8"))
        except OSError:
            return Ignores()
        except ValidationError:
            log.warning("%s is not valid; starting with no ignores", path)
            return Ignores()

    def relative(self, path: Path) -> str:
        """The key of a file in ``ignores.json``."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def add_word(self, word: str) -> None:
        """Add a word to the dictionary file (once)."""
        if word in self.words:
            return
        self.words.append(word)
        self.folder.mkdir(parents=True, exist_ok=True)
        text = "".join(f"{w}\n" for w in self.words)
        (self.folder / "dictionary.txt").write_text(text, encoding="utf-8")

    def ignore(self, path: Path, occurrence: Occurrence) -> None:
        """Remember one ignored occurrence in a file."""
        found = self.ignores.occurrences.setdefault(self.relative(path), [])
        if occurrence not in found:
            found.append(occurrence)
        self._write_ignores()

    def disable_rule(self, rule: str, path: Path | None) -> None:
        """Switch a rule off in one file, or in the workspace when ``path`` is None."""
        rules = (self.ignores.workspace_rules if path is None
                 else self.ignores.file_rules.setdefault(self.relative(path), []))
        if rule not in rules:
            rules.append(rule)
        self._write_ignores()

    def _write_ignores(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        raw: dict[str, Any] = self.ignores.model_dump(mode="json")
        text = json.dumps(raw, indent=2, ensure_ascii=False) + "\n"
        (self.folder / "ignores.json").write_text(text, encoding="utf-8")

    def rule_overrides(self, path: Path) -> dict[str, bool]:
        """Settings.rules entries that switch off the workspace's and the file's rules."""
        in_file = self.ignores.file_rules.get(self.relative(path), [])
        return {r: False for r in (*self.ignores.workspace_rules, *in_file)}

    def keep(self, path: Path, text: str, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """The findings that are not ignored occurrences in this file."""
        ignored = self.ignores.occurrences.get(self.relative(path))
        if not ignored:
            return findings
        return tuple(f for f in findings if not any(_matches(o, f, text) for o in ignored))


def _matches(occurrence: Occurrence, finding: Finding, text: str) -> bool:
    if occurrence.rule != finding.rule or occurrence.text != finding.text:
        return False
    return context_of(text, finding.start, finding.end) == occurrence.context
