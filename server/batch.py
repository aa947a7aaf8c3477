"""Reviewing many documents at once: settings per project, files concurrently, one pipeline.

All files go through one shared ``Pipeline`` (one worker pool, one cache, engines
built once) with ``asyncio.gather``, so the pool keeps both cores busy while
small files wait on nothing. A bounded number of files is in flight at a time, so
memory stays flat on big trees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prosewise.agents.dictionaries import dictionary_problems
from prosewise.agents.model import Finding
from prosewise.agents.project import ProjectSettings, load_project
from prosewise.agents.ruleagent import house_rule_problems
from prosewise.agents.settings import Settings, find_project_file
from prosewise.agents.user_config import UserConfig, load_user_config
from prosewise.merge.explain import format_decisions
from prosewise.merge.model import Ranking
from prosewise.server.inputs import Source, Target, read_source
from prosewise.server.markup.choice import document_language
from prosewise.server.memory import WorkspaceMemory, store_root
from prosewise.server.pipeline import Pipeline, Review
from prosewise.server.report import FileReport

MAX_IN_FLIGHT = 16
log = logging.getLogger(__name__)


@dataclass
class SettingsResolver:
    """Settings for each file: its project file found upward, then the CLI overrides.

    Each project file is read once. Its problems (bad TOML, invalid values, house
    rule files that are bad or outside the project) are said once each (``warn``),
    and the file's layer replaced by the defaults: a typo in the configuration
    should not stop a CI run, but it must not pass unnoticed either.
    """

    overrides: dict[str, Any]
    warn: Callable[[str], None]
    _by_project: dict[Path | None, ProjectSettings] = field(default_factory=dict)
    _said: set[str] = field(default_factory=set)
    _memories: dict[Path | None, WorkspaceMemory] = field(default_factory=dict)
    user: UserConfig = field(default_factory=load_user_config)
    """The user's config file (agents/user_config.py), read once per run."""

    def for_origin(self, origin: Path) -> tuple[Settings, tuple[str, ...]]:
        """Settings for a file (or folder) and the problems found in its settings."""
        project = find_project_file(origin.resolve())
        if project not in self._by_project:
            self._by_project[project] = load_project(origin, self.overrides, user=self.user)
        loaded = self._by_project[project]
        return loaded.settings, self.problems(loaded)

    def suffixes(self, folder: str) -> tuple[str, ...]:
        """The file suffixes the project's ``languages`` table lists: a folder is
        searched for them too (inputs.py)."""
        table = self.for_origin(Path(folder))[0].languages
        return tuple(key for key in table if key.startswith("."))

    def problems(self, loaded: ProjectSettings) -> tuple[str, ...]:
        """The settings' problems so far, saying the new ones: a house rule switched off
        for running over its time limit shows up during the reviews."""
        found = (*loaded.problems, *house_rule_problems(loaded.settings.house_rules),
                 *dictionary_problems(loaded.settings.dictionaries))
        for problem in found:
            if problem not in self._said:
                self._said.add(problem)
                self.warn(problem)
        return found

    def memory_for(self, origin: Path) -> WorkspaceMemory:
        """The words and ignores the editor saved for this file's workspace (store_root),
        read once; damaged parts are reported (``warn``) and skipped."""
        start = origin.resolve()
        root = store_root(start, find_project_file(start))
        if root not in self._memories:
            warn = self.warn  # the CLI names itself: "prosewise: could not use ..."
            self._memories[root] = WorkspaceMemory(
                root, lambda message: warn(message.removeprefix("Prosewise ")))
        return self._memories[root]


@dataclass(frozen=True)
class BatchOptions:
    """How files are read and what is kept of each review."""

    max_bytes: int
    language: str | None = None
    stdin_name: str | None = None
    explain: bool = False


async def review_all(
    pipeline: Pipeline, targets: Sequence[Target], resolver: SettingsResolver,
    options: BatchOptions, advance: Callable[[], None] = lambda: None,
) -> list[FileReport]:
    """Reports for every target, in the order given; files are checked concurrently."""
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def one(target: Target) -> FileReport:
        async with gate:
            try:
                return await review_one(pipeline, target, resolver, options)
            finally:
                advance()

    return list(await asyncio.gather(*(one(t) for t in targets)))


async def review_one(pipeline: Pipeline, target: Target, resolver: SettingsResolver,
                     options: BatchOptions) -> FileReport:
    """Read, configure and review one file; input problems become a skipped report."""
    source = await asyncio.to_thread(
        read_source, target, options.max_bytes, options.language, options.stdin_name
    )
    if source.text is None:
        return FileReport(source.path, errors=(source.error or "skipped",), skipped=True)
    settings, _ = resolver.for_origin(source.origin)
    memory = resolver.memory_for(source.origin)
    language = options.language or document_language(
        source.language, source.path, settings.languages)  # --language wins
    try:
        review = await pipeline.review(source.text, language,
                                       memory.applied_to(settings, source.origin))
    except Exception as exc:  # a bug on one document must not lose the others' results
        log.debug("review of %s failed", source.path, exc_info=True)
        return FileReport(source.path, errors=(f"skipped: review failed ({exc!r})",),
                          skipped=True)
    _, problems = resolver.for_origin(source.origin)  # and what the review ran into
    kept = memory.keep(source.origin, review.text, review.shown)
    return to_report(source, review, problems, explain=options.explain, kept=kept)


def to_report(source: Source, review: Review, problems: tuple[str, ...], *,
              explain: bool, kept: tuple[Finding, ...] | None = None) -> FileReport:
    """The parts of a review the CLI prints, suggestions in document order; ``kept``:
    the shown findings that are not ignored occurrences (all of them by default)."""
    kept = review.shown if kept is None else kept
    shown = tuple(sorted(kept, key=lambda f: (f.start, f.end, f.rule)))
    decisions = decision_lines(review) if explain else ()
    return FileReport(source.path, suggestions=shown, text=review.text, tone=review.tone,
                      errors=problems, decisions=decisions)


def decision_lines(review: Review) -> tuple[str, ...]:
    """The ranking decision log, one line per finding (the ranking agent's own wording)."""
    ranking = Ranking(shown=review.shown, decisions=review.decisions)
    return tuple(format_decisions(ranking, review.text))
