"""Optional ranking by the model (``llm.ranking``): it picks between two fixes for the same
words, and the decision log says so. Through litellm's real HTTP path against the
scripted server (tests/llm_server.py), on the fake engines (tests/fake_engine.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_engine import fake_hub
from llm_server import Answer, ByTask, ModelServer

from prosewise.agents.llm.cache import ResultCache
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.llm.ranking import Pick, Picks, judge, verdicts
from prosewise.agents.model import AgentName, Category, Finding, Replacement, Source
from prosewise.agents.settings import Settings
from prosewise.merge.model import Contest
from prosewise.server.pipeline import Pipeline

TEXT = "Mail bob@example.com if she have a apple.\n"
GRAMMAR_ONLY = {a: a is AgentName.GRAMMAR for a in AgentName}


def settings(server: ModelServer, *, ranking: bool = True) -> Settings:
    return Settings(agents=GRAMMAR_ONLY, llm=LlmSettings(
        model="openai/test", api_base=server.url, timeout_s=10, ranking=ranking))


def picks(*chosen: tuple[int, int]) -> str:
    return json.dumps({"picks": [{"id": i, "choice": c, "reason": "reads better"}
                                 for i, c in chosen]})


@pytest.fixture
def checks(tmp_path: Path) -> Iterator[LlmChecks]:
    made = LlmChecks(ResultCache(tmp_path / "llm-cache.sqlite"))
    yield made
    made.cache.close()


def fix(rule: str, start: int, end: int, value: str) -> Finding:
    return Finding(agent=AgentName.GRAMMAR, rule=rule, category=Category.GRAMMAR, start=start,
                   end=end, text=TEXT[start:end], message=rule, confidence=0.6,
                   replacements=(Replacement(value=value),), sources=(Source.of("rule", rule),))


async def test_the_model_sees_whole_sentences_redacted_and_its_picks_become_verdicts(
        model_server: ModelServer, checks: LlmChecks) -> None:
    at = TEXT.index("have")
    has, had = fix("grammar.a", at, at + 4, "has"), fix("grammar.b", at, at + 4, "had")
    near = fix("grammar.c", TEXT.index("a apple"), TEXT.index(" apple"), "an")
    contests = [Contest(options=(has, had)), Contest(options=(near,))]
    model_server.script(Answer(picks((1, 2), (2, 2), (9, 1))))  # question 9 was not sent
    found = await judge(checks, TEXT, contests, settings(model_server))
    assert found is not None
    assert found.preferred == {f"grammar.b@{at}-{at + 4}": "reads better"}
    assert found.kept == {f"grammar.c@{near.start}-{near.end}": "reads better"}
    (request,) = model_server.requests
    questions = json.loads(request["messages"][1]["content"])["questions"]
    assert [v["text"] for v in questions[0]["versions"]] == [
        "Mail [email-1] if she has a apple.", "Mail [email-1] if she had a apple."]
    assert [v["text"] for v in questions[1]["versions"]] == [
        "Mail [email-1] if she have a apple.", "Mail [email-1] if she have an apple."]
    assert "bob@example.com" not in json.dumps(model_server.requests)
    again = await judge(checks, TEXT, contests, settings(model_server))
    assert again == found and len(model_server.requests) == 1  # from the result cache


def test_picks_of_options_not_offered_count_for_nothing() -> None:
    at = TEXT.index("have")
    pair = Contest(options=(fix("grammar.a", at, at + 4, "has"),
                            fix("grammar.b", at, at + 4, "had")))
    near = Contest(options=(fix("grammar.c", at + 5, at + 6, "an"),))
    got = verdicts([pair, near], Picks(picks=[Pick(id=1, choice=3), Pick(id=2, choice=1),
                                              Pick(id=0, choice=1)]))
    assert got.preferred == {} and got.kept == {}


async def test_with_ranking_on_the_model_s_pick_is_shown_and_the_log_says_why(
        model_server: ModelServer, checks: LlmChecks) -> None:
    """The engines fix "have" as "has", the model's grammar check "have a" as "had an":
    the rules show the engines' fix; the model, asked, prefers its own, and the log
    names it."""
    corrected = json.dumps({"text": "Mail [email-1] if she had an apple."})
    model_server.script(*[ByTask((("You correct grammar", corrected),
                                  ("pick the version", picks((1, 2)))))] * 3)
    pipeline = Pipeline(engines=fake_hub(), llm=checks)
    try:
        plain = await pipeline.review(TEXT, "markdown", settings(model_server, ranking=False))
        judged = await pipeline.review(TEXT, "markdown", settings(model_server))
    finally:
        pipeline.close()
    assert [f.replacements[0].value for f in plain.shown if "have" in f.text] == ["has"]
    assert [f.replacements[0].value for f in judged.shown if "have" in f.text] == ["had an"]
    lost = [d for c in judged.chunks for d in c.part.decisions
            if d.finding.text == "have" and d.finding.rule == "grammar.agreement"]
    assert lost and all("the model preferred it: reads better" in d.reason for d in lost)
    asked = [r for r in model_server.requests
             if "pick the version" in r["messages"][0]["content"]]
    assert len(asked) == 1  # ranking off asks nothing; on, once for the one contest
