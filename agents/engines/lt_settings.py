"""Settings of the LanguageTool engine: which server, and how hard it may be asked.

Off unless the user names a server (``url``) or asks for the public API
(``public_api``): either sends the writer's text away, so neither may come from a
workspace's project file unless the user trusts that folder (agents/user_config.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

PUBLIC_API = "https://api.languagetool.org/"
"""LanguageTool's free public server (``/v2/check``; 20 requests and 75 KB a minute,
20 KB a request, per IP address)."""
PUBLIC_REQUESTS_PER_MINUTE = 20
PUBLIC_REQUEST_BYTES = 20_000


class LanguageToolSettings(BaseModel):
    """A LanguageTool server as a third grammar engine; off without ``url`` or ``public_api``."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
        use_attribute_docstrings=True,
    )

    url: str | None = None
    """Base URL of your LanguageTool server, e.g. 'http://localhost:8010' (its /v2 API
    is used: /v2/languages, /v2/check). None: no LanguageTool server."""
    public_api: bool = False
    """Send text to LanguageTool's public API (api.languagetool.org) when no ``url`` is
    set: only if you choose to; its limits (20 requests a minute, 20 KB each) apply."""
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    """Seconds to wait for the server to connect, or to answer a request."""
    max_request_bytes: int = Field(default=PUBLIC_REQUEST_BYTES, ge=200, le=1_000_000)
    """Most UTF-8 bytes of text in one request (longer texts are split at sentence
    starts; shorter ones are sent together)."""
    requests_per_minute: int = Field(default=0, ge=0)
    """Most requests a minute to the server (0: no limit). The public API is always
    held to its own limit."""

    @field_validator("url")
    @classmethod
    def _http(cls, url: str | None) -> str | None:
        if url is not None and (urlsplit(url).scheme not in ("http", "https")
                                or not urlsplit(url).netloc):
            raise ValueError("must be an http:// or https:// URL, e.g. 'http://localhost:8010'")
        return url

    @property
    def endpoint(self) -> str | None:
        """Where text goes: ``url``, else the public API if chosen, else nowhere."""
        return self.url or (PUBLIC_API if self.public_api else None)

    @property
    def public(self) -> bool:
        """Whether requests go to the public API (its limits then apply)."""
        return self.endpoint == PUBLIC_API

    @property
    def per_minute(self) -> int:
        """The request limit that applies (0: none)."""
        if self.public:
            return min(self.requests_per_minute or PUBLIC_REQUESTS_PER_MINUTE,
                       PUBLIC_REQUESTS_PER_MINUTE)
        return self.requests_per_minute

    @property
    def request_bytes(self) -> int:
        """The request size that applies."""
        return min(self.max_request_bytes, PUBLIC_REQUEST_BYTES) if self.public else (
            self.max_request_bytes)
