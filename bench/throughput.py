"""Batch throughput: the whole review pipeline against harper-py alone, same text, same run.

    python -m bench.throughput [--words 50000] [--concurrency 16] [--repeat 3] [--profile]

Harper alone is one fresh ``harper.Linter`` linting each Markdown document once on
this thread (the bar a user compares us with). The pipeline sides review the same
documents concurrently, as the CLI does, with their own engines (their own harper
linters, so no side gets another's cache hits): the default (harper and
lingotweaker) and ``--lite`` (harper only). Target: pipeline words/s ≥ 0.8 ×
harper's, using both cores. ``--profile`` then runs the pipeline once more
on one thread under cProfile and says where the CPU time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench.corpus import DEFAULT_EVAL_DIR, build_corpus, count_words, eval_sentences
from prosewise.agents.engines.harper_engine import WARM_UP_TEXT
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

T = TypeVar("T")
TARGET = 0.8
WARMUP = ("# Warm up\n\nThis paragraph warms the engines up befor timing starts.\n\n- One item.\n"
          f"\n{WARM_UP_TEXT}\n")
"""Both sides are warmed alike; ``WARM_UP_TEXT`` makes harper build its lazy spelling
index (1.3-1.9 s once per linting thread) before timing: steady state is compared."""

# Profile buckets: (label, substring of pstats' function label); cumulative seconds.
BUCKETS = (
    ("harper native (organized_lints)", "organized_lints"),
    ("lingotweaker native (Engine.check)", "lt_py"),
    ("harper hits (native + wrapping)", "harper_engine.py:hits"),
    ("lingotweaker hits (native + wrapping)", "lingo_engine.py:hits"),
    ("data rules (rules.run_rules, all agents)", "rules.py:run_rules"),
    ("grammar agent check (excl. engines)", "grammar.py:check"),
    ("clarity agent check (excl. engines)", "clarity.py:check"),
    ("tone agent check (excl. engines)", "tone.py:check"),
    ("style agent check (excl. engines)", "style.py:check"),
    ("markup extract", "__init__.py:extract"),
    ("to_document", "pipeline.py:to_document"),
    ("layout_of (sentence spans)", "pipeline.py:layout_of"),
    ("ranking (merge.rank)", "rank.py:rank"),
    ("tone summary", "registry.py:tone_summary"),
    ("block digest (cache keys)", "model.py:digest"),
)


@dataclass(frozen=True)
class Timing:
    """One side's run: wall and process CPU seconds."""

    words: int
    wall: float
    cpu: float

    @property
    def rate(self) -> float:
        """Words per wall second."""
        return self.words / self.wall if self.wall else 0.0

    @property
    def utilisation(self) -> float:
        """Cores kept busy on average (process CPU time / wall)."""
        return self.cpu / self.wall if self.wall else 0.0


class InlineExecutor(Executor):
    """Runs submitted work at once on the calling thread, so cProfile sees all of it."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        fut: Future[T] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting coroutine, like a pool would
            fut.set_exception(exc)
        return fut


def warmup_docs() -> list[str]:
    """Distinct small documents, enough for every worker thread to build its engines."""
    return [WARMUP.replace("This", f"Paragraph {i}:") for i in range(8)]


def timed(fn: Callable[[], object], words: int) -> Timing:
    """Wall and process CPU time of ``fn()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Timing(words, time.perf_counter() - wall, time.process_time() - cpu)


def harper_alone(docs: Sequence[str], words: int) -> Timing:
    """One fresh Linter, one lint per document, this thread only."""
    import harper

    linter = harper.Linter()
    linter.lint(WARMUP, language="markdown")
    return timed(lambda: [linter.lint(d, language="markdown") for d in docs], words)


async def _review_all(pipeline: Pipeline, docs: Sequence[str], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)
    settings = Settings()

    async def one(doc: str) -> None:
        async with gate:
            review = await pipeline.review(doc, "markdown", settings)
            assert review.shown is not None  # the CLI reads them: their cost counts

    await asyncio.gather(*(one(d) for d in docs))


