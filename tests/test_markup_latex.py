"""The LaTeX extractor: the body's prose reaches the agents, markup never does, and every
finding lands on the characters the writer typed."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from prosewise.agents.markup_settings import LatexSettings
from prosewise.agents.model import BlockKind
from prosewise.agents.settings import Settings
from prosewise.server.chunks import split
from prosewise.server.inputs import prose_files
from prosewise.server.markup import extract, language_for
from prosewise.server.pipeline import Pipeline
from tests.in_process import Ran
from tests.test_markup import FIXTURES, fixture, shape_in

P, H, L, T = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL

PLANTED = [("chek", "chek"), ("Introducton", "Introducton"), ("recieve", "recieve"),
           ("a \\emph", "a"), ("importent", "importent"), ("wrok", "wrok"),
           ("exmple", "exmple"), ("the the", "the the"), ("an mistake", "an")]
"""Prose errors in paper.tex: where each is (its first occurrence) and what is flagged."""
TRAPS = ["inputenx", "preambel", "mispeled", "wrods", "papres", "Autthor", "commnet",
         "tpyos", "introductn", "knuthh1984texbok", "overvieww", "wrongg", "mispeld",
         "totl", "exmaple", "pathh", "recieve\\_buffer", "smithh2020", "wrogn_functon",
         "retrun", "argumnt", "blok", "lossy"]
"""Misspellings inside the preamble, comments, math, labels, keys, URLs, code and
verbatim: none may draw a finding, wherever they occur."""


def blocks(doc: str, options: LatexSettings | None = None) -> list[tuple[BlockKind, str]]:
    return shape_in(doc, "latex", latex=options)


def test_paper_reads_only_the_body_prose() -> None:
    assert blocks(fixture("paper.tex")) == [
        (P, "We study how writers chek the prose of their papers. The results are encouraging."),
        (H, "Introducton"),
        (P, "Authors of papers rely on tools 😀 that recieve the source as it is typed,\n"
            "as shown in X and X.\nLet X be the weight, and\nX\nwhere the sum runs over"
            " every word. This is a importent property\nof the method; see X and X."),
        (H, "Related wrok"),
        (P, "Earlier systems flag\nidentifiers in listings such as X and\nX, which is rarely"
            " wanted."),
        (P, "For exmple the one by X."),
        (P, "An overview of the the pipeline."),
        (L, "Each item is prose, and this one has an mistake."),
        (L, "Display math X stays unread."),
    ]


async def test_paper_flags_planted_errors_and_nothing_in_markup(pipeline: Pipeline) -> None:
    doc = fixture("paper.tex")
    review = await pipeline.review(doc, "latex", Settings())
    for f in review.shown:
        assert doc[f.start:f.end] == f.text
        for trap in TRAPS:
            at = doc.find(trap)
            while at >= 0:
                assert not (f.start < at + len(trap) and at < f.end), f"{f.rule} on {trap}"
                at = doc.find(trap, at + 1)
    flagged = {(f.start, f.end) for f in review.shown}
    for needle, word in PLANTED:
        at = doc.index(needle)
        assert (at, at + len(word)) in flagged, needle
    assert len(review.shown) == len(PLANTED)


async def test_positions_after_an_emoji_and_crlf_are_exact(pipeline: Pipeline) -> None:
    doc = ("\\begin{document}\r\n😀 The caf\\'e is \\textbf{an} mistake 😀.\r\n\r\n"
           "😀 A sentance.\r\n")
    review = await pipeline.review(doc + "\\end{document}\r\n", "latex", Settings())
    spans = {f.text: (f.start, f.end) for f in review.shown}
    assert spans["an"] == (doc.index("{an}") + 1, doc.index("{an}") + 3)
    assert spans["sentance"] == (doc.index("sentance"), doc.index("sentance") + 8)


def test_math_comments_and_skipped_commands_leave_no_text() -> None:
    doc = ("Text $a$ and \\(b\\) and \\[c\\] and $$d$$ % gone\n"
           "\\begin{align} e \\end{align} on\\label{x}\\index{y} \\vspace{1em} end.")
    assert blocks(doc) == [(P, "Text X and X and X and X X on  end.")]


def test_blank_lines_comment_lines_and_par_end_paragraphs() -> None:
    doc = "One\nline.\n\nTwo.\n% note\n\nThree.\\par Four."
    assert blocks(doc) == [(P, "One\nline."), (P, "Two."), (P, "Three."), (P, "Four.")]


def test_a_comment_joins_lines_as_tex_does() -> None:
    assert blocks("Hyphen%\nated and spaced % c\nout.") == [(P, "Hyphenated and spaced out.")]


def test_sectioning_captions_footnotes_and_tables() -> None:
    doc = ("\\section*[Short]{Long title}\nA\\footnote{Note.} b.\n"
           "\\begin{tabular}{ll}\\hline one & two \\\\ three & four\\end{tabular}")
    assert blocks(doc) == [(H, "Long title"), (P, "A b."), (P, "Note."), (T, "one"),
                           (T, "two"), (T, "three"), (T, "four")]


def test_prose_argument_of_href_and_textcolor() -> None:
    doc = "See \\href{https://x.org/y}{the guide} in \\textcolor{red}{bold red}."
    assert blocks(doc) == [(P, "See the guide in bold red.")]


def test_unknown_commands_keep_their_braced_arguments_as_prose() -> None:
    assert blocks("A \\mymacro{kept words} here.") == [(P, "A kept words here.")]


def test_settings_add_commands_and_environments() -> None:
    doc = ("A \\todo{fix thiss} b \\gls{key} c \\mycite[p. 2]{kk}.\n"
           "\\begin{algo}\nx = {\n\\end{algo}\nEnd.")
    options = LatexSettings(ignore_commands=("\\todo{}",),
                            dummy_commands=("\\gls{}", "\\mycite[]{}"),
                            ignore_environments=("algo",))
    assert blocks(doc, options) == [(P, "A  b X c X."), (P, "End.")]
    assert blocks(doc)[:2] == [(P, "A  b X c [p. 2]kk."), (P, "fix thiss")]  # a side note
    settings = Settings.model_validate({"latex": {"ignoreCommands": ["\\todo{}"]}})
    assert settings.latex.ignore_commands == ("\\todo{}",)


def test_settings_reject_commands_that_are_not_commands() -> None:
    with pytest.raises(ValidationError):
        LatexSettings(ignore_commands=("\\todo{x}",))
    with pytest.raises(ValidationError):
        LatexSettings(ignore_environments=("two words",))


def test_language_ids_and_suffixes() -> None:
    assert language_for("paper.TEX") == language_for("x.ltx") == "latex"
    assert blocks("\\emph{Word}") == [(P, "Word")]
    assert extract("\\emph{Word}", "tex")[0].text == "Word"  # Neovim's filetype


def test_chunks_are_cut_only_where_nothing_reaches_across() -> None:
    """An environment, a group or verbatim text may hold blank lines: cut there, its end
    would be read as prose. The preamble stays with the first chunk."""
    doc = ("\\documentclass{article}\n\n\\begin{document}\nA.\n\n"
           "\\begin{verbatim}\nx {\n\nNot prose.\n\\end{verbatim}\n\n"
           "\\footnote{One\n\nTwo} % {\n\nB.\n\n\\end{document}\n\nAfter.\n")
    starts = [start for start, _ in split(doc, "latex")]
    assert starts == [0, doc.index("\\begin{verbatim}"), doc.index("\\footnote"),
                      doc.index("B."), doc.index("\\end{document}")]
    assert blocks(doc) == [(P, "A."), (P, "One"), (P, "Two"), (P, "B.")]


FRAGMENTS = ["word ", "teh ", "\n", "\n\n", "\r\n\r\n", "\\emph{", "}", "{", "$x$ ", "😀 ",
             "\\section{Title}\n\n", "% comment {\n", "\\verb|{|", "\\\\", "\\%", "\\{",
             "\\begin{itemize}\n\\item A\n\n\\item B\n\\end{itemize}\n", "\\end{document}\n",
             "\\begin{verbatim}\nx {\n\n%\n\\end{verbatim}\n", "\\footnote{note\n\nmore}",
             "\\begin{lstlisting}\n}\n\n\\end{lstlisting}\n", "\\begin{quote}\n\nq\n\\end{quote}\n"]


def test_chunks_read_alone_give_the_blocks_of_the_whole_document() -> None:
    """What the language server relies on to parse only the edited chunk."""
    rng = random.Random(20261203)
    for _ in range(300):
        body = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 30)))
        doc = (rng.choice(["", "\\documentclass{article}\n\\begin{document}\n"]) + body
               + rng.choice(["", "\n\\end{document}\n"]))
        chunked = [b.model_copy(update={"segments": tuple(
            s.model_copy(update={"doc_start": s.doc_start + start}) for s in b.segments)})
            for start, chunk in split(doc, "latex") for b in extract(chunk, "latex")]
        assert chunked == extract(doc, "latex"), doc


def test_broken_input_never_raises() -> None:
    for doc in ("\\begin{itemize}\\item unclosed", "}{ $ \\end{x}", "\\verb", "{{{",
                "\\begin{lstlisting}\nno end", "%", ""):
        extract(doc, "latex")


async def test_the_review_reads_with_the_latex_settings(pipeline: Pipeline) -> None:
    doc = "Words here.\n\\begin{algo}\nmispeled = {\n\\end{algo}\n"
    plain = await pipeline.review(doc, "latex", Settings())
    assert [f.text for f in plain.shown] == ["mispeled"]
    options = Settings.model_validate({"latex": {"ignoreEnvironments": ["algo"]}})
    assert (await pipeline.review(doc, "latex", options)).shown == ()


def test_cli_reviews_a_tex_file_by_its_suffix(prosewise: Callable[..., Ran]) -> None:
    paper = FIXTURES / "paper.tex"
    run = prosewise("review", str(paper), "--color", "never", "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    lines = [x for x in run.stdout.splitlines() if re.match(rf"{re.escape(str(paper))}:\d+:", x)]
    assert len(lines) == len(PLANTED)
    line, column = position_of(fixture("paper.tex"), "recieve")
    assert any(f"paper.tex:{line}:{column} grammar.spelling" in x for x in lines), lines


def position_of(doc: str, word: str) -> tuple[int, int]:
    """1-based line and column (in code points) of ``word``'s first occurrence."""
    at = doc.index(word)
    return doc.count("\n", 0, at) + 1, at - doc.rfind("\n", 0, at)


def test_folders_are_searched_for_tex_files(tmp_path: Path) -> None:
    for name in ("paper.tex", "notes.md", "tool.py", "page.html", "a.adoc", "b.org", "c.typ",
                 "key.asc"):
        (tmp_path / name).write_text("Text.", encoding="utf-8")
    found = sorted(Path(t.path).name for t in prose_files(str(tmp_path)))
    # source, built HTML and .asc (also a PGP signature's suffix) only when named
    assert found == ["a.adoc", "b.org", "c.typ", "notes.md", "paper.tex"]
