"""The grammar agent alone on the dev sets: detection P/R/F0.5 and false alarms per 1k words.

    python -m bench.eval_grammar [--limit 300] [--sets jfleg-dev ...] [--thresholds 0 0.5]

Every source and every reference sentence is checked as one plain-text block by
``GrammarAgent`` (real engines, one shared ``EngineHub`` and worker pool). For each
confidence threshold the flags are written as score.py JSONL under ``--out`` and
scored with the eval folder's score.py; the command to re-score one pair is printed.
Flags carry the Prosewise rule id as ``category`` and the engine rules as ``rule``,
so the per-rule tables (learner true hits, native false alarms) come from score.py
itself. The grammar agent raises no whole-sentence flags, so there is no
with/without split here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.evalsets import DEV_SETS, NATIVE_SETS, load_score, load_set, ref_id
from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.grammar import GrammarAgent
from prosewise.agents.model import Block, Finding
from prosewise.agents.settings import Settings

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
Flags = dict[str, list[dict[str, Any]]]


async def check_all(
    texts: list[str], settings: Settings, workers: int
) -> dict[str, list[Finding]]:
    """Grammar findings for every distinct text, a few in flight at once."""
    agent, hub = GrammarAgent(), EngineHub()
    gate = asyncio.Semaphore(4 * workers)
    out: dict[str, list[Finding]] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eval") as pool:

        async def one(text: str) -> None:
            async with gate:
                ctx = CheckContext(settings=settings, pool=pool, engines=hub)
                out[text] = await agent.check(Block.verbatim(text), ctx)

        await asyncio.gather(*(one(t) for t in dict.fromkeys(texts)))
    return out


def to_flag(f: Finding) -> dict[str, Any]:
    """score.py's flag format; category = Prosewise rule, rule = the engine rules."""
    return {
        "start": f.start, "end": f.end, "replacements": [r.apply(f.text) for r in f.replacements],
        "category": f.rule, "rule": "+".join(s.rule for s in f.sources),
    }


def flags_for(recs: list[dict[str, Any]], found: dict[str, list[Finding]],
              threshold: float) -> tuple[Flags, Flags]:
    """Source and reference flags at a confidence threshold, keyed as score.py wants."""
    def keep(text: str) -> list[dict[str, Any]]:
        return [to_flag(f) for f in found[text] if f.confidence >= threshold]

    src = {r["id"]: keep(r["source"]) for r in recs}
    ref = {ref_id(r["id"], k): keep(t) for r in recs for k, t in enumerate(r["references"])}
    return src, ref


def write_jsonl(path: Path, flags: Flags) -> None:
    """One ``{"id", "flags"}`` line per sentence."""
    with path.open("w", encoding="utf-8") as fh:
        for sid, fl in flags.items():
            fh.write(json.dumps({"id": sid, "flags": fl}, ensure_ascii=False) + "\n")


def false_alarms_by_rule(ref: Flags) -> Counter[str]:
    """Flags on (corrected) references per engine rule combination."""
    return Counter(f["rule"] for fl in ref.values() for f in fl)


def summary_line(name: str, threshold: float, res: dict[str, Any]) -> str:
    """One line per set and threshold."""
    return (f"{name:14} conf>={threshold:<4} P {100 * res['precision']:5.1f}"
            f"  R {100 * res['recall']:5.1f}  F0.5 {100 * res['f0.5']:5.1f}"
            f"  FA/1k {res['false_alarms_per_1k_words']:5.1f}"
            f"  flags {res['flags']}  ref flags {res['ref_flags']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sets", nargs="+", default=list(DEV_SETS))
    ap.add_argument("--limit", type=int, help="first N sentences of each set (quick runs)")
    ap.add_argument("--thresholds", nargs="+", type=float, default=[0.0, 0.5])
    ap.add_argument("--dialect", default="en-US")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    ap.add_argument("--out", type=Path, default=Path("/tmp/prosewise-eval-grammar"))
    ap.add_argument("--top", type=int, default=15, help="rows of the false-alarm table")
    args = ap.parse_args(argv)

    scorer = load_score(args.eval_dir)
    settings = Settings.model_validate({"goals": {"dialect": args.dialect}})
    args.out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    offenders: dict[float, Counter[str]] = {t: Counter() for t in args.thresholds}
    for name in args.sets:
        recs = load_set(args.eval_dir, name, args.limit)
        texts = [t for r in recs for t in (r["source"], *r["references"])]
        started = time.monotonic()
        found = asyncio.run(check_all(texts, settings, args.workers))
        print(f"{name}: {len(found)} distinct sentences in {time.monotonic() - started:.0f}s",
              file=sys.stderr, flush=True)
        for t in args.thresholds:
            src, ref = flags_for(recs, found, t)
            write_jsonl(args.out / f"{name}.conf{t:.2f}.src.jsonl", src)
            write_jsonl(args.out / f"{name}.conf{t:.2f}.ref.jsonl", ref)
            res = scorer.score(recs, src, ref)
            lines.append(summary_line(name, t, res))
            if name in NATIVE_SETS:
                offenders[t].update(false_alarms_by_rule(ref))
    print("\n".join(lines))
    for t in args.thresholds:
        print(f"\nfalse alarms on native references by engine rule (conf>={t}):")
        for rule, n in offenders[t].most_common(args.top):
            print(f"  {rule:55} {n:5}")
    print(f"\nre-score: python3 {args.eval_dir / 'score.py'} --set {args.eval_dir}/data/SET.jsonl"
          f" --src-flags {args.out}/SET.confT.src.jsonl --ref-flags {args.out}/SET.confT.ref.jsonl"
          "  (T as 0.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
