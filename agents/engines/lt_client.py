"""language-tool-python's client, held to a server the user named: one try per request,
the user's timeout, and never a LanguageTool download, a Java check or a local server.

Imported only when a LanguageTool server is configured (the engine imports it lazily).
The library's own defaults would not do: 300 s per request, a second try after a
failure (so 600 s on a stalled server), and a local server (downloaded first, ~250 MB
and Java) whenever no ``remote_server`` is given or a local one stops answering.
"""

from __future__ import annotations

import threading
import urllib.parse
from typing import Any, ClassVar, Literal

from language_tool_python import LanguageTool, Match


class RemoteClient(LanguageTool):
    """``LanguageTool`` for a remote server only: ``POST /v2/check`` (form-encoded
    ``text`` and ``language``), ``GET /v2/languages`` once at construction."""

    def __init__(self, url: str, language: str, timeout_s: float) -> None:
        # Set before the base __init__: it already asks the server for its languages.
        self._TIMEOUT = timeout_s  # type: ignore[assignment]  # requests' connect and read timeout
        super().__init__(language=language, remote_server=url)

    _matches: ClassVar[threading.Lock] = threading.Lock()
    """``Match`` keeps the last text's astral characters in class attributes (to turn
    UTF-16 offsets into code points): two threads making matches at once would mix
    them up (two engines during a settings change, two hubs in one process)."""

    def check(self, text: str) -> list[Match]:
        """The library's ``check``, with its matches made under ``_matches``."""
        url = urllib.parse.urljoin(self.url, "check")
        response = self._query_server(url, self._create_params(text), method="post")
        with RemoteClient._matches:
            return [Match(match, text) for match in response["matches"]]

    def _query_server(self, url: str, params: dict[str, str] | None = None,
                      num_tries: int = 2, method: Literal["get", "post"] = "get") -> Any:
        """One try: the engine's breaker decides about trying again, not the library."""
        return super()._query_server(url, params, num_tries=1, method=method)

    def _start_local_server(self) -> None:
        """Never reached with ``remote_server``; refused outright should that change."""
        raise RuntimeError("Prosewise never starts (or downloads) a local LanguageTool server")
