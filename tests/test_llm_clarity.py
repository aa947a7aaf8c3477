"""The clarity agent with a model: rewrites of the sentences its rules flag, through
litellm's real HTTP path against the scripted server (tests/llm_server.py), on fake
engines. Only the clarity agent runs, so each request is the one the test scripts."""

from __future__ import annotations

import json

from llm_server import Answer, ModelServer, review_text, rewrites, user_messages

from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Audience, Goals, Settings
from prosewise.server.pipeline import Review

KEY = "sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a"
WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         f" meeting with Maria on 12 March about the key {KEY}.")
TEXT = f"We met. {WORDY} That is all.\n"
CLEAR = "To decide the budget, the committee must meet Maria on 12 March about the key"


def settings(server: ModelServer, **llm: object) -> Settings:
    return Settings(agents={a: a is AgentName.CLARITY for a in AgentName},
                    llm=LlmSettings(model="openai/test", api_base=server.url, timeout_s=10,
                                    **llm))  # type: ignore[arg-type]


async def review(checks: LlmChecks | None, config: Settings) -> Review:
    return await review_text(TEXT, config, checks)


async def test_a_flagged_sentence_gets_a_guarded_rewrite_with_its_values_back(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(rewrites((1, f"{CLEAR} [secret-1].")))
    found = await review(llm_checks, settings(model_server))
    (sent,) = user_messages(model_server)
    redacted = WORDY.replace(KEY, "[secret-1]")
    assert json.loads(sent) == {"sentences": [{"id": 1, "text": redacted}]}
    assert KEY not in json.dumps(model_server.requests)  # only the flagged sentence, redacted
    (rewrite,) = [f for f in found.findings if f.rule == "clarity.llm-rewrite"]
    assert TEXT[rewrite.start:rewrite.end] == WORDY == rewrite.text  # placed locally
    assert [r.value for r in rewrite.replacements] == [f"{CLEAR} {KEY}."]
    assert [f.rule for f in found.shown] == ["clarity.llm-rewrite"]  # shown when balanced
    assert found.complete


async def test_a_rewrite_that_changes_a_number_is_not_shown(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(rewrites((1, f"{CLEAR.replace('12', '21')} [secret-1]."),
                                 (1, f"{CLEAR} [secret-1]."),  # a second answer for one id
                                 (7, "A sentence that is not there.")))
    found = await review(llm_checks, settings(model_server))
    assert not [f for f in found.findings if f.rule == "clarity.llm-rewrite"]
    assert found.complete  # the model answered; the guard said no


async def test_a_malformed_answer_leaves_the_offline_result(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(Answer('{"rewrites": [{"id": "first"}]}'), Answer("not json at all"))
    found = await review(llm_checks, settings(model_server, max_retries=1))
    offline = await review(None, Settings(agents=settings(model_server).agents))
    assert len(model_server.requests) == 2  # asked again once, with the validation error
    assert "not valid" in model_server.requests[1]["messages"][-1]["content"]
    assert found.findings == offline.findings and not found.complete
    assert llm_checks.failures == 1


async def test_an_unchanged_block_is_not_sent_twice(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(rewrites((1, f"{CLEAR} [secret-1].")))
    first = await review(llm_checks, settings(model_server))
    second = await review(llm_checks, settings(model_server))  # a new pipeline: no block cache
    assert len(model_server.requests) == 1 and llm_checks.cached == 1
    assert first.findings == second.findings


async def test_a_text_the_rules_pass_costs_no_call(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    found = await review_text("We met. That is all.\n", settings(model_server), llm_checks)
    assert not model_server.requests and found.complete


async def test_a_long_sentence_s_note_and_its_rewrite_are_one_suggestion(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    long = ("The new office in Leeds opens on 4 May, and the staff who move there will get new"
            " desks, new laptops and a parking space, while the staff who stay in London keep"
            " their current desks and can visit Leeds once a month.")
    short = ("The Leeds office opens on 4 May. Staff who move get new desks, laptops and"
             " parking; London staff keep their desks and may visit Leeds monthly.")
    model_server.script(rewrites((1, short)))
    config = settings(model_server).model_copy(update={"goals": Goals(audience=Audience.GENERAL)})
    found = await review_text(f"{long}\n", config, llm_checks)
    assert {f.rule for f in found.findings} == {"clarity.long-sentence", "clarity.llm-rewrite"}
    (shown,) = found.shown
    assert shown.rule == "clarity.llm-rewrite" and shown.text == long
    assert [r.value for r in shown.replacements] == [short]
    assert {s.origin for s in shown.sources} == {"llm", "rule"}  # the note agrees with it
