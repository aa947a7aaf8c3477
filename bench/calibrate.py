"""Each rule's and engine rule's precision on the dev sets → merge/data/calibration.json.

    python -m bench.calibrate [--sets ...] [--limit N] [--out merge/data/calibration.json]

Findings are the agents' raw findings *before ranking*, with profile=picky (all
rules, no threshold), so the calibration never depends on itself.

Precision on sets of corrected sentences, defined:

* A finding on a **source** sentence is a true positive if its span overlaps an
  edit of the best-matching reference, with score.py's own edit alignment,
  overlap test and reference choice (score.py is imported, not copied); it is a
  false positive otherwise (including every finding on a sentence no reference
  changes).
* A finding on a **reference** sentence (corrected text) is a false positive: a
  careful writer's finished sentence should draw nothing. A finding that repeats
  one already counted for the same sentence (same rule, same quoted text: on the
  source or on another of its references) is not counted again: references are
  near-copies of each other, and a name flagged in the source and in four
  references is one false alarm, not five.
* ``precision = TP / (TP + FP)``, ``support = TP + FP``.
* ``rules`` are keyed by rule id, ``sources`` by engine rule (``harper:SpellCheck``;
  a finding counts once for each of its sources).
* ``agreement``: findings of one sentence whose spans overlap are grouped (as the
  ranking agent merges them); a group whose sources name at least two distinct
  independent checkers (``harper``, ``lingotweaker``, the ``style`` agent's data
  rules ..., as ``merge.calibration.origins`` names them) is one
  agreement finding, a true positive if the span all its members share (their
  union when they share none) overlaps an edit on a source sentence.

Each agent is judged only on sets whose references speak to it (``CALIBRATED_ON``):
grammar on the four grammar sets, clarity on asset-valid (sentences people rewrote
for readers); tone and style have no such set and keep their priors. Each rule's
precision is also split by the agent's raw confidence (``bins``), so a finding the
agent already doubted (a capitalised word, one engine alone) keeps its doubt.

Learner sets (jfleg, fce) are dense with errors, so precision there runs high;
the native sets (cweb-g, gmeg-wiki) weigh most for noise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import fit_agreement, fit_evidence
from bench.corpus import DEFAULT_EVAL_DIR
from bench.evalsets import (
    DEV_SETS,
    Record,
    check_texts,
    load_score,
    load_set,
    set_texts,
    to_flag,
)
from prosewise.agents.model import Finding
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.calibration import origins

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "merge" / "data" / "calibration.json"
EVIDENCE_OUT = DEFAULT_OUT.with_name("evidence.json")
AGREEMENT_OUT = DEFAULT_OUT.with_name("agreement.json")


@dataclass
class Tally:
    """True and false positives per key."""

    tp: Counter[str] = field(default_factory=Counter)
    n: Counter[str] = field(default_factory=Counter)

    def add(self, keys: Iterable[str], hit: bool) -> None:
        for key in keys:
            self.n[key] += 1
            self.tp[key] += hit

    def table(self) -> dict[str, dict[str, float | int]]:
        """``{key: {"precision": p, "support": n}}`` sorted by key."""
        return {k: {"precision": round(self.tp[k] / n, 4), "support": n}
                for k, n in sorted(self.n.items())}


CALIBRATED_ON: dict[str, tuple[str, ...]] = {
    "grammar": DEV_SETS,
    "clarity": ("asset-valid",),
}
"""Which sets measure which agent. Grammar references correct errors, so they judge
the grammar agent; ASSET's references are rewritten for readers, so they judge
clarity. Nothing here judges tone or style (a minimal grammar correction leaves a
cliché alone without endorsing it): those keep their agents' priors."""
ASSET_LIMIT: int | None = None
"""All of asset-valid by default. Its first 600 sentences held 17 wordy-phrase
findings, too few to tell the rule's phrase groups apart (their confidence bins);
all 2,000 hold 72."""

