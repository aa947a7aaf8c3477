"""Keystroke latency for a client that pulls diagnostics (VS Code), against one that is
pushed them, in the same run.

    python -m bench.pull_latency [--words 10000] [--edits 40] [--option lite=true]

Two fresh servers, one after the other, get the same document and the same one-letter
edits (bench.lsp_latency's client and corpus): the baseline is a push client
(``partialResults: false``, so each edit's one publish is complete); the other declares
``textDocument.diagnostic`` and ``workspace.diagnostics.refreshSupport``, as VS Code
does, and after each ``didChange`` asks ``textDocument/diagnostic`` with the previous
result id. Timed: ``didChange`` → the publish, or the pull's answer (its last byte
read, before the client parses it). A pull is answered with the whole document's
diagnostics, as a publish is; its answer should cost no more than the publish.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.lsp_latency import (
    CAPABILITIES,
    DEFAULT_EVAL_DIR,
    Client,
    document,
    eval_sentences,
    pct,
    type_letter,
)

PULL = {**CAPABILITIES,
        "workspace": {**CAPABILITIES["workspace"], "diagnostics": {"refreshSupport": True}},
        "textDocument": {**CAPABILITIES["textDocument"],
                         "diagnostic": {"dynamicRegistration": False}}}
"""VS Code's pull capabilities (the server pulls only from clients it can ask to pull
again: ``wants_pull``)."""


@dataclass
class PullClient(Client):
    """The bench client, noting when each response's last byte arrived."""

    arrived: dict[int, float] = field(default_factory=dict)

    def _dispatch(self, message: dict[str, Any], received: float) -> None:
        if "method" not in message and isinstance(message.get("id"), int):
            self.arrived[message["id"]] = received
        super()._dispatch(message, received)


async def diagnostics(client: PullClient, uri: str, version: int, pull: bool,
                      result_id: str | None = None) -> str | None:
    """Wait for the diagnostics of ``uri`` at ``version`` (pulled, or pushed); the pull's
    result id."""
    if not pull:
        await client.arrival(uri, version)
        return None
    answer = await client.request("textDocument/diagnostic", {
        "textDocument": {"uri": uri}, "previousResultId": result_id})
    return str(answer.get("resultId", result_id))


async def warmed(client: PullClient, root: Path, pull: bool) -> None:
    """Check a small document, then wait until every engine has loaded (the server's
    ``prosewise.status``): lingotweaker's load holds the GIL for 1-2 s, and edits timed
    meanwhile would measure that."""
    uri = (root / "warm.md").as_uri()
    client.open(uri, "She have a cat. I am agree with you.")
    await diagnostics(client, uri, 1, pull)
    while True:
        status = await client.request("workspace/executeCommand", {
            "command": "prosewise.status", "arguments": [uri]})
        if all(state in ("ready", "failed") for state in status["engines"].values()):
            return
        await asyncio.sleep(0.1)


async def typed(client: PullClient, root: Path, text: str, args: argparse.Namespace,
                pull: bool) -> tuple[list[float], float]:
    """Seconds from each edit to its diagnostics, and the server's CPU seconds per edit."""
    uri = (root / f"doc-{'pull' if pull else 'push'}.md").as_uri()
    client.open(uri, text)
    result_id = await diagnostics(client, uri, 1, pull)
    rng, times, cpu = random.Random(len(text)), [], client.cpu()
    for version in range(2, args.edits + 2):
        text, sent = type_letter(client, uri, text, version, rng)
        asked = client.next_id + 1
        result_id = await diagnostics(client, uri, version, pull, result_id)
        times.append((client.arrived[asked] if pull else client.history[(uri, version)][0][0])
                     - sent)
        await asyncio.sleep(max(0.0, sent + args.interval_ms / 1000 - time.perf_counter()))
    return times, (client.cpu() - cpu) / args.edits


async def main(args: argparse.Namespace, sentences: list[str] | None = None) -> None:
    """Type on a push server, then on a pull server; print both and their ratio. The
    document is built from ``sentences`` (default: the eval sets')."""
    text = document(sentences or eval_sentences(args.eval_dir), args.words, seed=args.words)
    gc.freeze()
    root = Path(tempfile.mkdtemp(prefix="prosewise-pull-"))
    rows = []
    for pull in (False, True):
        client = await PullClient.launch(root, args, capabilities=PULL if pull else None,
                                         partialResults=False)
        await warmed(client, root, pull)
        times, cpu = await typed(client, root, text, args, pull)
        await client.stop()
        rows.append((("pull" if pull else "push"), times, cpu))
    base = statistics.median(rows[0][1])
    print(f"{args.words} words, {args.edits} edits: didChange → complete diagnostics")
    print("| client | p50 ms | p95 ms | × push p50 | server CPU per edit ms |")
    print("|--------|--------|--------|------------|------------------------|")
    for name, times, cpu in rows:
        print(f"| {name:<6} | {pct(times, 50):6.1f} | {pct(times, 95):6.1f} |"
              f" {statistics.median(times) / base:10.2f} | {cpu * 1000:22.1f} |")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (with the fields bench.lsp_latency's client reads)."""
    parser = argparse.ArgumentParser(prog="python -m bench.pull_latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--interval-ms", type=float, default=100)
    parser.add_argument("--option", action="append", default=[], metavar="KEY=JSON",
                        help="extra initializationOptions, e.g. lite=true")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = parser.parse_args(argv)
    args.debounce_ms, args.profile, args.unguarded = 0, None, False
    return args


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
