"""The rewrite actions' task (agents/llm/actions.py) through litellm's real HTTP path
against the scripted model server: what is sent (redacted), what the guard lets
through for each action, and that values come back in the rewrite."""

from __future__ import annotations

import json

from llm_server import Answer, ModelServer, user_messages

from prosewise.agents.llm.actions import Kind, Outcome, rewrite
from prosewise.agents.llm.checks import LlmChecks
from prosewise.agents.settings import Settings

SENTENCE = "Please write to ann@example.com if she have any question about the 3 reports."


def settings(server: ModelServer) -> Settings:
    return Settings.model_validate({"llm": {"model": "openai/test", "api_base": server.url}})


async def ask(server: ModelServer, checks: LlmChecks, kind: Kind, answer: str,
              text: str = SENTENCE) -> Outcome:
    server.script(Answer(json.dumps({"text": answer})))
    return await rewrite(checks, settings(server), kind, text)


async def test_a_grammar_fix_comes_back_with_its_values(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    fixed = "Please write to [email-1] if she has any questions about the 3 reports."
    done = await ask(model_server, llm_checks, Kind.GRAMMAR, fixed, f"  {SENTENCE}\n")
    assert done == Outcome(f"  {fixed.replace('[email-1]', 'ann@example.com')}\n")
    assert user_messages(model_server) == [SENTENCE.replace("ann@example.com", "[email-1]")]


async def test_a_grammar_fix_that_rewrites_is_refused(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    reworded = "If she has any questions about the 3 reports, please write to [email-1]."
    done = await ask(model_server, llm_checks, Kind.GRAMMAR, reworded)
    assert done.text is None and "changed" in (done.reason or "") and "words" in (done.reason or "")
    # the same words as a shortening pass the guard
    assert (await ask(model_server, llm_checks, Kind.SHORTEN, "[email-1] takes questions"
                      " about the 3 reports.")).text == "ann@example.com takes questions about" \
        " the 3 reports."


async def test_a_lost_placeholder_or_no_change_is_said(
        model_server: ModelServer, llm_checks: LlmChecks) -> None:
    lost = await ask(model_server, llm_checks, Kind.FORMAL,
                     "Kindly write to us should she have any question about the 3 reports.")
    assert lost.text is None and "redacted value" in (lost.reason or "")
    same = await ask(model_server, llm_checks, Kind.FRIENDLY,
                     SENTENCE.replace("ann@example.com", "[email-1]"))
    assert same == Outcome(None, "the model would not change it")
