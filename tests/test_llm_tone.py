"""The tone agent with a model: a reading of each paragraph against the goals, and
guarded rewrites of the sentences that work against them, through litellm's real HTTP
path against the scripted server (tests/llm_server.py). Only the tone agent runs, so
each request is the one the test scripts."""

from __future__ import annotations

import json

from llm_server import Answer, ModelServer, review_text, user_messages

from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Audience, Formality, Goals, Settings
from prosewise.server.pipeline import Review

LATE = "The report is gonna be late, ok?"
REGIONS = "It covers 3 regions and the data from Acme."
TEXT = f"# Status for the board\n\nHello everyone. {LATE} {REGIONS}\n"
FORMAL = "The report will be late; we apologise."


def reading(labels: list[tuple[str, str]], rewrites: list[tuple[int, str]]) -> Answer:
    return Answer(json.dumps({
        "labels": [{"label": label, "evidence": quote} for label, quote in labels],
        "rewrites": [{"id": i, "rewrite": r, "reason": "too casual"} for i, r in rewrites],
    }))


def settings(server: ModelServer) -> Settings:
    return Settings(agents={a: a is AgentName.TONE for a in AgentName},
                    goals=Goals(formality=Formality.FORMAL, audience=Audience.GENERAL),
                    llm=LlmSettings(model="openai/test", api_base=server.url, timeout_s=10,
                                    max_retries=0))


async def review(checks: LlmChecks | None, config: Settings) -> Review:
    return await review_text(TEXT, config, checks)


def tone_rewrites(found: Review) -> list[tuple[str, str, str]]:
    return [(f.text, f.replacements[0].value, f.message)
            for f in found.findings if f.rule == "tone.llm-rewrite"]


async def test_a_sentence_against_the_goals_gets_a_rewrite_that_names_what_was_heard(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(reading([("informal", "gonna"), ("curt", "not in the text"),
                                 ("friendly", "Hello everyone")], [(2, FORMAL)]))
    found = await review(llm_checks, settings(model_server))
    (sent,) = user_messages(model_server)  # the paragraph's sentences; not the heading
    assert [s["text"] for s in json.loads(sent)["sentences"]] == ["Hello everyone.", LATE, REGIONS]
    assert "a formal tone for a general audience" in model_server.requests[0]["messages"][0][
        "content"]
    ((quoted, value, message),) = tone_rewrites(found)
    assert (quoted, value) == (LATE, FORMAL)
    assert message.startswith("This sentence sounds informal (“gonna”), against your goals (a"
                              " formal tone for a general audience")
    assert "curt" not in message and "friendly" not in message  # no evidence, or elsewhere
    assert found.complete


async def test_a_rewrite_that_drops_a_number_or_changes_the_meaning_is_not_shown(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(reading([], [(3, "It covers several regions and the data from Acme."),
                                     (2, "The report is early.")]))
    found = await review(llm_checks, settings(model_server))
    assert tone_rewrites(found) == [] and found.complete


async def test_a_malformed_answer_leaves_the_offline_result(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(Answer('{"labels": "informal", "rewrites": []}'))
    found = await review(llm_checks, settings(model_server))
    offline = await review(None, settings(model_server))
    assert found.findings == offline.findings and not found.complete


async def test_an_unchanged_paragraph_is_not_sent_twice(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(reading([("informal", "gonna")], [(2, FORMAL)]))
    first = await review(llm_checks, settings(model_server))
    again = await review(llm_checks, settings(model_server))
    assert len(model_server.requests) == 1 and tone_rewrites(first) == tone_rewrites(again) != []
