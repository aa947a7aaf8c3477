"""The few ways a model call fails, as the callers (agents, breaker, CLI) act on them.

Why our own types: callers must not import litellm to catch its exceptions (it loads
lazily), and they only need to tell apart "slow", "refused, maybe come back after N
seconds", "unreachable" and "answered nonsense".
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping


class LlmError(Exception):
    """Any failure of the model path; the message is fit to show the writer."""


class LlmConfigError(LlmError):
    """The settings cannot make a call: no model, or the key's variable is not set."""


class LlmTimeout(LlmError):
    """No whole answer within the configured timeout."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"the model did not answer within {timeout_s:g} s")
        self.timeout_s = timeout_s


class LlmUnreachable(LlmError):
    """No HTTP answer at all: connection refused, DNS, TLS."""


class LlmStatusError(LlmError):
    """The server answered with an error status (a non-JSON body counts as 500)."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None) -> None:
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"the model server answered {status}{wait}: {detail}")
        self.status = status
        self.retry_after = retry_after
        """Seconds the server asked us to wait (429, 503), if it said."""


class LlmInvalidOutput(LlmError):
    """Every answer, retries included, failed to parse into the requested schema."""

    def __init__(self, attempts: int, reason: str) -> None:
        super().__init__(f"the model's answer did not fit after {attempts} tries: {reason}")
        self.attempts = attempts
        self.reason = reason


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` (OpenAI) or ``Retry-After`` (seconds or
    an HTTP date), never negative; None when absent or unreadable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := _number(lowered.get("retry-after-ms"))) is not None:
        return max(ms / 1000, 0.0)
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    if (seconds := _number(raw)) is not None:
        return max(seconds, 0.0)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
