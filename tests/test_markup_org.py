"""Org: headlines, paragraphs, lists, cells and quotes are prose; blocks, drawers,
keywords, comments and inline code are not."""

from __future__ import annotations

from collections.abc import Callable

from in_process import Ran

from prosewise.agents.model import BlockKind
from prosewise.server.chunks import split
from prosewise.server.markup import canonical, extract, language_for
from prosewise.server.pipeline import Pipeline
from tests.test_markup import assert_cli_flags, assert_flags_exactly, fixture, shape_in

H, P, L, Q, T = (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE,
                 BlockKind.TABLE_CELL)
PLANTED = [("Instalation", "Instalation"), ("startd", "startd"),
           ("documentaton", "documentaton"), ("a add-on", "a"), ("an mistake", "an"),
           ("the the", "the the"), ("recieve", "recieve"), ("Naem", "Naem"),
           ("speling", "speling")]
"""Prose errors in notes.org; its misspellings in keywords, the comment, tags, drawers,
verbatim and code, link targets, math, source and example blocks, a fixed-width line
and a COMMENT subtree draw none."""


def blocks(doc: str) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "org")


def test_notes_read_prose_only() -> None:
    assert blocks(fixture("notes.org")) == [
        (H, "Instalation of the widget"),
        (H, "Getting startd 😀"),
        (P, "The widget checks your prose and leaves X and X alone.\nRead the documentaton"
            " first, or X and\nX; it is a add-on with italic and strong words.\nMath like X"
            " and X and the date X stay out."),
        (Q, "Quotes are prose and this one has an mistake."),
        (H, "Lists and tables"),
        (L, "First item with the the repeat."),
        (L, "A checkbox item."),
        (L, "Term"),
        (L, "The socket to recieve from."),
        (T, "Naem"), (T, "Plain"), (T, "cell"),
        (P, "A caption with speling errors."),
    ]


async def test_notes_flag_planted_errors_only(pipeline: Pipeline) -> None:
    await assert_flags_exactly(pipeline, "notes.org", PLANTED)


def test_crlf_emphasis_rules_and_unclosed_blocks() -> None:
    doc = "* DONE Title\r\nA line with a=b and 2*3*4, not *bold\r\nacross*.\r\n"
    assert blocks(doc) == [(H, "Title"), (P, "A line with a=b and 2*3*4, not *bold\nacross*.")]
    # A block or drawer that never ends is no block (Org reads its lines as a paragraph).
    assert blocks("#+begin_src\nWords here.\n") == [(P, "Words here.")]
    assert blocks(":LOGBOOK:\nWords here.\n") == [(P, ":LOGBOOK:\nWords here.")]
    for broken in ("*", "#+begin_", "[[", "| a |", "- ", ":END:", "* COMMENT", ""):
        extract(broken, "org")


def test_environments_dynamic_blocks_and_inline_source() -> None:
    doc = ("Some text.\n\\begin{equation}\nx = mispeld\n\ny\n\\end{equation}\n"
           "- item with [[file:x.org::*Heading][a descripton]]\n  #+begin_src sh\n"
           "  echo wrogn\n  #+end_src\n- item two src_python{print(1)} and {{{macro(argg)}}}.\n"
           "#+BEGIN: clocktable :scope file\n| clockk |\n#+END:\n")
    assert blocks(doc) == [(P, "Some text."), (L, "item with a descripton"),
                           (L, "item two X and X.")]
    doc = "A mark[fn::An inline footnote typpo.] and more.\n"
    assert blocks(doc) == [(P, "A mark and more."), (P, "An inline footnote typpo.")]


def test_the_language_and_its_chunks() -> None:
    assert language_for("notes.org") == "org"
    assert canonical("org-mode") == "org"
    doc = "#+begin_src python\nx = 1\n\ny = 2\n#+end_src\n\nProse.\n"
    assert split(doc, "org") == [(0, doc)]


def test_cli_reviews_an_org_file(prosewise: Callable[..., Ran]) -> None:
    assert_cli_flags(prosewise, "notes.org", PLANTED, "recieve")
