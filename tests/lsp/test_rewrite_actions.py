"""Rewrite actions end to end: the real server over stdio (fake engines) lists them as
``refactor.rewrite`` code actions only with a model, and choosing one asks the scripted
model server (tests/llm_server.py, litellm's real HTTP path), shows progress, and
sends ``workspace/applyEdit`` at the sentence's exact range; a rewrite the guard
refuses, or one an edit makes moot, applies nothing.

The model pass is kept out of the way (``idleMs`` of a minute): every request the
model server sees is a rewrite's.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from editor import TIMEOUT, EditorClient, apply_edits, position
from llm_server import ModelServer, Reply, Stall
from lsprotocol import types
from test_model_pass import model_editor, replace_text

pytestmark = pytest.mark.slow

TITLES = ["Rewrite for clarity", "Make more formal", "Make friendlier", "Shorten", "Fix grammar"]
WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         " meeting with Maria on 12 March.")
SHORT = "The committee must meet Maria on 12 March to decide the budget."
TEXT = f"# Plans 🎉\n\n🎉🎉 Party time! {WORDY} Thanks.\n"
"""Emoji before the sentence on its line: two UTF-16 units each, one code point."""


def answer(text: str) -> Reply:
    return Reply(lambda _: json.dumps({"text": text}))


def record_edits(client: EditorClient) -> list[types.ApplyWorkspaceEditParams]:
    """Accept every workspace/applyEdit, keeping it."""
    edits: list[types.ApplyWorkspaceEditParams] = []

    def apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    client.feature(types.WORKSPACE_APPLY_EDIT)(apply)
    return edits


async def actions_at(client: EditorClient, uri: str, offset: int,
                     only: list[types.CodeActionKind] | None = None) -> list[types.CodeAction]:
    """The code actions for an empty selection (the cursor) at ``offset`` of TEXT."""
    at = position(TEXT, offset, client.encoding)
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=at, end=at),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def rewrites_of(actions: list[types.CodeAction]) -> dict[str, types.CodeAction]:
    return {a.title: a for a in actions if a.kind == types.CodeActionKind.RefactorRewrite}


def progress(client: EditorClient) -> list[list[str]]:
    """The rewrites' progress reports, per token (a slow check may report too)."""
    said = [[f"{r.kind} {getattr(r, 'title', '')}".strip() for r in reports]
            for reports in client.progress_reports.values()]
    return [s for s in said if not s or "Prosewise: checking" not in s[0]]


async def choose(client: EditorClient, action: types.CodeAction) -> dict[str, Any]:
    assert action.command is not None
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))
    assert isinstance(result, dict)
    return result


async def test_no_rewrite_actions_without_a_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    async with model_editor(tmp_path, monkeypatch, model_server, named=False) as (client, _):
        uri = client.open("notes.md", TEXT)
        await client.diagnostics_for(uri, 1)
        assert not rewrites_of(await actions_at(client, uri, TEXT.index("decision")))
        assert not await actions_at(client, uri, TEXT.index("decision"),
                                    [types.CodeActionKind.Refactor])
    assert not model_server.requests


async def test_shorten_applies_the_model_s_rewrite_at_the_sentence_s_range(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(answer(SHORT))
    async with model_editor(tmp_path, monkeypatch, model_server,
                            idle_ms=60_000) as (client, _):
        edits = record_edits(client)
        uri = client.open("notes.md", TEXT)
        await client.diagnostics_for(uri, 1)
        listed = rewrites_of(await actions_at(client, uri, TEXT.index("decision")))
        assert list(listed) == TITLES  # with the quick fixes, after the check
        assert not model_server.requests  # listing asks nothing
        only = rewrites_of(await actions_at(client, uri, TEXT.index("decision"),
                                            [types.CodeActionKind.Refactor]))
        assert list(only) == TITLES
        assert await choose(client, only["Shorten"]) == {"applied": True, "reason": None}
        (applied,) = edits
        assert applied.edit.document_changes is not None
        (change,) = applied.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 1
        (edit,) = change.edits
        assert isinstance(edit, types.TextEdit)
        start = TEXT.index(WORDY)
        assert edit.range == types.Range(start=position(TEXT, start, "utf-16"),
                                         end=position(TEXT, start + len(WORDY), "utf-16"))
        assert edit.range.start.character == len("🎉🎉 Party time! ") + 2  # UTF-16 units
        assert apply_edits(TEXT, [edit], client.encoding) == TEXT.replace(WORDY, SHORT)
        asked = [m["content"] for m in model_server.requests[0]["messages"]]
        assert asked[1] == WORDY and "shorter" in asked[0]
        # begun and ended before the answer
        assert progress(client) == [["begin Prosewise: Shorten", "end"]]


async def test_a_rewrite_dropping_a_number_is_refused_and_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(answer("The committee must meet Maria in March to decide the budget."))
    async with model_editor(tmp_path, monkeypatch, model_server,
                            idle_ms=60_000) as (client, _):
        edits = record_edits(client)
        uri = client.open("notes.md", TEXT)
        listed = rewrites_of(await actions_at(client, uri, TEXT.index("budget"),
                                              [types.CodeActionKind.RefactorRewrite]))
        result = await choose(client, listed["Make more formal"])
        assert result["applied"] is False and "numbers changed: 12" in result["reason"]
        (message,) = [m for m in client.messages if "Make more formal" in m.message]
        assert "numbers changed: 12" in message.message
        assert message.type == types.MessageType.Warning
    assert not edits and len(model_server.requests) == 1


async def test_an_edit_cancels_a_pending_rewrite(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(Stall())
    async with model_editor(tmp_path, monkeypatch, model_server,
                            idle_ms=60_000) as (client, _):
        edits = record_edits(client)
        uri = client.open("notes.md", TEXT)
        listed = rewrites_of(await actions_at(client, uri, TEXT.index("budget"),
                                              [types.CodeActionKind.RefactorRewrite]))
        chosen = asyncio.ensure_future(choose(client, listed["Rewrite for clarity"]))
        await asyncio.to_thread(model_server.wait_for_requests, 1)  # asked, and stalled
        replace_text(client, uri, 2, TEXT + "More.\n")
        # within the client's bound, not the model call's 600 s timeout
        done = await asyncio.wait_for(chosen, TIMEOUT)
        assert done == {"applied": False, "reason": "the document changed"}
        assert progress(client) == [["begin Prosewise: Rewrite for clarity", "end"]]
    assert not edits and not client.messages
