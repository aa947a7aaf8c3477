"""Language server latency, driven over stdio like an editor.

    python -m bench.lsp_latency [--sizes 1000 10000 100000] [--edits 30] [--debounce-ms 0]
                                [--interval-ms 100] [--harper-runs 5] [--docs 20]
                                [--skip cold memory] [--soak MINUTES]
                                [--model-delay SECONDS [--model-idle-ms MS]]

For each document size: open a Markdown document, wait for its first diagnostics,
then type one letter inside a word at random places (incremental ``didChange``,
next version each time, one every ``--interval-ms``) and time ``didChange`` → the
pushed diagnostics for that version (p50, p95), and the server's CPU time per edit
(wall time on a busy shared machine says more about the neighbours than about us).
Each size is typed twice on the same server: with ``partialResults`` off, where
each version's one publish is complete, and with it on (the default), where the
first publish comes once harper is done and a second one, if lingotweaker was
still at work, completes it ("first" and "complete" columns). In the same run, harper-py
lints the whole document, first with a new linter ("harper new") and then after
one-character changes ("harper p50", what harper-ls pays per keystroke; harper
caches internally, so this is its best case), and lints the one sentence such an edit
lands in ("harper sent.": what our first publish waits for; our p50 minus it is our
own cost). Also: cold start (process start →
first diagnostics for a 1k-word file) and memory: the server's RSS with 20 open
10k-word documents, beside the RSS of another process holding only the same
engines after checking the same documents' prose (``--engines-alone``), and the
difference, what Prosewise itself holds. ``--soak MINUTES`` then edits those
documents at random on the same server and prints its RSS over time. Targets
(issues 3 and 10): p50 ≤ 15 ms, p95 ≤ 40 ms at every size, cold start ≤ 1.5 s;
server minus engines ≤ 150 MB, and after a 20-minute soak RSS within 10% of its
value after 2 minutes. Debounce is 0 unless ``--debounce-ms`` says otherwise.
``--model-delay`` types the sizes on two servers instead, without and with a model
that answers after that many seconds (bench/lsp_model.py; issue 11: first-publish
p50 with it within 10% of without, at 10k words, the model's findings later).

The client is a minimal JSON-RPC reader over the server's pipes with VS Code's
push-diagnostics capabilities, not pygls' ``LanguageClient``: pygls converts every
incoming message into attrs objects, which for a 100k-word document's diagnostics
costs the client more than the server, and we time the server. For the same reason
a publish counts as arrived when its last byte has been read, and the client does
not parse its diagnostics (``PUBLISH_HEAD``): Python's ``json.loads`` of a
100k-word document's 800 KB of them takes 14-19 ms, which would delay reading the
next publish.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_EVAL_DIR, build_corpus, count_words, eval_sentences
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.text import sentences

SERVER = [sys.executable, "-m", "prosewise.server.lsp"]
GUARDED = [sys.executable, "-m", "bench.lsp_latency", "--serve-guarded"]
"""The same server with fd 1 pointed at stderr and the protocol on a private copy of
the pipe: harper-py 0.2 prints debug lines ("gerund_form: ...") to fd 1, which
corrupts an unguarded stdio stream (the client then waits forever)."""


def serve_guarded() -> None:
    """Run the language server on stdio with native prints diverted to stderr."""
    sys.stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    from prosewise.server.cli import main

    main(["lsp"])
TICKS = os.sysconf("SC_CLK_TCK")
PUBLISH_HEAD = re.compile(
    rb'\{"jsonrpc": ?"2\.0", ?"method": ?"textDocument/publishDiagnostics", ?'
    rb'"params": ?\{"uri": ?(?P<uri>"(?:[^"\\]|\\.)*"), ?"version": ?(?P<version>\d+|null), ?'
    rb'"diagnostics": ?\[')
"""The head of Prosewise's publishes (compact or, as before 2026-12-02, spaced JSON):
the client takes uri and version from it and counts the diagnostics instead of
parsing them (other messages are parsed in full)."""
CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True},
    "workspace": {"workspaceEdit": {"documentChanges": True}, "configuration": False},
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                               "tagSupport": {"valueSet": [1, 2]},
                               "codeDescriptionSupport": True, "dataSupport": True},
        "codeAction": {"dataSupport": True, "isPreferredSupport": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    },
}


@dataclass
class Client:
    """An editor stand-in: sends requests and notifications, timestamps publishes."""

    proc: asyncio.subprocess.Process
    waiting: dict[tuple[str, int], asyncio.Future[float]] = field(default_factory=dict)
    replies: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    history: dict[tuple[str, int], list[tuple[float, int]]] = field(default_factory=dict)
    """Every publish per (uri, version): when, and how many diagnostics."""
    published: asyncio.Event = field(default_factory=asyncio.Event)
    watch: re.Pattern[bytes] | None = None
    """Publishes whose body this matches are noted in ``marked`` (a bytes search, no parse)."""
    marked: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    """When each publish that ``watch`` matched arrived, per (uri, version)."""
    next_id: int = 0
    reader: asyncio.Task[None] | None = None

    @classmethod
    async def launch(cls, root: Path, args: argparse.Namespace, profile: bool = False,
                     env: dict[str, str] | None = None,
                     capabilities: dict[str, Any] | None = None, **extra: Any) -> Client:
        """Start a server process (under cProfile writing ``args.profile`` if ``profile``;
        with ``env`` as its environment if given; with ``capabilities`` instead of
        ``CAPABILITIES``), with ``extra`` initialization options."""
        command = SERVER if args.unguarded else GUARDED
        if profile and args.profile is not None:
            command = [sys.executable, "-m", "cProfile", "-o", str(args.profile), *command[1:]]
        proc = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=None, limit=2**26, env=env,  # stderr inherited: the bench's own
        )
        client = cls(proc)
        client.reader = asyncio.create_task(client._read())
        client.reader.add_done_callback(_reader_done)
        await client.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "capabilities": capabilities or CAPABILITIES,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "initializationOptions": {"debounceMs": args.debounce_ms, **options(args), **extra},
        })
        client.notify("initialized", {})
        return client

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        """Send a notification."""
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        """Send a request and wait for its result."""
        self.next_id += 1
        future = self.replies[self.next_id] = asyncio.get_running_loop().create_future()
        self._send({"id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, 600)

    async def _read(self) -> None:
        try:
            await self._read_messages()
        finally:  # the server exited: nothing it owes will come
            lost = ConnectionError(f"the server exited ({self.proc.returncode})")
            for future in (*self.replies.values(), *self.waiting.values()):
                if not future.done():
                    future.set_exception(lost)

    async def _read_messages(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while not stdout.at_eof():
            try:
                header = await stdout.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:  # the server exited
                return
            length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            body = await stdout.readexactly(length)
            received = time.perf_counter()
            if (head := PUBLISH_HEAD.match(body)) is not None:
                version = int(head["version"]) if head["version"] != b"null" else 0
                uri = json.loads(head["uri"])
                if self.watch is not None and self.watch.search(body):
                    self.marked.setdefault((uri, version), []).append(received)
                self._published(uri, version,
                                len(re.findall(rb'"range": ?\{', body)), received)
            else:
                self._dispatch(json.loads(body), received)

    def _dispatch(self, message: dict[str, Any], received: float) -> None:
        """Act on one message; ``received`` is when its last byte arrived (the client's
        own parse of a large publish is not the server's latency)."""
        if "method" not in message:
            future = self.replies.pop(message.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(message.get("result"))
        elif "id" in message:  # a request from the server (progress tokens, registrations)
            self._send({"id": message["id"], "result": None})
        elif message["method"] == "textDocument/publishDiagnostics":
            params = message["params"]
            self._published(params["uri"], params.get("version") or 0,
                            len(params["diagnostics"]), received)

    def _published(self, uri: str, version: int, count: int, received: float) -> None:
        key = (uri, version)
        self.history.setdefault(key, []).append((received, count))
        self.published.set()
        if (future := self.waiting.pop(key, None)) is not None and not future.done():
            future.set_result(received)

    async def arrival(self, uri: str, version: int, timeout: float = 1800) -> float:
        """When the diagnostics of ``uri`` at ``version`` arrived (waits for them)."""
        if (uri, version) in self.history:
            return self.history[(uri, version)][0][0]
        future = self.waiting[(uri, version)] = asyncio.get_running_loop().create_future()
        return await asyncio.wait_for(future, timeout)

    async def waves(self, uri: str, version: int, count: int, timeout: float
                    ) -> list[tuple[float, int]]:
        """The first ``count`` publishes of ``uri`` at ``version`` (fewer after ``timeout``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.history.get((uri, version), [])) < count and loop.time() < deadline:
            self.published.clear()
            try:
                await asyncio.wait_for(self.published.wait(), deadline - loop.time())
            except TimeoutError:
                break
        return self.history.get((uri, version), [])[:count]

    def open(self, uri: str, text: str) -> None:
        """didOpen a Markdown document at version 1."""
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})

    def rss(self) -> int:
        """The server's resident set size in bytes."""
        return vm_rss(self.proc.pid)

    async def idle(self, quiet: float = 2.0, timeout: float = 1800) -> None:
        """Wait until the server has used no CPU for ``quiet`` seconds: every wave of
        every open document is in (a large document's first diagnostics come before
        its engines have checked it, server/lsp/waves.py)."""
        deadline = time.perf_counter() + timeout
        last, since = self.cpu(), time.perf_counter()
        while time.perf_counter() - since < quiet and time.perf_counter() < deadline:
            await asyncio.sleep(0.25)
            if (now := self.cpu()) - last > 0.02:
                last, since = now, time.perf_counter()

    def cpu(self) -> float:
        """CPU seconds (user + system, all threads) the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    async def stop(self) -> None:
        """Shut the server down cleanly."""
        await self.request("shutdown", None)
        self.notify("exit", None)
        await asyncio.wait_for(self.proc.wait(), 30)
        if self.reader is not None:
            self.reader.cancel()


def _reader_done(task: asyncio.Task[None]) -> None:
    """A dead reader would leave the benchmark waiting forever: say why it died."""
    if not task.cancelled() and (error := task.exception()) is not None:
        print(f"client reader failed: {error!r}", file=sys.stderr, flush=True)


def document(sentences: list[str], words: int, seed: int) -> str:
    """A Markdown document of about ``words`` words (headings, paragraphs, lists)."""
    return "\n\n".join(build_corpus(sentences, words, seed=seed, doc_words=min(words, 600)))


def position(text: str, offset: int) -> dict[str, int]:
    """The UTF-16 LSP position of a code point offset."""
    start = text.rfind("\n", 0, offset) + 1
    return {"line": text.count("\n", 0, offset),
            "character": len(text[start:offset].encode("utf-16-le")) // 2}


def pct(values: list[float], p: int) -> float:
    """The ``p``-th percentile in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def inside_word(text: str, rng: random.Random) -> int:
    """A random offset between two letters."""
    while not (text[i := rng.randrange(1, len(text))].isalpha() and text[i - 1].isalpha()):
        pass
    return i


@dataclass
class Typed:
    """One typing run: per version, seconds to its first and to its last publish."""

    text: str
    version: int
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)


def type_letter(client: Client, uri: str, text: str, version: int,
                rng: random.Random) -> tuple[str, float]:
    """Type an "e" inside a random word of ``text`` (``didChange`` to ``version``): the
    new text, and when the change was sent."""
    offset = inside_word(text, rng)
    pos = position(text, offset)
    sent = time.perf_counter()
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "e"}],
    })
    return text[:offset] + "e" + text[offset:], sent


