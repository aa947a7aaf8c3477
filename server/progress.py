"""The progress bar of ``prosewise review`` on a terminal: files done and, with ``--llm``,
the model's calls so far.

Only when stderr is a terminal: a pipe, a log file or CI gets nothing, and stdout (the
report, the JSON) is never written to. With the model even one file shows the bar: a
long document is many model calls, each of them seconds. rich is imported only here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prosewise.agents.llm.checks import LlmChecks


def model_progress(checks: LlmChecks) -> str:
    """The model's part of the bar: what was asked, answered from the cache, or paused."""
    paused = ", paused" if checks.paused else ""
    return (f"model: {checks.calls} asked, {checks.cached} cached,"
            f" {checks.failures} failed{paused}")


@contextmanager
def progress(total: int, checks: LlmChecks | None = None) -> Iterator[Callable[[], None]]:
    """``advance`` (call it once per file done) for a bar on stderr, when stderr is a
    terminal and there is something to wait for (several files, or a model); a no-op
    otherwise."""
    if (total < 2 and checks is None) or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class ModelColumn(ProgressColumn):
        """The model's counters, read at each refresh (they change inside the review)."""

        def render(self, task: Task) -> Text:
            return Text("" if checks is None else model_progress(checks))

    bar = Progress(TextColumn("{task.description}"), BarColumn(bar_width=20), MofNCompleteColumn(),
                   TimeElapsedColumn(), ModelColumn(), console=Console(stderr=True),
                   transient=True)
    task = bar.add_task("reviewing", total=total)  # before the first refresh shows it
    with bar:
        yield lambda: bar.advance(task)
