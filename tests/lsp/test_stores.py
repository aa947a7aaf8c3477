"""The workspace stores (``.prosewise/dictionary.txt``, ``ignores.json``) under several
writers, damage, a read-only workspace and documents that belong to no workspace.

Real servers over stdio, on a fake engine (fake_engine.py); what a test waits for is
what the server sends (a command's answer, a publish), never a pause.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from editor import EditorClient, data_dir, fake_editor
from filelock import FileLock
from lsprotocol import types

from prosewise.server.lsp.learning import FILENAME, LearningStore

pytestmark = pytest.mark.slow

TEXT = "We recieve the zorblax from quenfrid and plimbert near the vostrel.\n"
PER_WRITER = 8
"""Words each writer adds at the same time as the others."""


def quoted(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The texts the diagnostics quote."""
    return {str(d.data["text"]) for d in diagnostics if isinstance(d.data, dict)}


def warnings(client: EditorClient, about: str) -> list[str]:
    """The window/showMessage texts mentioning ``about``."""
    return [m.message for m in client.messages if about in m.message]


async def command(client: EditorClient, name: str, *args: object) -> None:
    """Run one of the server's commands and wait for its answer."""
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=f"prosewise.{name}", arguments=list(args)))


async def edit(client: EditorClient, uri: str, version: int, text: str) -> list[types.Diagnostic]:
    """Replace the whole text; the diagnostics of the new version."""
    mark = client.mark()
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    return await client.diagnostics_for(uri, version, after=mark)


async def after(client: EditorClient, uri: str, name: str, *args: object) -> list[types.Diagnostic]:
    """Run a command that changes the stores; the re-check it causes."""
    mark = client.mark()
    await command(client, name, uri, *args)
    return await client.diagnostics_for(uri, 1, after=mark)


async def open_checked(client: EditorClient, uri: str) -> list[types.Diagnostic]:
    """Open ``TEXT`` under any URI (``client.open`` writes a file under the root first)."""
    item = types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=TEXT)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    return await client.diagnostics_for(uri, 1)


def words_in(root: Path) -> list[str]:
    return (root / ".prosewise" / "dictionary.txt").read_text(encoding="utf-8").split()


async def test_two_servers_and_a_script_keep_every_word_and_rule(tmp_path: Path) -> None:
    """Two editor windows on one workspace adding words and switching rules off while a
    script appends to the dictionary: before, each window rewrote the file from what it
    had read at start, and only the last writer's words survived."""
    async with fake_editor(tmp_path) as a, fake_editor(tmp_path) as b:
        uri = a.open("notes.md", TEXT)
        b.open("notes.md", TEXT)
        first = await a.diagnostics_for(uri, 1)
        assert {"zorblax", "quenfrid", "plimbert"} <= quoted(first)
        await b.diagnostics_for(uri, 1)
        folder = tmp_path / ".prosewise"

        def script() -> None:
            """Another tool that takes the documented lock and appends lines."""
            for i in range(PER_WRITER):
                folder.mkdir(exist_ok=True)
                with FileLock(folder / ".lock"), (folder / "dictionary.txt").open("a") as f:
                    f.write(f"script{i}\n" if i else "plimbert\n")

        first_words = {a: "zorblax", b: "quenfrid"}
        await asyncio.gather(
            *(command(c, "addWord", uri, f"{n}{i}" if i else first_words[c])
              for i in range(PER_WRITER) for c, n in ((a, "alpha"), (b, "beta"))),
            *(command(c, "disableRuleInWorkspace", uri, f"{n}.rule{i}")
              for i in range(PER_WRITER) for c, n in ((a, "a"), (b, "b"))),
            *(command(c, "ignoreOccurrence", uri, "style.unseen", "vostrel", f"{n}{i}")
              for i in range(PER_WRITER) for c, n in ((a, "a"), (b, "b"))),
            asyncio.to_thread(script),
        )
        expected = {"zorblax", "quenfrid", "plimbert",
                    *(f"{n}{i}" for i in range(1, PER_WRITER) for n in ("alpha", "beta", "script"))}
        assert sorted(words_in(tmp_path)) == sorted(expected)
        ignores = json.loads((folder / "ignores.json").read_text(encoding="utf-8"))
        rules = {f"{n}.rule{i}" for i in range(PER_WRITER) for n in "ab"}
        assert sorted(ignores["workspace_rules"]) == sorted(rules)
        contexts = [o["context"] for o in ignores["occurrences"]["notes.md"]]
        assert sorted(contexts) == sorted(f"{n}{i}" for i in range(PER_WRITER) for n in "ab")
        learnt = LearningStore(data_dir(tmp_path) / FILENAME).feedback(tmp_path)
        assert learnt["style.unseen"].dismissed == 2 * PER_WRITER  # sqlite's own lock
        # each window now checks with the other's and the script's words
        for client in (a, b):
            again = await edit(client, uri, 2, TEXT + "\nOne more line.\n")
            assert "recieve" in quoted(again)
            assert not {"zorblax", "quenfrid", "plimbert"} & quoted(again)


