"""Fit the document evidence (``merge/evidence.py``) on held-out folds of the dev sets.

    python -m bench.calibrate --evidence [--saved PICKLE]

The agents' raw findings (as ``bench.calibrate`` gets them) are ranked again under
the balanced profile for every setting of a small grid, two ways: each sentence as
its own document (as ``bench.evaluate`` reviews them), and ``GROUP`` consecutive
sentences of a set as one document (sources with sources, each reference with the
same reference of its neighbours: corrected text stays corrected). A document's
findings are its sentences' findings moved to the document's offsets, so the ranking
sees what it would see in an essay. A setting's score: the grammar agent's F0.5 on
the learner sets and the false alarms per 1k words of everything shown on the native
sets, both averaged over the two ways (``merge.evidence.choose`` picks).

Folds: blocks of ``GROUP`` records alternate between two folds; the setting fitted on
one fold is reported on the other, beside the unchanged ranking on that fold. The
table written is fitted on both folds, with its grid, so a test can check the pick.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.evalsets import GRAMMAR_SETS, NATIVE_SETS, Flag, Record, ref_id, to_flag
from prosewise.agents.model import AgentName, Finding
from prosewise.agents.settings import Profile, Settings
from prosewise.merge.evidence import Evidence, Trial, choose
from prosewise.merge.model import Layout
from prosewise.merge.rank import rank

GROUP = 5
"""Sentences per document in the grouped way (a learner's short paragraph)."""
BUDGET = 0.05
"""False alarms per 1k words a setting may add on native text (mean of both native sets and
both ways): no more noise than the second decimal of the figures people read."""
GRID = {"confident": (0.7, 0.8, 0.9), "drop": (0.1, 0.2, 0.3), "min_share": (0.2, 0.4)}
COUNTS = ("tp_flags", "fp_flags", "detected_edits", "edits", "ref_flags", "ref_words")

Found = dict[str, Sequence[Finding]]
Layouts = dict[str, Layout]


@dataclass(frozen=True)
class Doc:
    """Texts reviewed as one document, each at its offset, and the ids of their flags."""

    texts: tuple[str, ...]
    ids: tuple[str, ...]

    def offsets(self) -> list[int]:
        out, at = [], 0
        for t in self.texts:
            out.append(at)
            at += len(t) + 1
        return out


def documents(recs: Sequence[Record], group: int) -> Iterator[tuple[int, Doc]]:
    """(block index, document): with ``group`` 1 each text alone, else each block's
    sources together and its k-th references together."""
    for b in range(0, len(recs), group):
        block = recs[b:b + group]
        yield b // group, Doc(tuple(r["source"] for r in block), tuple(r["id"] for r in block))
        for k in range(max(len(r["references"]) for r in block)):
            have = [r for r in block if k < len(r["references"])]
            yield b // group, Doc(tuple(r["references"][k] for r in have),
                                  tuple(ref_id(r["id"], k) for r in have))


def rank_doc(doc: Doc, found: Found, layouts: Layouts, settings: Settings,
             table: Evidence) -> dict[str, list[Flag]]:
    """The document's shown findings as flags of its sentences (a finding across two
    sentences is dropped: score.py cannot place it)."""
    starts = doc.offsets()
    moved = [replace(f, start=f.start + at, end=f.end + at) if at else f
             for text, at in zip(doc.texts, starts, strict=True) for f in found[text]]
    sentences = tuple((s + at, e + at) for text, at in zip(doc.texts, starts, strict=True)
                      for s, e in layouts[text].sentences)
    ends = [at + len(t) for t, at in zip(doc.texts, starts, strict=True)]
    layout = Layout(paragraphs=((0, ends[-1]),), sentences=sentences)
    out: dict[str, list[Flag]] = {i: [] for i in doc.ids}
    for f in rank(moved, settings, layout, evidence=table).shown:
        i = bisect_right(starts, f.start) - 1
        if f.end <= ends[i]:
            out[doc.ids[i]].append({**to_flag(f), "start": f.start - starts[i],
                                    "end": f.end - starts[i], "agent": f.agent.value})
    return out


def measure(score: ModuleType, sets: dict[str, list[Record]], found: Found, layouts: Layouts,
            table: Evidence, group: int) -> dict[tuple[str, int], Counter[str]]:
    """Score counts per (set, fold) for one setting and one way of grouping."""
    settings = Settings(profile=Profile.BALANCED)
    out: dict[tuple[str, int], Counter[str]] = {}
    for name, recs in sets.items():
        flags: dict[str, list[Flag]] = {}
        fold_of: dict[str, int] = {}
        for block, doc in documents(recs, group):
            flags |= rank_doc(doc, found, layouts, settings, table)
            fold_of |= {i: block % 2 for i in doc.ids}
        if name in GRAMMAR_SETS:
            flags = {i: [f for f in fl if f["agent"] == AgentName.GRAMMAR.value]
                     for i, fl in flags.items()}
        for fold in (0, 1):
            part = [r for r in recs if fold_of[r["id"]] == fold]
            res = score.score(part, {r["id"]: flags[r["id"]] for r in part},
                              {i: fl for i, fl in flags.items() if "#" in i
                               and fold_of[i] == fold})
            out[(name, fold)] = Counter({k: res[k] for k in COUNTS})
    return out


