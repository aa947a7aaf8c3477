"""Typst: markup is prose; code, math, raw text, comments, labels and references are
not, but content blocks inside code are."""

from __future__ import annotations

from collections.abc import Callable

from in_process import Ran

from prosewise.agents.model import BlockKind
from prosewise.server.chunks import split
from prosewise.server.markup import extract, language_for
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_cli_flags, assert_flags_exactly, fixture, shape_in

H, P, L = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM
PLANTED = [("Instalation", "Instalation"), ("documentaton", "documentaton"),
           ("a add-on", "a"), ("captoin", "captoin"), ("an mistake", "an"),
           ("the the", "the the"), ("speling", "speling"), ("recieve", "recieve"),
           ("typpo", "typpo"), ("braanch", "braanch"), ("erorr", "erorr"), ("Naem", "Naem")]
"""Prose errors in report.typ; its misspellings in comments, set/import/let lines,
raw text and blocks, a call's arguments, link targets, math, labels, references, a
field access and strings in code draw none."""


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "typst")


def test_report_reads_markup_only() -> None:
    assert blocks(fixture("report.typ")) == [
        (H, "Instalation of the Widget"),
        (P, "The widget checks your prose 😀 and leaves X and X alone.\nRead the documentaton"
            " first, or see X and\nX; it is a add-on with emphasis and strong words.\nMath like"
            " X and X stay out.  The end."),
        (P, "A figure captoin"),
        (P, "Notes are prose and this one has an mistake."),
        (H, "Lists"),
        (L, "First item with the the repeat."),
        (L, "Numbered item with speling errors."),
        (L, "Term: The socket to recieve from."),
        (P, "Conditional prose with a typpo."),
        (P, "Other braanch."),
        (P, "Content in code with an erorr."),
        (P, "Naem"),
    ]


async def test_report_flags_planted_errors_only(pipeline: Pipeline) -> None:
    await assert_flags_exactly(pipeline, "report.typ", PLANTED)


def test_crlf_headings_with_markup_and_broken_input() -> None:
    doc = "== A *bold* head <sec>\r\n\r\nOne line\r\nand #emph[two] with \\#hash.\r\n"
    assert blocks(doc) == [(H, "A bold head"), (P, "One line\nand two with #hash.")]
    assert blocks("#set text(size: 10pt)\nProse after [brackets] stays.\n") == [
        (P, "Prose after [brackets] stays.")]
    for broken in ("#", "#f(", "#f[", "$x", "```", "/* open", "[", "]", "= ", "#{", ""):
        extract(broken, "typst")


def test_what_lexers_lose_their_place_on() -> None:
    # An escaped dollar is no math; a bracket after a call's arguments is its content; a
    # call on lines of its own is a block; "a@b" is no reference; comments nest.
    doc = ("It costs 5\\$ and #box(width: 1em)[a boxed wrod].\n#block(\n  inset: 2pt,\n)[\n"
           "  Inside the blok.\n]\nMail a@b.co or see @intro. /* a /* nested */ note */ End.\n"
           "#let open = `(`\nAfter the raw.\n")
    assert blocks(doc) == [
        (P, "It costs 5$ and a boxed wrod."), (P, "Inside the blok."),
        (P, "Mail X or see X.  End.\nAfter the raw."),
    ]


def test_the_language_and_its_chunks() -> None:
    assert language_for("report.typ") == "typst"
    doc = "#figure(\n  caption: [One.\n\nTwo.],\n)\n\nProse.\n"
    assert split(doc, "typst") == [(0, doc)]
    assert blocks(doc) == [(P, "One."), (P, "Two."), (P, "Prose.")]


def test_cli_reviews_a_typst_file(prosewise: Callable[..., Ran]) -> None:
    assert_cli_flags(prosewise, "report.typ", PLANTED, "recieve")
