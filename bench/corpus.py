"""A Markdown corpus for throughput runs, built from the eval sets' sentences.

Why build it: throughput must be measured on realistic documents (headings,
paragraphs, lists) of realistic prose, and the eval sentences are the prose we
have. Every sentence is used at most once per pass so that neither side of the
comparison gets engine cache hits from repeated text.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
DEFAULT_EVAL_DIR = Path("/work/shared/eval")
CORPUS_SETS = (
    "jfleg-dev", "gmeg-fce-dev", "gmeg-wiki-dev", "cweb-g-dev", "cweb-s-dev", "asset-valid",
)


def count_words(text: str) -> int:
    """Words as score.py counts them (``\\w+`` runs, inner apostrophes kept)."""
    return len(WORD_RE.findall(text))


def eval_sentences(eval_dir: Path, sets: Iterable[str] = CORPUS_SETS) -> list[str]:
    """Distinct source sentences of the given sets, in file order."""
    seen: dict[str, None] = {}
    for name in sets:
        path = eval_dir / "data" / f"{name}.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    seen.setdefault(json.loads(line)["source"].strip(), None)
    return [s for s in seen if s]


def _stream(sentences: list[str], rng: random.Random) -> Iterator[str]:
    """Sentences in random order, reshuffled each pass (repeats only past one pass)."""
    pool = list(sentences)
    while True:
        rng.shuffle(pool)
        yield from pool


def _heading(sentence: str, level: int) -> str:
    words = WORD_RE.findall(sentence)[:5]
    return "#" * level + " " + (" ".join(words).capitalize() or "Notes")


def _document(stream: Iterator[str], rng: random.Random, target: int) -> str:
    """One document of about ``target`` words: a title, sections, paragraphs, a list."""
    parts = [_heading(next(stream), 1)]
    words = 0
    while words < target:
        parts.append(_heading(next(stream), 2))
        for _ in range(rng.randint(1, 3)):
            para = " ".join(next(stream) for _ in range(rng.randint(2, 6)))
            parts.append(para)
            words += count_words(para)
        if rng.random() < 0.4:
            items = [next(stream) for _ in range(rng.randint(2, 4))]
            parts.append("\n".join(f"- {item}" for item in items))
            words += sum(count_words(i) for i in items)
    return "\n\n".join(parts) + "\n"


def build_corpus(
    sentences: list[str], words: int, seed: int = 0, doc_words: int = 600
) -> list[str]:
    """Markdown documents of ~``doc_words`` words each, ~``words`` words in total."""
    if not sentences:
        raise ValueError("no sentences to build a corpus from")
    rng = random.Random(seed)
    stream = _stream(sentences, rng)
    docs: list[str] = []
    total = 0
    while total < words:
        doc = _document(stream, rng, rng.randint(doc_words // 2, doc_words * 3 // 2))
        docs.append(doc)
        total += count_words(doc)
    return docs
