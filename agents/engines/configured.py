"""The engines that the settings switch on, beside the offline ones: a LanguageTool
server (languagetool_engine.py). One of each kind at a time, made anew when its
settings change; it stays while other settings leave it off (another workspace's),
so flipping between documents does not reconnect each time."""

from __future__ import annotations

from dataclasses import dataclass

from prosewise.agents.engines.engine import Engine
from prosewise.agents.engines.languagetool_engine import LanguageToolEngine
from prosewise.agents.settings import Settings


@dataclass
class Configured:
    """The hub's engines that come from settings."""

    _languagetool: LanguageToolEngine | None = None

    @property
    def known(self) -> tuple[Engine, ...]:
        """Every such engine made so far (and not replaced)."""
        return () if self._languagetool is None else (self._languagetool,)

    def engines(self, settings: Settings) -> tuple[Engine, ...]:
        """Those the settings switch on; none unless they name a server."""
        wanted = settings.languagetool
        if wanted.endpoint is None:
            return ()
        current = self._languagetool
        if current is None or current.settings != wanted:
            if current is not None:
                current.close()
            current = self._languagetool = LanguageToolEngine(wanted)
        return (current,)
