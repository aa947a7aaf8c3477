"""The Markdown extractor: only prose reaches the agents, and every run maps back exactly."""

from __future__ import annotations

import itertools
import logging
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from in_process import Ran

from prosewise.agents.model import Block, BlockKind
from prosewise.agents.settings import Settings
from prosewise.server.markup import extract, language_for
from prosewise.server.markup.markdown import extract_markdown
from prosewise.server.markup.plaintext import extract_plaintext
from prosewise.server.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "markup"
P, H, L, Q, T = (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.QUOTE,
                 BlockKind.TABLE_CELL)


def fixture(name: str) -> str:
    """A fixture's text, exactly as stored (no newline translation)."""
    return (FIXTURES / name).read_bytes().decode("utf-8")


def assert_exact(doc: str, blocks: list[Block]) -> None:
    """Every segment copies the document verbatim, in order, with no run claimed twice."""
    spans = []
    for b in blocks:
        starts = [s.doc_start for s in b.segments]
        assert starts == sorted(starts), b
        for s in b.segments:
            assert doc[s.doc_start:s.doc_start + s.length] == \
                b.text[s.block_start:s.block_start + s.length], (b, s)
            spans.append((s.doc_start, s.doc_start + s.length))
    spans.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans


def shape_in(doc: str, language: str, **options: Any) -> list[tuple[BlockKind, str]]:
    """Kinds and texts of the blocks of ``doc`` read as ``language``, maps checked."""
    blocks = extract(doc, language, **options)
    assert_exact(doc, blocks)
    return [(b.kind, b.text) for b in blocks]


async def assert_flags_exactly(pipeline: Pipeline, name: str,
                               planted: list[tuple[str, str]]) -> None:
    """Reviewing fixture ``name`` (its language by its name) flags exactly the planted
    errors: ``(where, what)``, the flagged text ``what`` at the first ``where``."""
    doc = fixture(name)
    review = await pipeline.review(doc, language_for(name), Settings())
    assert {(f.start, f.end) for f in review.shown} == {
        (doc.index(where), doc.index(where) + len(what)) for where, what in planted
    }, [f.text for f in review.shown]