async def edits(client: Client, uri: str, typed: Typed, count: int, seed: int,
                interval: float) -> Typed:
    """Type one letter inside a word at random places, one every ``interval`` seconds
    (or as soon as the last one's diagnostics are in, if later)."""
    rng = random.Random(seed)
    text, version = typed.text, typed.version
    for _ in range(count):
        version += 1
        text, sent = type_letter(client, uri, text, version, rng)
        typed.first.append(await client.arrival(uri, version) - sent)
        await asyncio.sleep(max(0.0, sent + interval - time.perf_counter()))
        typed.last.append(client.history[(uri, version)][-1][0] - sent)
    typed.text, typed.version = text, version
    return typed


def harper_recheck(text: str, runs: int) -> tuple[float, list[float], list[float]]:
    """Seconds harper-py takes to lint the whole document: first with a new linter, then
    again after each one-character change (what harper-ls does per keystroke); then on
    the sentence alone that each of ``SENTENCE_RUNS`` such changes lands in."""
    import harper

    linter = harper.Linter()
    start = time.perf_counter()
    linter.organized_lints(text, language="markdown")
    first = time.perf_counter() - start
    out = []
    for i in range(runs):
        at = len(text) * (i + 1) // (runs + 1)
        edited = text[:at] + "e" + text[at:]
        start = time.perf_counter()
        linter.organized_lints(edited, language="markdown")
        out.append(time.perf_counter() - start)
    return first, out, harper_sentences(linter, text)


