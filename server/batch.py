"""Reviewing many documents at once: settings per project, files concurrently, one pipeline.

All files go through one shared ``Pipeline`` (one worker pool, one cache, engines
built once) with ``asyncio.gather``, so the pool keeps both cores busy while
small files wait on nothing. A bounded number of files is in flight at a time, so
memory stays flat on big trees.
"""

from __future__ import annotations

import asyncio
import logging
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prosewise.agents.model import Finding
from prosewise.agents.ruleagent import house_rule_problems
from prosewise.agents.settings import Settings, find_project_file, load_settings
from prosewise.merge.explain import format_decisions
from prosewise.merge.model import Ranking
from prosewise.server.inputs import Source, Target, read_source
from prosewise.server.memory import WorkspaceMemory, store_root
from prosewise.server.pipeline import Pipeline, Review
from prosewise.server.report import FileReport

MAX_IN_FLIGHT = 16
log = logging.getLogger(__name__)


@dataclass
class SettingsResolver:
    """Settings for each file: its project file found upward, then the CLI overrides.

    Each project file is read once. An invalid one is reported once (``warn``) and
    replaced by the defaults plus the overrides: a typo in the configuration should
    not stop a CI run, but it must not pass unnoticed either.
    """

    overrides: dict[str, Any]
    warn: Callable[[str], None]
    _by_project: dict[Path | None, tuple[Settings, tuple[str, ...]]] = field(default_factory=dict)
    _memories: dict[Path | None, WorkspaceMemory] = field(default_factory=dict)

    def for_origin(self, origin: Path) -> tuple[Settings, tuple[str, ...]]:
        """Settings for a file (or folder) and the problems found in its project file."""
        project = find_project_file(origin.resolve())
        if project not in self._by_project:
            found = self._load(origin, project)
            for problem in found[1]:
                self.warn(problem)
            self._by_project[project] = found
        return self._by_project[project]

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

    def _load(self, origin: Path, project: Path | None) -> tuple[Settings, tuple[str, ...]]:
        if project is not None:
            problem = _toml_problem(project)
            if problem:
                return self.defaults(), (f"{project}: {problem}; using the defaults",)
        try:
            settings = load_settings(origin, self.overrides)
        except ValidationError as exc:
            where = project or "command line"
            return self.defaults(), (f"{where}: invalid settings ({_first_error(exc)}); "
                                     "using the defaults",)
        return _without_bad_house_rules(settings)

    def defaults(self) -> Settings:
        """Built-in defaults with the command-line overrides (which argparse validated)."""
        return Settings.model_validate(self.overrides)


def _toml_problem(path: Path) -> str | None:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read ({exc})"
    except tomllib.TOMLDecodeError as exc:
        return f"invalid TOML ({exc})"
    return None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    more = f", and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _without_bad_house_rules(settings: Settings) -> tuple[Settings, tuple[str, ...]]:
    """Report problems in house rule files (bad tables are skipped, the rest still apply)."""
    return settings, tuple(house_rule_problems(settings.house_rules))


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
    settings, problems = resolver.for_origin(source.origin)
    memory = resolver.memory_for(source.origin)
    try:
        review = await pipeline.review(source.text, source.language,
                                       memory.applied_to(settings, source.origin))
    except Exception as exc:  # a bug on one document must not lose the others' results
        log.debug("review of %s failed", source.path, exc_info=True)
        return FileReport(source.path, errors=(f"skipped: review failed ({exc!r})",),
                          skipped=True)
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