def assert_cli_flags(prosewise: Callable[..., Ran], name: str, planted: list[tuple[str, str]],
                     word: str) -> None:
    """``prosewise review`` of fixture ``name`` reports as many findings as ``planted``,
    one on ``word`` (its first occurrence) at its line and column."""
    path = FIXTURES / name
    run = prosewise("review", str(path), "--color", "never", "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    flagged = [x for x in run.stdout.splitlines() if re.match(rf"{re.escape(str(path))}:\d+:", x)]
    assert len(flagged) == len(planted), run.stdout
    doc = fixture(name)
    at = doc.index(word)
    line, column = doc.count("\n", 0, at) + 1, at - doc.rfind("\n", 0, at)
    assert any(f"{name}:{line}:{column} " in x for x in flagged), flagged


def shape_exact(doc: str) -> list[Block]:
    """The extracted blocks, after checking their maps."""
    blocks = extract_markdown(doc)
    assert_exact(doc, blocks)
    return blocks


def shape(doc: str) -> list[tuple[BlockKind, str]]:
    """Kinds and texts of the extracted blocks, after checking their maps."""
    return [(b.kind, b.text) for b in shape_exact(doc)]


def test_traps_only_prose_is_extracted() -> None:
    assert shape(fixture("traps.md")) == [
        (H, "Getting startd with the widget"),
        (P, "The widget checks your prose and leaves code alone. Run X to start."),
        (P, "Read the documentaton before you begin,\nor jump to the refrence section and the "
            "shortcut."),
        (P, "Bare links like X and X\nand mail to X stay unchecked. So does X."),
        (P, "Inline markup keeps its text, and  vanishes."),
        (P, "The formula X is inline math, and this is a block:"),
        (T, "Column"), (T, "Meaning"), (T, "Sets the widgt mode."), (T, "Bold cell"),
        (T, "Plain text cell."),
        (Q, "A quoted paragraph with a Y span\nthat continus on a second line."),
        (L, "A list item with emphsis and strong words."),
        (L, "Another item with an image of the flow inline."),
        (P, "Escaped *stars* and & entities stay in place, and prices of $5 and $10 are prose."),
        (P, "An emoji 😀 comes before a mistaek in this sentence."),
    ]


def test_nested_containers_give_the_innermost_kind() -> None:
    assert shape(fixture("nested.md")) == [
        (H, "Setext heading with style"),
        (Q, "A quote that holds a list:"),
        (L, "first point in the quote\nwith a lazy continuation"),
        (L, "second point with X"),
        (Q, "A nested quote, two markers deep."),
        (L, "Ordered item one."),
        (L, "Ordered item two has a hard break\nright here, and a backslash break\nright there."),
        (L, "A second paragraph inside item two."),
        (L, "A nested bullet."),
        # cells holding an escaped pipe are not verbatim: left unchecked rather than mis-mapped
        (T, "Left"), (T, "Right"), (T, "one"), (T, "four"),
        (P, "Term with trailing hashes"),
        (H, "Heading two"),
        (P, "Text with a footnote reference in it."),
        (P, "The footnote text is prose too.\nIt continues here."),
        (P, "Struck text is still prose, and Ctrl+C copies."),
    ]


def test_unicode_and_tabs_keep_code_point_offsets() -> None:
    doc = fixture("unicode.md")
    assert shape(doc) == [
        (H, "Ünïcödé 🚀 heading"),
        (P, "Emoji 😀 and 🇳🇴 flags sit before bold 𝒳 text and a link 🔗."),
        (L, "Item\twith a tab and X inside."),
        (L, "Item after a tab marker."),
        (P, "Combining é and CJK 漢字 stay intact, as does a zero-width joiner 👩\u200d💻 here."),
    ]
    para = extract_markdown(doc)[1]
    start = para.text.index("𝒳 text")
    assert para.to_doc(start, start + 6) == (doc.index("𝒳 text"), doc.index("𝒳 text") + 6)


@pytest.mark.parametrize("doc, texts", [
    ("Run `npm install` to start.", ["Run X to start."]),
    ("Install a `pkg` now.", ["Install a Y now."]),
    ("**bold** word", ["bold word"]),
    ("[the docs](http://x.io 'Title') and [ref][r]\n\n[r]: /url", ["the docs and ref"]),
    ("> one\n> two\n>   three", ["one\ntwo\nthree"]),
    ("  - a\n    b", ["a\nb"]),
    (r"\*not emphasis\* &amp; &copy;", ["*not emphasis* & ©"]),
    ("Costs $5 and $10, but $x^2$ is math.", ["Costs $5 and $10, but X is math."]),
    ("$$\nx = y\n$$\n\nText.", ["Text."]),
    ("+++\ntitle = 'x'\n+++\nBody.", ["Body."]),
    ("---\ntitle: x\n---\nBody.", ["Body."]),
    ("See https://a.io/x_y_z, www.b.org and c@d.io.", ["See X, X and X."]),
    ("<div>\nblock html\n</div>\n\n<!-- note -->\n\nAfter.", ["After."]),
    ("```\ncode\n```\n\n    more code\n\nProse.", ["Prose."]),
    ("![alt text](pic.png)", ["alt text"]),
    ("Line one<br>line two, <b>bold</b><!-- x -->.", ["Line one\nline two, bold."]),
    ("", []),
    ("\n\n  \n", []),
])
def test_prose_text(doc: str, texts: list[str]) -> None:
    assert [text for _, text in shape(doc)] == texts


def test_emphasis_splits_segments_at_markup() -> None:
    doc = "A **bold** claim."
    (block,) = extract_markdown(doc)
    assert [(s.block_start, s.doc_start, s.length) for s in block.segments] == [
        (0, 0, 2), (2, 4, 4), (6, 10, 7)]
    assert block.to_doc(2, 6) == (4, 8)
    assert block.to_doc(0, 7) is None, "a span across markup cannot be fixed in one edit"


def test_reference_links_resolve_per_document() -> None:
    """Inline tokens are cached by content: the document's link labels are part of the key."""
    assert shape("See [docs].") == [(P, "See [docs].")]
    assert shape("See [docs].\n\n[docs]: /url") == [(P, "See docs.")]


def test_repeated_paragraphs_map_to_their_own_place() -> None:
    doc = "Same *words* here.\n\n> Same *words* here.\n\nSame *words* here."
    starts = [b.segments[1].doc_start for b in shape_exact(doc)]
    assert starts == [6, 28, 48]
    assert all(doc[s:s + 5] == "words" for s in starts)


def test_placeholder_maps_to_nothing() -> None:
    (block,) = extract_markdown("Run `npm` now.")
    x = block.text.index("X")
    assert block.to_doc(x, x + 1) is None


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_segments_are_exact_in_every_fixture(name: str, newline: str) -> None:
    doc = fixture(name).replace("\n", newline)
    blocks = extract_markdown(doc)
    assert_exact(doc, blocks)
    assert len(blocks) >= 5
    if newline == "\r\n":
        plain = [b.text for b in extract_markdown(fixture(name))]
        assert [b.text for b in blocks] == plain, "CRLF must not change what is checked"


def test_plain_paragraphs_match_the_plaintext_extractor() -> None:
    doc = "First paragraph here,\nstill the first.\n \nSecond one.\n"
    assert [(b.text, b.segments) for b in extract_markdown(doc)] == \
        [(b.text, b.segments) for b in extract_plaintext(doc)]


def test_plaintext_splits_crlf_paragraphs() -> None:
    doc = "First one,\r\nstill first.\r\n \r\nSecond one.\r\n"
    assert [b.text for b in extract_plaintext(doc)] == ["First one,\r\nstill first.", "Second one."]


FRAGMENTS = [
    "word", "teh", " ", " ", "\n", "\n\n", "\r\n", "\r", "\t", "*", "**", "_", "`", "``", "[",
    "]", "(", ")", "](http://x.y)", "<", ">", "> ", "- ", "1. ", "# ", "===", "---", "$", "$$",
    "&amp;", "&#x1F600;", "&bogus;", "\\", "\\*", "😀", "é", "|", "| a | b |\n|---|---|\n",
    "~~", "^", "[^1]", "[^1]: note\n", "![alt](i.png)", "<b>", "</b>", "<!-- c -->", "```\n",
    "    ", "https://a.b/c_d", "www.x.org", "a@b.co", "\0", "\u2028", "\xa0", "+++\n",
    "[x]: /u\n", "[x]", "\\\n", "  \n", "$x$", "`c`",
]


def test_random_markdown_never_raises_and_stays_exact(caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(20261124)
    with caplog.at_level(logging.ERROR):
        for _ in range(600):
            doc = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))
            blocks = extract_markdown(doc)
            assert_exact(doc, blocks)
            if "\r" not in doc:
                crlf = doc.replace("\n", "\r\n")
                assert [b.text for b in shape_exact(crlf)] == [b.text for b in blocks], doc
    assert not caplog.records, "extraction failed on a random document"