SENTENCE_RUNS = 30


def harper_sentences(linter: Any, text: str) -> list[float]:
    """Seconds harper-py takes on the sentence a letter typed inside a word lands in, as
    the hub hands it over (plain text, one sentence): the floor of a first publish."""
    rng = random.Random(len(text))
    out = []
    for _ in range(SENTENCE_RUNS):
        sentence = edited_sentence(text, inside_word(text, rng))
        start = time.perf_counter()
        linter.organized_lints(sentence, language="plaintext")
        out.append(time.perf_counter() - start)
    return out


def edited_sentence(text: str, at: int) -> str:
    """The sentence around ``at`` in its paragraph, with an "e" typed at ``at``."""
    before, after = text.rfind("\n\n", 0, at), text.find("\n\n", at)
    begin = 0 if before < 0 else before + 2
    block = text[begin:at] + "e" + text[at:len(text) if after < 0 else after]
    return next((block[s:e] for s, e in sentences(block) if s <= at - begin < e), block)


@dataclass
class SizeResult:
    """Latencies for one document size, with harper's full re-check alongside."""

    words: int
    first: float
    complete: list[float]
    """Latencies with ``partialResults`` off (one publish per version)."""
    early: Typed
    """With it on: first and last publish per version."""
    harper_first: float
    harper: list[float]
    harper_sentence: list[float]
    cpu: float
    """Server CPU seconds per edit with ``partialResults`` on, the second publish included
    (load-independent, unlike wall time on a busy machine)."""

    def row(self) -> str:
        """One table row (milliseconds)."""
        figures = [pct(xs, p) for xs in (self.complete, self.early.first, self.early.last)
                   for p in (50, 95)]
        cells = " | ".join(f"{x:6.1f}" for x in figures)
        return (f"| {self.words:>7} | {cells}"
                f" | {self.cpu * 1000:8.1f} | {self.harper_first * 1000:10.0f}"
                f" | {pct(self.harper, 50):10.1f} | {pct(self.harper_sentence, 50):12.1f}"
                f" | {self.first:8.1f} |")


