"""Suggestion quality of the whole pipeline on the dev sets, scored by the eval's score.py.

    python -m bench.evaluate [--sets jfleg-dev,cweb-g-dev] [--limit 200] [--profile balanced]

Every source and reference sentence is reviewed as a plain-text document. Views:

* ``grammar``: grammar-agent findings the ranking agent shows: P/R/F0.5 on the
  learner sets (jfleg-dev, gmeg-fce-dev), comparable with harper alone.
* ``grammar-raw``: every grammar-agent finding before ranking (both engines).
* ``shown``: everything the ranking agent shows: false alarms per 1k words of
  corrected text on the native sets (gmeg-wiki-dev, cweb-g-dev) is the noise measure.
* ``-ws`` variants leave out whole-sentence flags (long-sentence warnings), which
  overlap any edit and inflate recall (see the eval README).

``--by-source`` then lists, for each view, what raised the findings (engine rules,
rule files; joined when merged): true hits and flags on the learner sets against
false alarms on the native references, worst first: where to look for noise.

Flag files (score.py's JSONL format) are written under ``--out`` for inspection.

``--llm MODEL [--api-base URL]`` scores the grammar agent alone, offline and asking the
model, side by side, with the model's calls, tokens and cost (bench/evaluate_llm.py).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import evaluate_llm
from bench.corpus import DEFAULT_EVAL_DIR
from bench.evalsets import (
    DEV_SETS,
    GRAMMAR_SETS,
    NATIVE_SETS,
    Checked,
    Flag,
    Record,
    check_texts,
    is_whole_sentence,
    load_score,
    load_set,
    ref_id,
    rerank,
    set_texts,
    to_flag,
)
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import AgentName, Finding
from prosewise.agents.settings import Goals, Profile, Settings, Writer
from prosewise.server.pipeline import Pipeline

View = Callable[[Checked], list[Finding]]

# harper-py 0.2.0 alone, from the eval README: P, R, F0.5 (%), false alarms per 1k words.
HARPER = {
    "jfleg-dev": (97.8, 51.0, 82.6, 9.8),
    "gmeg-fce-dev": (91.3, 34.7, 68.8, 5.9),
    "gmeg-wiki-dev": (47.6, 54.2, 48.8, 43.4),
    "cweb-g-dev": (16.9, 35.4, 18.9, 26.1),
}


def _grammar(found: Sequence[Finding]) -> list[Finding]:
    return [f for f in found if f.agent is AgentName.GRAMMAR]


def _no_whole(found: Sequence[Finding], text: str) -> list[Finding]:
    return [f for f in found if not is_whole_sentence(f, text)]


VIEWS: dict[str, View] = {
    "grammar": lambda r: _grammar(r.shown),
    "grammar-ws": lambda r: _no_whole(_grammar(r.shown), r.text),
    "grammar-raw": lambda r: _grammar(r.raw),
    "shown": lambda r: list(r.shown),
    "shown-ws": lambda r: _no_whole(r.shown, r.text),
}


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    set: str
    view: str
    metrics: dict[str, Any]


def write_flags(path: Path, items: list[tuple[str, list[Flag]]]) -> None:
    """One JSON line per sentence, as score.py reads them."""
    with path.open("w", encoding="utf-8") as fh:
        for sid, flags in items:
            fh.write(json.dumps({"id": sid, "flags": flags}, ensure_ascii=False) + "\n")


def by_source(f: Finding) -> Flag:
    """A flag whose category is what raised the finding, so that score.py's
    per-category tables are per engine rule or rule file."""
    return {**to_flag(f), "category": "+".join(sorted(f.sources))}


def score_view(
    score: ModuleType, recs: list[Record], reviews: dict[str, Checked], view: View, out: Path,
    flag: Callable[[Finding], Flag] = to_flag,
) -> dict[str, Any]:
    """Write the view's flag files and score them with score.py."""
    src = [(r["id"], [flag(f) for f in view(reviews[r["source"]])]) for r in recs]
    refs = [
        (ref_id(r["id"], k), [flag(f) for f in view(reviews[ref])])
        for r in recs for k, ref in enumerate(r["references"])
    ]
    src_path = out.with_name(out.name + "-src.jsonl")
    ref_path = out.with_name(out.name + "-ref.jsonl")
    write_flags(src_path, src)
    write_flags(ref_path, refs)
    sf = score.load_flags(src_path, score.expected_ids(recs, "source"))
    rf = score.load_flags(ref_path, score.expected_ids(recs, "refs"))
    metrics: dict[str, Any] = score.score(recs, sf, rf)
    return metrics


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}"


