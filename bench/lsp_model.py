"""Keystroke latency with a slow model beside it (``python -m bench.lsp_latency
--model-delay SECONDS``): issue 11 asks that with a model taking 5 s per answer the
first diagnostics after a keystroke come within 10% of their time without a model
(p50, 10k words, in the same run), and that the model's findings come in a later
publish.

Servers in turn type the same edits into the same documents (``lsp_latency``'s
``latency``): without a model, and with ``llm.model`` pointed at a loopback model that
answers after SECONDS (bench/model_server.py), in rounds ordered A B B A A B … so that a load
that drifts weighs on both alike (``--model-rounds``; the ratio is of the p50s pooled
over the rounds). Each server gets an empty user config folder (the bench's user's own
config file could name a model) and an empty result cache, so every answer is a call.
The model is set in the editor's settings (``initializationOptions`` and every
``didChangeConfiguration``), which count as the user's. ``--model-idle-ms`` is its
``llm.idleMs``: at the server's default (1500 ms) a typist at 100 ms a key never pauses
long enough for the model to be asked until the typing ends, and a keystroke pays only
for reading the answers in memory; at 0 the model's pass starts after every keystroke's
check (and is cancelled by the next one) all through the typing: the worst case for the
keystroke path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.lsp_latency import HEADER, Client, SizeResult, Typed, document, latency, pct, warm_up
from bench.model_server import SlowModel

MODEL_RULES = re.compile(rb'"(?:grammar\.llm|clarity\.llm-rewrite|tone\.llm-rewrite'
                         rb'|style\.llm-guide)"')
"""The model's rule ids as a publish's body quotes them (a diagnostic's ``code``)."""
RATIO_TARGET = 1.10
MODEL_WARM = "This sentence reads well enough."
"""The model's warm-up: its correction ("sentence" → "Sentence") is a finding of its
own, which no engine's finding on the same words absorbs."""


@dataclass(frozen=True)
class Late:
    """How the model's findings reached one typed document (the model's run)."""

    versions: int
    """Versions typed."""
    in_first: int
    """Versions whose first publish already held model findings (answers in the cache)."""
    later: int
    """Versions whose first publish held no model findings and a later one did: the
    model's answers arrived after the keystroke's diagnostics."""
    later_publishes: int
    """Publishes after a version's first that held model findings (all typed versions)."""
    waited: float | None
    """Seconds from the last keystroke to its version's first later publish with model
    findings; None if none came within ``--model-wait``."""

    def line(self) -> str:
        """The report of the model's findings for one size."""
        waited = ("none within the wait" if self.waited is None
                  else f"{self.waited:.1f} s after the keystroke")
        return (f"  model findings: in the first publish of {self.in_first} of {self.versions}"
                f" typed versions, only in a later publish for {self.later}; later publishes"
                f" with them {self.later_publishes}; for the last version: {waited}")


async def late_findings(client: Client, uri: str, result: SizeResult, wait: float) -> Late:
    """Wait (up to ``wait`` seconds) for a later publish of the last typed version with
    model findings, then count, over the typed versions, where model findings came."""
    last = result.early.version
    typed = range(last - 2 * len(result.complete) + 1, last + 1)
    keystroke = client.history[(uri, last)][0][0] - result.early.first[-1]
    arrived = await first_later(client, uri, last, wait)
    firsts = {v for v in typed if client.history[(uri, v)][0][0] in client.marked.get((uri, v), [])}
    return Late(versions=len(typed), in_first=len(firsts),
                later=sum(1 for v in typed if v not in firsts and later(client, uri, v)),
                later_publishes=sum(len(later(client, uri, v)) for v in typed),
                waited=None if arrived is None else arrived - keystroke)


async def first_later(client: Client, uri: str, version: int, wait: float) -> float | None:
    """When the first publish of ``version`` after its first with model findings
    arrived, waiting up to ``wait`` seconds for it; None if none came."""
    deadline = time.perf_counter() + wait
    while not later(client, uri, version) and (left := deadline - time.perf_counter()) > 0:
        client.published.clear()
        try:
            await asyncio.wait_for(client.published.wait(), left)
        except TimeoutError:
            break
    found = later(client, uri, version)
    return found[0] if found else None


def later(client: Client, uri: str, version: int) -> list[float]:
    """When publishes of ``version`` after its first arrived that held model findings."""
    publishes = client.history.get((uri, version), [])
    first = publishes[0][0] if publishes else None
    return [at for at in client.marked.get((uri, version), []) if at != first]


def with_model(args: argparse.Namespace, api_base: str) -> argparse.Namespace:
    """``args`` with the model among the editor settings (``--option``), so that the
    re-configurations between ``latency``'s runs keep it."""
    llm = {"model": "openai/bench", "apiBase": api_base, "idleMs": args.model_idle_ms}
    return argparse.Namespace(**{**vars(args), "option": [*args.option, f"llm={json.dumps(llm)}"]})


def labelled(header: str) -> str:
    """``HEADER`` with a first column naming the server."""
    first = ["|              ", "| server       ", "|--------------"]
    return "\n".join(f"{cell}{line}" for cell, line in zip(first, header.splitlines(), strict=True))


async def compare(root: Path, sentences: list[str], args: argparse.Namespace) -> None:
    """Type at each size on servers without a model and with the slow model, in rounds
    ordered A B B A A B … (``--model-rounds``): a load that drifts during the run weighs on
    both alike. Prints each server's rows, the ratio of the pooled p50s and where the
    model's findings came."""
    model = SlowModel(args.model_delay)
    model.start()
    turns = [turn % 4 in (1, 2) for turn in range(2 * args.model_rounds)]  # B: the model
    plain: list[list[SizeResult]] = []
    with_it: list[list[tuple[SizeResult, Late]]] = []
    try:
        print(f"didChange → publishDiagnostics, {args.edits} one-letter edits per size;"
              f" the model answers after {args.model_delay:g} s (llm.idleMs"
              f" {args.model_idle_ms}); {args.model_rounds} rounds,"
              f" {' '.join('B' if b else 'A' for b in turns)}\n"
              f"{labelled(HEADER)}", flush=True)
        for modelled in turns:
            # each run its own user config and result cache: every answer is a call
            with tempfile.TemporaryDirectory(prefix="prosewise-bench-home-") as home:
                env = {**os.environ, "XDG_CONFIG_HOME": f"{home}/config",
                       "PROSEWISE_CACHE_DIR": f"{home}/cache"}
                if modelled:
                    with_it.append(await run(root, sentences, with_model(args, model.url),
                                             env, model))
                else:
                    plain.append([r for r, _ in await run(root, sentences, args, env, None)])
    finally:
        model.stop()
    for i, _ in enumerate(args.sizes):
        print(ratio_line(pooled([rows[i] for rows in plain]),
                         pooled([rows[i][0] for rows in with_it])))
        for rows in with_it:
            print(rows[i][1].line())
    print(f"model requests: {model.counts.requests} received, {model.counts.answered} answered"
          " (the others were cancelled by an edit or the end of the run)", flush=True)


def pooled(rounds: list[SizeResult]) -> SizeResult:
    """One size's latencies over every round of one server (the ratio's p50s)."""
    first = rounds[0]
    return replace(first, complete=[x for r in rounds for x in r.complete],
                   early=Typed(first.early.text, first.early.version,
                               first=[x for r in rounds for x in r.early.first],
                               last=[x for r in rounds for x in r.early.last]))


async def run(root: Path, sentences: list[str], args: argparse.Namespace, env: dict[str, str],
              model: SlowModel | None) -> list[tuple[SizeResult, Late]]:
    """Every size on one server (with ``model`` if given); prints a row per size."""
    client = await Client.launch(root, args, env=env, partialResults=False)
    client.watch = MODEL_RULES
    label = "no model" if model is None else f"model {args.model_delay:g} s"
    await warm_up(client, root, args)
    if model is not None:  # litellm's import (seconds) and the first call behind us
        uri = (root / "model-warm.md").as_uri()
        client.open(uri, MODEL_WARM)
        if await first_later(client, uri, 1, args.model_wait) is None:
            raise RuntimeError("no model findings for the warm-up document: is the model used?")
    out = []
    for size in args.sizes:
        text = document(sentences, size, seed=size)
        result = await latency(client, root, text, args)
        uri = (root / f"doc{len(text)}.md").as_uri()
        late = await late_findings(client, uri, result, args.model_wait if model else 0)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})  # its pass too
        print(f"| {label:<12} {result.row()}", flush=True)
        out.append((result, late))
    await client.stop()
    return out


def ratio_line(plain: SizeResult, modelled: SizeResult) -> str:
    """First-publish p50 with the model over without, at one size."""
    figures = [(pct(a, 50), pct(b, 50)) for a, b in (
        (modelled.early.first, plain.early.first), (modelled.complete, plain.complete))]
    (on, off), (on_all, off_all) = figures
    r = on / off
    verdict = "meets" if r <= RATIO_TARGET else "misses"
    return (f"{plain.words} words: first publish p50 with / without the model {on:.1f} /"
            f" {off:.1f} ms = {r:.2f} ({verdict} ≤ {RATIO_TARGET:.2f}); partialResults off"
            f" {on_all:.1f} / {off_all:.1f} ms = {on_all / off_all:.2f}")