HEADER = ("|         | partialResults off | on: first publish | on: last publish |"
          "          |            |            |              |          |\n"
          "| words   | p50 ms | p95 ms | p50 ms | p95 ms | p50 ms | p95 ms |"
          " CPU/edit | harper new | harper p50 | harper sent. | open (s) |\n"
          "|---------|--------|--------|--------|--------|--------|--------|"
          "----------|------------|------------|--------------|----------|")


async def latency(client: Client, root: Path, text: str, args: argparse.Namespace) -> SizeResult:
    """Open ``text``, wait for its diagnostics, then time the edits."""
    uri = (root / f"doc{len(text)}.md").as_uri()
    start = time.perf_counter()
    client.open(uri, text)
    first = await client.arrival(uri, 1) - start
    interval = args.interval_ms / 1000
    complete = await edits(client, uri, Typed(text, 1), args.edits, len(text), interval)
    await configure(client, uri, complete.version, partial=True, args=args)
    cpu = client.cpu()
    early = await edits(client, uri, Typed(complete.text, complete.version), args.edits,
                        len(text) + 1, interval)
    cpu = (client.cpu() - cpu) / args.edits
    await configure(client, uri, early.version, partial=False, args=args)
    runs = min(args.edits, args.harper_runs)
    harper_first, harper, sentence = harper_recheck(text, runs) if runs else (0.0, [0.0], [0.0])
    return SizeResult(count_words(text), first, complete.first, early, harper_first, harper,
                      sentence, cpu)


async def configure(client: Client, uri: str, version: int, partial: bool,
                    args: argparse.Namespace) -> None:
    """Switch ``partialResults`` and wait for the re-check that a settings change makes."""
    seen = len(client.history.get((uri, version), []))
    client.notify("workspace/didChangeConfiguration", {"settings": {"prosewise": {
        "debounceMs": args.debounce_ms, **options(args), "partialResults": partial}}})
    await client.waves(uri, version, seen + 1, timeout=600)