def print_table(rows: Sequence[Row]) -> None:
    """P / R / F0.5 / FA / correction precision per set and view, harper alone beside.

    ``CorrP``: the share of shown findings with a fix whose first fix is the
    reference's (score.py's correction precision): a right flag with a wrong fix
    still costs the writer."""
    head = (f"{'set':14} {'view':12} {'P':>5} {'R':>5} {'F0.5':>5} {'FA/1k':>6} "
            f"{'CorrP':>5} {'flags':>6}")
    print(head + "   harper alone P/R/F0.5, FA")
    for row in rows:
        m = row.metrics
        fa = m.get("false_alarms_per_1k_words")
        hp = HARPER.get(row.set)
        harper = f"{hp[0]}/{hp[1]}/{hp[2]}, {hp[3]}" if hp else ""
        print(f"{row.set:14} {row.view:12} {_pct(m['precision']):>5} {_pct(m['recall']):>5} "
              f"{_pct(m['f0.5']):>5} {'n/a' if fa is None else f'{fa:.1f}':>6} "
              f"{_pct(m['correction_precision']):>5} {m['flags']:6d}   {harper}")


def evaluate(args: argparse.Namespace) -> list[Row]:
    """Review every set's sentences once, then score each view."""
    return evaluate_both(args)[0]


def evaluate_both(args: argparse.Namespace) -> tuple[list[Row], list[Row], str]:
    """The offline rows and, with ``--llm``, the rows with the model and its cost line
    (else no rows and "")."""
    score = load_score(args.eval_dir)
    sets = {name: load_set(args.eval_dir, name, args.limit) for name in args.sets}
    texts = list(dict.fromkeys(t for recs in sets.values() for t in set_texts(recs)))
    settings = Settings(profile=Profile(args.profile), goals=Goals(writer=Writer(args.writer)),
                        rules={rule: False for rule in args.disable})
    if args.llm:
        settings = evaluate_llm.grammar_settings(settings)
    started = time.monotonic()
    pipeline = Pipeline(engines=EngineHub.for_batch(lite=True)) if args.lite else None
    try:
        reviews = check_texts(texts, settings, args.concurrency, args.saved, pipeline=pipeline,
                              raw_only=args.rerank)
    finally:
        if pipeline is not None:
            pipeline.close()
    if args.rerank:
        reviews = rerank(reviews, settings)
    print(f"reviewed {len(texts)} distinct sentences in {time.monotonic() - started:.0f}s "
          f"(profile {args.profile}, writer {args.writer})")
    args.out.mkdir(parents=True, exist_ok=True)
    flag = by_source if args.by_source else to_flag

    def rows(checked: dict[str, Checked], suffix: str) -> list[Row]:
        return [Row(name, view, score_view(score, recs, checked, VIEWS[view],
                                           args.out / f"{name}-{view}{suffix}", flag))
                for name, recs in sets.items() for view in args.views]

    if not args.llm:
        return rows(reviews, ""), [], ""
    started = time.monotonic()
    run = evaluate_llm.check_with_model(texts, settings, args)
    print(f"with {args.llm}: {time.monotonic() - started:.0f}s")
    return rows(reviews, ""), rows(run.reviews, "-llm"), run.cost


