"""One model call that returns a validated pydantic object, or one of our typed errors.

litellm is imported on the first call, not with this module: its import takes about
3 s and a server without a model must not pay it. We own the retry policy: every
call passes ``num_retries=0`` (litellm's default of 3 attempts silently triples a
timeout) and an explicit ``timeout``; only an answer that does not fit the schema is
asked for again, once by default, with the validation error.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, TypeVar

from pydantic import BaseModel, ValidationError

from prosewise.agents.llm.config import JsonMode, LlmSettings
from prosewise.agents.llm.errors import (
    LlmConfigError,
    LlmError,
    LlmInvalidOutput,
    LlmStatusError,
    LlmTimeout,
    LlmUnreachable,
    retry_after_seconds,
)

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)

NO_KEY = "no-key"
"""Sent to an ``api_base`` server when no key is configured: litellm's OpenAI path
refuses to send without one (it fails before any request, as an HTTP 500)."""
REASON_CHARS = 1_000
"""How much of a validation error goes back to the model: enough to say what was wrong."""
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


class ChatMessage(TypedDict):
    """One chat message as OpenAI-style APIs take it."""

    role: Literal["system", "user", "assistant"]
    content: str


class LlmClient:
    """Calls the configured model; one instance per settings, safe to share."""

    def __init__(self, settings: LlmSettings, environ: Mapping[str, str] = os.environ) -> None:
        if not settings.model:
            raise LlmConfigError("no model is configured")
        self.settings = settings
        self._environ = environ
        self.usage = Usage()
        """Tokens and cost of every answer so far (what ``--llm`` reports)."""
        self.json_mode = settings.json_mode
        """The JSON request's form: the setting's, until a server refuses it (below)."""

    async def ask(self, messages: Sequence[ChatMessage], schema: type[T]) -> T:
        """The model's answer to ``messages`` parsed into ``schema``.

        An answer that does not parse is asked for again ``max_retries`` times, the
        validation error appended; then LlmInvalidOutput. Timeouts and HTTP failures
        raise at once (LlmTimeout, LlmStatusError, LlmUnreachable): waiting and
        backing off is the caller's decision.
        """
        history = list(messages)
        attempts = self.settings.max_retries + 1
        reason = ""
        for _ in range(attempts):
            content = await self._complete(history, schema)
            try:
                return schema.model_validate_json(_unfenced(content))
            except ValidationError as exc:
                reason = _reason(exc)
            history += [
                ChatMessage(role="assistant", content=content),
                ChatMessage(role="user", content=(
                    f"That answer is not valid: {reason}\nAnswer again with only the JSON "
                    "object that matches the schema.")),
            ]
        raise LlmInvalidOutput(attempts, reason)

    async def _complete(self, messages: list[ChatMessage], schema: type[BaseModel]) -> str:
        """One answer's text ("" when it has none), or a typed error.

        A server that refuses the OpenAI-style ``json_schema`` form and says it takes
        ``json_object`` (llama-cpp-python's: a 500 quoting its validation error) is
        asked again at once in llama.cpp's form, which this client then keeps: the
        default setting works there too, for one refused request."""
        sent = self.json_mode  # another call may change it meanwhile: this one's form
        try:
            return await self._request(messages, schema, sent)
        except LlmStatusError as exc:
            if not (sent is JsonMode.JSON_SCHEMA and _wants_json_object(exc)):
                raise
        if self.json_mode is JsonMode.JSON_SCHEMA:
            self.json_mode = JsonMode.JSON_OBJECT
            log.info("the model server (%s) refused the json_schema response format: asking"
                     " in its json_object form (json_mode = \"json_object\" skips the"
                     " refusal)", self.settings.api_base or self.settings.model)
        return await self._request(messages, schema, JsonMode.JSON_OBJECT)

    async def _request(self, messages: list[ChatMessage], schema: type[BaseModel],
                       mode: JsonMode) -> str:
        """One request: the answer's text ("" when it has none), or a typed error."""
        litellm = _litellm()
        timeout = self.settings.timeout_s
        api_key = self._api_key()
        try:
            async with asyncio.timeout(timeout):
                response = await litellm.acompletion(
                    model=self.settings.model, messages=messages,
                    api_base=self.settings.api_base, api_key=api_key,
                    timeout=timeout, num_retries=0,
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                    response_format=_response_format(schema, mode),
                )
        except TimeoutError as exc:
            raise LlmTimeout(timeout) from exc
        except Exception as exc:
            raise _translated(litellm, exc, timeout) from exc
        self.usage.add(response, litellm)
        return _content(response)

    def _api_key(self) -> str | None:
        name = self.settings.api_key_env
        if name is None:
            return NO_KEY if self.settings.api_base else None
        key = self._environ.get(name)
        if not key:
            raise LlmConfigError(f"the environment variable {name} (the model's key) is not set")
        return key

@dataclass
class Usage:
    """Tokens the model read and wrote, and their price from litellm's local price map
    (0 for a model the map does not know, such as a local server's)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    def add(self, response: Any, litellm: Any) -> None:
        """Count one answer."""
        usage = getattr(response, "usage", None)
        self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        with contextlib.suppress(Exception):  # a model without a price: litellm raises
            self.cost += float(litellm.completion_cost(completion_response=response) or 0.0)


def _response_format(schema: type[BaseModel], mode: JsonMode) -> dict[str, Any]:
    """The JSON request in the form ``mode`` names."""
    json_schema = schema.model_json_schema()
    if mode is JsonMode.JSON_OBJECT:
        return {"type": "json_object", "schema": json_schema}
    return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": json_schema}}


def _litellm() -> Any:
    """litellm, imported on first use: offline cost map (else the import fetches one
    from the network) and no help banner (it prints to stdout, the LSP channel). By
    name, so mypy does not type-check its ~1,300 modules (it added ~25 s a cold run);
    it is used as an untyped module."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    litellm: Any = importlib.import_module("litellm")
    litellm.suppress_debug_info = True
    return litellm


def _translated(litellm: Any, exc: Exception, timeout: float) -> LlmError:
    """Our error for one of litellm's. It reports a refused connection as an HTTP 500
    (InternalServerError, "Connection error."), so the cause chain decides first:
    a timeout, then an OSError underneath (refused, DNS, TLS), then the status."""
    causes = list(_causes(exc))
    if isinstance(exc, litellm.Timeout) or any(isinstance(c, TimeoutError) for c in causes):
        return LlmTimeout(timeout)
    if isinstance(exc, litellm.APIConnectionError) or any(isinstance(c, OSError) for c in causes):
        return LlmUnreachable(f"the model server cannot be reached: {exc}")
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return LlmStatusError(status, str(exc), retry_after_seconds(_response_headers(exc)))
    return LlmError(f"the model call failed: {exc}")


def _wants_json_object(exc: LlmStatusError) -> bool:
    """Whether the server refused the request's ``response_format`` and named the
    ``json_object`` form (llama-cpp-python 0.3: "Input should be 'text' or
    'json_object'" at ('body', 'response_format', 'type'), answered as a 500)."""
    said = str(exc)
    return "response_format" in said and "json_object" in said


def _response_headers(exc: Exception) -> dict[str, str]:
    """The server's headers on litellm's error: 1.106 keeps them in
    ``litellm_response_headers`` (its ``response`` is a stand-in without them), 1.110
    on ``response``."""
    headers: dict[str, str] = {}
    for found in (getattr(getattr(exc, "response", None), "headers", None),
                  getattr(exc, "litellm_response_headers", None)):
        if isinstance(found, Mapping):
            headers.update((str(k), str(v)) for k, v in found.items())
    return headers


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from or while handling, once each."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _content(response: Any) -> str:
    """The first choice's text; a missing one becomes "" (then fails validation)."""
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError):
        return ""
    return content if isinstance(content, str) else ""


def _unfenced(content: str) -> str:
    """The JSON inside a Markdown code fence, which small models add despite asking."""
    match = _FENCE.match(content)
    return match.group(1) if match else content


def _reason(exc: ValidationError) -> str:
    """The validation errors in a line each, short enough to send back."""
    lines = (f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}"
             for e in exc.errors(include_url=False, include_input=False))
    return "\n".join(lines)[:REASON_CHARS]
