"""A LanguageTool server in the real language server (over stdio, fake offline
engines): named in the user's config it adds a later wave of diagnostics; named in a
cloned workspace's project file it is refused, and nothing is sent to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import EditorClient, fake_editor, position
from lsprotocol import types
from lt_server import LanguageToolServer, Rule

TEXT = "🙂 Every day he go to school.\n"
"""Only LanguageTool (as scripted) flags "go": the fake offline engine does not."""


def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    config = tmp_path / "config"
    (config / "prosewise").mkdir(parents=True)
    (config / "prosewise" / "config.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    root = tmp_path / "workspace"
    root.mkdir()
    return root


async def publishes(client: EditorClient, uri: str) -> list[list[types.Diagnostic]]:
    """Version 1's publishes until one holds an agreement diagnostic (at most three)."""
    seen: list[list[types.Diagnostic]] = []
    after = 0
    while len(seen) < 3:
        seen.append(await client.diagnostics_for(uri, 1, after))
        after = 1 + max(i for i, p in enumerate(client.published)
                        if p.uri == uri and p.version == 1)
        if any(d.code == "grammar.agreement" for d in seen[-1]):
            break
    return seen


async def test_the_users_server_adds_a_later_wave(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lt_server: LanguageToolServer) -> None:
    lt_server.rules = [Rule(r"he (go)", "HE_VERB_AGR", replacements=("goes", "went"))]
    root = user_config(tmp_path, monkeypatch, f'[languagetool]\nurl = "{lt_server.url}"\n')
    async with fake_editor(root) as client:
        uri = client.open("notes.md", TEXT)
        first, *later = await publishes(client, uri)
        assert "grammar.agreement" not in {d.code for d in first}  # the offline wave first
        (found,) = [d for d in later[-1] if d.code == "grammar.agreement"]
        start = position(TEXT, TEXT.index("go "), client.encoding)
        assert found.range.start == start
        assert any(TEXT.strip() in c["text"] for c in lt_server.checks)


async def test_a_cloned_workspace_cannot_send_text_to_its_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lt_server: LanguageToolServer) -> None:
    root = user_config(tmp_path, monkeypatch, 'trusted_workspaces = ["/elsewhere"]\n')
    (root / ".prosewise.toml").write_text(
        f'[goals]\nformality = "formal"\n[languagetool]\nurl = "{lt_server.url}"\n',
        encoding="utf-8")
    async with fake_editor(root) as client:
        uri = client.open("notes.md", "We must utilize it, don't you think?\n")
        assert "tone.formality" in {d.code for d in await client.diagnostics_for(uri, 1)}
        assert any("languagetool ignored" in m.message for m in client.messages)
    assert lt_server.checks == [] and lt_server.language_requests == 0
