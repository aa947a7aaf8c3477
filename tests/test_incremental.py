"""Chunked, cached reviews give exactly what a from-scratch review of the whole text gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fake_engine import FakeEngine

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import HARPER, LINGO
from prosewise.agents.engines.hub import EngineHits, EngineHub
from prosewise.agents.model import AgentName, Block, Category, Finding, Replacement
from prosewise.agents.settings import Dialect, Settings
from prosewise.server.chunks import split
from prosewise.server.incremental import shift_block
from prosewise.server.markup import extract
from prosewise.server.markup.references import reference_labels
from prosewise.server.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "markup"

CRAFTED = """---
title: x

more: y
---

Intro para. I has a apple.

```
code

Not prose here.
```

<!-- comment

Hidden text here. -->

$$
a + b

c
$$

- item one 😀 with a errors

- item two

  continued para

<pre>
pre text

Still pre.
</pre>

~~~~
fence
~~~
Still code.

~~~~

After all. The weather are nice today 👩‍👩‍👧.

1. one

2. two
"""


def _signature(blocks: list[Block]) -> list[tuple[object, ...]]:
    return [(b.kind, b.text, tuple((s.block_start, s.doc_start, s.length) for s in b.segments))
            for b in blocks]


def _documents() -> dict[str, str]:
    docs = {"crafted": CRAFTED,
            "dashes mid-document": "Intro.\n\n---\nA heading\n---\n\n+++\nB\n+++\n\nEnd.\n",
            "references across chunks": REFERENCES}
    for path in sorted(FIXTURES.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        docs[path.name] = text
        # without reference definitions and footnotes the document is really cut up
        docs[f"{path.name} (no refs)"] = re.sub(
            r"(?m)^ {0,3}\[[^\]\n]+\]:.*$", "", text).replace("[^", "[")
    return docs


REFERENCES = """See [the guide][Guide] and [Other], or [this][none].

Text [undefined][nope] stays text, and so does [nope].

A paragraph
[nope]: https://x.example is no definition here

```
[nope]: https://in.code.example
```

- An item.

  [other]: https://in.list.example "Title"

