"""End to end: the real server and pipeline over stdio, as VS Code and as Neovim.

Tests taking ``client`` share a server per editor flavour (conftest.py); those about
settings and restarts start their own, on fake engines (fake_engine.py): settings and
stores are the point, not the engines. The persistent actions are also carried out by
a real Neovim, in UTF-8 and UTF-16, pushed and pulled (tests/nvim/test_neovim.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import FAKE_SERVER, PICKY, EditorClient, apply_edits, data_dir, editor, position
from lsprotocol import types

from prosewise.server.lsp.checker import Checker
from prosewise.server.lsp.diagnostics import Checked
from prosewise.server.lsp.documents import Document, Documents
from prosewise.server.lsp.learning import FILENAME, LearningStore

pytestmark = pytest.mark.slow

# The emoji and the accented word make UTF-8, UTF-16 and code point columns differ.
TEXT = "# Notes 🎉\n\nCafé 😀 is a apple pie.\n\nWe recieve teh letters.\n"


def find(diagnostics: list[types.Diagnostic], quoted: str) -> types.Diagnostic:
    """The diagnostic quoting ``quoted`` (found by text: rule ids are the agents' business)."""
    found = [d for d in diagnostics if isinstance(d.data, dict) and d.data["text"] == quoted]
    assert found, f"nothing quotes {quoted!r} in {[d.message for d in diagnostics]}"
    return found[0]


def quoted(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The texts the diagnostics quote."""
    return {str(d.data["text"]) for d in diagnostics if isinstance(d.data, dict)}


def codes(diagnostics: list[types.Diagnostic]) -> set[str]:
    """Rule ids of the diagnostics."""
    return {str(d.code) for d in diagnostics}


async def actions_at(client: EditorClient, uri: str, d: types.Diagnostic) -> list[types.CodeAction]:
    """The code actions offered for a diagnostic."""
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=d.range,
        context=types.CodeActionContext(diagnostics=[d]),
    )
    result = await client.text_document_code_action_async(params)
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction) -> list[types.TextEdit]:
    """The text edits of a quick fix, from ``changes`` or ``documentChanges``."""
    assert action.edit is not None
    if action.edit.document_changes:
        return [e for c in action.edit.document_changes if isinstance(c, types.TextDocumentEdit)
                for e in c.edits if isinstance(e, types.TextEdit)]
    return [e for edits in (action.edit.changes or {}).values() for e in edits]


async def test_open_shows_suggestions_in_client_units(client: EditorClient) -> None:
    uri = client.open("notes.md", TEXT)
    diagnostics = await client.diagnostics_for(uri, 1)
    article = find(diagnostics, "a")
    start = TEXT.index("a apple")
    assert article.range.start == position(TEXT, start, client.encoding)
    assert article.range.end == position(TEXT, start + 1, client.encoding)
    assert article.source == "prosewise"
    assert article.severity is not None
    assert isinstance(article.data, dict) and article.data["agent"] == "grammar"
    assert client.encoding == ("utf-8" if client.kind.startswith("neovim") else "utf-16")


async def test_only_clients_that_can_be_told_to_pull_again_pull(client: EditorClient) -> None:
    assert client.pull is (client.kind == "neovim+refresh")


async def test_push_or_pull_never_both(client: EditorClient) -> None:
    uri = client.open("notes.md", TEXT)
    diagnostics = await client.diagnostics_for(uri, 1)
    assert "a" in quoted(diagnostics)
    # A push would have been written before the pull answer on the same stream.
    assert bool(client.published) is not client.pull


async def test_pull_answers_unchanged_when_nothing_changed(client: EditorClient) -> None:
    if not client.pull:
        pytest.skip("this client takes pushed diagnostics")
    uri = client.open("notes.md", TEXT)
    ident = types.TextDocumentIdentifier(uri=uri)
    params = types.DocumentDiagnosticParams(text_document=ident)
    first = await client.text_document_diagnostic_async(params)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport) and first.result_id
    again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=ident, previous_result_id=first.result_id))
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)


async def test_quick_fix_round_trip(client: EditorClient) -> None:
    uri = client.open("notes.md", TEXT)
    article = find(await client.diagnostics_for(uri, 1), "a")
    fixes = [a for a in await actions_at(client, uri, article) if a.edit is not None]
    assert fixes[0].title == "Replace with “an”" and fixes[0].is_preferred
    fixed = apply_edits(TEXT, edits_of(fixes[0]), client.encoding)
    assert "Café 😀 is an apple pie." in fixed
    change = types.TextDocumentContentChangeWholeDocument(text=fixed)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[change],
    ))
    assert "a" not in quoted(await client.diagnostics_for(uri, 2))


async def test_incremental_edits_never_publish_stale_versions(client: EditorClient) -> None:
    start = TEXT.index("a apple")
    edits = ((2, TEXT, 1, "an"), (3, TEXT.replace("a apple", "an apple"), 2, "one"))
    with client.together():  # the open and both edits arrive before any check could end
        uri = client.open("notes.md", TEXT)
        for version, before, width, new in edits:
            rng = types.Range(start=position(before, start, client.encoding),
                              end=position(before, start + width, client.encoding))
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
            ))
    final = await client.diagnostics_for(uri, 3)
    assert "a" not in quoted(final)
    assert all(p.version == 3 for p in client.published if p.uri == uri)
    teh = find(final, "teh")
    expected = TEXT.replace("a apple", "one apple")
    assert teh.range.start == position(expected, expected.index("teh"), client.encoding)


@pytest.mark.parametrize("kind", ["visual_studio_code", "neovim+refresh"])
async def test_settings_change_rechecks(kind: str, tmp_path: Path) -> None:
    # A server of its own (settings are the server's), on fake engines; pushed and
    # pulled (encodings play no part).
    async with editor(kind, tmp_path, server=FAKE_SERVER) as client:
        uri = client.open("notes.md", TEXT)
        rule = str(find(await client.diagnostics_for(uri, 1), "a").code)
        mark = client.mark()
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"prosewise": {"rules": {rule: False}}}))
        assert rule not in codes(await client.diagnostics_for(uri, 1, after=mark))


async def test_bad_input_is_skipped(client: EditorClient) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri="file:///nowhere.md", version=4),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")],
    ))
    uri = client.open("notes.md", TEXT)
    assert "a" in quoted(await client.diagnostics_for(uri, 1))
    assert not client.messages, [m.message for m in client.messages]


async def _run(client: EditorClient, uri: str, action: types.CodeAction) -> None:
    assert action.command is not None
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))


async def _act(client: EditorClient, uri: str, text: str, title: str) -> list[types.Diagnostic]:
    """Choose the action whose title has ``title`` on the suggestion quoting ``text``;
    the first diagnostics pushed after it that no longer quote ``text`` (else the last
    of a few). Both orders happen, and each failed CI once when the test assumed the
    other: the re-check the command starts may push before the command's answer
    arrives, and a check under way before (a later wave of the open) may push after."""
    before = await client.diagnostics_for(uri, 1)
    chosen = [a for a in await actions_at(client, uri, find(before, text)) if title in a.title]
    assert chosen, f"no “{title}” action for {text!r}"
    after = client.mark()
    await _run(client, uri, chosen[0])
    for _ in range(PUSHES):
        diagnostics = await client.diagnostics_for(uri, 1, after=after)
        if text not in quoted(diagnostics):
            break
        after = 1 + next(i for i in range(after, len(client.published))
                         if client.published[i].uri == uri and client.published[i].version == 1)
    return diagnostics


PUSHES = 4
"""Pushes of one version ``_act`` looks at: the open's waves, then the command's."""


@pytest.mark.parametrize("kind", ["visual_studio_code"])
async def test_persistent_actions_survive_a_restart(kind: str, tmp_path: Path) -> None:
    text = "We recieve teh letters.\n\nThis is a apple.\n\nPlease find attached the the report.\n"
    async with editor(kind, tmp_path, server=FAKE_SERVER) as client:
        uri = client.open("notes.md", text)
        article_rule = str(find(await client.diagnostics_for(uri, 1), "a").code)
        assert "recieve" not in quoted(await _act(client, uri, "recieve", "Add “recieve”"))
        assert "teh" not in quoted(await _act(client, uri, "teh", "Ignore this occurrence"))
        assert "a" not in quoted(await _act(client, uri, "a", "in this file"))
        assert "the the" not in quoted(await _act(client, uri, "the the", "in this workspace"))
    assert (tmp_path / ".prosewise" / "dictionary.txt").read_text(encoding="utf-8") == "recieve\n"
    learnt = LearningStore(data_dir(tmp_path) / FILENAME).feedback(tmp_path)
    assert sum(f.dismissed for f in learnt.values()) == 1
    async with editor(kind, tmp_path, server=FAKE_SERVER) as client:
        uri = client.open("notes.md", text)
        assert not quoted(await client.diagnostics_for(uri, 1)) & {"recieve", "teh", "a", "the the"}
        other = client.open("other.md", "It is a apple. We recieve teh letters.\n")
        found = await client.diagnostics_for(other, 1)
        assert article_rule in codes(found) and "teh" in quoted(found)
        assert "recieve" not in quoted(found)


async def test_hover_explains_and_commands_answer(client: EditorClient) -> None:
    uri = client.open("notes.md", TEXT)
    article = find(await client.diagnostics_for(uri, 1), "a")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=article.range.start))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    explained = hover.contents.value
    assert "Raised by: grammar" in explained and str(article.code) in explained
    log = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="prosewise.showDecisions", arguments=[uri]))
    assert any(d["text"] == "a" and d["outcome"] == "shown" for d in log)
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="prosewise.status", arguments=[uri]))
    assert status["version"] == "0.1.0" and status["dialect"] == "en-US"
    assert status["diagnostics"] == ("pull" if client.kind == "neovim+refresh" else "push")
    assert status["engines"]["harper"] == "ready", status  # it gave the first diagnostics


@pytest.mark.parametrize("kind,expected", [("visual_studio_code", "utf-8"), ("neovim", "utf-8")])
async def test_a_position_encoding_option_serves_only_clients_that_declare_none(
        kind: str, expected: str, tmp_path: Path) -> None:
    """ALE counts bytes without declaring any encoding (editors/vim asks for UTF-8); a
    client that declares its encodings (Neovim: UTF-8 first) keeps what it negotiated."""
    asked = "utf-8" if kind == "visual_studio_code" else "utf-32"
    options = {**PICKY, "positionEncoding": asked}
    async with editor(kind, tmp_path, options=options, server=FAKE_SERVER) as client:
        uri = client.open("notes.md", TEXT)
        article = find(await client.diagnostics_for(uri, 1), "a")
        assert article.range.start == position(TEXT, TEXT.index("a apple"), expected)


@pytest.mark.parametrize("kind", ["visual_studio_code"])
async def test_invalid_settings_are_reported_once_and_defaulted(kind: str, tmp_path: Path) -> None:
    options = {"profile": "loud", "partialResults": False}
    async with editor(kind, tmp_path, options=options, server=FAKE_SERVER) as client:
        uri = client.open("notes.md", TEXT)
        assert "a" in quoted(await client.diagnostics_for(uri, 1))
        second = client.open("more.md", TEXT)
        await client.diagnostics_for(second, 1)
        warnings = [m.message for m in client.messages if "invalid setting" in m.message]
        assert len(warnings) == 1 and "prosewise.profile" in warnings[0]


async def test_debounce_ms_out_of_range_is_clamped_with_one_message(tmp_path: Path) -> None:
    """``debounceMs`` had no upper bound (10**9: edits checked 11 days later); a negative
    value was taken as 0 and one that is not a number dropped, without a word."""
    options = {**PICKY, "debounceMs": 10**9}
    async with editor("visual_studio_code", tmp_path, options=options) as client:
        uri = client.open("notes.md", TEXT)
        await client.diagnostics_for(uri, 1)
        for value in (-5, "soon", 10**9, 250):
            mark = client.mark()
            client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
                settings={"prosewise": {**PICKY, "debounceMs": value}}))
            await client.diagnostics_for(uri, 1, after=mark)
        said = [m.message for m in client.messages if "debounceMs" in m.message]
        assert [m.rsplit(": ", 1)[1] for m in said] == [
            "1000000000 is taken as 5000.", "-5 is taken as 0.", "it stays 0."], said
        assert "from 0 to 5000, not 'soon'" in said[2]


@pytest.mark.parametrize("value,seconds", [
    (float("inf"), 5.0), (-float("inf"), 0.0), (5000.5, 5.0), (0.5, 0.0005), (30, 0.03),
    (float("nan"), 0.01), (True, 0.01), ("30", 0.01), (None, 0.01), ([30], 0.01)])
def test_debounce_ms_is_a_bounded_number(value: object, seconds: float) -> None:
    checker = Checker(Documents(), _never_called, lambda checked: None)
    problem = checker.set_debounce_ms(value)
    assert checker.debounce == seconds
    assert (problem is None) == (value in (0.5, 30, None))


async def _never_called(doc: Document) -> Checked:
    raise AssertionError("no document is checked here")


async def test_engine_prints_do_not_corrupt_the_stream(client: EditorClient) -> None:
    # harper-py prints a debugging line to fd 1 for this sentence; over stdio it would
    # land inside the JSON-RPC stream unless the server keeps stdout to itself.
    uri = client.open("noisy.md", "I am looking forward to hear from you. She have a cat.\n")
    diagnostics = await client.diagnostics_for(uri, 1)
    assert "have" in quoted(diagnostics)
