"""Runs too long to be words (a base64 data URI, a hash, a minified line) never reach
an engine: one of 100,000 characters made harper abort the whole process, in the CLI
and in the language server. The server side is tested in lsp/test_robust.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

import pytest
from spy_engine import SpyEngine
from test_cli import prosewise

from prosewise.agents.engines.guard import LONGEST_TEXT
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.settings import Settings
from prosewise.agents.text import LONGEST_TOKEN, UNBROKEN
from prosewise.server.markup.markdown import extract_markdown
from prosewise.server.markup.plaintext import extract_plaintext

DATA_URI = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB" * 3_000
"""About 96,000 characters without a space, as pasted into a Markdown file."""


def test_engines_never_see_a_run_longer_than_a_word(hub: EngineHub, pool: Executor) -> None:
    seen: list[str] = []
    spied = EngineHub(harper=SpyEngine(hub.harper, seen.append),
                      lingo=SpyEngine(hub.lingo, seen.append))
    text = f"We recieve {DATA_URI[:300]} and {'f0' * 40} teh letters. Then she go home."
    hits = asyncio.run(spied.check(text, Settings(), pool))
    assert seen and not any(UNBROKEN.search(t) for t in seen)
    quoted = {text[h.start:h.end] for h in hits.all()}
    assert {"recieve", "teh"} <= quoted  # around the runs, at exact offsets
    assert hits.failed == ()


def test_engines_get_bounded_texts_cut_at_line_breaks_or_sentences(
    hub: EngineHub, pool: Executor
) -> None:
    """A text without sentence ends (a log file, one huge line) costs harper the square of
    its length: it reaches the engines in pieces, hits kept at exact offsets."""
    log = "".join(f"2026-12-02 worker {i} processed request {i} in {i % 97} ms\n"
                  for i in range(300))
    line = " ".join(f"phrase {i} of the line," for i in range(400))
    prose = " ".join(f"Sentence {i} is short." for i in range(300))
    text = f"{log}We recieve teh letters.\n{line} she go home, {prose} Then she go home."
    seen: list[str] = []
    spied = EngineHub(use_lingo=False, harper=SpyEngine(hub.harper, seen.append))
    hits = asyncio.run(spied.check(text, Settings(), pool))
    assert seen and max(map(len, seen)) <= LONGEST_TEXT
    assert "".join(seen) == text  # every character checked, once
    assert all(piece.endswith(("\n", " ")) for piece in seen[:-1])
    assert not any(piece.startswith("is short") for piece in seen)  # cut at sentences
    quoted = [(h.start, text[h.start:h.end]) for h in hits.all()]
    for word in ("recieve", "teh"):
        assert (text.index(word), word) in quoted
    assert hits.failed == ()


@pytest.mark.parametrize("extract", [extract_markdown, extract_plaintext])
def test_an_overlong_run_is_a_placeholder_like_a_url(extract: object) -> None:
    doc = f"Token: {DATA_URI} and a {'x' * (LONGEST_TOKEN + 1)} here.\n\nA word of {'y' * 40}."
    blocks = extract(doc)  # type: ignore[operator]
    assert [b.text for b in blocks] == ["Token: X and a Y here.", f"A word of {'y' * 40}."]
    for block in blocks:
        for seg in block.segments:
            assert doc[seg.doc_start:seg.doc_start + seg.length] == \
                block.text[seg.block_start:seg.block_start + seg.length]


@pytest.mark.slow
@pytest.mark.parametrize("flags", [(), ("--lite",)])
def test_review_of_a_file_with_a_huge_token_finishes(tmp_path: object, flags: tuple[str, ...]
                                                     ) -> None:
    text = f"Token: {'x' * 100_000} here.\n\nWe recieve teh letters.\n"
    run = prosewise("review", "-", "--format", "json", *flags, cwd=tmp_path,  # type: ignore[arg-type]
                    stdin=text.encode())
    assert run.code == 1, run.err
    (entry,) = run.json()["files"]
    assert {s["text"] for s in entry["suggestions"]} >= {"recieve", "teh"}