async def test_a_word_pulled_in_between_is_kept(tmp_path: Path) -> None:
    """``git pull`` brings a word between two "add word" actions: the second rewrite
    starts from the file as it is then."""
    async with fake_editor(tmp_path) as client:
        uri = client.open("notes.md", TEXT)
        await after(client, uri, "addWord", "zorblax")
        with (tmp_path / ".prosewise" / "dictionary.txt").open("a", encoding="utf-8") as f:
            f.write("# from a teammate\nquenfrid\n")
        found = await after(client, uri, "addWord", "plimbert")
        assert not {"zorblax", "quenfrid", "plimbert"} & quoted(found)
    text = (tmp_path / ".prosewise" / "dictionary.txt").read_text(encoding="utf-8")
    assert text == "zorblax\n# from a teammate\nquenfrid\nplimbert\n"
    # and CI (prosewise review) reads the words the editor saved
    cli = [sys.executable, "-m", "prosewise.server", "review", "notes.md", "--format", "json",
           "--profile", "picky", "--lite"]
    review = subprocess.run(cli, cwd=tmp_path, capture_output=True, check=False, timeout=300)
    (report,) = json.loads(review.stdout)["files"]
    flagged = {s["text"] for s in report["suggestions"]}
    assert "recieve" in flagged and not {"zorblax", "quenfrid", "plimbert"} & flagged


DAMAGED = {
    "bad byte in dictionary.txt": ("dictionary.txt", b"zorblax\nquen\xfffrid\nplimbert\n", 2),
    "bad byte in ignores.json": (
        "ignores.json",
        b'{"workspace_rules": ["style.x"],\n "file_rules": {"n\xfftes.md": []}}\n', 2),
    "merge conflict in ignores.json": (
        "ignores.json", b'{"workspace_rules": ["style.x"],\n<<<<<<< HEAD\n', 2),
}


@pytest.mark.parametrize("case", list(DAMAGED))
async def test_a_damaged_store_is_reported_once_and_checking_goes_on(
    tmp_path: Path, case: str
) -> None:
    """A bad byte (or a merge conflict) in a store: one message naming the file and the
    line, diagnostics, hover and code actions as usual; the damaged ignores.json is
    copied aside before the first rewrite. Before, the documents got no diagnostics and
    every request an error, and invalid JSON was silently overwritten."""
    name, damaged, line = DAMAGED[case]
    folder = tmp_path / ".prosewise"
    folder.mkdir()
    store = folder / name
    store.write_bytes(damaged)
    async with fake_editor(tmp_path) as client:
        uri = client.open("notes.md", TEXT)
        found = await client.diagnostics_for(uri, 1)
        assert "recieve" in quoted(found)
        assert ("zorblax" in quoted(found)) == (name != "dictionary.txt")
        second = client.open("more.md", "She recieve a letter.\n")
        await client.diagnostics_for(second, 1)
        said = warnings(client, str(store))
        assert len(said) == 1 and f"line {line} " in said[0], said
        target = next(d for d in found if quoted([d]) == {"recieve"})
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=target.range.start))
        assert hover is not None
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=target.range,
            context=types.CodeActionContext(diagnostics=[target])))
        assert actions
        rule = str(target.code)
        assert "recieve" not in quoted(await after(client, uri, "disableRuleInWorkspace", rule))
        assert "vostrel" not in quoted(await after(client, uri, "addWord", "vostrel"))
    if name == "ignores.json":
        asides = list(folder.glob("ignores.json.corrupt-*"))
        assert [p.read_bytes() for p in asides] == [damaged]
        assert rule in json.loads(store.read_text(encoding="utf-8"))["workspace_rules"]
    else:
        assert store.read_bytes() == damaged + b"vostrel\n"