def test_long_documents_stay_fast() -> None:
    paragraph = "Some *prose* with `code` and a [link](http://x.y) in it. " * 12
    doc = "\n\n".join(f"## Part {i}\n\n{paragraph}" for i in range(120))  # ~10k words
    line = "word " * 40_000  # one 200k-character line
    extract_markdown("Build the *parser* outside the timing.")
    start = time.perf_counter()
    blocks = extract_markdown(doc)
    (long_block,) = extract_markdown(line)
    elapsed = time.perf_counter() - start
    assert len(blocks) == 240 and long_block.text == line.rstrip()
    assert elapsed < 2.0, f"extraction took {elapsed:.2f}s"  # a generous bound: shared CI cores


def test_language_ids() -> None:
    assert language_for("README.md") == "markdown"
    assert [b.text for b in extract("`x` y", "markdown")] == ["X y"]


FORBIDDEN = re.compile(
    r"\A---\n.*?\n---\n"                      # front matter
    r"|^```.*?^```$"                          # fenced code
    r"|^ {4}\S[^\n]*$"                        # indented code
    r"|`[^`\n]+`"                             # inline code
    r"|https?://\S+|www\.\S+|\S+@\S+"         # URLs and e-mail addresses
    r"|^\[[^\]]+\]:[^\n]*$"                   # reference definitions
    r"|\]\([^)]*\)"                           # link and image targets
    r"|^<div.*?^</div>|<!--.*?-->|<[^>\n]+>"  # HTML
    r"|\$\$.*?\$\$|\$[^$\d\s][^$\n]*\$",      # math
    re.MULTILINE | re.DOTALL,
)
PLANTED = ["startd", "documentaton", "refrence", "widgt", "continus", "emphsis", "mistaek"]


