"""The model in a review: the grammar agent asks it through litellm's real HTTP path,
against the scripted server on 127.0.0.1 (tests/llm_server.py), on fake engines. Only
the grammar agent runs (the others ask the model too: test_llm_clarity.py and the like),
so each request is the one the test scripts.

What is asserted is what the server received (redacted text, no second request for an
unchanged paragraph) and what the review shows (model and engine agreeing merged;
offline findings standing when the model fails).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_engine import FakeEngine, fake_hub
from in_process import Ran
from llm_server import Answer, ModelServer, Stall, Status
from spy_engine import SpyEngine

from prosewise.agents.engines.hits import HARPER, LINGO
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import BREAKER, LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.grammar import model_corrections
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Pipeline

TEXT = "Use the key sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a if she have any question about it.\n"
"""A key in prose (Markdown extraction already hides e-mail addresses and URLs)."""
FIXED = "Use the key [secret-1] if she has any questions about it."
GRAMMAR_ONLY = {a: a is AgentName.GRAMMAR for a in AgentName}


def answer(text: str) -> Answer:
    return Answer(json.dumps({"text": text}))


@pytest.fixture
def checks(tmp_path: Path) -> Iterator[LlmChecks]:
    made = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))
    yield made
    made.cache.close()


def settings(server: ModelServer, timeout: float = 10.0) -> Settings:
    return Settings(agents=GRAMMAR_ONLY,
                    llm=LlmSettings(model="openai/test", api_base=server.url, timeout_s=timeout))


def sent_texts(server: ModelServer) -> list[str]:
    return [m["content"] for r in server.requests for m in r["messages"] if m["role"] == "user"]


async def test_the_model_s_corrections_join_the_engines_and_nothing_private_is_sent(
        model_server: ModelServer, checks: LlmChecks) -> None:
    model_server.script(answer(FIXED))
    pipeline = Pipeline(engines=fake_hub(), llm=checks)
    try:
        review = await pipeline.review(TEXT, "markdown", settings(model_server))
    finally:
        pipeline.close()
    (sent,) = sent_texts(model_server)
    assert "sk-4f9a" not in json.dumps(model_server.requests) and "[secret-1]" in sent
    model_only = {f.text: f for f in review.findings if f.rule == "grammar.llm"}
    assert set(model_only) == {"question"}  # the engines do not see it
    assert [r.value for r in model_only["question"].replacements] == ["questions"]
    (have,) = [f for f in review.shown if f.text == "have"]  # both saw it: one finding
    assert TEXT[have.start:have.end] == "have" and have.rule == "grammar.agreement"
    assert {s.origin for s in have.sources} == {"harper", "lingotweaker", "llm"}
    assert review.complete


async def test_an_unchanged_paragraph_is_never_sent_twice(
        model_server: ModelServer, checks: LlmChecks, tmp_path: Path) -> None:
    model_server.script(answer(FIXED))
    for _ in range(2):  # a fresh pipeline each time: only the result cache remembers
        pipeline = Pipeline(engines=fake_hub(), llm=checks)
        try:
            review = await pipeline.review(TEXT, "markdown", settings(model_server))
        finally:
            pipeline.close()
        assert any(f.rule == "grammar.llm" for f in review.findings)
    assert len(model_server.requests) == 1 and checks.cached == 1
    again = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))  # another process later
    try:
        assert await model_corrections(again, TEXT.strip(), settings(model_server).llm,
                                       Settings().goals)
    finally:
        again.cache.close()
    assert len(model_server.requests) == 1


async def test_a_keystroke_reads_answers_from_memory_and_the_pass_reads_the_file(
        model_server: ModelServer, tmp_path: Path) -> None:
    """The language server's checks only read: a keystroke's from memory (answers this
    session read or stored), never from the file, whose read is a hop to a thread and
    back on every keystroke; the model pass finds the file's answer without a call."""
    model_server.script(answer(FIXED))
    path, chosen = tmp_path / "llm-cache.sqlite", settings(model_server)
    writer = LlmChecks(ResultCache(path))  # another process (a CLI run) asked before
    assert await model_corrections(writer, TEXT.strip(), chosen.llm, chosen.goals)
    reader = LlmChecks(ResultCache(path), asks=False)
    pipeline = Pipeline(engines=fake_hub(), llm=reader)
    other = "A short note.\n\n"
    try:
        opened = await pipeline.review(other, "markdown", chosen)
        typed = await pipeline.review(other + TEXT, "markdown", chosen, previous=opened)
        assert not any(f.rule == "grammar.llm" for f in typed.findings)
        assert reader.cached == 0
        (asked,) = reader.missed[TEXT.strip()]
        assert await reader.replay(asked) and reader.cached == 1  # the pass: from the file
        again = await pipeline.review(other + TEXT, "markdown", chosen,
                                      previous=pipeline.answered(typed, {TEXT}, chosen))
        assert any(f.rule == "grammar.llm" for f in again.findings) and not again.waiting
        fresh = await Pipeline(engines=fake_hub(), llm=LlmChecks(ResultCache(path), asks=False)
                               ).review(other + TEXT, "markdown", chosen)  # an open: the file
        assert any(f.rule == "grammar.llm" for f in fresh.findings)
    finally:
        pipeline.close()
    assert len(model_server.requests) == 1


