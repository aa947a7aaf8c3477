"""What the writer told Prosewise to remember, kept in the workspace under ``.prosewise/``.

Plain files so they can be committed and shared by a team: ``dictionary.txt``
(one word a line) and ``ignores.json`` (ignored occurrences and rules switched
off per file or for the whole workspace). Paths inside are relative to the root.
The language server writes them; ``prosewise review`` reads the same ones.

Other writers share the files (a second editor window, ``git pull``), so every
change re-reads the file under the store lock and replaces it atomically
(storefile.py), and each check re-reads a file whose stamp changed. A damaged
file degrades: bad lines or entries are skipped and reported once, the rest
applies, and a damaged ``ignores.json`` is copied aside before it is rewritten.
When nothing can be saved (read-only workspace, no workspace at all) a change is
kept for the session, and the writer is told so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from prosewise.agents.dictionaries import parse_words, word_problem
from prosewise.agents.model import Finding
from prosewise.agents.settings import Settings
from prosewise.server.ignores import Ignores, Occurrence, dump_ignores, parse_ignores
from prosewise.server.storefile import StoreError, keep_aside, read_store, rewrite, stamp

log = logging.getLogger(__name__)

FOLDER = ".prosewise"
DICTIONARY = "dictionary.txt"
IGNORES = "ignores.json"
SHOWN_PROBLEMS = 5
"""Bad lines named in one message; the rest are counted."""
NO_WORKSPACE = ("This document is not in a workspace folder: Prosewise keeps the words you add"
                " and the suggestions you ignore in it for this session only.")

__all__ = [
    "FOLDER",
    "Ignores",
    "Occurrence",
    "WorkspaceMemory",
    "context_of",
    "parse_words",
    "store_root",
    "word_problem",
]


def context_of(text: str, start: int, end: int, width: int = 24) -> str:
    """The finding's text with a little of each side: identifies an occurrence
    across edits elsewhere in the document."""
    return text[max(0, start - width):end + width]


def problems_message(path: Path, bad: list[str]) -> str:
    """One message for everything skipped in a file."""
    named = "; ".join(bad[:SHOWN_PROBLEMS])
    more = f"; and {len(bad) - SHOWN_PROBLEMS} more" if len(bad) > SHOWN_PROBLEMS else ""
    return f"Prosewise could not use all of {path}: {named}{more}."


def store_root(start: Path, project: Path | None = None) -> Path | None:
    """For ``prosewise review``: the nearest folder at or above ``start`` holding
    ``.prosewise/``, or the project file's folder if that comes first."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / FOLDER).is_dir() or (project is not None and folder == project.parent):
            return folder
    return None


class Saved(BaseModel):
    """What the files held when last read, and what this session could not save."""

    words: list[str] = Field(default_factory=list)
    ignores: Ignores = Field(default_factory=Ignores)


