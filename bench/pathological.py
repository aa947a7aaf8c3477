"""Pathological documents in the language server: time to first diagnostics, and hover
on another document meanwhile.

    python -m bench.pathological [--size 300000] [--runs 2] [--kinds table refs ...]
                                 [--option lite=true]

Each kind is generated at ``--size`` characters: a Markdown table of short cells, a
reference-link farm (every link with its definition at the end), one huge line without
a sentence end, deep nesting (lists in quotes, twelve levels), a plain-text log file;
and, as the baseline measured in the same run, ordinary prose of the same size
(paragraphs of sentences). For each, a fresh server (engines loaded) opens a small
document, then the big one; while the big one is checked, the client hovers over the
small one's suggestion every ``HOVER_EVERY`` seconds. Reported per run: seconds from
``didOpen`` to the first diagnostics, their count, and hover latency (p50, max); the
ratio is against the prose baseline of the same run. The server runs with its default
settings: a large document's first diagnostics are the rule agents', the engines'
follow (pipeline.py ``DEFER_CHARS``). With ``--complete`` it runs with
``partialResults: false`` instead, so that its first diagnostics include harper's (and,
unless ``--option lite=true``, lingotweaker's): the time the engines take, which
should grow with the size of the prose alone. Targets (issue 14): first diagnostics
≤ 2 s for each kind at 300 KB, hover ≤ 100 ms meanwhile.

The client is bench.lsp_latency's (a minimal JSON-RPC reader over the server's pipes).
Wall time on a shared machine: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.lsp_latency import Client, configure, warm_up

PHRASE = ("the quick brown fox jumps over a lazy dog while their friends are going to the "
          "library tomorrow and she knows what the results were after they analysed them recieve")
WORDS = PHRASE.split()
"""Mostly clean words with one misspelling, so each document draws some suggestions."""
HOVER_EVERY = 0.05
SMALL = "She have a cat. The garden is quiet in the morning.\n"
SMALL_AT = {"line": 0, "character": 5}
"""Inside "have": a grammar suggestion to hover over."""


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _fill(size: int, piece: Callable[[int], str], sep: str = "\n") -> list[str]:
    out: list[str] = []
    total = 0
    while total < size:
        out.append(piece(len(out)))
        total += len(out[-1]) + len(sep)
    return out


def prose(size: int, rng: random.Random) -> str:
    """The baseline: paragraphs of ordinary sentences."""
    def paragraph(_: int) -> str:
        return " ".join(_words(rng, rng.randint(8, 20)).capitalize() + "."
                        for _ in range(rng.randint(2, 6)))
    return "\n\n".join(_fill(size, paragraph, "\n\n")) + "\n"


def table(size: int, rng: random.Random) -> str:
    """One Markdown table of three short columns (no blank line, no sentence end)."""
    head = "| Name | Description | Notes |\n|---|---|---|\n"
    rows = _fill(size - len(head), lambda _: f"| {_words(rng, 2)} | {_words(rng, 6)} |"
                 f" {_words(rng, 3)} |")
    return head + "\n".join(rows) + "\n"


def refs(size: int, rng: random.Random) -> str:
    """Short paragraphs with reference links, their definitions at the end."""
    links = _fill(size * 2 // 3, lambda i: f"See [{_words(rng, 2)}][r{i}] for {_words(rng, 5)}.",
                  "\n\n")
    defs = [f"[r{i}]: https://example.com/page/{i}" for i in range(len(links))]
    return "\n\n".join(links) + "\n\n" + "\n".join(defs) + "\n"


def line(size: int, rng: random.Random) -> str:
    """One line of comma-separated phrases, no sentence end."""
    return " ".join(_fill(size, lambda _: _words(rng, 8) + ",", " ")) + "\n"


def nesting(size: int, rng: random.Random) -> str:
    """List items in quotes, nesting up to twelve levels and back, no blank line."""
    def item(i: int) -> str:
        depth = i % 12
        return "> " * (depth // 2) + "  " * (depth % 6) + "- " + _words(rng, 8) + "."
    return "\n".join(_fill(size, item)) + "\n"


def log(size: int, rng: random.Random) -> str:
    """A plain-text log: one paragraph of lines without sentence ends."""
    def entry(i: int) -> str:
        return (f"2026-12-02 14:{i // 60 % 60:02d}:{i % 60:02d} INFO worker-{i % 7}"
                f" processed request {i} for {_words(rng, 3)} in {rng.randint(1, 99)} ms")
    return "\n".join(_fill(size, entry)) + "\n"


KINDS: dict[str, tuple[Callable[[int, random.Random], str], str]] = {
    "prose": (prose, "md"), "table": (table, "md"), "refs": (refs, "md"),
    "line": (line, "md"), "nesting": (nesting, "md"), "log": (log, "txt"),
}


@dataclass
class Measured:
    """One document in one fresh server."""

    kind: str
    chars: int
    first: float
    """Seconds from didOpen to its first diagnostics."""
    cpu: float
    """The server's CPU seconds meanwhile (all threads; less noisy than wall time)."""
    diagnostics: int
    hovers: list[float] = field(default_factory=list)
    """Seconds per hover on the small document while the big one was checked."""


