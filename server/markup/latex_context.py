"""What LaTeX commands and environments mean for prose, and the parser that knows them.

The tables say what the extractor (latex.py) does with each command: leave it out
with its arguments, let it stand for a noun in the sentence (a citation, a
reference), read its argument as a block of its own (a heading, a footnote) or as
prose in place (``\\emph``). Commands in no table have their braced arguments read as
prose, as LTeX does. pylatexenc's context is extended so that it parses the arguments
of the commands named here and in the settings, and reads code environments
verbatim: a brace in a listing would otherwise swallow the rest of the document.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pylatexenc.latexwalker import LatexCharsNode, get_default_latex_context_db
from pylatexenc.macrospec import (
    EnvironmentSpec,
    LatexContextDb,
    MacroSpec,
    MacroStandardArgsParser,
    ParsedVerbatimArgs,
    VerbatimArgsParser,
)

from prosewise.agents.markup_settings import LatexSettings, command_spec
from prosewise.server.markup.latex_chunks import VERBATIM_ENVIRONMENTS

DROPPED = frozenset({
    "label", "index", "glossary", "usepackage", "RequirePackage", "documentclass",
    "input", "include", "includeonly", "includegraphics", "bibliography",
    "bibliographystyle", "addbibresource", "printbibliography", "nocite", "newcommand",
    "renewcommand", "providecommand", "DeclareMathOperator", "newenvironment",
    "renewenvironment", "provideenvironment", "newtheorem", "def", "let", "setlength",
    "addtolength", "setcounter", "addtocounter", "addcounter", "addlength", "vspace",
    "hspace", "vphantom", "hphantom", "phantom", "hypersetup", "definecolor",
    "colorlet", "providecolor", "color", "pagecolor", "rowcolors", "selectlanguage",
    "author", "date", "affiliation", "email", "address", "institute", "pagestyle",
    "thispagestyle", "pagenumbering", "graphicspath", "lstset", "setminted",
    "usetikzlibrary", "maketitle", "tableofcontents", "listoffigures", "listoftables",
    "newpage", "clearpage", "cleardoublepage", "pagebreak", "linebreak", "noindent",
    "indent", "centering", "raggedright", "raggedleft", "hline", "cline", "toprule",
    "midrule", "bottomrule", "cmidrule", "appendix", "frontmatter", "mainmatter",
    "backmatter", "small", "footnotesize", "scriptsize", "tiny", "large", "Large",
    "LARGE", "huge", "Huge", "normalsize", "bfseries", "itshape", "ttfamily", "rmfamily",
    "sffamily", "scshape", "normalfont", "em", "bf", "it", "tt", "sc", "sf", "rm",
    "smallskip", "medskip", "bigskip", "vfill", "hfill", "null", "relax", "protect",
    "bibitem",
})
"""Left out with their arguments: they typeset nothing a reader reads as a word."""

NOUNS = frozenset({
    "ref", "eqref", "pageref", "autoref", "cref", "Cref", "crefrange", "nameref",
    "vref", "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear",
    "citeyearpar", "citenum", "citetext", "Citep", "Citet", "Citealp", "Citealt",
    "Citeauthor", "parencite", "textcite", "autocite", "footcite", "url", "path",
    "nolinkurl", "texttt", "verb", "lstinline", "mintinline", "code", "gls", "Gls",
    "glspl", "Glspl", "acrshort", "acrlong", "acrfull", "ac", "acp", "SI", "si", "num",
})
"""Stand for a noun in the sentence ("see X", "as X shows"): their arguments are
labels, keys, addresses or code, never prose."""

HEADINGS = frozenset({
    "part", "chapter", "section", "subsection", "subsubsection", "paragraph",
    "subparagraph", "title", "subtitle", "frametitle",
})
"""Their last braced argument is a heading of its own (the optional short form is not read)."""

SIDE_BLOCKS = frozenset({
    "caption", "footnote", "footnotetext", "thanks", "marginpar", "todo", "keywords",
    "subcaption",
})
"""Their last braced argument is a paragraph of its own, wherever they stand."""

PROSE_ARGUMENT = {"href": 1, "textcolor": 1, "colorbox": 1, "fcolorbox": 2,
                  "texorpdfstring": 0, "foreignlanguage": 1}
"""Commands whose one prose argument is not their only braced one: its index."""

TEXT = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
        ",": " ", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": "", "ldots": "…",
        "dots": "…", "textellipsis": "…", "LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX",
        "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "slash": "/", "textendash": "–",
        "textemdash": "—", "textquoteright": "’", "today": "today"}
"""Commands that typeset a fixed text (never mapped to the document)."""

LINE_BREAKS = frozenset({"\\", "newline", "par"})

ACCENTS = frozenset("'\"`^~=.uvHcdbrk") | {"ss", "o", "O", "ae", "AE", "aa", "AA", "l", "L"}
"""Accents and letters: the letter they make (read by pylatexenc's latex2text)."""

MATH_ENVIRONMENTS = frozenset({
    "equation", "equation*", "align", "align*", "alignat", "alignat*", "gather",
    "gather*", "multline", "multline*", "flalign", "flalign*", "eqnarray", "eqnarray*",
    "displaymath", "math", "split", "array", "subequations", "dmath", "dmath*",
})
"""Stand for a noun in the sentence, as inline math does."""


LISTS = frozenset({"itemize", "enumerate", "description", "compactitem", "inparaenum"})
QUOTES = frozenset({"quote", "quotation", "verse"})
TABLES = frozenset({"tabular", "tabular*", "tabularx", "tabulary", "longtable", "tblr"})


@dataclass(frozen=True)
class Roles:
    """The command and environment tables with a project's settings added."""

    dropped: frozenset[str]
    nouns: frozenset[str]
    verbatim: frozenset[str]


@functools.lru_cache(maxsize=8)
def roles(options: LatexSettings) -> Roles:
    """The tables for these settings (remembered: the same few are asked for each edit)."""
    return Roles(
        dropped=DROPPED | {command_spec(c)[0] for c in options.ignore_commands},
        nouns=NOUNS | {command_spec(c)[0] for c in options.dummy_commands},
        verbatim=VERBATIM_ENVIRONMENTS | set(options.ignore_environments),
    )


class _VerbatimBody(MacroStandardArgsParser):  # type: ignore[misc]
    """Reads an environment's body as one run of characters up to its ``\\end``, as
    LaTeX reads ``verbatim`` (pylatexenc knows only that one)."""

    def __init__(self, name: str) -> None:
        super().__init__(argspec="")
        self.end = "\\end{" + name + "}"

    def parse_args(self, w: Any, pos: int, parsing_state: Any = None) -> tuple[Any, int, int]:
        end = w.s.find(self.end, pos)
        end = len(w.s) if end < 0 else end
        chars = w.make_node(LatexCharsNode, parsing_state=parsing_state,
                            chars=w.s[pos:end], pos=pos, len=end - pos)
        return ParsedVerbatimArgs(verbatim_chars_node=chars), pos, end - pos


_EXTRA_MACROS = {
    "autoref": "*{", "nameref": "*{", "vref": "*{", "pageref": "*{", "crefrange": "*{{",
    "parencite": "*[[{", "textcite": "*[[{", "autocite": "*[[{", "footcite": "*[[{",
    "path": "{", "nolinkurl": "{", "href": "[{{", "gls": "[{", "Gls": "[{", "glspl": "[{",
    "Glspl": "[{", "acrshort": "{", "acrlong": "{", "acrfull": "{", "ac": "{", "acp": "{",
    "SI": "[{{", "si": "[{", "num": "[{", "caption": "[{", "subcaption": "[{",
    "footnotetext": "[{", "thanks": "{", "marginpar": "[{", "todo": "[{",
    "foreignlanguage": "[{{", "index": "{", "glossary": "{", "addbibresource": "[{",
    "printbibliography": "[", "nocite": "{", "bibliographystyle": "{", "bibitem": "[{",
    "includeonly": "{", "newtheorem": "*{[{[", "phantom": "{", "pagestyle": "{",
    "thispagestyle": "{", "pagenumbering": "{", "graphicspath": "{", "lstset": "{",
    "setminted": "[{", "usetikzlibrary": "{", "cline": "{", "cmidrule": "[{",
    "affiliation": "{", "email": "{", "address": "{", "institute": "{", "subtitle": "{",
    "frametitle": "{", "code": "{", "addtocounter": "{{", "mintinline": "{{",
}


@functools.lru_cache(maxsize=8)
def context(options: LatexSettings) -> LatexContextDb:
    """pylatexenc's default context, plus argument specs for the commands above and in
    the settings, and verbatim bodies for the code environments."""
    macros = [MacroSpec(name, spec) for name, spec in _EXTRA_MACROS.items()]
    macros.append(MacroSpec("lstinline", args_parser=VerbatimArgsParser("verb-macro")))
    for command in (*options.ignore_commands, *options.dummy_commands):
        name, spec = command_spec(command)
        macros.append(MacroSpec(name, spec))
    verbatim = roles(options).verbatim
    environments = [EnvironmentSpec(name, args_parser=_VerbatimBody(name)) for name in verbatim]
    db = get_default_latex_context_db()
    db.add_context_category("prosewise", macros=macros, environments=environments,
                            prepend=True)
    return db
