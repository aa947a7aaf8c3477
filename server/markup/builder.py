"""Assembling one prose block from runs of verbatim text and placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prosewise.agents.model import Block, BlockKind, Segment
from prosewise.agents.text import UNBROKEN

PLACEHOLDER = "X"
"""Stands for inline code, math or a URL: a noun harper and lingotweaker accept
anywhere ("Run X to start.", "an X package"), so the sentence stays checkable."""

PLACEHOLDER_AFTER_A = "Y"
"""After "a", where "X" (said "ex") would draw an a/an warning on the article."""

BARE_URL = re.compile(
    r"(?<![\w@.])(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>]*[^\s<>.,;:!?'\")\]*_~]"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
"""URLs and e-mail addresses typed as plain text (angle-bracket autolinks are tokens)."""
_EXTENSIONS = (
    "rs|py|pyi|md|mdx|rst|adoc|asciidoc|typ|tex|txt|toml|json|jsonc|ya?ml|ini|cfg|xml|html?|css|scss"
    "|js|mjs|cjs|jsx|ts|tsx|vue|svelte|java|kt|kts|gradle|scala|c|h|cc|cpp|hpp|cxx|cs"
    "|swift|rb|php|lua|vim|sh|bash|zsh|ps1|bat|sql|proto|csv|tsv|ipynb|wasm|dll|dylib"
    "|exe|pdf|png|jpe?g|gif|svg|webp|zip|tgz|gz|bz2|xz|whl|rpm|dmg|sqlite"
)
"""File name extensions that are no English word: "main.rs", but not "tired.so"."""
_IN_PATHS = f"{_EXTENSIONS}|so|go|mod|sum|org|el|pl|fs|mm|conf|lock|env|log|tar|deb|iso|img|bin|db"
"""After a slash, any of these ends a file name ("lib/libc.so", "cmd/main.go")."""
_TLDS = "com|org|net|io|dev|app|ai|edu|gov|info|rs|uk|de|fr|eu|ca|cloud|xyz"
"""Top-level domains in the names worth hiding; not those that are English words ("so",
"me", "us"): "tired.so I slept" is a missing space to flag."""
_DASHED = ("(?:or|and|but|nor|yet|so|the|a|an|which|that|who|what|when|where|while|even"
           "|not|if|as|at|in|on|to|for|with)")
"""Words a dash typed as "--" runs into ("packaged --or at least"): no ``--flag``."""
FILE_LIKE = re.compile(
    rf"""
      (?<![\w/.~$-])(?:~|\.{{1,2}})?/[\w.@+-]+(?:/[\w.@+-]+)*/?        # /usr/bin ./src ~/x
    | (?<![\w/.~$-])[\w.@+-]+(?:/[\w.@+-]+)+\.(?:{_IN_PATHS})\b      # src/main.rs
    | (?<![\w/.~$-])[\w@+-]+(?:\.[\w@+-]+)*(?:/[\w.@+-]+){{2,}}/?    # a/b/c
    | (?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:{_EXTENSIONS})(?![\w-])    # main.rs Cargo.toml
    | (?<![\w.-])(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})(?![\w-])              # doc.rust-lang.org
    | (?<![\w.-])v?\d+(?:\.\d+){{2,}}(?:[-+][\w.]*\w)?(?![\w-])   # 1.2.3, 2.0.0-rc.1
    | (?<![\w.-])v\d+(?:\.\d+)+(?![\w-])                             # v0.4
    | (?<![\w-])--(?!{_DASHED}\b)[A-Za-z][\w-]*                          # --release
    """,
    re.VERBOSE,
)
"""File names, paths, domain names, version strings and ``--flags`` in running text:
"src/main.rs" is no sentence with a misspelled "rs". One slash between two words
("and/or", "km/h") stays prose."""
NOT_PROSE = re.compile(f"{BARE_URL.pattern}|{FILE_LIKE.pattern}|{UNBROKEN.pattern}", re.VERBOSE)
"""What a placeholder stands for in running text: bare URLs, file names and the like
(``FILE_LIKE``), and runs too long to be a word (a data URI, a hash; ``UNBROKEN``)."""
_CUE = re.compile(r"[@/]|www\.|--|\w\.\w")
"""What every ``NOT_PROSE`` match but an overlong run holds: a block without it (most
paragraphs) is not scanned for them."""

Piece = tuple[str, int | None]
"""Block text and the document offset it was copied from (None: not verbatim)."""


@dataclass
class BlockBuilder:
    """Collects a block's text; only runs proven equal to the document get segments."""

    doc: str
    kind: BlockKind = BlockKind.PARAGRAPH
    pieces: list[Piece] = field(default_factory=list)

    def text(self, text: str, doc_start: int | None) -> None:
        """Append ``text``, mapped to ``doc_start`` if the document holds it there."""
        if not text:
            return
        if doc_start is not None and (
            doc_start < 0 or self.doc[doc_start:doc_start + len(text)] != text
        ):
            doc_start = None
        self.pieces.append((text, doc_start))

    def placeholder(self) -> None:
        """Append the stand-in for a code or math span (unmapped: findings on it drop)."""
        before = "".join(text for text, _ in self.pieces[-3:])
        self.pieces.append((_placeholder_after(before), None))

    def trim(self) -> BlockBuilder:
        """Drop the blanks around the text (line ends around tags and commands)."""
        pieces = self.pieces
        while pieces and not pieces[0][0].strip():
            pieces.pop(0)
        while pieces and not pieces[-1][0].strip():
            pieces.pop()
        if pieces:
            text, doc = pieces[0]
            cut = len(text) - len(text.lstrip())
            pieces[0] = (text[cut:], None if doc is None else doc + cut)
            text, doc = pieces[-1]
            pieces[-1] = (text.rstrip(), doc)
        return self

    def build(self) -> Block | None:
        """The block, or None when nothing in it is document text worth checking."""
        text = "".join(t for t, _ in self.pieces)
        if not text.strip():
            return None
        pieces = self.pieces
        if _CUE.search(text) or UNBROKEN.search(text):
            pieces = _masked(pieces, text)
            text = "".join(t for t, _ in pieces)
        segments = _segments(pieces)
        if not segments:
            return None
        return Block(kind=self.kind, text=text, segments=segments)


