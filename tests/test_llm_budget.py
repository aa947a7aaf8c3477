"""The daily token budget (``llm.daily_tokens``): the tokens each answer reports are
counted per day in the result cache's file, every run adding to one count; once the
day's count reaches the budget the model is not asked (cached answers still show)
until the next day. Through litellm's real HTTP path against the scripted server,
whose answers report the tokens the test chooses; the day is a parameter, not a sleep.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from in_process import Ran
from llm_server import Answer, ModelServer

from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.grammar import model_corrections
from prosewise.agents.settings import Goals

DAY = date(2026, 12, 3)
PARAGRAPHS = [f"Paragraph {n} have a error." for n in range(4)]


class Clock:
    """The day, moved on by the test."""

    def __init__(self) -> None:
        self.day = DAY

    def __call__(self) -> date:
        return self.day


def corrected(text: str, tokens: tuple[int, int] = (40, 20)) -> Answer:
    return Answer(json.dumps({"text": text.replace("have a", "has an")}), usage=tokens)


async def test_a_run_stops_asking_at_the_budget_and_a_new_day_resets_it(
        model_server: ModelServer, tmp_path: Path) -> None:
    path, clock = tmp_path / "llm-cache.sqlite", Clock()
    llm = LlmSettings(model="openai/test", api_base=model_server.url, daily_tokens=100)
    checks = LlmChecks(ResultCache(path), today=clock)
    model_server.script(*(corrected(p) for p in PARAGRAPHS))
    try:
        for text in PARAGRAPHS[:2]:  # 60 tokens each: the second crosses 100
            assert await model_corrections(checks, text, llm, Goals())
        assert checks.paused is None  # the budget is checked before a call, not after
        assert await model_corrections(checks, PARAGRAPHS[2], llm, Goals()) is None
        assert len(model_server.requests) == 2
        assert checks.paused == f"the daily budget of 100 tokens was reached (120 used on {DAY})"
        # the cache still answers
        assert await model_corrections(checks, PARAGRAPHS[0], llm, Goals())
        assert len(model_server.requests) == 2

        later = LlmChecks(ResultCache(path), today=clock)  # another run, the same day
        assert await model_corrections(later, PARAGRAPHS[3], llm, Goals()) is None
        assert len(model_server.requests) == 2 and later.paused is not None
        later.cache.close()

        clock.day = DAY + timedelta(days=1)
        assert checks.paused is None  # at once: the language server asks only when not paused
        assert await model_corrections(checks, PARAGRAPHS[2], llm, Goals())
        assert checks.paused is None and len(model_server.requests) == 3
        assert checks.cache.tokens_on(clock.day.isoformat()) == 60
        assert checks.cache.tokens_on(DAY.isoformat()) == 120
    finally:
        checks.cache.close()


async def test_without_a_budget_nothing_pauses(model_server: ModelServer, tmp_path: Path) -> None:
    llm = LlmSettings(model="openai/test", api_base=model_server.url)
    checks = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))
    model_server.script(*(corrected(p, (10_000, 10_000)) for p in PARAGRAPHS))
    try:
        for text in PARAGRAPHS:
            assert await model_corrections(checks, text, llm, Goals())
    finally:
        checks.cache.close()
    assert len(model_server.requests) == 4 and checks.paused is None


async def test_the_budget_holds_when_the_cache_cannot_be_used(
        model_server: ModelServer, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    llm = LlmSettings(model="openai/test", api_base=model_server.url, daily_tokens=50)
    checks = LlmChecks(ResultCache(tmp_path / "file" / "llm-cache.sqlite"), today=Clock())
    model_server.script(*(corrected(p) for p in PARAGRAPHS))
    assert await model_corrections(checks, PARAGRAPHS[0], llm, Goals())
    # the session's count
    assert await model_corrections(checks, PARAGRAPHS[1], llm, Goals()) is None
    assert len(model_server.requests) == 1 and checks.paused is not None


def test_the_cli_says_the_budget_was_reached(
        model_server: ModelServer, tmp_path: Path, prosewise: Callable[..., Ran]) -> None:
    config = tmp_path / "config" / "prosewise"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("[llm]\ndaily_tokens = 15\n", encoding="utf-8")
    env = {"PROSEWISE_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    model_server.script(corrected(PARAGRAPHS[0], (10, 5)))
    runs = []
    for text in PARAGRAPHS[:2]:  # the second run's paragraph is not in the cache
        doc = tmp_path / "note.md"
        doc.write_text(text + "\n", encoding="utf-8")
        runs.append(prosewise(
            "review", str(doc), "--lite", "--llm", "--agents", "grammar", "--format", "json",
            "--fail-on", "never", "--model", "openai/test", "--api-base", model_server.url,
            env=env))
    first, second = runs
    assert len(model_server.requests) == 1, second.stderr
    assert "model: 1 calls" in first.stderr and "paused" not in first.stderr
    assert "model: 0 calls" in second.stderr
    assert second.stderr.count("the daily budget of 15 tokens was reached (15 used on") == 2
    assert "paused until tomorrow" in second.stderr  # said once, and in the summary
    assert json.loads(second.stdout)["files"][0]["path"].endswith("note.md")