class WorkspaceMemory:
    """Dictionary and ignores of one workspace folder (``root``), or of the documents in
    no workspace folder (``root`` None: nothing is read or written, all is session)."""

    def __init__(self, root: Path | None, warn: Callable[[str], None] = log.warning) -> None:
        self.root = root
        self.warn = warn
        """Tells the writer about a store problem (the server says each message once)."""
        self._files = Saved()
        self._session = Saved()
        self._stamps: dict[str, tuple[int, int, int] | None] = {}
        self.words: list[str] = []
        self.ignores = Ignores()
        self.refresh()

    @property
    def folder(self) -> Path | None:
        """Where the files live."""
        return None if self.root is None else self.root / FOLDER

    def refresh(self) -> None:
        """Re-read the files another writer changed since the last read (a cheap stat)."""
        if self.folder is None:
            return
        for name in (DICTIONARY, IGNORES):
            path = self.folder / name
            now = stamp(path)
            if name not in self._stamps or self._stamps[name] != now:
                self._stamps[name] = now
                self._load(name, self._read(path))

    def _read(self, path: Path) -> bytes:
        assert self.root is not None
        try:
            return read_store(path, self.root) or b""
        except StoreError as error:
            self.warn(f"Prosewise cannot read {path}: {error}. It is not used.")
            return b""

    def _load(self, name: str, data: bytes) -> None:
        assert self.folder is not None
        if name == DICTIONARY:
            self._files.words, bad = parse_words(data)
        else:
            self._files.ignores, _, bad = parse_ignores(data)
        if bad:
            self.warn(problems_message(self.folder / name, bad))
        self._combine()

    def _combine(self) -> None:
        files, session = self._files, self._session
        self.words = [*files.words, *(w for w in session.words if w not in files.words)]
        self.ignores = files.ignores.union(session.ignores)

    def relative(self, path: Path) -> str:
        """The key of a file in ``ignores.json``."""
        if self.root is None:
            return path.as_posix()
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def add_word(self, word: object, into: Path | None = None) -> None:
        """Add a word to the dictionary (once), keeping every line the file has; to
        ``into``, one of the settings' line-a-word dictionary files, when given.

        Raises ValueError, saying why, for anything but a single token."""
        if why := word_problem(word):
            raise ValueError(f"Prosewise cannot add {word!r} to the dictionary: {why}.")
        assert isinstance(word, str)

        def append(data: bytes) -> bytes | None:
            if word in parse_words(data)[0]:
                return None
            gap = b"" if not data or data.endswith(b"\n") else b"\n"
            return data + gap + word.encode("utf-8") + b"\n"

        saved = self._rewrite(DICTIONARY, append) if into is None else self._append(into, append)
        if not saved and word not in self._session.words:
            self._session.words.append(word)
        self._combine()

    def ignore(self, path: Path, occurrence: Occurrence) -> None:
        """Remember one ignored occurrence in a file."""
        key = self.relative(path)
        self._change_ignores(lambda ignores: ignores.add_occurrence(key, occurrence))

    def disable_rule(self, rule: str, path: Path | None) -> None:
        """Switch a rule off in one file, or in the workspace when ``path`` is None."""
        key = None if path is None else self.relative(path)
        self._change_ignores(lambda ignores: ignores.add_rule(rule, key))

    def _change_ignores(self, edit: Callable[[Ignores], bool]) -> None:
        def change(data: bytes) -> bytes | None:
            ignores, extra, bad = parse_ignores(data)
            if not edit(ignores):
                return None
            if bad and self.folder is not None:
                aside = keep_aside(self.folder / IGNORES)
                self.warn(f"Prosewise kept the damaged {IGNORES} as {aside} before saving"
                          " your change to a repaired copy.")
            return dump_ignores(ignores, extra)

        if not self._rewrite(IGNORES, change):
            edit(self._session.ignores)
        self._combine()

    def _rewrite(self, name: str, change: Callable[[bytes], bytes | None]) -> bool:
        """Apply ``change`` to the file as it is now, under the lock; False (and the
        writer told) when it cannot be saved."""
        if self.root is None or self.folder is None:
            self.warn(NO_WORKSPACE)
            return False
        path = self.folder / name
        try:
            data = rewrite(path, self.root, change)
        except StoreError as error:
            self.warn(f"Prosewise cannot save to {self.folder}: {error}. Words you add and"
                      " suggestions you ignore are kept for this session only.")
            return False
        self._load(name, data)  # the next refresh reads it again only if it has changed since
        return True

    def _append(self, into: Path, change: Callable[[bytes], bytes | None]) -> bool:
        """Change a team dictionary file (agents/dictionaries.py re-reads it by its stamp),
        under the stores' lock: no lock file is left beside it."""
        if self.root is None or self.folder is None:
            self.warn(NO_WORKSPACE)
            return False
        try:
            rewrite(into, self.root, change, lock=self.folder)
        except StoreError as error:
            self.warn(f"Prosewise cannot add words to {into}: {error}. Words you add there"
                      " are kept for this session only.")
            return False
        return True

    def rule_overrides(self, path: Path) -> dict[str, bool]:
        """Settings.rules entries that switch off the workspace's and the file's rules."""
        in_file = self.ignores.file_rules.get(self.relative(path), [])
        return {r: False for r in (*self.ignores.workspace_rules, *in_file)}

    def applied_to(self, settings: Settings, path: Path) -> Settings:
        """``settings`` with this memory's words and switched-off rules for ``path``."""
        words = (*settings.words, *(w for w in self.words if w not in settings.words))
        rules = {**settings.rules, **self.rule_overrides(path)}
        return settings.model_copy(update={"words": words, "rules": rules})

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