async def warm_up(client: Client, root: Path, args: argparse.Namespace) -> None:
    """Wait until every engine has loaded (lingotweaker's load holds the GIL for 1-2 s:
    edits timed meanwhile would measure that): a small document's diagnostics come
    once with harper (``partialResults`` off) and again with lingotweaker."""
    uri = (root / "warm.md").as_uri()
    client.open(uri, "She have a cat. I am agree with you.")
    await client.waves(uri, 1, 1 if options(args).get("lite") else 2, timeout=120)


def options(args: argparse.Namespace) -> dict[str, Any]:
    """Extra ``initializationOptions`` from ``--option key=json`` (e.g. ``lite=true``)."""
    pairs = (item.split("=", 1) for item in args.option)
    return {key: json.loads(value) for key, value in pairs}


async def cold_start(root: Path, text: str, args: argparse.Namespace
                     ) -> tuple[list[tuple[float, int]], float, int]:
    """Process start → each publish of ``text``'s diagnostics (first, with harper, with
    lingotweaker): seconds after spawn and diagnostic counts, then the server's CPU
    seconds and RSS at the first publish."""
    start = time.perf_counter()
    client = await Client.launch(root, args)
    uri = (root / "cold.md").as_uri()
    client.open(uri, text)
    await client.arrival(uri, 1)
    cpu, rss = client.cpu(), client.rss()
    expected = 2 if options(args).get("lite") else 3
    waves = await client.waves(uri, 1, expected, timeout=60)
    await client.stop()
    return [(at - start, n) for at, n in waves], cpu, rss


async def memory(root: Path, sentences: list[str], args: argparse.Namespace) -> None:
    """Server RSS with ``--docs`` distinct documents (``--doc-words`` each) open and checked, the
    engines' own RSS on the same text in another process, what the server adds; then
    the soak, if asked for, on the same server."""
    client = await Client.launch(root, args, partialResults=False)
    await warm_up(client, root, args)  # every engine loaded: the opens check with all
    await configure(client, (root / "warm.md").as_uri(), 1, partial=True, args=args)
    texts = {}
    for i in range(args.docs):
        path = root / f"mem{i}.md"
        path.write_text(document(sentences, args.doc_words, seed=100 + i), encoding="utf-8")
        texts[path.as_uri()] = path.read_text(encoding="utf-8")
    for uri, text in texts.items():
        client.open(uri, text)
    for uri in texts:
        await client.arrival(uri, 1)
    await client.idle()
    published = client.rss()
    await asyncio.sleep(SETTLE)
    rss = client.rss()
    waves = sorted({len(client.history[(uri, 1)]) for uri in texts})
    engines, trimmed = await engines_rss([root / f"mem{i}.md" for i in range(args.docs)], args)
    print(f"RSS with {args.docs} open {args.doc_words}-word documents: server {rss / 2**20:.0f} MB,"
          f" engines alone {engines / 2**20:.0f} MB (same engines, same text, another"
          f" process), server minus engines {(rss - engines) / 2**20:.0f} MB"
          f" (target ≤ {ADDED_TARGET_MB} MB); engines alone after malloc_trim"
          f" {trimmed / 2**20:.0f} MB, server minus that {(rss - trimmed) / 2**20:.0f} MB;"
          f" server when it fell idle ({SETTLE:g} s earlier) {published / 2**20:.0f} MB;"
          f" publishes per document {waves}",
          flush=True)
    if args.soak:
        await soak(client, texts, args)
    await client.stop()


ADDED_TARGET_MB = 150
"""Issue 10: server RSS minus the engines' own RSS, 20 open 10k-word documents."""
SETTLE = 3.0
"""Seconds between the last publish and the memory figure: the server gives freed heap
back a second after a big check (server/heap.py)."""


async def engines_rss(files: list[Path], args: argparse.Namespace) -> tuple[int, int]:
    """RSS in bytes of a process holding only the server's engines after they checked
    the prose of ``files`` (``--engines-alone``), then after it trimmed its heap."""
    lite = ["--lite"] if options(args).get("lite") else []
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.lsp_latency", "--engines-alone", *lite, *map(str, files),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the engines-alone process failed ({proc.returncode})")
    rss, trimmed = out.split()[-2:]
    return int(rss), int(trimmed)


