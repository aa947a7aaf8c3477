"""reStructuredText: docutils' tree says what is prose; each run is found in the source."""

from __future__ import annotations

from pathlib import Path

from prosewise.agents.model import BlockKind
from prosewise.server.markup import extract
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_flags_exactly, fixture, shape_in

H, P, L = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM
PLANTED = [("Instalation", "Instalation"), ("documentaton", "documentaton"),
           ("a add-on", "a"), ("an mistake", "an"), ("the the", "the the"),
           ("recieve", "recieve"), ("speling", "speling")]
"""Prose errors in guide.rst; its misspellings in the comment, literals, roles, targets,
substitution definition, code, literal and doctest blocks, an unknown directive's
options, field names and citations draw none."""


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "restructuredtext")


def test_guide_reads_prose_only() -> None:
    assert blocks(fixture("guide.rst")) == [
        (H, "Instalation of Widget"),
        (P, "The widget checks your prose 😀 and leaves X alone. Call\nX or read the"
            " documentaton\nfirst; X is a add-on. Bare links like X stay\nunchecked, and"
            " footnote marks X and citations X are not read."),
        (P, "Notes are prose and this one has an mistake."),
        (L, "First item with the the repeat."),
        (L, "Second item."),
        (P, "The socket to recieve from."),
        (P, "A footnote with speling errors."),
    ]


async def test_guide_flags_planted_errors_only(pipeline: Pipeline) -> None:
    await assert_flags_exactly(pipeline, "guide.rst", PLANTED)


def test_text_is_found_after_code_that_repeats_it() -> None:
    doc = "::\n\n   Same words here.\n\nSame words here.\n"
    (block,) = extract(doc, "restructuredtext")
    assert block.doc_start == doc.rindex("Same")


def test_escapes_and_crlf() -> None:
    doc = "Title\r\n=====\r\n\r\nAn escaped \\*star and a\r\nsecond line.\r\n"
    assert blocks(doc) == [(H, "Title"), (P, "An escaped *star and a\nsecond line.")]


def test_no_file_is_included_and_broken_input_never_raises(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret sentence.", encoding="utf-8")
    doc = f".. include:: {secret}\n\n.. raw:: html\n\n   <p>Raw words.</p>\n\nProse.\n"
    assert blocks(doc) == [(P, "Prose.")]
    for broken in ("=====", "* ", ".. ::", "`unclosed", "+--+\n| x\n", ""):
        extract(broken, "restructuredtext")
