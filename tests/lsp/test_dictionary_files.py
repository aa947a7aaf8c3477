"""Dictionary files (``dictionaries``) in the language server: their words are not
flagged, an edited file counts at the next check without a restart, and a file the
workspace may not name is refused in one message. A real server over stdio, on a fake
engine (fake_engine.py); the test waits for what the server sends, never a pause."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import fake_editor
from lsprotocol import types
from test_stores import after, command, edit, quoted, warnings

pytestmark = pytest.mark.slow

TEXT = "We ship zorblax and quenfrid every day.\n"


async def test_the_server_reads_dictionaries_and_their_edits(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "docs").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("quenfrid\n")
    (root / ".prosewise.toml").write_text('dictionaries = ["docs/words.txt", "../outside.txt"]\n')
    words = root / "docs" / "words.txt"
    words.write_text("zorblax\n")
    async with fake_editor(root) as client:
        uri = client.open("notes.md", TEXT)
        first = quoted(await client.diagnostics_for(uri, 1))
        assert "zorblax" not in first and "quenfrid" in first  # outside.txt is not read
        (refused,) = warnings(client, "outside.txt")
        assert "outside the workspace" in refused
        words.write_text("# the team renamed it\nquenfrid\n")
        second = quoted(await edit(client, uri, 2, TEXT + "\n"))
        assert "zorblax" in second and "quenfrid" not in second
        words.write_text("zorblax\ntwo words\n")
        third = quoted(await edit(client, uri, 3, TEXT))
        assert "zorblax" not in third
        (bad,) = warnings(client, "words.txt")
        assert str(words) in bad and "line 2 was skipped" in bad


async def test_add_to_dictionary_can_write_to_a_team_dictionary(tmp_path: Path) -> None:
    """The quick fixes offer each line-a-word dictionary (not cSpell's JSON); the chosen
    file gets the word, keeping its lines, and no lock file beside it. A file that is not
    one of the document's dictionaries is refused."""
    root = tmp_path / "ws"
    (root / "docs").mkdir(parents=True)
    (root / ".prosewise.toml").write_text('dictionaries = ["docs/en.pws", "cspell.json"]\n')
    team = root / "docs" / "en.pws"
    team.write_text("personal_ws-1.1 en 1\nzorblax")
    (root / "cspell.json").write_text('{"words": []}')
    async with fake_editor(root) as client:
        uri = client.open("notes.md", TEXT)
        target = next(d for d in await client.diagnostics_for(uri, 1)
                      if isinstance(d.data, dict) and d.data["text"] == "quenfrid")
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=target.range,
            context=types.CodeActionContext(diagnostics=[target])))
        titles = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
        assert "Add “quenfrid” to dictionary" in titles and "Add “quenfrid” to en.pws" in titles
        assert not any("cspell.json" in t for t in titles)
        chosen = titles["Add “quenfrid” to en.pws"].command
        assert chosen is not None and chosen.arguments is not None
        _, word, file = chosen.arguments
        assert "quenfrid" not in quoted(await after(client, uri, "addWordTo", word, file))
        assert team.read_text() == "personal_ws-1.1 en 1\nzorblax\nquenfrid\n"
        assert [p.name for p in team.parent.iterdir()] == ["en.pws"]
        await command(client, "addWordTo", uri, "plimbert", str(tmp_path / "elsewhere.txt"))
        (refused,) = warnings(client, "elsewhere.txt")
        assert "not one of this document's dictionaries" in refused
        assert not (tmp_path / "elsewhere.txt").exists()
