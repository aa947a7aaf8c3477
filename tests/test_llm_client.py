"""The model call through litellm's real HTTP path, against a scripted server on
127.0.0.1 (tests/llm_server.py): answers, stalls, error statuses, invalid output.

Counting the requests the server received is how ``num_retries=0`` is checked:
litellm's default would have sent three.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time

import pytest
from llm_server import Answer, BrokenBody, ModelServer, Stall, Status
from pydantic import BaseModel

from prosewise.agents.llm.client import NO_KEY, ChatMessage, LlmClient
from prosewise.agents.llm.config import JsonMode, LlmSettings
from prosewise.agents.llm.errors import (
    LlmConfigError,
    LlmInvalidOutput,
    LlmStatusError,
    LlmTimeout,
    LlmUnreachable,
)

SLOW = 10.0
"""Timeout for calls that are meant to be answered: generous on a busy machine."""
STALL = 0.5
"""Timeout for calls that are meant to time out."""
MESSAGES = [ChatMessage(role="system", content="Correct the grammar minimally."),
            ChatMessage(role="user", content="She go home.")]


class Fix(BaseModel):
    """A minimal correction, as the grammar agent will ask for it."""

    text: str


def client_for(server: ModelServer, **settings: object) -> LlmClient:
    values: dict[str, object] = {"model": "openai/tiny", "api_base": server.url,
                                 "timeout_s": SLOW, **settings}
    return LlmClient(LlmSettings.model_validate(values), environ={})


async def test_an_answer_parses_and_the_request_says_what_we_asked(
        model_server: ModelServer) -> None:
    model_server.script(Answer('{"text": "She goes home."}'))
    assert await client_for(model_server).ask(MESSAGES, Fix) == Fix(text="She goes home.")
    [sent] = model_server.requests
    assert sent["model"] == "tiny" and sent["messages"] == MESSAGES
    assert sent["temperature"] == 0 and sent["max_tokens"] == 2048
    assert sent["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "Fix", "schema": Fix.model_json_schema()}}


async def test_json_object_mode_sends_the_schema_llama_cpp_style(
        model_server: ModelServer) -> None:
    model_server.script(Answer('```json\n{"text": "She goes home."}\n```'))
    client = client_for(model_server, json_mode=JsonMode.JSON_OBJECT)
    assert await client.ask(MESSAGES, Fix) == Fix(text="She goes home.")
    [sent] = model_server.requests
    assert sent["response_format"] == {"type": "json_object", "schema": Fix.model_json_schema()}


LLAMA_CPP_PYTHON_REFUSAL = json.dumps({"error": {
    "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body',"
               " 'response_format', 'type'), 'msg': \"Input should be 'text' or"
               " 'json_object'\", 'input': 'json_schema'}\n\n  File \"llama_cpp/server/app.py\"",
    "type": "internal_server_error", "param": None, "code": None}})
"""What llama-cpp-python's server (0.3.36) answered the json_schema form: its validation
error as a 500 (seen with test_real_model.py)."""


async def test_a_server_that_refuses_json_schema_is_asked_in_llama_cpp_s_form(
        model_server: ModelServer) -> None:
    """The default setting must work with llama-cpp-python's server too."""
    client = client_for(model_server)
    model_server.script(Status(500, body=LLAMA_CPP_PYTHON_REFUSAL), Answer('{"text": "One."}'),
                        Answer('{"text": "Two."}'))
    assert await client.ask(MESSAGES, Fix) == Fix(text="One.")
    assert await client.ask(MESSAGES, Fix) == Fix(text="Two.")  # no refusal the second time
    forms = [r["response_format"]["type"] for r in model_server.requests]
    assert forms == ["json_schema", "json_object", "json_object"]
    assert model_server.requests[1]["response_format"]["schema"] == Fix.model_json_schema()


async def test_calls_refused_at_once_are_all_asked_again(model_server: ModelServer) -> None:
    """Agents ask concurrently: a refusal that arrives after another call switched the
    form is still asked again (found against the real server)."""
    client = client_for(model_server)
    refusal = Status(500, body=LLAMA_CPP_PYTHON_REFUSAL, after=2)
    model_server.script(refusal, refusal, Answer('{"text": "Ok."}'), Answer('{"text": "Ok."}'))
    answers = await asyncio.gather(client.ask(MESSAGES, Fix), client.ask(MESSAGES, Fix))
    assert answers == [Fix(text="Ok.")] * 2
    forms = [r["response_format"]["type"] for r in model_server.requests]
    assert forms == ["json_schema", "json_schema", "json_object", "json_object"]


@pytest.mark.parametrize(("refusal", "mode"), [
    (Status(500), JsonMode.JSON_SCHEMA),
    (Status(500, body=LLAMA_CPP_PYTHON_REFUSAL), JsonMode.JSON_OBJECT)],
    ids=["another-500", "already-json-object"])
async def test_other_refusals_are_not_asked_again(
        model_server: ModelServer, refusal: Status, mode: JsonMode) -> None:
    model_server.script(refusal, Answer('{"text": "No."}'))
    with pytest.raises(LlmStatusError) as caught:
        await client_for(model_server, json_mode=mode).ask(MESSAGES, Fix)
    assert caught.value.status == 500 and len(model_server.requests) == 1


