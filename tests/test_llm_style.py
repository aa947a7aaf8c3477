"""The style agent with a model: the writer's house style guide, checked by the model,
through litellm's real HTTP path against the scripted server (tests/llm_server.py).
Only the style agent runs, so each request is the one the test scripts."""

from __future__ import annotations

import json

from llm_server import Answer, ModelServer, review_text, user_messages

from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.model import AgentName
from prosewise.agents.settings import Settings
from prosewise.server.pipeline import Review

GUIDE = "Never write 'utilize'. Write 'sign in', not 'login', as a verb."
KEY = "sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a"
TEXT = f"We utilize the portal daily. Staff utilize it to login, then they send {KEY} for help.\n"


def breaches(*found: dict[str, object]) -> Answer:
    return Answer(json.dumps({"findings": list(found)}))


def settings(server: ModelServer, guide: str = GUIDE) -> Settings:
    return Settings(agents={a: a is AgentName.STYLE for a in AgentName}, style_guide=guide,
                    llm=LlmSettings(model="openai/test", api_base=server.url, timeout_s=10,
                                    max_retries=0))


async def review(checks: LlmChecks | None, config: Settings) -> Review:
    return await review_text(TEXT, config, checks)


def guide_findings(found: Review) -> list[tuple[int, str, list[str]]]:
    return [(f.start, f.text, [r.value for r in f.replacements])
            for f in found.findings if f.rule == "style.llm-guide"]


async def test_each_breach_is_found_in_the_text_and_a_quote_that_is_not_is_dropped(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(breaches(
        {"quote": "utilize", "message": "The guide bans 'utilize'.", "suggestion": "use"},
        {"quote": "utilize", "message": "The guide bans 'utilize'.", "suggestion": "use"},
        {"quote": "login", "message": "'login' is a noun.", "suggestion": "sign in"},
        {"quote": "log in to the portal", "message": "Not in the text."},
        {"quote": "[secret-1]", "message": "Touches a hidden value.", "suggestion": "x"},
        {"quote": "for help", "message": "No fix that writes a placeholder.",
         "suggestion": "[secret-1] for help"},
    ))
    found = await review(llm_checks, settings(model_server))
    (sent,) = user_messages(model_server)
    assert KEY not in json.dumps(model_server.requests) and "[secret-1]" in sent
    assert GUIDE in model_server.requests[0]["messages"][0]["content"]
    first, second = TEXT.index("utilize"), TEXT.index("utilize", TEXT.index("utilize") + 1)
    assert guide_findings(found) == [
        (first, "utilize", ["use"]), (second, "utilize", ["use"]),
        (TEXT.index("login"), "login", ["sign in"]), (TEXT.index("for help"), "for help", []),
    ]
    assert "utilize" in {f.text for f in found.shown}  # ranked and shown (balanced)
    assert found.complete


async def test_without_a_guide_nothing_is_asked(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    found = await review(llm_checks, settings(model_server, guide="  "))
    assert not model_server.requests and found.complete


async def test_a_malformed_answer_leaves_the_offline_result(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(Answer('{"findings": [{"quote": 3}]}'))
    found = await review(llm_checks, settings(model_server))
    offline = await review(None, settings(model_server))
    assert found.findings == offline.findings and not found.complete


async def test_an_unchanged_block_is_not_sent_twice_but_a_new_guide_is(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    model_server.script(breaches({"quote": "utilize", "message": "Banned.", "suggestion": "use"}),
                        breaches())
    first = await review(llm_checks, settings(model_server))
    again = await review(llm_checks, settings(model_server))
    assert len(model_server.requests) == 1 and guide_findings(first) == guide_findings(again)
    other = await review(llm_checks, settings(model_server, guide="Use the Oxford comma."))
    assert len(model_server.requests) == 2 and not guide_findings(other)
