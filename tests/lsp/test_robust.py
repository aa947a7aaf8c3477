"""The server under input that once killed or stalled it: it keeps serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import editor, position
from lsprotocol import types

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("flags", [(), ("--lite",)])
async def test_a_huge_token_neither_kills_nor_blinds_the_server(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    """A 100,000-character word (a data URI pasted into Markdown) made harper abort the
    server within two seconds; every document lost its diagnostics."""
    huge = f"Token: {'x' * 100_000} here.\n\nWe recieve teh letters.\n"
    other = "She have a cat.\n"
    async with editor("visual_studio_code", tmp_path, flags=flags) as client:
        uri = client.open("huge.md", huge)
        found = await client.diagnostics_for(uri, 1)
        assert {"recieve", "teh"} <= {d.data["text"] for d in found if isinstance(d.data, dict)}
        second = client.open("other.md", other)
        assert await client.diagnostics_for(second, 1)
        at = position(huge, huge.index("recieve") + 2, client.encoding)
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at))
        assert hover is not None
