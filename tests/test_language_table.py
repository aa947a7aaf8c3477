"""The per-project language table (``languages`` in the settings): a language id or a file
suffix the built-in table does not know is read as the format the project names, in the
CLI as in the server (tests/lsp/test_project_languages.py); a value that names no format is
reported by name and dropped. Planted: a misspelling in prose and one in a code span,
which only Markdown's reading leaves out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from in_process import Ran

from prosewise.agents.markup_settings import Format
from prosewise.server.markup import extractors
from prosewise.server.markup.choice import document_language

TEXT = "We recieve `teh` data.\n"
TABLE = 'languages = { ".svx" = "markdown", quarto = "markdwn", ".qmd" = "quarto" }\n'


def test_the_formats_are_the_extractors() -> None:
    """The settings' choices (agents/, which may not import the server) are exactly the
    formats an extractor reads."""
    assert {f.value for f in Format} == set(extractors()) - {"text"}


@pytest.mark.parametrize(("language", "name", "expected"), [
    ("plaintext", "page.svx", "markdown"),  # VS Code's id for a suffix it does not know
    ("svelte", "/w/page.SVX", "markdown"),  # the project's suffix, in any case
    ("quarto", "report.qmd", "html"),  # the project's id before its suffixes
    ("markdown", "x.md.tex", "plaintext"),  # the longest suffix the project lists
    ("latex", "paper.tex", "latex"),  # not in the table: the editor's id
    ("LaTeX", "paper.tex", "latex"),
    ("mdx", "page.mdx", "markdown"),  # an id no extractor reads: the built-in suffixes
    ("svelte", "untitled:Untitled-1", "plaintext"),  # no suffix
])
def test_document_language(language: str, name: str, expected: str) -> None:
    table = {".svx": "markdown", "quarto": "html", ".tex": "latex", ".md.tex": "plaintext"}
    assert document_language(language, name, table) == expected


def quoted(ran: Ran) -> set[str]:
    return {f["text"] for doc in json.loads(ran.stdout)["files"] for f in doc["suggestions"]}


def test_cli_reads_and_finds_a_suffix_as_the_project_says(
        prosewise: Callable[..., Ran], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "page.svx").write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    plain = prosewise("review", "page.svx", "--lite", "--format", "json")
    assert quoted(plain) == {"recieve", "teh"}, plain.stderr
    (tmp_path / ".prosewise.toml").write_text(TABLE)
    ran = prosewise("review", "page.svx", "--lite", "--format", "json")
    assert quoted(ran) == {"recieve"}  # the code span is Markdown's, not prose
    assert (f"{tmp_path / '.prosewise.toml'}: invalid setting languages.quarto (Input should"
            " be 'markdown', 'latex'") in ran.stderr
    assert "not 'markdwn'); ignored, the other settings apply" in ran.stderr
    assert 'invalid setting languages.".qmd" (Input should be' in ran.stderr  # a key, quoted
    walked = prosewise("review", ".", "--lite", "--format", "json")  # a folder: its .svx too
    assert [f["path"] for f in json.loads(walked.stdout)["files"]] == ["./page.svx"]
    assert quoted(walked) == {"recieve"}
    forced = prosewise("review", "page.svx", "--lite", "--format", "json", "--language", "text")
    assert quoted(forced) == {"recieve", "teh"}  # --language wins over the table
