"""The real server on a hostile or broken workspace: it keeps serving and says what is
wrong once, in the editor (window/showMessage), naming the file (and line). Settings
are the same whatever the engines: the server runs on a fake one (fake_engine.py).

Synchronised on what the server sends (diagnostics, answers); the only waits are
bounds that turn a hang into a failure.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from editor import PICKY, EditorClient, fake_editor
from hostile import (
    GOOD_RULE,
    PROSE,
    SLOW_LINE,
    expected_problems,
    hostile_workspace,
    rule,
)
from lsprotocol import types

ANSWER_WITHIN = 20.0
"""Hover on another document must answer within this while a rule runs away: a bound
on a busy two-core machine, not a speed target (it answers in milliseconds)."""


def said(client: EditorClient, *words: str) -> list[str]:
    """The editor messages that hold all of ``words``."""
    return [m.message for m in client.messages if all(w in m.message for w in words)]


def codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The rule ids of the diagnostics."""
    return {str(d.code) for d in diagnostics}


async def test_a_hostile_workspace_is_reported_once_and_the_server_keeps_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = hostile_workspace(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(ws.config))  # the server's user config home
    mine = tmp_path / "editor-rules.toml"  # outside the workspace, named by the user's editor
    mine.write_text(rule("style.editor-garden", "Garden {match}", 'match = ["garden"]'))
    options = {**PICKY, "houseRules": [str(mine), "/dev/zero"]}
    async with fake_editor(ws.root, options=options) as client:
        slow = client.open("slow.md", f"{SLOW_LINE}\n\n{PROSE}\nThe garden is quiet.\n")
        found = await client.diagnostics_for(slow, 1)  # answers despite the runaway rule
        assert {"style.redundancy", "style.editor-garden"} <= codes(found)
        (message,) = said(client, "style.house-slow")
        assert str(ws.slow) in message and "switched off" in message

        other = client.open("other.md", f"{PROSE}\n{SLOW_LINE}\n")
        end_result = types.Position(line=0, character=PROSE.index("end result"))
        hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=other), position=end_result)),
            ANSWER_WITHIN)
        assert hover is not None and "style.redundancy" in str(hover.contents)
        assert "style.redundancy" in codes(await client.diagnostics_for(other, 1))

        assert len(said(client, "style.house-slow")) == 1  # once, not per document
        for case, words in expected_problems(ws).items():
            assert len(said(client, *words)) == 1, (case, [m.message for m in client.messages])
        assert len(said(client, "/dev/zero", "is a device, not a regular file")) == 1  # editor's
        assert not said(client, "editor-rules.toml")  # the user's own file: read, no complaint
        assert not said(client, GOOD_RULE)


@pytest.mark.parametrize("broken", ["project", "house"])
async def test_invalid_toml_is_shown_in_the_editor_with_its_line(
    tmp_path: Path, broken: str
) -> None:
    project, house = tmp_path / ".prosewise.toml", tmp_path / "house.toml"
    project.write_text('house_rules = ["house.toml"]\n[goals\n' if broken == "project"
                       else 'house_rules = ["house.toml"]\n')
    house.write_text('[[rule]]\nid = "style.x"\ncategory = "style"\nmessage = \n')
    async with fake_editor(tmp_path) as client:
        uri = client.open("notes.md", PROSE)
        assert "style.redundancy" in codes(await client.diagnostics_for(uri, 1))
        second = client.open("more.md", PROSE)
        await client.diagnostics_for(second, 1)
        bad = f"{project}, line 2" if broken == "project" else f"house rules {house}, line 4"
        (message,) = said(client, "TOML")
        assert message.startswith(f"Prosewise: {bad}: not valid TOML (")


async def test_a_cloned_workspace_cannot_choose_where_text_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model settings of an untrusted project file are ignored, once, and the writer
    is told where to trust the folder; the rest of the file applies."""
    config = tmp_path / "config"
    (config / "prosewise").mkdir(parents=True)
    user_file = config / "prosewise" / "config.toml"
    user_file.write_text('trusted_workspaces = ["/elsewhere"]\n[llm]\nmodel = "ollama/mine"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    root = tmp_path / "cloned"
    root.mkdir()
    (root / ".prosewise.toml").write_text(
        '[goals]\nformality = "formal"\n[llm]\nmodel = "openai/x"\napi_base = "http://evil/v1"\n')
    async with fake_editor(root) as client:
        uri = client.open("notes.md", PROSE)
        assert "style.redundancy" in codes(await client.diagnostics_for(uri, 1))
        (message,) = said(client, "llm ignored")
        assert str(root / ".prosewise.toml") in message and str(user_file) in message
        second = client.open("more.md", "We must utilize it, don't you think?\n")
        assert "tone.formality" in codes(await client.diagnostics_for(second, 1))  # formal goal
        assert len(said(client, "llm ignored")) == 1