def engines_alone(argv: list[str]) -> None:
    """Load the engines the server loads (harper; lingotweaker unless ``--lite``), let
    them check every prose block of the files given, as the server hands them prose,
    and print this process's RSS in bytes (protocol-free: only the engines, their
    wrappers and Python), then its RSS after ``malloc_trim(0)`` (the server trims its
    heap: this is the engines' floor, without the heap their loads freed)."""
    from prosewise.agents.engines.harper_engine import HarperEngine
    from prosewise.agents.engines.lingo_engine import LingoEngine
    from prosewise.agents.settings import Dialect
    from prosewise.server.heap import malloc_trim
    from prosewise.server.markup import extract

    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # harper-py's debug prints
    lite = "--lite" in argv
    engines = [HarperEngine().hits] + ([] if lite else [LingoEngine().hits])
    for name in (a for a in argv if a != "--lite"):
        for block in extract(Path(name).read_text(encoding="utf-8"), "markdown"):
            for hits in engines:
                hits(block.text, Dialect.EN_US, ())
    before = vm_rss()
    trim = malloc_trim()
    if trim is not None:
        trim()
    print(before, vm_rss(), file=out, flush=True)


def vm_rss(pid: int | str = "self") -> int:
    """A process's resident set size in bytes (this one's by default)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return 1024 * next(int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:"))


@dataclass(frozen=True)
class Slip:
    """A one-letter edit at ``offset``: ``typed`` inserted, or else ``deleted`` removed."""

    offset: int
    typed: str = ""
    deleted: str = ""

    def apply(self, text: str) -> tuple[str, dict[str, Any]]:
        """The edited text and the didChange content change that makes it."""
        pos = position(text, self.offset)
        end = position(text, self.offset + len(self.deleted))
        change = {"range": {"start": pos, "end": end}, "text": self.typed}
        return text[:self.offset] + self.typed + text[self.offset + len(self.deleted):], change

    def undone(self) -> Slip:
        """The edit that puts the text back (the writer fixing the slip)."""
        return Slip(self.offset, typed=self.deleted, deleted=self.typed)


async def soak(client: Client, texts: dict[str, str], args: argparse.Namespace) -> None:
    """Random one-letter edits (typed or deleted) across the open documents for
    ``--soak`` minutes, one every ``--interval-ms`` or when its first diagnostics are
    in; RSS every ``--soak-every`` seconds. Target: the final RSS within 10% of the
    RSS after 2 minutes (issue 10).

    A writer fixes slips: a document's next edit undoes its last one, so every
    document stays within one typo of where it began and what grows is what the
    server keeps per edit. ``--soak-keep-typos`` keeps every slip instead (the
    workload before 2026-12-03): the documents then gain a new misspelling per edit,
    whose findings, diagnostics and engine hits are live state (≈5 KB each, measured
    in-process), so RSS grows with the documents' errors, not with the edits."""
    rng = random.Random(7)
    versions = dict.fromkeys(texts, 1)
    slips: dict[str, Slip] = {}
    start = time.perf_counter()
    end, every = start + 60 * args.soak, args.soak_every
    next_sample, edits_done = start, 0
    samples: list[tuple[float, int]] = []
    mode = "every slip kept" if args.soak_keep_typos else "each slip undone by the next edit"
    print(f"soak: {args.soak:g} min of random edits across {len(texts)} documents ({mode});"
          f" RSS MB every {every:g} s:", flush=True)
    while (now := time.perf_counter()) < end:
        if now >= next_sample:
            samples.append((now - start, client.rss()))
            print(f"  {samples[-1][0]:6.0f} s {samples[-1][1] / 2**20:6.0f} MB"
                  f" ({edits_done} edits)", flush=True)
            next_sample += every
        uri = rng.choice(list(texts))
        text, version = texts[uri], versions[uri] + 1
        slip = slips.pop(uri, None)
        if slip is not None:
            edit = slip.undone()
        else:
            offset = inside_word(text, rng)
            edit = (Slip(offset, typed="e") if rng.random() < 0.5
                    else Slip(offset, deleted=text[offset]))
            if not args.soak_keep_typos:
                slips[uri] = edit
        texts[uri], change = edit.apply(text)
        versions[uri] = version
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        await client.arrival(uri, version)
        edits_done += 1
        await asyncio.sleep(max(0.0, now + args.interval_ms / 1000 - time.perf_counter()))
    samples.append((time.perf_counter() - start, client.rss()))
    print(soak_verdict(samples, edits_done), flush=True)