def print_sources(rows: Sequence[Row], top: int) -> None:
    """Per view, the sources with the most false alarms beyond their true hits."""
    for view in dict.fromkeys(r.view for r in rows):
        hits: dict[str, list[int]] = {}
        alarms: dict[str, int] = {}
        for row in (r for r in rows if r.view == view):
            if row.set in GRAMMAR_SETS:
                for source, c in row.metrics["categories_source"].items():
                    tp_flags = hits.setdefault(source, [0, 0])
                    tp_flags[0] += c["tp"]
                    tp_flags[1] += c["flags"]
            elif row.set in NATIVE_SETS:
                for source, n in row.metrics["categories_refs"].items():
                    alarms[source] = alarms.get(source, 0) + n
        worst = sorted(set(hits) | set(alarms),
                       key=lambda s: hits.get(s, [0, 0])[0] - alarms.get(s, 0))[:top]
        print(f"\n{view}: learner true hits / flags, native false alarms, by source")
        for source in worst:
            tp, flags = hits.get(source, [0, 0])
            print(f"  {source[:64]:64} {tp:5} / {flags:<5} {alarms.get(source, 0):5}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=lambda s: s.split(","), default=list(DEV_SETS))
    ap.add_argument("--views", type=lambda s: s.split(","), default=list(VIEWS))
    ap.add_argument("--limit", type=int, help="first N sentences of each set")
    ap.add_argument("--profile", choices=[p.value for p in Profile], default="balanced")
    ap.add_argument("--writer", choices=[w.value for w in Writer], default="fluent",
                    help="goals.writer: english-learner lowers the grammar threshold a step")
    ap.add_argument("--concurrency", type=int, default=16, help="sentences in flight")
    ap.add_argument("--disable", action="append", default=[], metavar="RULE",
                    help="switch a rule id (or prefix) off, to measure what it adds")
    ap.add_argument("--lite", action="store_true",
                    help="without lingotweaker, as prosewise review --lite")
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    ap.add_argument("--out", type=Path, default=Path("/tmp/prosewise-eval"),
                    help="folder for the flag files")
    ap.add_argument("--json", type=Path, help="also write all metrics here")
    ap.add_argument("--saved", type=Path,
                    help="pickle of checked sentences to reuse/extend (shared with calibrate)")
    ap.add_argument("--rerank", action="store_true",
                    help="with --saved: rank its raw findings again with this profile and "
                         "writer and the current merge/ (the engines are not run)")
    ap.add_argument("--by-source", type=int, nargs="?", const=30, default=0, metavar="N",
                    help="also list the N sources with the most false alarms per view")
    evaluate_llm.add_arguments(ap)
    args = ap.parse_args(argv)
    if args.llm and args.views == list(VIEWS):
        args.views = list(evaluate_llm.VIEWS)
    unknown = set(args.views) - set(VIEWS)
    if unknown:
        ap.error(f"unknown views: {sorted(unknown)}")
    if args.rerank and not args.saved:
        ap.error("--rerank ranks the raw findings of --saved PICKLE again")
    if args.writer != "fluent" and args.saved and not args.rerank:
        ap.error("--saved holds checks shown for a fluent writer: not with --writer")
    if args.lite and args.saved:
        ap.error("--saved holds checks made with lingotweaker: not with --lite")
    if args.llm and args.saved:
        ap.error("--saved holds checks made with every agent: not with --llm")
    if (args.api_base or args.api_key_env) and not args.llm:
        ap.error("--api-base and --api-key-env need --llm MODEL")
    rows, with_model, cost = evaluate_both(args)
    if args.llm:
        evaluate_llm.print_side_by_side(rows, with_model, cost)
    else:
        print_table(rows)
    if args.by_source:
        print_sources(rows, args.by_source)
    if args.json:
        payload = [{"set": r.set, "view": r.view, "model": model, **r.metrics}
                   for model, some in ((None, rows), (args.llm, with_model)) for r in some]
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
