"""Settling overlaps stays near-linear and decides exactly as comparing every pair.

Why: a 5,000-row table raised 20,000 findings in one chunk, and comparing each with
every one kept before it took minutes. The reference below is that pairwise scan.
"""

from __future__ import annotations

import random

import pytest

from prosewise.agents.model import Finding
from prosewise.merge import conflicts
from prosewise.merge.conflicts import conflict, precedence, settle, why_first
from tests.test_merge_rank import mk

RULES = ("grammar.a", "clarity.b", "tone.c", "style.d")


def pairwise_settle(candidates: dict[int, Finding]) -> dict[int, str]:
    """The decisions of a scan of every kept finding (the behaviour to keep)."""
    kept: list[Finding] = []
    losers: dict[int, str] = {}
    for cid, f in sorted(candidates.items(), key=lambda item: (precedence(item[1]), item[0])):
        winner = next((k for k in kept if conflict(k, f)), None)
        if winner is None:
            kept.append(f)
        else:
            losers[cid] = (f"overlaps {winner.rule} at {winner.start}–{winner.end}, "
                           f"which ranks higher ({why_first(winner, f)})")
    return losers


def random_findings(rng: random.Random, n: int, room: int) -> dict[int, Finding]:
    """Edits, insertions and notes of every length, crowded into ``room`` characters."""
    out: dict[int, Finding] = {}
    for cid in range(n):
        start = rng.randrange(room)
        end = min(room, start + rng.choice((0, 1, 2, 3, 5, 8, 30)))
        fix = rng.choice((None, "x", "y"))
        if fix is None and end == start:
            end += 1
        out[cid] = mk(rng.choice(RULES), start, end, fix, conf=rng.choice((0.4, 0.6, 0.9)))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_settle_decides_as_the_pairwise_scan(seed: int) -> None:
    rng = random.Random(seed)
    candidates = random_findings(rng, rng.randrange(1, 120), room=rng.choice((10, 60, 300)))
    lost = settle(candidates)
    assert {cid: loss.reason for cid, loss in lost.items()} == pairwise_settle(candidates)


def test_settle_compares_each_finding_with_its_neighbours_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0

    def counted(a: Finding, b: Finding) -> bool:
        nonlocal calls
        calls += 1
        return conflict(a, b)

    monkeypatch.setattr(conflicts, "conflict", counted)
    n = 4_000  # one per cell of a long table: short, mostly apart, some overlapping
    found = {i: mk(RULES[i % 4], 6 * i + i % 3, 6 * i + 4 + i % 5, None if i % 4 == 0 else "x")
             for i in range(n)}
    losers = settle(found)
    assert 0 < len(losers) < n
    assert calls <= 4 * n  # the pairwise scan: about n * n / 4
