"""Comments and docstrings in source code: their prose is checked, code never is."""

from __future__ import annotations

import pytest

from prosewise.agents.model import BlockKind
from prosewise.agents.settings import Settings
from prosewise.server.chunks import split
from prosewise.server.markup import SUFFIXES, canonical, extract, language_for
from prosewise.server.markup.codewords import prose_line
from prosewise.server.pipeline import Pipeline
from tests.test_markup import FIXTURES, assert_exact

CORPUS = {
    "sample.py": [("recieving", "recieving"), ("the the", "the the"), ("a error", "a"),
                  ("untill", "untill"), ("teh", "teh")],
    "sample.ts": [("configuraton", "configuraton"), ("a array", "a")],
    "sample.js": [("wrods", "wrods"), ("whitspace", "whitspace")],
    "sample.go": [("wrods", "wrods"), ("alocates", "alocates"), ("simpel", "simpel")],
    "sample.rs": [("wrods", "wrods"), ("everthing", "everthing")],
    "Sample.java": [("sesion", "sesion"), ("is is", "is is")],
    "sample.c": [("numbr", "numbr"), ("eror", "eror"), ("implemeted", "implemeted")],
    "sample.cpp": [("numbr", "numbr"), ("eror", "eror"), ("implemeted", "implemeted"),
                   ("beter", "beter")],
    "sample.sh": [("hapen", "hapen"), ("mesage", "mesage")],
}
"""Per file, the prose errors planted in comments: where each is (first occurrence) and
what is flagged. Every file also misspells identifiers, strings, paths, URLs, doc tags
and commented-out code, which must draw nothing: the flagged set is exactly these."""


def blocks(doc: str, language: str) -> list[str]:
    found = extract(doc, language)
    assert_exact(doc, found)
    assert all(b.kind is BlockKind.COMMENT for b in found)
    return [b.text for b in found]


@pytest.mark.parametrize("name", sorted(CORPUS))
async def test_corpus_flags_prose_in_comments_and_no_code(pipeline: Pipeline, name: str) -> None:
    doc = (FIXTURES / "code" / name).read_text(encoding="utf-8")
    review = await pipeline.review(doc, language_for(name), Settings())
    for f in review.shown:
        assert doc[f.start:f.end] == f.text
    planted = {(doc.index(needle), doc.index(needle) + len(word)) for needle, word in CORPUS[name]}
    assert {(f.start, f.end) for f in review.shown} == planted, [f.text for f in review.shown]


def test_python_docstrings_and_comment_runs() -> None:
    doc = ('"""Module docs.\n\n    Second paragraph\n    of docs.\n"""\n'
           "x = 1  # Trailing note.\n"
           "# First line\n#   second line.\n#\n# Next paragraph.\n"
           's = "# a string"\n')
    assert blocks(doc, "python") == ["Module docs.", "Second paragraph\nof docs.",
                                     "Trailing note.\nFirst line\nsecond line.",
                                     "Next paragraph."]


def test_block_comments_lose_their_gutter_and_markers() -> None:
    doc = "/**\n * One two.\n *\n * Three four.\n */\nint x; /* inline */\n"
    assert blocks(doc, "c") == ["One two.", "Three four.", "inline"]


def test_code_in_comments_is_never_read() -> None:
    doc = ("// x = compute(y);\n// if (a == b) {\n// return foo(bar);\n"
           "// Uses the fetchDatta() and parse_rsult helpers from src/lib.rs.\n"
           "// See https://exmaple.com/docz and --dry-runn.\n"
           "// ```\n// let y = 1\n// ```\n")
    assert blocks(doc, "rust") == ["Uses the X and X helpers from X.\nSee X and X."]


def test_names_from_the_code_are_not_prose() -> None:
    doc = "def f(sockt):\n    # Reads from sockt until done.\n    return sockt\n"
    assert blocks(doc, "python") == ["Reads from X until done."]


def test_directives_and_labels() -> None:
    for line in ("noqa: E501", "type: ignore[misc]", "eslint-disable-next-line", "-*- coding -*-",
                 "SPDX-License-Identifier: MIT", "@author Someone", "TODO"):
        assert prose_line(line) is None, line
    assert prose_line("TODO(ann): Fix it.") == len("TODO(ann): ")
    assert prose_line("A plain sentence.") == 0


def test_crlf_and_emoji_positions_are_exact() -> None:
    doc = "x = 1\r\n# 😀 One line,\r\n# two lines.\r\n"
    (block,) = extract(doc, "shellscript")
    assert block.text == "😀 One line,\ntwo lines."
    assert block.to_doc(block.text.index("two"), block.text.index("two") + 3) == (
        doc.index("two"), doc.index("two") + 3)


def test_language_ids_suffixes_and_chunks() -> None:
    assert language_for("a.PY") == "python" and language_for("x.tsx") == "typescriptreact"
    assert {canonical(x) for x in ("sh", "bash", "zsh")} == {"shellscript"}
    doc = '"""A docstring\n\nwith a blank line."""\n\n# Comment.\n'
    assert split(doc, "python") == [(0, doc)]  # a docstring may hold blank lines
    assert len(blocks(doc, "python")) == 3
    assert {language_for(f"x{s}") for s in SUFFIXES} >= {"go", "rust", "java", "c", "cpp"}


def test_unlexable_input_never_raises() -> None:
    for language in ("python", "c", "shellscript", "rust"):
        for doc in ('"""', "/*", "#", "'''\n# x", "\0\ufffd", ""):
            extract(doc, language)


async def test_comments_may_start_in_lower_case(pipeline: Pipeline) -> None:
    doc = "x = 1  # set the flag\n# this one too. and a erorr here.\n"
    review = await pipeline.review(doc, "python", Settings())
    assert sorted(f.text for f in review.shown) == ["a", "erorr"]
    prose = await pipeline.review("set the flag. and this.\n", "plaintext", Settings())
    assert any(f.rule == "grammar.capitalization" for f in prose.shown)


def test_quantities_with_units_are_not_words() -> None:
    doc = "# Waits 0.5 s, reads 300 KB in 2 ms: 10x faster in 2 steps.\n"
    assert blocks(doc, "python") == ["Waits X, reads X in X: X faster in 2 steps."]


def test_minified_files_are_not_read() -> None:
    bundle = "/* A mispeled note. */ var a=1;" + "function f(b){return b*2}" * 40
    assert blocks(bundle, "javascript") == []
    written = "/* A note. */\n" + "function f(b){return b*2}\n" * 40
    assert blocks(written, "javascript") == ["A note."]