@pytest.mark.parametrize("failure", [Stall(), Status(500), answer("Something else entirely.")],
                         ids=["stall", "500", "rewrite"])
async def test_offline_findings_stand_when_the_model_fails(
        model_server: ModelServer, checks: LlmChecks, failure: object) -> None:
    model_server.script(failure)  # type: ignore[arg-type]
    pipeline, plain = Pipeline(engines=fake_hub(), llm=checks), Pipeline(engines=fake_hub())
    try:
        review = await pipeline.review(TEXT, "markdown", settings(model_server, timeout=0.5))
        offline = await plain.review(TEXT, "markdown", Settings(agents=GRAMMAR_ONLY))
    finally:
        pipeline.close()
        plain.close()
    assert [f.rule for f in review.shown] == [f.rule for f in offline.shown]
    failed = not isinstance(failure, Answer)
    assert review.complete is not failed  # a failed call is not cached as complete
    assert checks.failures == int(failed)


def test_the_cli_asks_only_with_llm_and_says_what_it_cost(
        model_server: ModelServer, tmp_path: Path, prosewise: Callable[..., Ran]) -> None:
    doc = tmp_path / "note.md"
    doc.write_text(TEXT, encoding="utf-8")
    env = {"PROSEWISE_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    base = ["review", str(doc), "--lite", "--format", "json", "--fail-on", "never",
            "--model", "openai/test", "--api-base", model_server.url, "--agents", "grammar"]
    without = prosewise(*base, env=env)
    assert without.returncode == 0 and not model_server.requests  # no --llm: nothing sent
    model_server.script(answer(FIXED))
    runs = [prosewise(*base, "--llm", env=env) for _ in range(2)]
    assert len(model_server.requests) == 1  # the second run answered from the cache
    first, second = runs
    assert "model: 1 calls, 0 answers from the cache, 0 failed; 10 + 5 tokens" in first.stderr
    assert "model: 0 calls, 1 answers from the cache, 0 failed; 0 + 0 tokens" in second.stderr
    rules = {s["rule"] for f in json.loads(first.stdout)["files"] for s in f["suggestions"]}
    assert "grammar.llm" in rules


async def test_a_429_is_waited_out_once_as_the_server_asks(
        model_server: ModelServer, checks: LlmChecks) -> None:
    model_server.script(Status(429, retry_after="0"), answer(FIXED))
    found = await model_corrections(checks, TEXT.strip(), settings(model_server).llm,
                                    Settings().goals)
    assert found and len(model_server.requests) == 2 and checks.failures == 0


async def test_repeated_failures_pause_the_model_for_the_session(
        model_server: ModelServer, checks: LlmChecks) -> None:
    model_server.script(*(Status(500) for _ in range(BREAKER)))
    llm, goals = settings(model_server).llm, Settings().goals
    for n in range(BREAKER + 2):
        assert await model_corrections(checks, f"Paragraph {n} have a error.", llm, goals) is None
    assert len(model_server.requests) == BREAKER and checks.paused is not None
    assert "500" in checks.paused


async def test_checks_that_only_read_leave_the_asking_to_a_later_pass(
        model_server: ModelServer, checks: LlmChecks) -> None:
    """The language server's way: a check never calls (a miss is noted with the ask it
    left unanswered), the model pass replays that ask alone (``LlmChecks.replay``: no
    agent, no engine runs again), and ``Pipeline.answered`` has only the answered chunk
    checked again."""
    model_server.script(answer(FIXED))
    checks.asks = False
    other = "Another paragraph that the model is not asked about here.\n"
    text = f"{TEXT}\n{other}"
    engine_checks: list[str] = []
    hub = EngineHub(harper=SpyEngine(FakeEngine(HARPER), engine_checks.append),
                    lingo=SpyEngine(FakeEngine(LINGO), engine_checks.append))
    pipeline, now = Pipeline(engines=hub, llm=checks), settings(model_server)
    try:
        first = await pipeline.review(text, "markdown", now)
        assert not model_server.requests and first.complete  # nothing waits for the model
        assert not any(f.rule == "grammar.llm" for f in first.findings)
        assert set(checks.missed) == {TEXT.strip(), other.strip()} and len(first.chunks) == 2
        [unasked] = checks.missed[TEXT.strip()]
        assert unasked.task.name == "grammar" and "[secret-1]" in unasked.messages[-1]["content"]
        engines_before = len(engine_checks)
        assert engines_before >= 2  # both engines checked both paragraphs
        assert await checks.replay(unasked)
        assert len(engine_checks) == engines_before  # the pass ran no engine
        assert len(model_server.requests) == 1
        renewed = pipeline.answered(first, {first.chunks[0].text}, now)
        again = await pipeline.review(text, "markdown", now, previous=renewed)
    finally:
        pipeline.close()
    assert {f.text for f in again.findings if f.rule == "grammar.llm"} == {"question"}
    assert again.checked_blocks == 1  # the grammar agent on the answered chunk's block
    assert again.chunks[-1].part is first.chunks[-1].part and again.complete
    assert len(model_server.requests) == 1
