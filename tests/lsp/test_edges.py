"""Handlers at the edges of a document: empty, zero-length ranges, positions past the
end, and a client that repeats a version number."""

from __future__ import annotations

import pytest
from editor import CLIENTS, EditorClient, position
from lsprotocol import types

pytestmark = pytest.mark.slow

TEXT = "We recieve teh letters.\n\nShe have a cat.\n"
FIX_ALL = types.CodeActionKind.SourceFixAll


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def change(client: EditorClient, uri: str, version: int, text: str,
           where: types.Range | None = None) -> None:
    """Send one didChange: ``text`` over ``where``, or the whole text."""
    content: types.TextDocumentContentChangeEvent = (
        types.TextDocumentContentChangeWholeDocument(text=text) if where is None
        else types.TextDocumentContentChangePartial(range=where, text=text))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[content]))


Edit = tuple[tuple[int, int], tuple[int, int], str]


async def changes_land_where_expected(client: EditorClient, edits: list[Edit], expected: str,
                                      words: tuple[str, ...]) -> None:
    """Open "She has a cat.", send ``edits`` (start, end, text) in one didChange, then an
    empty one: the diagnostics of the last version quote ``words`` where ``expected``
    (the text the editor holds) has them."""
    uri = client.open("notes.md", "She has a cat.\n")
    await client.diagnostics_for(uri, 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=at(*a), end=at(*b)), text=new) for a, b, new in edits]))
    change(client, uri, 3, "", types.Range(start=at(0, 0), end=at(0, 0)))
    found = {d.data["text"]: d.range for d in await client.diagnostics_for(uri, 3)
             if isinstance(d.data, dict)}
    for word in words:
        assert found.get(word) == types.Range(
            start=position(expected, expected.index(word), "utf-16"),
            end=position(expected, expected.index(word) + len(word), "utf-16")), found


async def ask_everything(client: EditorClient, uri: str, where: types.Range) -> None:
    """Hover, quick fixes, fix-all and a pull at ``where``: each must be answered."""
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=ident(uri), position=where.start))
    assert hover is None or hover.contents
    context = types.CodeActionContext(diagnostics=[])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=ident(uri), range=where, context=context))
    assert actions is not None
    fix_all = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=ident(uri), range=where,
        context=types.CodeActionContext(diagnostics=[], only=[FIX_ALL])))
    assert fix_all is not None
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident(uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)


@pytest.mark.parametrize("server", CLIENTS[:2], indirect=True)
async def test_an_empty_document_is_answered_everywhere(client: EditorClient) -> None:
    """Hover, code actions and fix-all on an empty document (opened empty, or emptied by
    select-all and delete) raised ``ValueError: zip()``."""
    empty = client.open("empty.md", "")
    await ask_everything(client, empty, types.Range(start=at(0, 0), end=at(0, 0)))
    uri = client.open("notes.md", TEXT)
    assert await client.diagnostics_for(uri, 1)
    change(client, uri, 2, "", types.Range(start=at(0, 0), end=at(3, 0)))
    assert not await client.diagnostics_for(uri, 2)
    await ask_everything(client, uri, types.Range(start=at(0, 0), end=at(0, 0)))


@pytest.mark.parametrize("server", ["visual_studio_code"], indirect=True)
async def test_positions_past_the_end_and_reversed_ranges_are_clamped(
        client: EditorClient) -> None:
    uri = client.open("notes.md", TEXT)
    assert await client.diagnostics_for(uri, 1)
    await ask_everything(client, uri, types.Range(start=at(90, 5), end=at(2**31 - 1, 0)))
    await ask_everything(client, uri, types.Range(start=at(0, 999), end=at(0, 999)))
    reversed_range = types.Range(start=at(0, 16), end=at(0, 0))  # "We recieve teh l"
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=ident(uri), range=reversed_range,
        context=types.CodeActionContext(diagnostics=[])))
    titles = [a.title for a in actions or []]
    assert any("receive" in t for t in titles), titles
    assert not any("has" in t for t in titles), titles  # nothing from the last line


@pytest.mark.parametrize("server", ["visual_studio_code"], indirect=True)
async def test_a_change_past_the_end_is_applied_at_the_end(client: EditorClient) -> None:
    """LSP: a position past the end of a line is the line's end, one past the last line
    is the end of the text. Such a change was dropped (with a log line) and the server's
    text no longer was the editor's."""
    past = [((0, 999), (0, 2**31 - 1), " Tehy sings."),  # past the line's end
            ((7, 3), (90, 0), "\nWe recieve it.\n")]  # past the last line
    expected = "She has a cat. Tehy sings.\n\nWe recieve it.\n"
    await changes_land_where_expected(client, past, expected, ("Tehy", "recieve"))


@pytest.mark.parametrize("server", ["visual_studio_code"], indirect=True)
async def test_a_repeated_version_number_is_checked_from_the_text(client: EditorClient) -> None:
    """A didChange that repeated the version number left the edited paragraph's old
    diagnostics (the server trusted the number to tell what changed)."""
    uri = client.open("notes.md", f"{TEXT}\nThe last paragraph stays as it is.\n")
    first = await client.diagnostics_for(uri, 1)
    assert "have" in {d.data["text"] for d in first if isinstance(d.data, dict)}
    last_line = types.Range(start=at(2, 0), end=at(2, 15))
    change(client, uri, 2, "She has a bird.", last_line)
    assert "have" not in {d.data["text"] for d in await client.diagnostics_for(uri, 2)
                          if isinstance(d.data, dict)}
    mark = client.mark()
    # Version 2 again, in a middle paragraph, and as long as the text it replaces
    # (the last paragraph or a change in length would have given the edit away)
    change(client, uri, 2, "She have a cat.", last_line)
    again = await client.diagnostics_for(uri, 2, after=mark)
    assert "have" in {d.data["text"] for d in again if isinstance(d.data, dict)}


@pytest.mark.parametrize("server", ["visual_studio_code"], indirect=True)
async def test_a_reversed_change_range_is_read_between_its_positions(client: EditorClient) -> None:
    """A range whose end comes before its start (a client bug) is the text between the
    two positions. It raised halfway through the message: the changes before it were
    applied, the version was not moved on, and the server's text left the editor's."""
    edits = [((0, 14), (0, 14), " Tehy sings."), ((0, 9), (0, 4), "have a")]
    await changes_land_where_expected(client, edits, "She have a cat. Tehy sings.\n",
                                      ("Tehy", "have"))