[ GUIDE ]: https://x.example/guide
"""
"""Reference links whose definitions lie in other chunks, and lines that look like
definitions and are not (a paragraph's continuation, code)."""


@pytest.mark.parametrize("name", list(_documents()))
def test_chunked_extraction_equals_whole(name: str) -> None:
    """Each chunk alone, read with the document's reference labels, gives the blocks
    the whole document gives."""
    text = _documents()[name]
    chunks = split(text, "markdown")
    assert "".join(c for _, c in chunks) == text
    assert all(text[start:start + len(c)] == c for start, c in chunks)
    labels = reference_labels(c for _, c in chunks)
    chunked = [shift_block(b, start) for start, c in chunks
               for b in extract(c, "markdown", labels)]
    assert _signature(chunked) == _signature(extract(text, "markdown"))


def test_reference_definitions_no_longer_make_one_chunk() -> None:
    assert len(split(REFERENCES, "markdown")) == 6
    assert reference_labels(c for _, c in split(REFERENCES, "markdown")) == {"GUIDE", "OTHER"}


def test_protected_constructs_are_not_cut() -> None:
    chunks = [c for _, c in split(CRAFTED, "markdown")]
    assert any(c.startswith("```\ncode\n\nNot prose here.\n```") for c in chunks)
    assert any(c.startswith("<!-- comment\n\nHidden text here. -->") for c in chunks)
    assert chunks[0].startswith("---\ntitle: x\n\nmore: y\n---")
    assert len(chunks) > 8


async def test_edit_matches_review_from_scratch(fake_pipeline: Pipeline) -> None:
    settings = Settings()
    await fake_pipeline.review(CRAFTED, "markdown", settings)
    edited = CRAFTED.replace("nice today", "nice tonight")
    review = await fake_pipeline.review(edited, "markdown", settings)
    assert 0 < review.checked_blocks <= 4  # one block, at most four agents
    fresh = Pipeline(pool=fake_pipeline.pool, engines=fake_pipeline.engines)
    scratch = await fresh.review(edited, "markdown", settings)
    assert review.shown == scratch.shown
    assert review.decisions == scratch.decisions
    assert review.tone == scratch.tone
    assert _signature(list(review.blocks)) == _signature(list(scratch.blocks))
    for f in review.shown:
        assert edited[f.start:f.end] == f.text  # emoji before some findings: code points
    assert any(f.text == "has" for f in review.shown)


class FirstWord:
    """Flags each block's first word with one fix; two of them propose the same edit."""

    description = "first word"

    def __init__(self, name: AgentName) -> None:
        self.name = name

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        word = block.text.split()[0]
        return [Finding(agent=self.name, rule=f"{self.name.value}.first",
                        category=Category.STYLE, start=0, end=len(word), text=word,
                        message="first", replacements=(Replacement(value=word.upper()),))]


async def test_merged_decisions_point_into_document_shown(fake_pipeline: Pipeline) -> None:
    agents = [FirstWord(AgentName.CLARITY), FirstWord(AgentName.STYLE)]
    p = Pipeline(agents=agents, pool=fake_pipeline.pool, engines=fake_pipeline.engines)
    text = "\n\n".join(f"Para{i} has words." for i in range(5))
    review = await p.review(text, "markdown", Settings(profile="picky"))
    assert len(review.chunks) == 5 and len(review.shown) == 5
    merged = [d for d in review.decisions if d.into is not None]
    assert [d.into for d in merged] == [0, 1, 2, 3, 4]
    for d in merged:
        assert d.into is not None
        target = review.shown[d.into]
        assert (target.start, target.end) == (d.finding.start, d.finding.end)


class LoadingHub(EngineHub):
    """Engines (fake ones: fake_engine.py) of which lingotweaker reports "still loading"
    until told."""

    loaded: bool = False

    async def check(self, text: str, settings: Settings, pool: object,
                    **how: bool) -> EngineHits:
        hits = await super().check(text, settings, pool, **how)  # type: ignore[arg-type]
        return hits if self.loaded else EngineHits(hits=hits.of(HARPER), failed=(LINGO,))


async def test_findings_without_an_engine_are_not_cached(fake_pipeline: Pipeline) -> None:
    hub = LoadingHub(use_lingo=False, harper=FakeEngine(HARPER))
    p = Pipeline(pool=fake_pipeline.pool, engines=hub)
    settings = Settings(goals={"dialect": Dialect.EN_GB})
    first = await p.review(CRAFTED, "markdown", settings)
    assert not first.complete
    again = await p.review(CRAFTED, "markdown", settings)
    assert again.checked_blocks == first.checked_blocks > 0
    hub.loaded = True
    done = await p.review(CRAFTED, "markdown", settings)
    assert done.complete and done.checked_blocks == first.checked_blocks
    cached = await p.review(CRAFTED, "markdown", settings)
    assert cached.checked_blocks == 0


async def test_review_from_previous_matches_scratch(fake_pipeline: Pipeline) -> None:
    """``previous``: the unchanged chunks keep their parts (no lookup, no check) and
    the result is what a from-scratch review gives, also after the settings change."""
    settings = Settings()
    first = await fake_pipeline.review(CRAFTED, "markdown", settings)
    edited = CRAFTED.replace("nice today", "nice this morning")
    review = await fake_pipeline.review(edited, "markdown", settings, previous=first)
    assert 0 < review.checked_blocks <= 4
    kept = {id(c.part) for c in first.chunks}
    assert sum(id(c.part) in kept for c in review.chunks) == len(review.chunks) - 1
    fresh = Pipeline(pool=fake_pipeline.pool, engines=fake_pipeline.engines)
    scratch = await fresh.review(edited, "markdown", settings)
    assert review.starts == scratch.starts and review.texts == scratch.texts
    assert review.shown == scratch.shown and review.decisions == scratch.decisions
    picky = Settings(profile="picky")
    again = await fake_pipeline.review(edited, "markdown", picky, previous=review)
    assert not {id(c.part) for c in again.chunks} & {id(c.part) for c in review.chunks}
    assert again.shown == (await fresh.review(edited, "markdown", picky)).shown


async def test_parts_an_engine_missed_are_checked_again_after_an_edit(
        fake_pipeline: Pipeline) -> None:
    """A review made while an engine was loading lends its parts to the next version,
    except the incomplete ones (all of them here): those are checked again."""
    hub = LoadingHub(use_lingo=False, harper=FakeEngine(HARPER))
    p = Pipeline(pool=fake_pipeline.pool, engines=hub)
    settings = Settings(goals={"dialect": Dialect.EN_CA})
    first = await p.review(CRAFTED, "markdown", settings)
    assert not first.complete and first.waiting == {"lingotweaker"}
    hub.loaded = True
    edited = CRAFTED.replace("nice today", "nice at noon")
    review = await p.review(edited, "markdown", settings, previous=first)
    assert review.complete and not any(c.waiting for c in review.chunks)
    assert review.checked_blocks > 4
    scratch = Pipeline(pool=fake_pipeline.pool, engines=hub)
    assert review.shown == (await scratch.review(edited, "markdown", settings)).shown
