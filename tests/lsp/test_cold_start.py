"""Diagnostics in waves. Cold start: the server publishes before its engines have
loaded, re-publishes as each one is ready (harper, then lingotweaker), and in ``lite``
mode never loads lingotweaker. Per edit: it publishes once harper is done and again
with lingotweaker's hits, carrying the edited sentence's earlier ones meanwhile.

"I am agree" is flagged by lingotweaker only (harper sees nothing there); "She have"
is flagged by harper. Each test runs its own server, as VS Code (push diagnostics).
lingotweaker starts loading only after diagnostics with harper's findings are out
(its load holds the GIL), so some push has harper's findings and not its own. Whether
it was loaded is read from the server process's memory map (its native library is
mapped once loading starts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import PICKY, EditorClient, editor
from lsprotocol import types

from prosewise.server.pipeline import DEFER_CHARS

pytestmark = pytest.mark.slow

TEXT = "She have a cat. I am agree with you.\n"
HARPER_ONLY = "have"
LINGO_ONLY = "am agree"


def loaded_lingotweaker(client: EditorClient) -> bool:
    """Whether the server process has lingotweaker's native library mapped."""
    server = client._server  # the pygls client's server process
    assert server is not None
    return "lt_py" in Path(f"/proc/{server.pid}/maps").read_text()


def quoted(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The texts the diagnostics quote."""
    return {str(d.data["text"]) for d in diagnostics if isinstance(d.data, dict)}


async def publishes_until(client: EditorClient, uri: str, wanted: str
                          ) -> list[list[types.Diagnostic]]:
    """Every push of version 1 of ``uri``, in order, up to the first quoting ``wanted``."""
    seen: list[list[types.Diagnostic]] = []
    after = 0
    while not seen or wanted not in quoted(seen[-1]):
        seen.append(await client.diagnostics_for(uri, 1, after))
        after = 1 + next(i for i in range(after, len(client.published))
                         if client.published[i].uri == uri and client.published[i].version == 1)
    return seen


async def test_diagnostics_come_before_the_engines_and_again_as_each_loads(
    tmp_path: Path,
) -> None:
    async with editor("visual_studio_code", tmp_path, {**PICKY, "partialResults": True}) as client:
        uri = client.open("cold.md", TEXT)
        pushes = [quoted(p) for p in await publishes_until(client, uri, LINGO_ONLY)]
        assert loaded_lingotweaker(client)
    assert LINGO_ONLY not in pushes[0]
    assert any(HARPER_ONLY in p and LINGO_ONLY not in p for p in pushes)
    assert HARPER_ONLY in pushes[-1]


async def test_lite_never_loads_lingotweaker(tmp_path: Path) -> None:
    options = {**PICKY, "lite": True, "partialResults": True}
    async with editor("visual_studio_code", tmp_path, options) as client:
        uri = client.open("lite.md", TEXT)
        first = await publishes_until(client, uri, HARPER_ONLY)
        second = client.open("second.md", "Another text. " * 200 + TEXT)
        again = await publishes_until(client, second, HARPER_ONLY)
        assert not loaded_lingotweaker(client)
    assert all(LINGO_ONLY not in quoted(p) for p in first + again)


async def test_an_edit_publishes_with_harper_then_with_lingotweaker_without_blinking(
    tmp_path: Path,
) -> None:
    async with editor("visual_studio_code", tmp_path, {**PICKY, "partialResults": True}) as client:
        uri = client.open("edit.md", TEXT)
        await publishes_until(client, uri, LINGO_ONLY)  # every engine has loaded
        mark = client.mark()
        edited = TEXT.replace("with you", "with you all")  # the lingotweaker-only sentence
        end = types.Position(line=0, character=len(TEXT.rstrip("\n")) - 1)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=end, end=end), text=" all")],
        ))
        first = await client.diagnostics_for(uri, 2, mark)
        at = next(i for i in range(mark, len(client.published))
                  if client.published[i].uri == uri and client.published[i].version == 2)
        second = await client.diagnostics_for(uri, 2, at + 1)
    assert edited.endswith("with you all.\n")
    assert {HARPER_ONLY, LINGO_ONLY} <= quoted(first)  # carried over, not blinking off
    assert {HARPER_ONLY, LINGO_ONLY} <= quoted(second)  # lingotweaker's own, fresh


async def test_a_large_document_shows_the_rule_agents_first_then_the_engines(
    tmp_path: Path,
) -> None:
    """Opened once harper is loaded, a document over ``DEFER_CHARS`` is first published
    with the rule agents' findings alone, then with harper's (lite: one engine is
    enough to see the waves, and cheaper)."""
    paragraph = "Part {} is late due to the fact that it rained. " + TEXT
    big = "\n".join(paragraph.format(i) for i in range(DEFER_CHARS // len(paragraph) + 1))
    options = {**PICKY, "lite": True, "partialResults": True}
    async with editor("visual_studio_code", tmp_path, options) as client:
        await publishes_until(client, client.open("warm.md", TEXT), HARPER_ONLY)
        pushes = [quoted(p) for p in await publishes_until(client, client.open("big.md", big),
                                                           HARPER_ONLY)]
    assert "due to the fact that" in pushes[0] and HARPER_ONLY not in pushes[0]
    assert {HARPER_ONLY, "due to the fact that"} <= pushes[-1]
