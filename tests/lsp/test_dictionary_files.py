"""Dictionary files (``dictionaries``) in the language server: their words are not
flagged, an edited file counts at the next check without a restart, and a file the
workspace may not name is refused in one message. A real server over stdio, on a fake
engine (fake_engine.py); the test waits for what the server sends, never a pause."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import fake_editor
from test_stores import edit, quoted, warnings

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
