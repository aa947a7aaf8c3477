"""What evaluate.py and calibrate.py share: the dev sets, score.py, and a batch review.

score.py is imported from the eval folder at run time (never copied), so our
figures use exactly the scorer's edit alignment and overlap test.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import pickle
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from prosewise.agents.model import Category, Finding
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

Record = dict[str, Any]
Flag = dict[str, Any]
GRAMMAR_SETS = ("jfleg-dev", "gmeg-fce-dev")
NATIVE_SETS = ("gmeg-wiki-dev", "cweb-g-dev")
DEV_SETS = GRAMMAR_SETS + NATIVE_SETS


def load_score(eval_dir: Path) -> ModuleType:
    """The eval folder's score.py as a module."""
    path = eval_dir / "score.py"
    spec = importlib.util.spec_from_file_location("prosewise_eval_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def load_set(eval_dir: Path, name: str, limit: int | None = None) -> list[Record]:
    """The first ``limit`` records of a set (all when None)."""
    recs: list[Record] = []
    with (eval_dir / "data" / f"{name}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                recs.append(json.loads(line))
            if limit is not None and len(recs) >= limit:
                break
    return recs


def set_texts(recs: Iterable[Record]) -> list[str]:
    """Every distinct sentence of the records: sources and references."""
    seen: dict[str, None] = {}
    for rec in recs:
        seen.setdefault(rec["source"], None)
        for ref in rec["references"]:
            seen.setdefault(ref, None)
    return list(seen)


def ref_id(sid: str, k: int) -> str:
    """The id score.py expects for reference ``k`` of sentence ``sid``."""
    return f"{sid}#ref{k}"


def to_flag(f: Finding) -> Flag:
    """A finding in score.py's flag format; replacements as the text that replaces the span."""
    return {
        "start": f.start, "end": f.end,
        "replacements": [r.apply(f.text) for r in f.replacements],
        "category": f.category.value, "rule": f.rule,
    }


def is_whole_sentence(f: Finding, text: str) -> bool:
    """A sentence-level warning (long sentence, readability) that overlaps any edit.

    Why: such flags hit every edit of their sentence and inflate recall, so the
    README asks for figures with and without them.
    """
    if f.rule.endswith("long-sentence") or any(s.rule == "LongSentences" for s in f.sources):
        return True
    body = len(text.strip())
    return f.category is Category.READABILITY and body > 0 and f.end - f.start >= 0.8 * body


T = TypeVar("T")
Job = Callable[[Pipeline, str, Settings], Awaitable[T]]


async def _run_all(
    pipeline: Pipeline, job: Job[T], texts: list[str], settings: Settings, concurrency: int,
    progress: Callable[[int], None],
) -> dict[str, T]:
    gate = asyncio.Semaphore(concurrency)
    out: dict[str, T] = {}

    async def one(text: str) -> None:
        async with gate:
            out[text] = await job(pipeline, text, settings)
            progress(len(out))

    await asyncio.gather(*(one(t) for t in texts))
    return out


def run_texts(
    job: Job[T], texts: list[str], settings: Settings, concurrency: int = 16,
    pipeline: Pipeline | None = None,
) -> dict[str, T]:
    """``job`` on every text with the real pipeline, ``concurrency`` sentences in flight."""
    own = pipeline is None
    pipe = pipeline or Pipeline()
    started = time.monotonic()
    step = max(500, len(texts) // 10)

    def progress(done: int) -> None:
        if done % step == 0 or done == len(texts):
            print(f"  checked {done}/{len(texts)} sentences in {time.monotonic() - started:.0f}s",
                  file=sys.stderr, flush=True)

    try:
        return asyncio.run(_run_all(pipe, job, texts, settings, concurrency, progress))
    finally:
        if own:
            pipe.close()


@dataclass(frozen=True)
class Checked:
    """One sentence's findings: what the ranking agent shows, and everything raised."""

    text: str
    shown: tuple[Finding, ...]
    raw: tuple[Finding, ...]


async def check(pipeline: Pipeline, text: str, settings: Settings) -> Checked:
    """One sentence reviewed as a plain-text document: shown and raw findings."""
    review = await pipeline.review(text, "plaintext", settings)
    return Checked(text, review.shown, review.findings)


def check_texts(
    texts: list[str], settings: Settings, concurrency: int, saved: Path | None = None,
    raw_only: bool = False, pipeline: Pipeline | None = None,
) -> dict[str, Checked]:
    """``check`` on every text; with ``saved``, reuse and extend a pickle of earlier results.

    Why: evaluate.py and calibrate.py need the same raw findings (agents do not
    depend on the profile), and a full pass over the sets takes minutes on a
    shared machine. The file records the profile its ``shown`` findings used, and
    is reused for another profile only with ``raw_only`` (raw findings do not
    depend on it). Delete the file whenever the agents change.
    """
    known: dict[str, Checked] = {}
    profile = settings.profile.value
    if saved is not None and saved.exists():
        stored = pickle.loads(saved.read_bytes())
        if raw_only or stored["profile"] == profile:
            known, profile = stored["checked"], stored["profile"]
        else:
            print(f"{saved}: made with profile {stored['profile']}; ignoring it", file=sys.stderr)
    todo = [t for t in texts if t not in known]
    if todo:
        known.update(run_texts(check, todo, settings, concurrency, pipeline))
        if saved is not None and profile == settings.profile.value:  # never mix profiles
            saved.write_bytes(pickle.dumps({"profile": profile, "checked": known}))
    return {t: known[t] for t in texts}


def rerank(checked: dict[str, Checked], settings: Settings) -> dict[str, Checked]:
    """Each sentence's raw findings ranked again with ``settings`` and the current
    ranking agent, as the pipeline ranks a one-chunk plain-text document.

    Why: the ranking agent is cheap and the engines are not; a change to ``merge/``
    or a profile is measured on a saved pickle in seconds instead of minutes."""
    from prosewise.merge.rank import rank
    from prosewise.server.markup import extract
    from prosewise.server.pipeline import layout_of

    return {t: Checked(t, rank(c.raw, settings, layout_of(extract(t, "plaintext"))).shown, c.raw)
            for t, c in checked.items()}