async def test_a_stall_times_out_in_about_the_timeout(model_server: ModelServer) -> None:
    """One request, given up after about the timeout: with litellm's default retries
    it took over three times as long (three requests, plus backoff)."""
    client = client_for(model_server, timeout_s=STALL)
    model_server.script(Answer('{"text": "warm"}'), Stall())
    await client.ask(MESSAGES, Fix)  # litellm's first call imports more: not timed
    began = time.perf_counter()
    with pytest.raises(LlmTimeout) as caught:
        await client.ask(MESSAGES, Fix)
    assert time.perf_counter() - began < 3 * STALL
    assert caught.value.timeout_s == STALL
    assert len(model_server.requests) == 2


@pytest.mark.parametrize(("status", "retry_after", "seconds"), [
    (500, None, None),
    (429, "7", 7.0),
    (429, None, None),
    (503, "1.5", 1.5),
])
async def test_an_error_status_is_typed_and_not_retried(
        model_server: ModelServer, status: int, retry_after: str | None,
        seconds: float | None) -> None:
    model_server.script(Status(status, retry_after))
    with pytest.raises(LlmStatusError) as caught:
        await client_for(model_server).ask(MESSAGES, Fix)
    assert (caught.value.status, caught.value.retry_after) == (status, seconds)
    assert len(model_server.requests) == 1


async def test_a_body_that_is_not_json_is_a_server_error(model_server: ModelServer) -> None:
    """litellm reports an unreadable body as a 500; it is the server's fault, not the
    model's, so it is not asked again."""
    model_server.script(BrokenBody())
    with pytest.raises(LlmStatusError) as caught:
        await client_for(model_server).ask(MESSAGES, Fix)
    assert caught.value.status == 500
    assert len(model_server.requests) == 1


@pytest.mark.parametrize(("content", "complaint"), [
    ('{"text": "She goes', "Invalid JSON"),
    ('{"txt": "She goes home."}', "text: Field required"),
    ("", "Invalid JSON"),
])
async def test_invalid_output_is_asked_again_once_with_the_error(
        model_server: ModelServer, content: str, complaint: str) -> None:
    model_server.script(Answer(content), Answer(content))
    with pytest.raises(LlmInvalidOutput) as caught:
        await client_for(model_server).ask(MESSAGES, Fix)
    assert caught.value.attempts == 2 and complaint in caught.value.reason
    first, second = model_server.requests
    assert first["messages"] == MESSAGES
    answer, retry = second["messages"][len(MESSAGES):]
    assert answer == {"role": "assistant", "content": content}
    assert retry["role"] == "user" and complaint in retry["content"]


async def test_a_valid_answer_after_an_invalid_one_is_used(model_server: ModelServer) -> None:
    model_server.script(Answer('{"txt": 1}'), Answer('{"text": "She goes home."}'))
    assert await client_for(model_server).ask(MESSAGES, Fix) == Fix(text="She goes home.")
    assert len(model_server.requests) == 2


async def test_no_retries_configured_means_one_request(model_server: ModelServer) -> None:
    model_server.script(Answer("nonsense"), Answer('{"text": "x"}'))
    with pytest.raises(LlmInvalidOutput):
        await client_for(model_server, max_retries=0).ask(MESSAGES, Fix)
    assert len(model_server.requests) == 1


async def test_the_key_comes_from_the_named_variable(model_server: ModelServer) -> None:
    settings = LlmSettings(model="openai/tiny", api_base=model_server.url, timeout_s=SLOW,
                           api_key_env="PROSEWISE_TEST_KEY")
    model_server.script(Answer('{"text": "x"}'), Answer('{"text": "x"}'))
    await LlmClient(settings, environ={"PROSEWISE_TEST_KEY": "sk-test"}).ask(MESSAGES, Fix)
    await client_for(model_server).ask(MESSAGES, Fix)
    keys = [{k.lower(): v for k, v in h.items()}["authorization"] for h in model_server.headers]
    assert keys == ["Bearer sk-test", f"Bearer {NO_KEY}"]
    with pytest.raises(LlmConfigError, match="PROSEWISE_TEST_KEY"):
        await LlmClient(settings, environ={}).ask(MESSAGES, Fix)
    assert len(model_server.requests) == 2


def test_no_model_no_client() -> None:
    with pytest.raises(LlmConfigError):
        LlmClient(LlmSettings())


async def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = LlmSettings(model="openai/tiny", api_base=f"http://127.0.0.1:{port}/v1",
                           timeout_s=SLOW)
    with pytest.raises(LlmUnreachable):
        await LlmClient(settings, environ={}).ask(MESSAGES, Fix)


def test_litellm_loads_on_the_first_call_only() -> None:
    """Importing the model path costs nothing: litellm (about 3 s) waits for a call."""
    code = ("import sys, prosewise.agents.llm.client, prosewise.agents.llm.diff; "
            "print(sorted(m for m in ('litellm', 'openai') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
