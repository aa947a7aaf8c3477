"""Model settings and the reading of Retry-After: small pure pieces of the model path."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from prosewise.agents.llm.config import JsonMode, LlmSettings
from prosewise.agents.llm.errors import retry_after_seconds


def test_defaults_are_off_with_a_bounded_wait() -> None:
    settings = LlmSettings()
    assert settings.model is None
    assert (settings.timeout_s, settings.max_retries, settings.json_mode) == (
        30.0, 1, JsonMode.JSON_SCHEMA)


def test_editors_may_send_camel_case() -> None:
    settings = LlmSettings.model_validate(
        {"model": "ollama/llama3.2", "apiBase": "http://127.0.0.1:11434", "timeoutS": 5,
         "apiKeyEnv": "OLLAMA_KEY", "jsonMode": "json_object"})
    assert (settings.api_base, settings.timeout_s, settings.api_key_env, settings.json_mode) == (
        "http://127.0.0.1:11434", 5.0, "OLLAMA_KEY", JsonMode.JSON_OBJECT)


@pytest.mark.parametrize("value", ["sk-proj-4f9a2b", "my key", "1ABC", ""])
def test_api_key_env_is_a_variable_name_not_a_key(value: str) -> None:
    """A pasted key (they have dashes) is refused, so it never sits in a settings file."""
    with pytest.raises(ValidationError):
        LlmSettings(api_key_env=value)


@pytest.mark.parametrize("values", [{"timeout_s": 0}, {"max_retries": -1}, {"modle": "x"}])
def test_invalid_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LlmSettings.model_validate(values)


NOW = 1_700_000_000.0


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"Retry-After": "7"}, 7.0),
    ({"retry-after": "1.5"}, 1.5),
    ({"Retry-After": "-3"}, 0.0),
    ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
    ({"Retry-After": "Tue, 14 Nov 2023 22:13:40 GMT"}, 20.0),
    ({"Retry-After": "soon"}, None),
    ({}, None),
])
def test_retry_after_seconds(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == seconds
