"""AsciiDoc: titles, paragraphs, lists, admonitions, quotes and cells are prose;
listings, literals, passthroughs, comments, attributes and macros' targets are not."""

from __future__ import annotations

from collections.abc import Callable

from in_process import Ran

from prosewise.agents.model import BlockKind
from prosewise.server.chunks import split
from prosewise.server.markup import extract, language_for
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_cli_flags, assert_flags_exactly, fixture, shape_in

H, P, L, Q, T = (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE,
                 BlockKind.TABLE_CELL)
PLANTED = [("Instalation", "Instalation"), ("startd", "startd"),
           ("documentaton", "documentaton"), ("guidde", "guidde"), ("a add-on", "a"),
           ("titel", "titel"), ("an mistake", "an"), ("the the", "the the"),
           ("sentense", "sentense"), ("speling", "speling"), ("recieve", "recieve"),
           ("Naem", "Naem")]
"""Prose errors in manual.adoc; its misspellings in the header, attribute entries,
comments, monospace, link and image targets, attribute references, stem, listing,
literal and passthrough blocks, a literal paragraph, anchors, block macros and a
cell's monospace draw none."""


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "asciidoc")


def test_manual_reads_prose_only() -> None:
    assert blocks(fixture("manual.adoc")) == [
        (H, "Instalation of the Widget"),
        (H, "Getting startd 😀"),
        (P, "The widget checks your prose and leaves X and X alone.\nRead the documentaton"
            " first, or the guidde and\nX; it is a add-on with emphasis and strong words, X"
            " too.\nMath like X and the X icon stay out."),
        (H, "A block titel with an mistake"),
        (Q, "Quotes are prose and the the repeat is found."),
        (P, "Admonitions are prose, so this sentense is flagged."),
        (L, "First item with speling errors."),
        (L, "A done item."),
        (L, "Term"),
        (L, "The socket to recieve from."),
        (T, "Naem"), (T, "Plain"), (T, "cell"),
    ]


async def test_manual_flags_planted_errors_only(pipeline: Pipeline) -> None:
    await assert_flags_exactly(pipeline, "manual.adoc", PLANTED)


def test_crlf_fences_and_broken_input() -> None:
    doc = "Some text:\r\n\r\n```js\r\nlet wrods = 1;\r\n```\r\n\r\nA *bold\r\nline* end.\r\n"
    assert blocks(doc) == [(P, "Some text:"), (P, "A *bold\nline* end.")]
    assert blocks("--\nAn open block.\n--\n") == [(P, "An open block.")]
    for broken in ("----", "|===\n|", "= ", "[source]", "link:x[", "<<", ".", "::", ""):
        extract(broken, "asciidoc")


def test_formatting_marks_only_where_they_format() -> None:
    doc = ("Use snake_case_name, a*b*c, 2*3, *bold* and **un**constrained.\n"
           "[.lead]#Lead# and \"`quoted`\" and _emph_ and #tag.\n")
    assert blocks(doc) == [(P, "Use snake_case_name, a*b*c, 2*3, bold and unconstrained.\n"
                               "Lead and quoted and emph and #tag.")]


def test_a_footnote_is_a_block_after_its_paragraph() -> None:
    doc = "A mark.footnote:[A footnote with a typpo.] and more.\nSecond line.\n\nNext.\n"
    assert blocks(doc) == [(P, "A mark. and more.\nSecond line."),
                           (P, "A footnote with a typpo."), (P, "Next.")]


def test_the_language_and_its_chunks() -> None:
    assert [language_for(n) for n in ("a.adoc", "a.asciidoc", "a.asc")] == ["asciidoc"] * 3
    doc = "----\nx = 1\n\ny = 2\n----\n\nProse.\n"
    assert split(doc, "asciidoc") == [(0, doc)]


def test_cli_reviews_an_asciidoc_file(prosewise: Callable[..., Ran]) -> None:
    assert_cli_flags(prosewise, "manual.adoc", PLANTED, "recieve")