async def measure(root: Path, kind: str, size: int, seed: int,
                  args: argparse.Namespace) -> Measured:
    """Open the small document, then the big one, hovering until the big one's first
    diagnostics arrive."""
    make, suffix = KINDS[kind]
    text = make(size, random.Random(seed))
    client = await Client.launch(root, args, partialResults=False)
    try:
        await warm_up(client, root, args)  # with partialResults off, as it expects
        if not args.complete:
            await configure(client, (root / "warm.md").as_uri(), 1, True, args)
        small = (root / "small.md").as_uri()
        client.open(small, SMALL)
        await client.arrival(small, 1)
        uri = (root / f"{kind}-{seed}.{suffix}").as_uri()
        language = "markdown" if suffix == "md" else "plaintext"
        start, cpu = time.perf_counter(), client.cpu()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": 1, "text": text}})
        arrived = asyncio.ensure_future(client.arrival(uri, 1))
        hovers: list[float] = []
        while not arrived.done():
            sent = time.perf_counter()
            await client.request("textDocument/hover", {
                "textDocument": {"uri": small}, "position": SMALL_AT})
            hovers.append(time.perf_counter() - sent)
            await asyncio.wait([arrived], timeout=HOVER_EVERY)
        first = await arrived - start
        return Measured(kind, len(text), first, client.cpu() - cpu,
                        client.history[(uri, 1)][0][1], hovers)
    finally:
        await client.stop()


def report(results: list[Measured]) -> list[str]:
    """Table rows: per kind, each run's figures and the ratio to the prose baseline."""
    base = statistics.median([r.first for r in results if r.kind == "prose"] or [0.0])
    rows = ["| kind    | chars   | first diagnostics (s) | × prose | server CPU (s) |"
            " diagnostics | hover p50 ms | hover max ms |",
            "|---------|---------|-----------------------|---------|----------------|"
            "-------------|--------------|--------------|"]
    for kind in dict.fromkeys(r.kind for r in results):
        runs = [r for r in results if r.kind == kind]
        firsts = " / ".join(f"{r.first:.2f}" for r in runs)
        ratio = statistics.median(r.first for r in runs) / base if base else 0.0
        hovers = [h for r in runs for h in r.hovers] or [0.0]
        cpus = " / ".join(f"{r.cpu:.1f}" for r in runs)
        rows.append(f"| {kind:<7} | {runs[0].chars:>7} | {firsts:>21} | {ratio:7.1f} |"
                    f" {cpus:>14} | {runs[0].diagnostics:>11} |"
                    f" {statistics.median(hovers) * 1000:12.1f} | {max(hovers) * 1000:12.1f} |")
    return rows


async def main(args: argparse.Namespace) -> list[Measured]:
    """Measure every kind ``args.runs`` times (runs interleaved) and print the table."""
    root = Path(tempfile.mkdtemp(prefix="prosewise-pathological-"))
    print(f"server options {args.option or 'default'}"
          f"{'; complete diagnostics' if args.complete else ''};"
          f" {args.size} characters per document;"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    results: list[Measured] = []
    kinds = ["prose", *(k for k in args.kinds if k != "prose")]
    for run in range(args.runs):
        for kind in kinds:
            results.append(await measure(root, kind, args.size, run, args))
            r = results[-1]
            print(f"  run {run + 1} {kind}: {r.first:.2f} s (CPU {r.cpu:.2f} s),"
                  f" {r.diagnostics} diagnostics,"
                  f" {len(r.hovers)} hovers", flush=True)
    print("\n".join(report(results)))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return results


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (with the fields bench.lsp_latency's client reads)."""
    parser = argparse.ArgumentParser(prog="python -m bench.pathological", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--kinds", nargs="*", default=[k for k in KINDS if k != "prose"],
                        choices=list(KINDS))
    parser.add_argument("--option", action="append", default=[], metavar="KEY=JSON",
                        help="extra initializationOptions, e.g. lite=true")
    parser.add_argument("--complete", action="store_true",
                        help="time the engines' diagnostics, not the first ones")
    parser.add_argument("--unguarded", action="store_true",
                        help="run the server exactly as editors do (no stdout guard)")
    args = parser.parse_args(argv)
    args.debounce_ms, args.profile = 0, None
    return args


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
