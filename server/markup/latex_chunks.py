"""Where a LaTeX document may be cut into chunks that are read alone as they are read
together (server/chunks.py).

Why: parsing a 10k-word paper takes about half a second, and the language server
would parse it whole after every keystroke; cut at the body's paragraph breaks, only
the edited chunk is parsed again. A blank line is a cut only where nothing reaches
across it: inside the ``document`` environment (or anywhere in a file without one,
a chapter that is ``\\input``) and no other environment, outside braces, and never
inside verbatim text. Comments are skipped, so braces and ``\\begin`` in them do not
count. Any doubt (an unbalanced brace, an environment never closed) removes cuts,
never adds them: the chunk is then just larger.
"""

from __future__ import annotations

import re

VERBATIM_ENVIRONMENTS = frozenset({
    "verbatim", "verbatim*", "Verbatim", "BVerbatim", "LVerbatim", "lstlisting",
    "minted", "comment", "alltt", "filecontents", "filecontents*", "tikzpicture",
    "pgfpicture", "forest", "algorithmic", "algorithm", "algorithm2e", "thebibliography",
    "lstlisting*", "pycode", "luacode", "luacode*", "sagecode",
})
"""Not prose, and read verbatim up to their ``\\end``."""

_TOKEN = re.compile(
    r"\\(?:begin|end)\s*\{([^{}\n]*)\}"    # an environment's start or end
    r"|\\(?:verb|lstinline)\*?([^\sA-Za-z*])"  # inline verbatim, up to its delimiter
    r"|\\[^A-Za-z]"                        # an escaped character (\{ \% \\)
    r"|%[^\n]*"                            # a comment
    r"|[{}]"
    r"|\n(?:[ \t\r]*\n)+(?=\S)"            # a paragraph break (chunks.py's boundary)
)


def latex_cuts(text: str) -> list[int]:
    """Offsets where a chunk may start (after a paragraph break), in order."""
    cuts: list[int] = []
    in_file = "\\begin{document}" not in text  # a chapter: its whole text is body
    envs: list[str] = []
    depth = 0
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        pos = m.end()
        token = m.group()
        if token.startswith("\\begin"):
            name = m.group(1).strip()
            if name in VERBATIM_ENVIRONMENTS:
                end = text.find("\\end{" + name + "}", pos)
                pos = len(text) if end < 0 else end
                continue
            if name == "document" and not envs and depth == 0:
                in_file = True
            else:
                envs.append(name)
        elif token.startswith("\\end"):
            name = m.group(1).strip()
            if name == "document" and not envs:
                return cuts  # what follows \end{document} is no prose
            if name in envs:
                del envs[len(envs) - 1 - envs[::-1].index(name):]
        elif m.group(2) is not None:
            end = text.find(m.group(2), pos)
            pos = len(text) if end < 0 else end + 1
        elif token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif token.startswith("\n") and in_file and not envs and depth == 0:
            cuts.append(m.end())
    return cuts
