"""Formats beyond Markdown over stdio: the server picks the extractor by ``languageId``
and its diagnostics land on the prose, in the client's units."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor import editor, position

pytestmark = pytest.mark.slow

# The emoji before each error makes UTF-16 columns differ from code points.
LATEX = ("\\documentclass{article}\n\\usepackage{mispeledpkg}\n\\begin{document}\n"
         "\\section{Introducton 😀}\n"
         "😀 We \\emph{recieve} it, see $\\mathrm{mispeld}$ and \\cite{knuthh} % commnet\n"
         "for an the example.\n\\end{document}\n")
PYTHON = ('def recieveBuffer(sockt):\n    """😀 Reads from the sockt until teh end."""\n'
          '    return sockt.read()  # 😀 Returns the raw byets.\n')


async def test_latex_and_python_diagnostics_at_utf16_positions(tmp_path: Path) -> None:
    async with editor("visual_studio_code", tmp_path) as client:
        uri = client.open("paper.tex", LATEX, language="latex")
        diagnostics = await client.diagnostics_for(uri, 1)
        source = client.open("recv.py", PYTHON, language="python")
        in_python = await client.diagnostics_for(source, 1)
    quoted = {str(d.data["text"]): d.range for d in diagnostics if isinstance(d.data, dict)}
    assert {"Introducton", "recieve"} <= set(quoted)
    assert not {"mispeledpkg", "mispeld", "knuthh", "commnet"} & set(quoted)
    for word in ("Introducton", "recieve"):
        at = LATEX.index(word)
        assert quoted[word].start == position(LATEX, at, "utf-16")
        assert quoted[word].end == position(LATEX, at + len(word), "utf-16")
    assert position(LATEX, LATEX.index("recieve"), "utf-16").character == len("😀 We \\emph{") + 1
    code = {str(d.data["text"]): d.range for d in in_python if isinstance(d.data, dict)}
    assert set(code) == {"teh", "byets"}  # not recieveBuffer, nor sockt
    for word in code:
        at = PYTHON.index(word)
        assert code[word].start == position(PYTHON, at, "utf-16")


# Each format's prose error after an emoji, and traps of its own kind around it.
ASCIIDOC = (":sourcedir: ../mispeledir\n\n== Introducton 😀\n\n// commnet\n"
            "😀 We recieve `mispeld` and link:exmaple.adoc[the text].\n\n----\nwrogn code\n----\n")
ORG = ("#+OPTIONS: mispeledopt\n* TODO Introducton 😀 :tagg:\n# commnet\n"
       "😀 We recieve =mispeld= and [[exmaple][the text]].\n#+begin_src\nwrogn code\n#+end_src\n")
TYPST = ('#set text(font: "Mispeled Font")\n= Introducton 😀\n// commnet\n'
         "😀 We recieve `mispeld` and $mispeld$ and #emph[the text].\n")


@pytest.mark.parametrize(("kind", "name", "doc", "language"), [
    ("visual_studio_code", "guide.adoc", ASCIIDOC, "asciidoc"),
    ("neovim", "notes.org", ORG, "org"),
    ("visual_studio_code", "notes.org", ORG, "org-mode"),  # Emacs's major mode name
    ("neovim", "paper.typ", TYPST, "typst"),
])
async def test_markup_formats_by_language_id(
        tmp_path: Path, kind: str, name: str, doc: str, language: str) -> None:
    async with editor(kind, tmp_path) as client:
        uri = client.open(name, doc, language=language)
        diagnostics = await client.diagnostics_for(uri, 1)
    quoted = {str(d.data["text"]): d.range for d in diagnostics if isinstance(d.data, dict)}
    assert set(quoted) == {"Introducton", "recieve"}, set(quoted)
    for word, rng in quoted.items():
        at = doc.index(word)
        assert rng.start == position(doc, at, client.encoding)
        assert rng.end == position(doc, at + len(word), client.encoding)