async def test_review_flags_prose_errors_and_nothing_in_code(pipeline: Pipeline) -> None:
    doc = fixture("traps.md")
    review = await pipeline.review(doc, "markdown", Settings())
    forbidden = [m.span() for m in FORBIDDEN.finditer(doc)]
    assert len(forbidden) > 20
    for f in review.shown:
        assert doc[f.start:f.end] == f.text
        inside = [doc[a:b] for a, b in forbidden if f.start < b and a < f.end]
        assert not inside, f"{f.rule} on {f.text!r} inside {inside}"
    flagged = {(f.start, f.end) for f in review.shown}
    for word in PLANTED:
        at = doc.index(word)
        assert (at, at + len(word)) in flagged, word


async def test_placeholder_draws_no_findings(pipeline: Pipeline) -> None:
    doc = "Run `npm install` to start. Install a `pkg` or an `app` with `make`, then run $x$."
    review = await pipeline.review(doc, "markdown", Settings())
    assert review.shown == ()


def test_documents_without_reference_labels_share_one_empty_set() -> None:
    """Each review's labels are held by the cache keys it makes (issue 10's soak)."""
    from prosewise.server.markup.references import reference_labels

    assert reference_labels(["Plain prose."]) is reference_labels(["Other prose."])
    assert reference_labels(["[a]: /url"]) == {"A"}


@pytest.mark.parametrize(("sentence", "hidden"), [
    ("Open src/main.rs and edit it.", "src/main.rs"),
    ("Then edit Cargo.toml first.", "Cargo.toml"),
    ("It lives in ~/projects/hello now.", "~/projects/hello"),
    ("Run ./target/debug/hello twice.", "./target/debug/hello"),
    ("Read /usr/share/doc carefully.", "/usr/share/doc"),
    ("See doc.rust-lang.org for more.", "doc.rust-lang.org"),
    ("Version 1.2.3 is out.", "1.2.3"),
    ("Pin v0.4 for now.", "v0.4"),
    ("Build with --release today.", "--release"),
    ("Keep index.d.ts small.", "index.d.ts"),
    ("Open report.typ next.", "report.typ"),
    ("Open guide.asciidoc next.", "guide.asciidoc"),
    ("<span>Filename: src/lib.rs</span>", "src/lib.rs"),
])
def test_file_names_paths_and_versions_in_running_text_are_not_prose(
        sentence: str, hidden: str) -> None:
    """File names, paths, domains, versions and --flags stand as the placeholder: "rs"
    of src/main.rs was most of a technical book's spelling suggestions (issue 13)."""
    (block,) = extract(sentence + "\n", "markdown")
    assert hidden not in block.text and ("X" in block.text or "Y" in block.text)


@pytest.mark.parametrize("sentence", [
    "Bring apples and/or pears.", "The limit is 50 km/h here.", "It costs 3.50 dollars.",
    "Use e.g. this one.", "He said -- and meant it -- no.", "A well-known fact.",
    "It ended.Then it began.", "We met at 9 a.m. and left at 5 p.m. sharp.",
    "I was tired.so I slept.", "It isn't packaged --or at least not much.",
])
def test_prose_that_looks_like_a_path_stays_prose(sentence: str) -> None:
    (block,) = extract(sentence + "\n", "markdown")
    assert block.text == sentence
