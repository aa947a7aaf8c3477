"""The per-project language table over stdio: a document is read as the format that
``languages`` names for its ``languageId`` or, where the editor knows no better
("plaintext"), for its suffix; a value that names no format is reported by name and
dropped, and the table's other entries and the editor's apply. A real server on a fake
engine (fake_engine.py): ``teh`` inside a code span is prose only when not read as
Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import PICKY, fake_editor
from test_stores import quoted, warnings

pytestmark = pytest.mark.slow

TEXT = "We recieve `teh` data.\n"


async def test_language_ids_and_suffixes_map_through_the_table(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / ".prosewise.toml").write_text(
        'languages = { ".svx" = "markdown", quarto = "markdwn" }\n')
    options = {**PICKY, "languages": {"quarto": "markdown"}}
    async with fake_editor(root, options=options) as client:
        plain = client.open("notes.txt", TEXT, language="plaintext")
        assert quoted(await client.diagnostics_for(plain, 1)) == {"recieve", "teh"}
        svx = client.open("page.svx", TEXT, language="plaintext")
        assert quoted(await client.diagnostics_for(svx, 1)) == {"recieve"}
        qmd = client.open("report.qmd", TEXT, language="quarto")
        assert quoted(await client.diagnostics_for(qmd, 1)) == {"recieve"}
        (bad,) = warnings(client, "languages.quarto")
        assert str(root / ".prosewise.toml") in bad and "not 'markdwn'); ignored" in bad
