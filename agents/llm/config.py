"""Settings of the model path: which model, where, with which key, and how long to wait.

Kept apart from ``prosewise.agents.settings`` for now: those settings may come from a
workspace's ``.prosewise.toml``, and a cloned repository must not be able to choose the
endpoint that receives the writer's text (workspace trust comes first).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class JsonMode(StrEnum):
    """How the request asks for JSON that fits the answer's schema."""

    JSON_SCHEMA = "json_schema"
    """``{"type": "json_schema", "json_schema": {...}}``: OpenAI and the providers
    litellm translates it for."""
    JSON_OBJECT = "json_object"
    """``{"type": "json_object", "schema": {...}}``: llama.cpp's server, which
    constrains its output to the schema given there."""


class LlmSettings(BaseModel):
    """One model and how to reach it; no model means the model path is off."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
        use_attribute_docstrings=True,
    )

    model: str | None = None
    """litellm model string: 'openai/gpt-4o-mini', 'anthropic/…', 'ollama/llama3.2', or
    'openai/<name>' with ``api_base`` for any OpenAI-compatible server."""
    api_base: str | None = None
    """Base URL of the server, e.g. 'http://127.0.0.1:8080/v1' (llama.cpp, vLLM, LM
    Studio, a LiteLLM proxy); none for the provider's own endpoint."""
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """Name of the environment variable that holds the key (e.g. 'OPENAI_API_KEY'),
    never the key itself. None: the provider's usual variable; with ``api_base``, no
    key (a provider's key goes to another endpoint only when named here)."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Seconds one model call may take, from sending to the whole answer."""
    max_retries: int = Field(default=1, ge=0, le=3)
    """How often an answer that does not fit the schema is asked for again (with the
    validation error); failures of the connection or server are never retried here."""
    json_mode: JsonMode = JsonMode.JSON_SCHEMA
    """How JSON output is requested: 'json_schema' (OpenAI style) or 'json_object'
    (llama.cpp's server)."""
    max_tokens: int = Field(default=2048, gt=0, le=100_000)
    """Tokens one answer may take at most: enough for a rewritten paragraph and its
    reasons; a small model caught in a loop would otherwise write until its context is
    full (minutes on a CPU, and billed by a hosted provider)."""
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    """Sampling temperature: 0 keeps corrections as repeatable as the model allows."""
    idle_ms: int = Field(default=1500, ge=0, le=60_000)
    """Language server: milliseconds without edits before the model is asked about the
    changed paragraphs (saving or the 'check with model' command asks at once). Longer
    than the offline debounce: a call costs tokens and seconds, and a paragraph being
    typed would be sent once per pause."""
    ranking: bool = False
    """Let the model settle what the ranking's rules settle alone: two fixes for the
    same words, or a fix just under the profile's threshold (one more call for a
    paragraph with such a contest; the decision log names the model's picks)."""
    daily_tokens: int | None = Field(default=None, gt=0)
    """Tokens (sent and received, every model, all runs on this computer) a day after
    which the model is not asked until the next day; cached answers still show. None:
    no budget. A hosted model bills by the token: this caps a day's cost."""
