"""What the model costs: prompt tokens per 1k words for each agent, and the calls an
edit costs.

    python -m bench.llm_cost [--doc examples/sample.md | --words 2000] [--count-as MODEL]

``--words N``: instead of a file, one Markdown document of about N words built from
the dev sets' sentences (bench/corpus.py: headings, paragraphs, a list).

Each agent reviews the document alone, asking a stand-in model on 127.0.0.1 that
finds nothing (its answers fit every task's schema), so every question an agent asks
a real model is asked, over litellm's real HTTP path. The prompt tokens of each
request are counted with ``litellm.token_counter`` (offline: litellm ships its
tokenizer files) for the ``--count-as`` model; the JSON schema sent in
``response_format`` is not in that count (providers that constrain output to it add
its tokens). A model's answers cost more tokens on top, about their length: a
grammar answer repeats its paragraph, the other tasks answer only what they flag.

Then all four agents review the document, one paragraph is edited, and a fresh
pipeline reviews it again with the same result cache: the calls it makes, and those
not about the edited paragraph (the cache must make that 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_EVAL_DIR, build_corpus, count_words, eval_sentences
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.client import _litellm
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.md"
GUIDE = ("Sentence case for headings. Never 'utilize' or 'leverage'. Write numbers under"
         " ten as words. Call the product Driftwood, never 'the tool'.")
"""A house style guide of typical length, for the style agent's questions."""
ADDED = " Nothing else changed in this paragraph today."


class StandIn:
    """A chat-completions server on 127.0.0.1 whose every answer finds nothing: the
    text back unchanged (grammar), and no rewrites, labels or findings (the others).
    It keeps the messages of every request."""

    def __init__(self) -> None:
        self.requests: list[list[dict[str, str]]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.requests.append(body["messages"])
                user = next(m["content"] for m in body["messages"] if m["role"] == "user")
                content = json.dumps({"text": user, "rewrites": [], "labels": [],
                                      "findings": []})
                payload = json.dumps({
                    "id": "stand-in", "object": "chat.completion", "created": 0,
                    "model": body["model"], "choices": [{
                        "index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        self._thread.start()
        try:
            yield self
        finally:
            self._http.shutdown()
            self._http.server_close()
            self._thread.join()


@dataclass(frozen=True)
class AgentCost:
    """One agent's questions about the document."""

    agent: str
    calls: int
    prompt_tokens: int
    per_1k_words: float


@dataclass(frozen=True)
class EditCost:
    """The second review, after one paragraph was edited."""

    paragraphs: int
    calls: int
    elsewhere: int
    """Calls whose text is not the edited paragraph's: the cache makes these 0."""


def settings_for(agents: Sequence[AgentName], url: str) -> Settings:
    return Settings(agents={a: a in agents for a in AgentName}, style_guide=GUIDE,
                    llm=LlmSettings(model="openai/stand-in", api_base=url))


def review(text: str, settings: Settings, cache: Path) -> None:
    """One review by a fresh pipeline (harper and the rule agents), asking the model."""
    checks = LlmChecks(ResultCache(cache))
    pipeline = Pipeline(engines=EngineHub.for_batch(lite=True), llm=checks)
    try:
        asyncio.run(pipeline.review(text, "markdown", settings))
    finally:
        pipeline.close()
        checks.cache.close()


def edited(text: str) -> tuple[str, int]:
    """``text`` with a sentence added to its middle prose paragraph, and the number of
    paragraphs (blocks between blank lines) it has."""
    blocks = text.split("\n\n")
    prose = [i for i, b in enumerate(blocks) if b[:1].isalpha()]
    middle = prose[len(prose) // 2]
    blocks[middle] += ADDED
    return "\n\n".join(blocks), len(blocks)


def measure(text: str, count_as: str, folder: Path) -> tuple[list[AgentCost], EditCost]:
    """Each agent's prompt tokens on ``text``, then the calls an edit costs."""
    litellm = _litellm()
    words = count_words(text)
    costs: list[AgentCost] = []
    with StandIn().running() as model:
        for agent in AgentName:
            model.requests.clear()
            review(text, settings_for([agent], model.url), folder / f"{agent.value}.sqlite")
            tokens = sum(litellm.token_counter(model=count_as, messages=m)
                         for m in model.requests)
            costs.append(AgentCost(agent.value, len(model.requests), tokens,
                                   1000 * tokens / words))
        every = settings_for(list(AgentName), model.url)
        review(text, every, folder / "all.sqlite")
        changed, paragraphs = edited(text)
        model.requests.clear()
        review(changed, every, folder / "all.sqlite")
        elsewhere = sum(ADDED.strip() not in json.dumps(m) for m in model.requests)
        return costs, EditCost(paragraphs, len(model.requests), elsewhere)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--doc", type=Path, default=SAMPLE, help="a Markdown document")
    ap.add_argument("--words", type=int, metavar="N",
                    help="a document of about N words from the dev sets instead of --doc")
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    ap.add_argument("--count-as", default="openai/gpt-4o-mini", metavar="MODEL",
                    help="whose tokenizer counts the prompts (litellm.token_counter)")
    args = ap.parse_args(argv)
    if args.words:
        (text,) = build_corpus(eval_sentences(args.eval_dir), args.words, doc_words=args.words)
        name = f"a {args.words}-word document from the dev sets"
    else:
        text, name = args.doc.read_text(encoding="utf-8"), str(args.doc)
    with tempfile.TemporaryDirectory(prefix="prosewise-llm-cost-") as folder:
        costs, edit = measure(text, args.count_as, Path(folder))
    print(f"{name} ({count_words(text)} words), prompt tokens as {args.count_as} counts"
          " them:")
    print(f"{'agent':8} {'calls':>5} {'tokens':>7} {'per 1k words':>13}")
    for c in costs:
        print(f"{c.agent:8} {c.calls:5d} {c.prompt_tokens:7d} {c.per_1k_words:13.0f}")
    total = sum(c.prompt_tokens for c in costs)
    print(f"{'all':8} {sum(c.calls for c in costs):5d} {total:7d}"
          f" {1000 * total / count_words(text):13.0f}")
    print(f"after editing 1 of {edit.paragraphs} paragraphs: {edit.calls} calls,"
          f" {edit.elsewhere} for unchanged paragraphs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
