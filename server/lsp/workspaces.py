"""The writer's workspace folders as the server sees them: which folder a document
belongs to, its settings there (the project file, the client's options, the user's
config file and the folder's memory of words and ignores), and the writer's accepts and
dismissals per rule there."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from prosewise.agents.project import load_project
from prosewise.agents.settings import Settings
from prosewise.agents.user_config import load_user_config
from prosewise.merge.model import RuleFeedback
from prosewise.server.lsp.learning import LearningStore, Verdict
from prosewise.server.memory import WorkspaceMemory


class Workspaces:
    """Settings, memory and feedback per workspace folder, each read once and kept."""

    def __init__(self, folders: Callable[[], Iterable[Path]],
                 report: Callable[[str], None]) -> None:
        self._folders = folders
        """The client's workspace folders (they may change during the session)."""
        self._report = report
        """Tells the writer about a problem (once per session)."""
        self.options: dict[str, Any] = {}
        """The client's options for the checks (the ``prosewise`` section)."""
        self.user = load_user_config()
        """The user's config file (agents/user_config.py), read again with new options."""
        self.learning = LearningStore(warn=report)
        self._memories: dict[Path | None, WorkspaceMemory] = {}
        self._settings: dict[Path, Settings] = {}
        self._feedback: dict[Path, dict[str, RuleFeedback]] = {}

    def configure(self, options: dict[str, Any]) -> None:
        """New client options: every folder's settings are read again."""
        self.options = options
        self.user = load_user_config()
        self._settings.clear()

    def root_of(self, path: Path) -> Path:
        """The workspace folder holding ``path`` (the file's folder outside any)."""
        return self.workspace_of(path) or path.parent

    def workspace_of(self, path: Path) -> Path | None:
        """The innermost workspace folder holding ``path``; None for a document in none
        (or not a file at all: ``untitled:``)."""
        path = Path(os.path.normpath(path))
        inside = [f for f in self._folders() if path.is_absolute() and path.is_relative_to(f)]
        return max(inside, key=lambda f: len(f.parts)) if inside else None

    def memory(self, path: Path) -> WorkspaceMemory:
        """The dictionary and ignores of the workspace folder holding ``path``, as they
        are now on disk (another window or ``git pull`` may have changed them)."""
        root = self.workspace_of(path)
        if root not in self._memories:
            self._memories[root] = WorkspaceMemory(root, self._report)
        memory = self._memories[root]
        memory.refresh()
        return memory

    def settings(self, path: Path) -> Settings:
        """Project file + client options + the workspace's words and switched-off rules."""
        folder = path.parent
        if folder not in self._settings:
            loaded = load_project(folder, self.options, self.root_of(path), self.user)
            for problem in loaded.problems:
                self._report(f"Prosewise: {problem}")
            self._settings[folder] = loaded.settings
        return self.memory(path).applied_to(self._settings[folder], path)

    def feedback(self, path: Path) -> dict[str, RuleFeedback]:
        """The writer's accepts and dismissals per rule in this workspace (cached)."""
        root = self.root_of(path)
        if root not in self._feedback:
            self._feedback[root] = self.learning.feedback(root)
        return self._feedback[root]

    def learn(self, path: Path, rule: str, verdict: Verdict) -> None:
        """Record that the writer accepted or dismissed one of the rule's suggestions."""
        root = self.root_of(path)
        self.learning.record(root, rule, verdict)
        self._feedback.pop(root, None)