def pipeline_run(
    docs: Sequence[str], words: int, concurrency: int, pool: Executor | None = None,
    lite: bool = False,
) -> Timing:
    """A fresh pipeline (warmed up on other text) reviewing every document; ``lite``:
    without lingotweaker, as ``prosewise review --lite``."""
    pipeline = Pipeline(pool=pool, engines=EngineHub.for_batch(lite=lite))
    try:
        asyncio.run(_review_all(pipeline, warmup_docs(), 4))
        return timed(lambda: asyncio.run(_review_all(pipeline, docs, concurrency)), words)
    finally:
        pipeline.close()


def profile_pipeline(docs: Sequence[str], words: int, top: int) -> None:
    """The pipeline on one thread under cProfile: buckets, then the top functions."""
    pipeline = Pipeline(pool=InlineExecutor())
    profiler = cProfile.Profile(time.process_time)  # CPU seconds: robust on a busy machine
    try:
        asyncio.run(_review_all(pipeline, warmup_docs(), 4))  # engines built outside the profile
        timing = timed(lambda: profiler.runcall(asyncio.run, _review_all(pipeline, docs, 4)), words)
    finally:
        pipeline.close()
    stats = pstats.Stats(profiler)
    print(f"\nsingle-thread profile: {timing.cpu:.2f} CPU s under cProfile (overhead included)")
    cumulative = _cumulative_by_label(stats)
    for label, needle in BUCKETS:
        secs = sum(c for name, c in cumulative.items() if needle in name)
        print(f"  {label:44} {secs:7.2f}s {100 * secs / timing.cpu:5.1f}%")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    print("\ntop functions by own time:")
    print("\n".join(out.getvalue().splitlines()[-top - 2:]))


def _cumulative_by_label(stats: pstats.Stats) -> dict[str, float]:
    """``file:function`` (or the builtin's label) → cumulative seconds."""
    out: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items():
        label = f"{Path(file).name}:{func}" if file != "~" else func
        out[label] = out.get(label, 0.0) + ct
    return out


def report(harper_t: Timing, sides: dict[str, Timing], docs: int) -> None:
    """The comparison table; the CPU columns matter when other work shares the machine."""
    print(f"corpus: {docs} Markdown documents, {harper_t.words} words")
    print(f"{'side':28} {'wall s':>8} {'words/s':>9} {'CPU s':>7} {'CPU util':>9}")
    for name, t in (("harper-py alone", harper_t), *sides.items()):
        print(f"{name:28} {t.wall:8.2f} {t.rate:9.0f} {t.cpu:7.2f} {t.utilisation:9.2f}")
    for name, t in sides.items():
        ratio = t.rate / harper_t.rate if harper_t.rate else 0.0
        verdict = "meets" if ratio >= TARGET else "below"
        bound = f"{2 * harper_t.cpu / t.cpu:.2f}" if t.cpu else "-"
        print(f"{name}: ratio to harper (wall) {ratio:.2f} ({verdict} the {TARGET} target);"
              f" CPU {t.cpu / harper_t.cpu:.2f} × harper's, so at best {bound} on 2 idle cores")


SIDES = {"prosewise review": False, "prosewise review --lite": True}
"""Pipeline sides: name → without lingotweaker."""


def best_of(
    repeat: int, docs: Sequence[str], words: int, concurrency: int
) -> tuple[Timing, dict[str, Timing]]:
    """All sides in turn, ``repeat`` times, fresh engines each time; fastest of each."""
    harper_runs: list[Timing] = []
    runs: dict[str, list[Timing]] = {name: [] for name in SIDES}
    for _ in range(repeat):
        harper_runs.append(harper_alone(docs, words))
        for name, lite in SIDES.items():
            runs[name].append(pipeline_run(docs, words, concurrency, lite=lite))
    fastest = {name: min(ts, key=lambda t: t.wall) for name, ts in runs.items()}
    return min(harper_runs, key=lambda t: t.wall), fastest


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=50_000, help="corpus size in words")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--concurrency", type=int, default=16, help="documents in flight (as the CLI)")
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    ap.add_argument("--repeat", type=int, default=1, help="runs per side (fastest is kept)")
    ap.add_argument("--profile", action="store_true", help="also profile on one thread")
    ap.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    args = ap.parse_args(argv)

    docs = build_corpus(eval_sentences(args.eval_dir), args.words, args.seed)
    words = sum(count_words(d) for d in docs)
    harper_t, sides = best_of(args.repeat, docs, words, args.concurrency)
    report(harper_t, sides, len(docs))
    if args.profile:
        profile_pipeline(docs, words, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