BIN_EDGES = (0.0, 0.35, 0.5, 0.65, 0.8, 1.01)
"""Raw-confidence bins: each rule's precision is also measured per bin, so what an
agent knew (two engines agree, the word looks like a name) survives calibration."""
MIN_BIN_SUPPORT = 1
"""Every bin is written. ``merge.calibration`` smooths a bin toward its rule's
precision by its support, so a sparse bin moves a finding only as far as its evidence
goes; a dropped bin gave the finding the whole rule's precision instead, which undid
the low priors routing.toml gives noisy engine rules ("Uni" → "Dei" shown at 0.59)."""


def bin_of(confidence: float) -> int:
    """Index of the bin holding a raw confidence."""
    return next(i for i in range(len(BIN_EDGES) - 1) if confidence < BIN_EDGES[i + 1])


@dataclass
class Calibration:
    """Everything counted over the sets."""

    rules: Tally = field(default_factory=Tally)
    bins: Tally = field(default_factory=Tally)
    sources: Tally = field(default_factory=Tally)
    agreement: Tally = field(default_factory=Tally)
    per_set: dict[str, Tally] = field(default_factory=dict)

    def add(self, name: str, findings: Sequence[Finding], hits: Sequence[bool],
            agreed: Sequence[bool]) -> None:
        """One sentence's findings, their verdicts, and its agreement groups' verdicts."""
        rules = self.per_set.setdefault(name, Tally())
        for f, hit in zip(findings, hits, strict=True):
            if name not in CALIBRATED_ON.get(f.agent.value, ()):
                continue
            self.rules.add([f.rule], hit)
            self.bins.add([f"{f.rule}#{bin_of(f.confidence)}"], hit)
            rules.add([f.rule], hit)
            self.sources.add(set(f.sources), hit)
        for hit in agreed:
            self.agreement.add(["agreement"], hit)


def agreement_groups(findings: Sequence[Finding]) -> list[list[Finding]]:
    """Overlapping findings grouped; only groups with ≥ 2 independent checkers.

    Checkers as the ranking agent counts them (``merge.calibration.origins``):
    engines by name, data rules by agent.
    """
    groups: list[list[Finding]] = []
    end = -1
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if groups and (f.start < end or f.start == f.end == end):
            groups[-1].append(f)
            end = max(end, f.end)
        else:
            groups.append([f])
            end = f.end
    return [g for g in groups if len(set().union(*(origins(f) for f in g))) >= 2]


def shared_span(group: Sequence[Finding]) -> tuple[int, int]:
    """The span all members share, or their union when they share none."""
    start, end = max(f.start for f in group), min(f.end for f in group)
    if start < end:
        return start, end
    return min(f.start for f in group), max(f.end for f in group)


def judge_set(score: ModuleType, name: str, recs: list[Record],
              found: dict[str, list[Finding]], calib: Calibration) -> None:
    """Verdicts for one set's findings on sources (via score.py) and references (all FP)."""
    flags = {r["id"]: [to_flag(f) for f in found[r["source"]]] for r in recs}
    res = score.score(recs, flags, keep_details=True)
    for detail in res["_details"]:
        rec, loc = detail["rec"], detail["loc"]
        findings = found[rec["source"]]
        agreed = [any(score.overlaps(*shared_span(g), e) for e in loc.edits)
                  for g in agreement_groups(findings)]
        calib.add(name, findings, loc.flag_tp, agreed)
        seen = {(f.rule, f.text) for f in findings}
        for ref in dict.fromkeys(rec["references"]):
            fresh = [f for f in found[ref] if (f.rule, f.text) not in seen]
            seen.update((f.rule, f.text) for f in fresh)
            groups = [g for g in agreement_groups(found[ref]) if any(f in fresh for f in g)]
            calib.add(name, fresh, [False] * len(fresh), [False] * len(groups))


def calibrate(args: argparse.Namespace) -> Calibration:
    """Run the agents on every sentence of the sets and count verdicts."""
    score = load_score(args.eval_dir)
    sets = {name: load_set(args.eval_dir, name, args.asset_limit if name == "asset-valid"
                           else args.limit) for name in args.sets}
    texts = list(dict.fromkeys(t for recs in sets.values() for t in set_texts(recs)))
    started = time.monotonic()
    settings = Settings(profile=Profile.PICKY)
    checked = check_texts(texts, settings, args.concurrency, args.saved, raw_only=True)
    found = {t: list(c.raw) for t, c in checked.items()}
    print(f"checked {len(texts)} distinct sentences in {time.monotonic() - started:.0f}s",
          file=sys.stderr)
    calib = Calibration()
    for name, recs in sets.items():
        judge_set(score, name, recs, found, calib)
    return calib


