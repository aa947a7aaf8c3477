"""In-document controls over stdio: a keystroke that adds or removes a control comment
updates the diagnostics of the other chunks too (they are filtered, not re-checked)."""

from __future__ import annotations

import pytest
from editor import EditorClient, position
from lsprotocol import types

pytestmark = pytest.mark.slow

TEXT = ("# Notes\n\nWe recieve letters.\n\nThe frist answer.\n\n"
        "Teh last one.\n\nAn other wrods here.\n")
OFF = "<!-- prosewise: off -->\n\n"


def quoted(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The texts the diagnostics quote."""
    return {str(d.data["text"]) for d in diagnostics if isinstance(d.data, dict)}


def change(client: EditorClient, uri: str, version: int, before: str, at: int, width: int,
           new: str) -> None:
    """Replace ``width`` characters at ``at`` of ``before`` with ``new`` (an incremental edit)."""
    rng = types.Range(start=position(before, at, client.encoding),
                      end=position(before, at + width, client.encoding))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
    ))


async def test_adding_and_removing_off_updates_the_chunks_below(client: EditorClient) -> None:
    uri = client.open("controls.md", TEXT)
    every = quoted(await client.diagnostics_for(uri, 1))
    assert {"recieve", "frist", "Teh", "wrods"} <= every
    at = TEXT.index("The frist")
    change(client, uri, 2, TEXT, at, 0, OFF)
    off = quoted(await client.diagnostics_for(uri, 2, client.mark()))
    assert "recieve" in off and not {"frist", "Teh", "wrods"} & off
    edited = TEXT[:at] + OFF + TEXT[at:]
    change(client, uri, 3, edited, at, len(OFF), "")
    assert quoted(await client.diagnostics_for(uri, 3, client.mark())) == every
