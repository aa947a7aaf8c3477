""""Disable RULE in this file with a comment" over stdio: offered beside the stored
"Disable RULE in this file", its edit writes the control in the format's own comment
syntax below what must stay first (front matter, a ``#!`` line, an encoding line), and
once the editor applies it (a didChange), the rule's findings are gone and the others
stay. Not offered where the format has no comments controls are read from. A real
server on a fake engine (fake_engine.py): ``recieve`` is grammar.spelling, ``a error``
grammar.article."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import FAKE_SERVER, EditorClient, apply_edits, editor, fake_editor
from lsprotocol import types
from test_stores import quoted

pytestmark = pytest.mark.slow

TITLE = "Disable grammar.spelling in this file with a comment"
CASES = [  # (file, languageId, what stays first, the comment inserted, the rest)
    ("notes.md", "markdown", "---\ntitle: “😀”\n---\n",
     "<!-- prosewise: disable grammar.spelling -->\n", "# Notes\n\nWe recieve a error.\n"),
    ("tool.py", "python", "#!/usr/bin/env python\r\n# -*- coding: utf-8 -*-\r\n",
     "# prosewise: disable grammar.spelling\r\n\r\n", '"""We recieve a error."""\r\n'),
    ("paper.tex", "latex", "", "% prosewise: disable grammar.spelling\n",
     "\\documentclass{article}\n\\begin{document}\n😀 We recieve a error.\n\\end{document}\n"),
    ("guide.rst", "restructuredtext", "", ".. prosewise: disable grammar.spelling\n\n",
     "Guide\n=====\n\nWe recieve a error.\n"),
    ("page.svx", "plaintext", "", "<!-- prosewise: disable grammar.spelling -->\n",
     "We recieve a error.\n"),  # read as Markdown, as the project's table says
]


async def actions_for(client: EditorClient, uri: str,
                      target: types.Diagnostic) -> dict[str, types.CodeAction]:
    """The code actions for one diagnostic, by title."""
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=target.range,
        context=types.CodeActionContext(diagnostics=[target])))
    return {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    """The text edits of a workspace edit for ``uri`` (either form)."""
    edit = action.edit
    assert edit is not None and action.command is None
    if edit.document_changes:
        (change,) = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
        return [e for e in change.edits if isinstance(e, types.TextEdit)]
    assert edit.changes is not None
    return list(edit.changes[uri])


# VS Code: a versioned edit (documentChanges), UTF-16; Neovim: plain changes, UTF-8, pulls
@pytest.mark.parametrize("kind", ["visual_studio_code", "neovim"])
@pytest.mark.parametrize(("name", "language", "head", "comment", "rest"), CASES,
                         ids=[c[0] for c in CASES])
async def test_the_comment_hides_the_rule_once_applied(
        tmp_path: Path, kind: str, name: str, language: str, head: str, comment: str,
        rest: str) -> None:
    text = head + rest
    (tmp_path / ".prosewise.toml").write_text('languages = { ".svx" = "markdown" }\n')
    async with editor(kind, tmp_path, flags=("--lite",), server=FAKE_SERVER) as client:
        uri = client.open(name, text, language=language)
        found = await client.diagnostics_for(uri, 1)
        assert quoted(found) == {"recieve", "a"}
        target = next(d for d in found if d.code == "grammar.spelling")
        actions = await actions_for(client, uri, target)
        titles = list(actions)
        assert titles.index(TITLE) == titles.index("Disable grammar.spelling in this file") + 1
        action = actions[TITLE]
        assert action.kind == types.CodeActionKind.QuickFix
        edits = edits_of(action, uri)
        assert apply_edits(text, edits, client.encoding) == head + comment + rest
        mark = client.mark()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                             for e in edits]))
        after = await client.diagnostics_for(uri, 2, after=mark)
        assert quoted(after) == {"a"}  # the other rule's finding stays


async def test_not_offered_without_comments(tmp_path: Path) -> None:
    async with fake_editor(tmp_path) as client:
        for name, language in (("notes.txt", "plaintext"), ("COMMIT_EDITMSG", "git-commit")):
            uri = client.open(name, "We recieve a error.\n", language=language)
            target = next(d for d in await client.diagnostics_for(uri, 1)
                          if d.code == "grammar.spelling")
            titles = await actions_for(client, uri, target)
            assert "Disable grammar.spelling in this file" in titles
            assert TITLE not in titles