def figures(counts: Counter[str]) -> dict[str, float]:
    """P, R, F0.5 (%) and false alarms per 1k words from summed score counts."""
    flags, edits = counts["tp_flags"] + counts["fp_flags"], counts["edits"]
    p = counts["tp_flags"] / flags if flags else 0.0
    r = counts["detected_edits"] / edits if edits else 0.0
    f = 1.25 * p * r / (0.25 * p + r) if p and r else 0.0
    fa = 1000 * counts["ref_flags"] / counts["ref_words"] if counts["ref_words"] else 0.0
    return {"P": 100 * p, "R": 100 * r, "F0.5": 100 * f, "FA": fa}


Measured = dict[int, dict[tuple[str, int], Counter[str]]]


def trial(table: Evidence, measured: Measured, folds: Sequence[int]) -> Trial:
    """A setting's score on ``folds``, averaged over both ways of grouping."""
    def mean(names: Sequence[str], key: str) -> float:
        vals = [figures(sum((m[(n, k)] for k in folds), Counter()))[key]
                for m in measured.values() for n in names]
        return round(sum(vals) / len(vals), 4)

    return Trial(confident=table.confident, drop=table.drop, min_share=table.min_share,
                 learner_f05=mean(GRAMMAR_SETS, "F0.5"), native_fa=mean(NATIVE_SETS, "FA"))


def settings_grid() -> list[Evidence]:
    """The unchanged ranking first, then every setting of ``GRID``."""
    return [Evidence()] + [Evidence(confident=c, drop=d, min_share=s)
                           for c, d, s in product(*GRID.values())]


def fit(score: ModuleType, sets: dict[str, list[Record]], found: Found, layouts: Layouts,
        command: str) -> tuple[dict[str, Any], list[str]]:
    """The table (fitted on both folds) and report lines (fitted on one fold, measured
    on the other, per set and way of grouping, beside the unchanged ranking)."""
    runs = [(t, {g: measure(score, sets, found, layouts, t, g) for g in (1, GROUP)})
            for t in settings_grid()]
    lines = []
    for held in (0, 1):
        grid = [trial(t, m, [1 - held]) for t, m in runs]
        pick = choose(grid, BUDGET)
        assert pick is not None
        chosen = next(m for t, m in runs if trial(t, m, [1 - held]) == pick)
        lines.append(f"fold {held} held out; fitted on the other: confident {pick.confident} "
                     f"drop {pick.drop} min_share {pick.min_share}")
        for g in (1, GROUP):
            for name in sets:
                before = figures(runs[0][1][g][(name, held)])
                after = figures(chosen[g][(name, held)])
                lines.append(f"  {name:14} {g} sent/doc  " + "  ".join(
                    f"{k} {before[k]:.1f}->{after[k]:.1f}" for k in before))
    grid = [trial(t, m, [0, 1]) for t, m in runs]
    pick = choose(grid, BUDGET)
    assert pick is not None
    table = {
        "version": 1, "generated": dt.date.today().isoformat(), "command": command,
        "commit": head_commit(), "sets": list(sets),
        "confident": pick.confident, "drop": pick.drop, "min_share": pick.min_share,
        "budget": BUDGET, "grid": [t.model_dump() for t in grid],
    }
    return table, lines


def head_commit() -> str:
    """The commit the findings came from (the working tree's HEAD)."""
    here = Path(__file__).resolve().parent
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                          text=True, check=False)
    return done.stdout.strip()


@dataclass(frozen=True)
class Dev:
    """The dev sets, their sentences' raw findings and layouts, and score.py."""

    score: ModuleType
    sets: dict[str, list[Record]]
    found: Found
    layouts: Layouts


def load_dev(args: Any) -> Dev:
    """Check the dev sets' sentences (or reuse ``--saved``) for a fit."""
    from bench.evalsets import DEV_SETS, check_texts, load_score, load_set, set_texts
    from prosewise.server.markup import extract
    from prosewise.server.pipeline import layout_of

    sets = {name: load_set(args.eval_dir, name, args.limit) for name in DEV_SETS}
    texts = list(dict.fromkeys(t for recs in sets.values() for t in set_texts(recs)))
    checked = check_texts(texts, Settings(profile=Profile.PICKY), args.concurrency, args.saved,
                          raw_only=True)
    return Dev(score=load_score(args.eval_dir), sets=sets,
               found={t: c.raw for t, c in checked.items()},
               layouts={t: layout_of(extract(t, "plaintext")) for t in texts})


def write_table(args: Any, table: dict[str, Any], lines: Sequence[str], out: Path) -> None:
    """Print the fit's report and write its table (unless ``--dry-run``)."""
    import json

    print("\n".join(lines))
    if not args.dry_run:
        out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}")


def run(args: Any, command: str, out: Path) -> None:
    """``bench.calibrate --evidence``: check the dev sets (or reuse ``--saved``), fit,
    print the held-out figures and write the table to ``out``."""
    dev = load_dev(args)
    table, lines = fit(dev.score, dev.sets, dev.found, dev.layouts, command)
    lines.append(f"fitted on both folds: confident {table['confident']} drop {table['drop']} "
                 f"min_share {table['min_share']}")
    write_table(args, table, lines, out)
