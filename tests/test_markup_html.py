"""HTML: text nodes are prose; code, scripts, styles, attributes and comments are not."""

from __future__ import annotations

from prosewise.agents.model import BlockKind
from prosewise.server.chunks import split
from prosewise.server.markup import extract
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_flags_exactly, fixture, shape_in

H, P, L, T = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL
PLANTED = [("gude", "gude"), ("startd", "startd"), ("documentaton", "documentaton"),
           ("a\n     <em>", "a"), ("increadibly", "increadibly"), ("an mistake", "an"),
           ("Naem", "Naem"), ("the the", "the the"), ("smal", "smal")]
"""Prose errors in page.html; its misspellings in the style, script, comment, code,
pre, textarea and attribute values (titel-clas, exmaple, Teh titel, altt) draw none."""


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "html")


def test_page_reads_text_nodes_only() -> None:
    assert blocks(fixture("page.html")) == [
        (H, "A gude to the widget"),
        (H, "Getting startd"),
        (P, "The widget checks your prose 😀 and leaves X alone. Read the documentaton first."),
        (P, "Café owners & their staff use it every day, it is a increadibly simple tool."),
        (L, "Each item is prose with an mistake."),
        (L, "Second item\non two lines."),
        (T, "Naem"),
        (T, "Value with the the typo"),
        (P, "A smal note."),
    ]


async def test_page_flags_planted_errors_only(pipeline: Pipeline) -> None:
    await assert_flags_exactly(pipeline, "page.html", PLANTED)


def test_crlf_entities_and_unclosed_elements() -> None:
    doc = "<p>One &nbsp;two\r\n   three<p>Four<ul><li>a<li>b</ul>after <b>bold</b>"
    assert blocks(doc) == [(P, "One  two three"), (P, "Four"), (L, "a"), (L, "b"),
                           (P, "after bold")]


def test_self_closing_and_broken_markup_never_raise() -> None:
    assert blocks("<svg/><p>Text<br/>more</p>") == [(P, "Text\nmore")]
    for doc in ("<", "<p", "</div></div>", "<script>", "&#xZZ;", "<!--", "<code>x"):
        extract(doc, "html")


def test_an_html_document_is_one_chunk() -> None:
    doc = "<p>A.</p>\n\n<pre>\ncode\n\nstill code\n</pre>\n\n<p>B.</p>\n"
    assert split(doc, "html") == [(0, doc)]
    assert blocks(doc) == [(P, "A."), (P, "B.")]
