"""The pipeline core: per-block caching, agent isolation, offsets mapped to the document
(on fake engines: fake_engine.py)."""

from __future__ import annotations

import asyncio
import gc
import re

from fake_engine import fake_hub

from prosewise.agents.base import CheckContext
from prosewise.agents.engines.hits import HARPER, LINGO
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.model import AgentName, Block, Category, Finding
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import DEFER_CHARS, Pipeline

DOC = "I has a apple.\n\nThe weather are nice today.\n\nWe left early in order to eat.\n"


async def test_unchanged_document_runs_no_agent(fake_pipeline: Pipeline) -> None:
    settings = Settings()
    first = await fake_pipeline.review(DOC, "plaintext", settings)
    again = await fake_pipeline.review(DOC, "plaintext", settings)
    assert first.shown == again.shown
    assert again.checked_blocks == 0


async def test_only_the_edited_block_is_rechecked(fake_pipeline: Pipeline) -> None:
    settings = Settings()
    await fake_pipeline.review(DOC, "plaintext", settings)
    edited = "A new first paragraph.\n\n" + DOC.replace("nice today", "nice tonight")
    review = await fake_pipeline.review(edited, "plaintext", settings)
    agents = sum(settings.agent_enabled(a) for a in AgentName)
    assert review.checked_blocks == 2 * agents  # the new block and the edited one
    has = next(f for f in review.shown if f.text == "has")
    assert edited[has.start:has.end] == "has"  # moved block: cached findings re-anchored


async def test_settings_change_invalidates(fake_pipeline: Pipeline) -> None:
    await fake_pipeline.review(DOC, "plaintext", Settings())
    review = await fake_pipeline.review(DOC, "plaintext", Settings(goals={"dialect": "en-GB"}))
    assert review.checked_blocks > 0


async def test_offsets_are_code_points_with_emoji(fake_pipeline: Pipeline) -> None:
    text = "😀😀 Thé café 👩‍👩‍👧 is nice. I has a apple.\n"
    review = await fake_pipeline.review(text, "plaintext", Settings())
    for f in review.shown:
        assert text[f.start:f.end] == f.text
    assert any(f.text == "has" for f in review.shown)


class Broken:
    """An agent that always fails: the others must still report."""

    name = AgentName.STYLE
    description = "fails"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        raise RuntimeError("boom")


class Echo:
    """An agent that flags the first word, in block coordinates."""

    name = AgentName.CLARITY
    description = "first word"

    async def check(self, block: Block, ctx: CheckContext) -> list[Finding]:
        word = block.text.split()[0]
        return [Finding(agent=self.name, rule="clarity.first", category=Category.STYLE,
                        start=0, end=len(word), text=word, message="first")]


async def test_ranked_chunks_are_kept_only_while_a_review_holds_them() -> None:
    """The part cache keeps no replaced chunk (a keystroke would leave one behind) and
    no part of a review nobody holds, but finds the parts a held review has; the
    finding cache keeps no replaced block's findings."""
    p = Pipeline(agents=[Echo()], engines=EngineHub(use_harper=False, use_lingo=False))
    try:
        review = await p.review(DOC, "plaintext", Settings())
        assert len(review.chunks) == len(p.parts) == 3
        for before, after in (("nice", "fine"), ("fine", "good"), ("good", "nice")):
            text = review.text.replace(before, after)
            review = await p.review(text, "plaintext", Settings(), previous=review)
        await asyncio.sleep(0)  # the loop lets go of the finished checks' results
        gc.collect()
        assert len(p.parts) == len(p.cache) == 3  # one agent, one block per chunk
        again = await p.review(DOC, "plaintext", Settings())
        assert [c.part for c in again.chunks] == [c.part for c in review.chunks]
        del review, again
        await asyncio.sleep(0)  # the loop lets go of the finished checks' results
        gc.collect()
        assert len(p.parts) == 0
    finally:
        p.close()


