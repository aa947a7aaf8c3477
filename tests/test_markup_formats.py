"""Every format's extractor on random documents: never an exception, always exact maps
(every segment is the document's own text, in order), with CRLF, tabs and characters
outside the BMP. The formats' own behaviour is in test_markup_<format>.py."""

from __future__ import annotations

import logging
import random

import pytest

from prosewise.server.markup import extract
from tests.test_markup import assert_exact

COMMON = ["word", "teh", " ", "\n", "\n\n", "\r\n", "\t", "😀", "é", "\\", "{", "}", "<", ">",
          "https://a.b/c_d", "a@b.co", "\0", "\xa0", "snake_case", "camelCase", "x.py", "#", "*"]
FRAGMENTS = {
    "latex": ["\\emph{", "\\section{", "\\cite{", "\\begin{itemize}", "\\item ", "\\end{itemize}",
              "\\begin{verbatim}", "\\end{verbatim}", "$", "$$", "\\[", "\\]", "%", "~", "``",
              "''", "--", "\\\\", "&", "\\begin{document}", "\\end{document}", "\\verb|",
              "\\'e", "\\begin{lstlisting}", "\\end{lstlisting}", "\\footnote{", "["],
    "python": ['"""', "'''", "# ", "def f(x):", "    ", "x = 1", 'r"""', "#!", ">>> ", "```"],
    "c": ["/*", "*/", "// ", "/** ", " * ", "#include <a.h>", "int x;", '"', "'"],
    "shellscript": ["# ", "echo ", "$HOME", "'", '"', "<<EOF\n", "EOF\n", "#!/bin/sh\n"],
    "git-commit": ["# ", "Signed-off-by: A <a@b.c>", "# ------------------------ >8 ---",
                   "- ", "    ", "fix(x): ", "diff --git a/x b/x"],
    "html": ["<p>", "</p>", "<code>", "</code>", "<pre>", "</pre>", "<li>", "<br>", "&amp;",
             "&#x1F600;", "&bogus;", "<!--", "-->", "<script>", "</script>", '<a href="x">',
             "<svg/>", "<td>", "</ul>"],
    "restructuredtext": ["===", "---", "``", "`", ":func:`", "`_", ".. ", "::", ".. note::",
                         "- ", "* ", "   ", "|x|", "[#]_", "\\*", ">>> ", ".. _t:", "+--+"],
    "org": ["* ", "** TODO ", " :tag:", "#+TITLE: ", "#+begin_src", "#+end_src", ":PROPERTIES:",
            ":END:", "# ", ": ", "=", "~", "/", "_", "+", "[[", "][", "]]", "<2026-01-01 Thu>",
            "[fn:1]", "$", "\\(", "\\)", "| ", "|-", "- ", "1. ", " :: ", "#+begin_quote"],
    "asciidoc": ["= ", "== ", "----", "....", "++++", "////", "____", "--", "|===", "| ", "a|",
                 "[source]", "[[a]]", ":attr: ", "// ", "`", "*", "_", "#", "+", "{attr}",
                 "link:x[", "]", "<<a,", ">>", "image::a.png[]", "* ", ". ", "Term:: ",
                 "NOTE: ", ".Title", "stem:[", "  "],
    "typst": ["= ", "== ", "#let x = ", "#set text(", "#show: ", "#import \"a\": b", "#f(",
              ")", "[", "]", "#{", "}", "$", "`", "```", "// ", "/*", "*/", "<lbl>", "@ref",
              "*", "_", "- ", "+ ", "/ ", ": ", "\"", "#emph[", "caption: [", "~", "\\#",
              "\\$", "\\u{1F600}", "#(", "#[", "#x.y", "#for x in (1, 2) [", "/* /* */",
              "1. ", "\\"],
}


@pytest.mark.parametrize("language", sorted(FRAGMENTS))
def test_random_documents_never_raise_and_stay_exact(
        language: str, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(f"{language}-20261203")
    fragments = FRAGMENTS[language] + COMMON
    with caplog.at_level(logging.ERROR):
        for _ in range(150):
            doc = "".join(rng.choice(fragments) for _ in range(rng.randint(0, 40)))
            assert_exact(doc, extract(doc, language))
            assert_exact(doc.replace("\n", "\r\n"), extract(doc.replace("\n", "\r\n"), language))
    assert not caplog.records, f"{language} extraction failed on a random document"