def _placeholder_after(before: str) -> str:
    """``X``, or ``Y`` right after the article "a"."""
    word = before.rstrip()
    after_a = (
        word != before and word[-1:] in ("a", "A") and (len(word) == 1 or not word[-2].isalnum())
    )
    return PLACEHOLDER_AFTER_A if after_a else PLACEHOLDER


def _masked(pieces: list[Piece], text: str) -> list[Piece]:
    """``pieces`` with every bare URL, e-mail address or overlong run replaced by a
    placeholder (``NOT_PROSE``)."""
    pieces = list(pieces)  # split pieces are rewritten in place
    out: list[Piece] = []
    at = 0  # block offset where pieces[i] starts
    i = 0
    for m in NOT_PROSE.finditer(text):
        at, i = _copy_until(pieces, out, at, i, m.start())
        out.append((_placeholder_after(text[:m.start()][-3:]), None))
        at, i = _skip_until(pieces, at, i, m.end())
    out.extend(pieces[i:])
    return out


def _copy_until(
    pieces: list[Piece], out: list[Piece], at: int, i: int, stop: int
) -> tuple[int, int]:
    """Copy pieces up to block offset ``stop`` (splitting one if needed)."""
    while i < len(pieces) and at < stop:
        text, doc = pieces[i]
        if at + len(text) <= stop:
            out.append((text, doc))
            at, i = at + len(text), i + 1
        else:
            cut = stop - at
            out.append((text[:cut], doc))
            pieces[i] = (text[cut:], None if doc is None else doc + cut)
            at = stop
    return at, i


def _skip_until(pieces: list[Piece], at: int, i: int, stop: int) -> tuple[int, int]:
    """Drop pieces up to block offset ``stop`` (keeping the tail of a split one)."""
    while i < len(pieces) and at < stop:
        text, doc = pieces[i]
        if at + len(text) <= stop:
            at, i = at + len(text), i + 1
        else:
            cut = stop - at
            pieces[i] = (text[cut:], None if doc is None else doc + cut)
            at = stop
    return at, i


def _segments(pieces: list[Piece]) -> tuple[Segment, ...]:
    """Segments of the verbatim pieces, contiguous runs merged into one."""
    runs: list[list[int]] = []
    at = 0
    for text, doc in pieces:
        if doc is not None:
            last = runs[-1] if runs else None
            if last is not None and last[0] + last[2] == at and last[1] + last[2] == doc:
                last[2] += len(text)
            else:
                runs.append([at, doc, len(text)])
        at += len(text)
    return tuple(Segment(block_start=b, doc_start=d, length=n) for b, d, n in runs)