async def test_a_failing_agent_is_isolated() -> None:
    p = Pipeline(agents=[Broken(), Echo()], engines=fake_hub())
    try:
        review = await p.review("Alpha beta.\n\nGamma delta.\n", "plaintext",
                                Settings(profile="picky"))
    finally:
        p.close()
    firsts = [f for f in review.decisions if f.finding.rule == "clarity.first"]
    assert [(d.finding.start, d.finding.text) for d in firsts] == [(0, "Alpha"), (13, "Gamma")]


async def test_disabled_rules_and_agents_are_not_reported(fake_pipeline: Pipeline) -> None:
    settings = Settings(agents={"grammar": False})
    review = await fake_pipeline.review(DOC, "plaintext", settings)
    assert all(d.finding.agent is not AgentName.GRAMMAR for d in review.decisions)
    off = Settings(rules={"clarity": False})
    review = await fake_pipeline.review(DOC, "plaintext", off)
    assert all(not d.finding.rule.startswith("clarity.") for d in review.decisions)


async def test_a_table_is_checked_cell_by_cell_at_exact_offsets(fake_pipeline: Pipeline) -> None:
    """A long table is short prose in cells, not one block without sentence ends: each
    finding lies inside one cell, where the writer typed it."""
    rows = [f"| item {i} | the parts we recieve on day {i} | ok |" for i in range(60)]
    doc = "| Name | Description | Notes |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    review = await fake_pipeline.review(doc, "markdown", Settings())
    cells = [b for chunk in review.chunks for b in chunk.part.blocks]
    assert len(cells) == 3 * 61 and {b.kind.value for b in cells} == {"table-cell"}
    flagged = [f.start for f in review.shown if f.text == "recieve"]
    assert flagged == [m.start() for m in re.finditer("recieve", doc)]
    for f in review.shown:
        line = doc[doc.rfind("\n", 0, f.start) + 1:f.start]
        assert "\n" not in doc[f.start:f.end] and "|" not in doc[f.start:f.end]
        assert line.count("|") in (1, 2, 3), f  # inside a cell of its row


async def test_a_large_first_review_defers_the_engines_to_the_next(pipeline: Pipeline) -> None:
    """Opened in the server (``early``), a document over ``DEFER_CHARS`` gets the rule
    agents' findings at once and the engines' in the next review of the same text."""
    paragraphs = [f"Paragraph {i} says that we recieve {i} letters due to the fact that"
                  f" it rained on day {i}." for i in range(DEFER_CHARS // 80 + 1)]
    doc = "\n\n".join(paragraphs) + "\n"
    first = await pipeline.review(doc, "markdown", Settings(), early=True)
    assert first.waiting == {HARPER, LINGO}
    origins = {o for d in first.decisions for o in d.finding.origins}
    assert "rule" in origins and not origins & {HARPER, LINGO}
    assert not [f for f in first.shown if f.text == "recieve"]
    second = await pipeline.review(doc, "markdown", Settings(), early=True, previous=first)
    assert second.complete
    assert len([f for f in second.shown if f.text == "recieve"]) == len(paragraphs)
    small = await pipeline.review("Small says that we recieve letters.\n", "markdown",
                                  Settings(), early=True)
    assert HARPER in {o for d in small.decisions for o in d.finding.origins}  # not deferred


async def test_a_deferred_table_gets_the_same_rule_findings_cell_by_cell() -> None:
    """A large table's first review in the server goes without the engines, and its
    small cells' agents run one after another (no task each): what the rule agents
    find is what a full review's rule agents find."""
    rows = [f"| item {i} | it is very unique and utilize it due to the fact that | ok |"
            for i in range(DEFER_CHARS // 60 + 1)]
    doc = "| Name | Description | Notes |\n|---|---|---|\n" + "\n".join(rows) + "\n"

    async def rule_findings(early: bool) -> list[tuple[str, int, int]]:
        pipeline = Pipeline(engines=fake_hub())
        try:
            review = await pipeline.review(doc, "markdown", Settings(), early=early)
        finally:
            pipeline.close()
        return sorted((f.rule, f.start, f.end) for f in review.findings
                      if not f.origins & {HARPER, LINGO})

    deferred, full = await rule_findings(True), await rule_findings(False)
    assert len(deferred) >= 3 * len(rows) and deferred == full
