"""Which engine-agreement keys may move: each key tried alone on the folds fitted on.

A key moved alone changes only the sentences holding one of its findings, so each
key costs a ranking of those sentences and a scoring of their records. A key is kept
when, moved alone, it lowers no learner set's F0.5 (mean of both) and raises neither
native set's false alarms, and changes something: a move that costs nothing. The
chosen keys then move together and are measured as any other setting of the grid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from bench.evalsets import GRAMMAR_SETS, Record, ref_id
from bench.fit_evidence import COUNTS, Found, figures
from prosewise.agents.model import Finding
from prosewise.merge.agreement import Agreement, adjust

Shown = dict[str, dict[str, list[dict[str, object]]]]
Counts = dict[tuple[str, int], Counter[str]]
Flags = Callable[[str, Agreement], list[dict[str, object]]]
Scorer = Callable[[str, Sequence[Record], dict[str, list[dict[str, object]]]], dict[str, object]]


def texts_by_key(found: Found, table: Agreement) -> dict[str, set[str]]:
    """Sentences holding a finding of each key that would move."""
    out: dict[str, set[str]] = {}
    for text, findings in found.items():
        for f in findings:
            moved = _moved(f, table)
            if moved is not None:
                out.setdefault(moved, set()).add(text)
    return out


def _moved(f: Finding, table: Agreement) -> str | None:
    m = adjust(f, table)
    return m.key if m is not None and m.confidence != m.before else None


def texts_of(rec: Record) -> dict[str, str]:
    """Flag id → sentence, for a record's source and references."""
    return {rec["id"]: rec["source"],
            **{ref_id(rec["id"], k): x for k, x in enumerate(rec["references"])}}


def no_regret(table: Agreement, sets: dict[str, list[Record]], found: Found, base: Shown,
              totals: dict[str, Counter[str]], in_folds: Callable[[int], bool],
              flags: Flags, score_set: Scorer) -> tuple[str, ...]:
    """The keys that cost nothing moved alone (``totals``: each set's base counts on
    the folds fitted on; ``in_folds``: whether a record's index is in them)."""
    keep = []
    for key, texts in sorted(texts_by_key(found, table).items()):
        one = table.model_copy(update={"only": (key,)})
        gain, worse, changed = 0.0, False, False
        for name, recs in sets.items():
            part = [r for i, r in enumerate(recs) if in_folds(i)
                    and texts.intersection(texts_of(r).values())]
            if not part:
                continue
            after = dict(base[name])
            for r in part:
                after |= {i: flags(t, one) for i, t in texts_of(r).items() if t in texts}
            delta = Counter({c: 0 for c in COUNTS})
            delta.update(_counts(score_set(name, part, after)))
            delta.subtract(_counts(score_set(name, part, base[name])))
            new = Counter(totals[name])
            new.update(delta)
            changed |= any(delta.values())
            if name in GRAMMAR_SETS:
                gain += figures(new)["F0.5"] - figures(totals[name])["F0.5"]
            else:
                worse |= figures(new)["FA"] > figures(totals[name])["FA"]
        if changed and gain >= 0 and not worse:
            keep.append(key)
    return tuple(keep)


def _counts(res: dict[str, object]) -> Counter[str]:
    return Counter({c: int(res[c]) for c in COUNTS})  # type: ignore[call-overload]