def payload(calib: Calibration, sets: Sequence[str], command: str) -> dict[str, Any]:
    """The calibration file, in the format merge/ reads (keep it exactly)."""
    agreement = calib.agreement.table().get("agreement", {"precision": 0.0, "support": 0})
    return {
        "version": 1,
        "generated": dt.date.today().isoformat(),
        "command": command,
        "sets": list(sets),
        "rules": with_bins(calib.rules.table(), calib.bins),
        "sources": calib.sources.table(),
        "agreement": agreement,
    }


def with_bins(rules: dict[str, dict[str, Any]], bins: Tally) -> dict[str, dict[str, Any]]:
    """Each rule's entry plus its confidence bins that have enough support."""
    for key, n in sorted(bins.n.items()):
        rule, index = key.rsplit("#", 1)
        i = int(index)
        if n >= MIN_BIN_SUPPORT and rule in rules:
            rules[rule].setdefault("bins", []).append({
                "low": BIN_EDGES[i], "high": BIN_EDGES[i + 1],
                "precision": round(bins.tp[key] / n, 4), "support": n,
            })
    return rules


def print_summary(calib: Calibration, sets: Sequence[str], min_support: int) -> None:
    """Rules by precision, with per-set precision beside, for people."""
    print(f"{'rule':48} {'P':>6} {'n':>6}  " + " ".join(f"{s[:12]:>16}" for s in sets))
    table = calib.rules.table()
    for rule, row in sorted(table.items(), key=lambda kv: kv[1]["precision"]):
        if row["support"] < min_support:
            continue
        cells = []
        for s in sets:
            t = calib.per_set.get(s, Tally())
            n = t.n[rule]
            cells.append(f"{100 * t.tp[rule] / n:5.1f} ({n:5d})" if n else f"{'-':>16}")
        head = f"{rule[:48]:48} {100 * row['precision']:6.1f} {row['support']:6d}  "
        print(head + " ".join(cells))
    a = calib.agreement.table().get("agreement")
    if a:
        print(f"agreement (≥2 engines/agents): P {100 * a['precision']:.1f} n {a['support']}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=lambda s: s.split(","),
                    default=[*DEV_SETS, "asset-valid"])
    ap.add_argument("--asset-limit", type=int, default=ASSET_LIMIT,
                    help="first N sentences of asset-valid (default: all; 11 texts each)")
    ap.add_argument("--limit", type=int, help="first N sentences of each set")
    ap.add_argument("--concurrency", type=int, default=16, help="sentences in flight")
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--saved", type=Path,
                    help="pickle of checked sentences to reuse/extend (shared with evaluate)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the file")
    ap.add_argument("--min-support", type=int, default=5, help="rules printed from this support")
    ap.add_argument("--evidence", action="store_true",
                    help="fit merge/data/evidence.json instead (bench/fit_evidence.py)")
    ap.add_argument("--agreement", action="store_true",
                    help="fit merge/data/agreement.json instead (bench/fit_agreement.py)")
    args = ap.parse_args(argv)
    if args.evidence or args.agreement:
        command = shlex.join(["python", "-m", "bench.calibrate", *(argv or sys.argv[1:])])
        fitter = fit_evidence if args.evidence else fit_agreement
        fitter.run(args, command, EVIDENCE_OUT if args.evidence else AGREEMENT_OUT)
        return 0
    calib = calibrate(args)
    print_summary(calib, args.sets, args.min_support)
    if not args.dry_run:
        command = shlex.join(["python", "-m", "bench.calibrate", *(argv or sys.argv[1:])])
        data = payload(calib, args.sets, command)
        args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({len(data['rules'])} rules, {len(data['sources'])} sources)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