def read_only_launcher() -> tuple[str, ...]:
    """Root writes anywhere: drop the capabilities that let it, so modes count."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")


async def test_a_read_only_workspace_keeps_actions_for_the_session(tmp_path: Path) -> None:
    """Before, each action failed with an OSError the writer never saw, and the word
    came back after the next edit's check... or stayed, and came back after a restart."""
    root = tmp_path / "ws"
    root.mkdir()
    (root / "notes.md").write_text(TEXT, encoding="utf-8")
    root.chmod(0o555)
    try:
        async with fake_editor(root, launcher=read_only_launcher()) as client:
            uri = (root / "notes.md").as_uri()
            assert "zorblax" in quoted(await open_checked(client, uri))
            assert "zorblax" not in quoted(await after(client, uri, "addWord", "zorblax"))
            found = await after(client, uri, "disableRuleInFile", "grammar.spelling")
            assert not {"recieve", "quenfrid"} & quoted(found)
            assert not {"zorblax", "recieve"} & quoted(await edit(client, uri, 2, TEXT + "Hi.\n"))
            said = warnings(client, "cannot save")
            assert len(said) == 1 and "this session only" in said[0], said
    finally:
        root.chmod(0o755)
    assert not (root / ".prosewise").exists()


async def test_add_word_takes_one_word(tmp_path: Path) -> None:
    """A newline in the word used to add two words."""
    async with fake_editor(tmp_path) as client:
        uri = client.open("notes.md", TEXT)
        await client.diagnostics_for(uri, 1)
        for bad in ("zorblax\nquenfrid", "zorblax quenfrid", ""):
            await command(client, "addWord", uri, bad)
        await after(client, uri, "addWord", "vostrel")
        assert len(warnings(client, "cannot add")) == 3
    assert words_in(tmp_path) == ["vostrel"]


async def test_documents_outside_the_workspace_write_nothing(tmp_path: Path) -> None:
    """An ``untitled:`` buffer's "add word" wrote ``.prosewise/`` into the server's
    working folder; a file outside the workspace got one beside it."""
    root, elsewhere, cwd = tmp_path / "ws", tmp_path / "elsewhere", tmp_path / "cwd"
    for folder in (root, elsewhere, cwd):
        folder.mkdir()
    outside = elsewhere / "draft.md"
    outside.write_text(TEXT, encoding="utf-8")
    async with fake_editor(root, cwd=cwd) as client:
        uris = ("untitled:Untitled-1", outside.as_uri())
        for uri in uris:
            assert "zorblax" in quoted(await open_checked(client, uri))
        # kept for the session, for every document in no workspace folder
        for name, uri, arg, hidden in (("addWord", uris[0], "zorblax", "zorblax"),
                                       ("disableRuleInWorkspace", uris[1], "grammar.spelling",
                                        "recieve")):
            mark = client.mark()
            await command(client, name, uri, arg)
            for each in uris:  # the action re-checks both: wait for both
                assert hidden not in quoted(await client.diagnostics_for(each, 1, after=mark))
        for uri in uris:
            assert not {"zorblax", "recieve"} & quoted(await edit(client, uri, 2, TEXT + "Hi.\n"))
        assert len(warnings(client, "not in a workspace folder")) == 1
    assert [p.name for p in (*cwd.iterdir(), *elsewhere.iterdir(), *root.iterdir())] == ["draft.md"]