def soak_verdict(samples: list[tuple[float, int]], edits_done: int) -> str:
    """The final RSS against the first sample at or after 2 minutes."""
    base = next((rss for at, rss in samples if at >= 120), samples[0][1])
    final = samples[-1][1]
    change = (final - base) / base
    verdict = "meets" if abs(change) <= 0.10 else "misses"
    return (f"soak: {edits_done} edits in {samples[-1][0] / 60:.1f} min; RSS at 2 min"
            f" {base / 2**20:.0f} MB, at the end {final / 2**20:.0f} MB ({100 * change:+.1f}%,"
            f" {verdict} ±10%), peak {max(r for _, r in samples) / 2**20:.0f} MB")


async def main(args: argparse.Namespace) -> None:
    """Run every measurement and print the report."""
    sentences = eval_sentences(args.eval_dir)
    gc.freeze()  # the client's own collections walking the corpus would delay its reads
    root = Path(tempfile.mkdtemp(prefix="prosewise-bench-"))
    guard = "" if args.unguarded else " (stdout guarded)"
    print(f"server: prosewise.server.lsp{guard} {options(args)}; debounce {args.debounce_ms} ms;"
          " push diagnostics;"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if "cold" not in args.skip:
        waves, cpu, rss = await cold_start(root, document(sentences, 1_000, seed=1), args)
        later = ", ".join(f"{at:.2f} s ({n})" for at, n in waves[1:])
        print(f"cold start (spawn → first diagnostics, 1k words): {waves[0][0]:.2f} s"
              f" ({waves[0][1]} diagnostics; server CPU {cpu:.2f} s, RSS {rss / 2**20:.0f} MB);"
              f" as each engine joins: {later or 'no further publish'}", flush=True)
    if args.sizes and args.model_delay is not None:
        from bench.lsp_model import compare  # it imports this module

        await compare(root, sentences, args)
    elif args.sizes:
        client = await Client.launch(root, args, profile=True, partialResults=False)
        await warm_up(client, root, args)
        print(f"didChange → publishDiagnostics, {args.edits} one-letter edits per size\n{HEADER}")
        for size in args.sizes:
            result = await latency(client, root, document(sentences, size, seed=size), args)
            print(result.row(), flush=True)
        print(f"server RSS after the runs above: {client.rss() / 2**20:.0f} MB")
        await client.stop()
    if "memory" not in args.skip:
        await memory(root, sentences, args)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.lsp_latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--harper-runs", type=int, default=5)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--doc-words", type=int, default=10_000,
                        help="words per document of the memory figures (issue 10: 10k)")
    parser.add_argument("--soak", type=float, default=0, metavar="MINUTES",
                        help="after the memory figures, random edits across the open"
                             " documents for this long, RSS over time (issue 10: 20)")
    parser.add_argument("--soak-every", type=float, default=30, metavar="SECONDS",
                        help="RSS sampling period of --soak")
    parser.add_argument("--soak-keep-typos", action="store_true",
                        help="--soak never undoes a slip: the documents gain a typo per edit")
    parser.add_argument("--debounce-ms", type=float, default=0)
    parser.add_argument("--interval-ms", type=float, default=100,
                        help="pause between keystrokes (100 ms: a fast typist)")
    parser.add_argument("--model-delay", type=float, metavar="SECONDS",
                        help="type at --sizes on a server without a model, then on one whose"
                             " model answers after SECONDS (issue 11: 5); bench/lsp_model.py")
    parser.add_argument("--model-rounds", type=int, default=3,
                        help="rounds of the --model-delay comparison, each a server without"
                             " and one with the model, ordered A B B A A B (default 3)")
    parser.add_argument("--model-idle-ms", type=int, default=LlmSettings().idle_ms,
                        help="llm.idleMs of the model's run (default: the server's; 0: the"
                             " model is asked after every keystroke, the worst case)")
    parser.add_argument("--model-wait", type=float, default=120, metavar="SECONDS",
                        help="how long to wait for the model's findings after the typing")
    parser.add_argument("--skip", nargs="*", default=[], choices=["cold", "memory"])
    parser.add_argument("--option", action="append", default=[], metavar="KEY=JSON",
                        help="extra initializationOptions, e.g. lite=true")
    parser.add_argument("--unguarded", action="store_true",
                        help="run the server exactly as editors do (no stdout guard)")
    parser.add_argument("--profile", type=Path, help="run the latency server under cProfile")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve-guarded"]:
        serve_guarded()
    elif sys.argv[1:2] == ["--engines-alone"]:
        engines_alone(sys.argv[2:])
    else:
        asyncio.run(main(parse()))
