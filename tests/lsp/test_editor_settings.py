"""Settings as editors really send them, over stdio on fake engines (fake_engine.py).

VS Code sends every contributed setting, set or not: ``""`` for a choice nobody made,
``null`` for an unset optional value. The server takes those as "not set", drops an
invalid key with one message naming it, keeps the writer's other keys, and applies a
change without a restart, whether the client pushes the new settings or is asked for
them (``workspace/configuration``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from editor import PICKY, EditorClient, fake_editor
from lsprotocol import types

TEXT = "We recieve teh letters. It is a apple, don't you think?\n"
UNSET_BY_VSCODE: dict[str, Any] = {
    "goals": {"dialect": "", "audience": "", "formality": "", "domain": "", "intent": ""},
    "profile": "", "styleGuide": "", "words": [], "houseRules": [], "agents": {}, "rules": {},
    "llm": {"model": "", "apiBase": None, "apiKeyEnv": None, "dailyTokens": None},
    "languagetool": {"url": None},
}
"""What VS Code sent for settings whose package.json entry had no default (issue 12)."""
NO_SPELLING = {"rules": {"grammar.spelling": False}}


def codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The rule ids of the diagnostics."""
    return {str(d.code) for d in diagnostics}


def said(client: EditorClient, *words: str) -> list[str]:
    """The editor messages that hold all of ``words``."""
    return [m.message for m in client.messages if all(w in m.message for w in words)]


async def test_unset_values_mean_the_default_and_the_writers_keys_apply(tmp_path: Path) -> None:
    options = {**PICKY, **UNSET_BY_VSCODE, **NO_SPELLING}
    async with fake_editor(tmp_path, options=options) as client:
        uri = client.open("notes.md", TEXT)
        found = codes(await client.diagnostics_for(uri, 1))
        assert "grammar.article" in found and "grammar.spelling" not in found, found
        assert not said(client, "invalid"), [m.message for m in client.messages]


async def test_one_bad_key_is_named_and_dropped_the_others_stay(tmp_path: Path) -> None:
    options = {**PICKY, **NO_SPELLING, "goals": {"dialect": "en-XX", "formality": "formal"}}
    async with fake_editor(tmp_path, options=options) as client:
        uri = client.open("notes.md", TEXT)
        found = codes(await client.diagnostics_for(uri, 1))
        assert "grammar.spelling" not in found and "tone.formality" in found, found  # kept
        second = client.open("more.md", TEXT)
        await client.diagnostics_for(second, 1)
        (message,) = said(client, "invalid")  # once, not per document
        assert "prosewise.goals.dialect" in message and "'en-XX'" in message
        assert "formality" not in message and "rules" not in message


async def test_a_change_applies_without_a_restart_pushed_or_pulled(tmp_path: Path) -> None:
    async with fake_editor(tmp_path) as client:
        uri = client.open("notes.md", TEXT)
        assert "grammar.spelling" in codes(await client.diagnostics_for(uri, 1))

        # Pulled: the client says "changed" and answers workspace/configuration.
        client.set_configuration({**PICKY, **UNSET_BY_VSCODE, **NO_SPELLING}, section="prosewise")
        mark = client.mark()
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings=None))
        found = codes(await client.diagnostics_for(uri, 1, after=mark))
        assert "grammar.spelling" not in found and "grammar.article" in found, found

        # Pushed: the new settings in the notification; the rule is back on.
        mark = client.mark()
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"prosewise": {**PICKY, **UNSET_BY_VSCODE}}))
        assert "grammar.spelling" in codes(await client.diagnostics_for(uri, 1, after=mark))
        assert not said(client, "invalid"), [m.message for m in client.messages]
