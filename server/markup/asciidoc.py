"""AsciiDoc: the prose of titles, paragraphs, lists, admonitions, quotes and cells.

A block-level reader: no AsciiDoc parser on PyPI keeps source positions (the
``asciidoc`` toolchain and its forks render, Asciidoctor is Ruby). Never read:
listing, literal, passthrough, comment and stem blocks (delimited, or a paragraph
under ``[source]``, ``[literal]``…), literal (indented) paragraphs, ``//`` comments,
attribute entries, block attribute and anchor lines, block macros (``image::``,
``include::``), conditionals and the document header's author and revision lines.
Inline, monospace, passthroughs, attribute references, math and macros' targets
stand as the placeholder noun; a link's or cross reference's text is prose, and a
footnote's is read as a block of its own after its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.codewords import Line
from prosewise.server.markup.guard import never_raises
from prosewise.server.markup.paragraphs import Paragraphs, lines

_W = r"[^\s\[\]]"
_ROLE = r"(?:\[[.#%\w-][^\]\n]*\])?"
"""A role or id before formatted text: ``[.lead]#words#``."""
INLINE = re.compile(
    rf"""
      (?P<drop1>\[\[[^\]\n]*\]\]|\[\#[\w-]+\]|\(\(\([^)\n]*\)\)\)|[ \t]\+$)  # anchors, index
    | `[^`\n]+`|\+\+\+[^\n]*?\+\+\+|\+\+[^\n]*?\+\+|(?<![\w+])\+[^+\s][^+\n]*?\+(?![\w+])
    | \$\$[^\n]*?\$\$                                        # monospace, passthroughs
    | \b(?:pass|stem|latexmath|asciimath|kbd|btn|menu|image|icon|indexterm2?|anchor)
      :{_W}*\[[^\]\n]*\]                                     # inline macros
    | \bfootnote:[\w-]*\[(?P<aside1>[^\]\n]*)\]              # footnotes (their text apart)
    | (?:\b(?:link|xref|mailto):{_W}+|\b(?:https?|ftp|irc)://{_W}+)
      \[(?P<keep1>[^\]\n,"]+)(?:,[^\]\n]*)?\]                # link:target[text], URL[text]
    | \b(?:link|xref|mailto):{_W}+\[[^\]\n]*\]               # link:target[]
    | <<[^,>\n]+,[ \t]*(?P<keep2>[^>\n]+)>>|<<[^>\n]+>>      # <<id,text>> <<id>>
    | \{{[\w-]+\}}                                           # {{attribute}}
    | "`(?P<keep9>[^`\n]+)`"|'`(?P<keep10>[^`\n]+)`'           # "`curved quotes`"
    | {_ROLE}(?P<twice>\*\*|__|\#\#)(?=\S)(?P<keep3>[^\n]*?\S)(?P=twice)  # **unconstrained**
    | {_ROLE}(?<![\w*_#])(?P<once>[*_\#])(?=[^\s*_#])(?P<keep4>[^\n]*?[^\s*_#])(?P=once)(?![\w*_#])
    | \^(?P<keep6>\S+?)\^|(?<!~)~(?P<keep7>[^\s~]+?)~(?!~)   # ^super^ ~sub~
    | \(\((?P<keep8>[^()\n]+)\)\)                            # ((index term))
    """,
    re.VERBOSE,
)
"""Inline markup (paragraphs.py says how the groups are read)."""

_DELIMITER = re.compile(r"(?:-{4,}|\.{4,}|\+{4,}|/{4,}|={4,}|\*{4,}|_{4,}|--|```\w*|"
                        r"[|,:!]={3,})[ \t]*")
_VERBATIM = frozenset("-.+/`")
"""Delimiters of blocks that are never prose: listing, literal, passthrough, comment, fence."""
_STYLE = re.compile(r"\[(?P<style>[\w-]*)[^\]]*\][ \t]*")
_VERBATIM_STYLES = frozenset({"source", "listing", "literal", "pass", "comment", "stem",
                              "latexmath", "asciimath", "verbatim", "plantuml", "graphviz",
                              "ditaa", "mermaid"})
_QUOTE_STYLES = frozenset({"quote", "verse"})
_HEADING = re.compile(r"(?P<marks>={1,6}|#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+=+)?[ \t]*")
_TITLE = re.compile(r"\.(?=[^\s.])(?P<title>.*)")
_ATTRIBUTE = re.compile(r":!?[\w-]+!?:(?:[ \t].*)?")
_SKIPPED_LINE = re.compile(
    r"//(?!/)|[\w-]+::\S*\[.*\][ \t]*$|(?:'{3,}|<{3}|\+)[ \t]*$|\[\[.*\]\][ \t]*$")
"""Comments, block macros and conditionals, breaks, list continuations, anchors."""
_ITEM = re.compile(r"[ \t]*(?:\*{1,5}|-|\.{1,5}|\d+\.|[a-zA-Z]\.|<\d+>)[ \t]+"
                   r"(?:\[[ xX*]\][ \t]+)?")
_DESCRIBED = re.compile(r"(?P<term>.*?\S)(?::{2,4}|;;)(?:[ \t]+|$)")
_ADMONITION = re.compile(r"(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION):[ \t]+")
_CELL = re.compile(r"(?<!\S)(?:\d+(?:\.\d+)?[*+])?[<^>]?(?:\.[<^>])?[adehlmsv]?\||(?<!\\)\|")
"""A cell's start: its spec (``2+``, ``a``) and the ``|``."""


@dataclass
class _State:
    fence: str | None = None
    """The delimiter of the verbatim block being skipped."""
    style: str | None = None
    """The style of the block attribute line just read (applies to the next block)."""
    skipping: bool = False
    """Inside a paragraph that is not prose (literal, or under a verbatim style)."""
    table: str | None = None
    """The delimiter of the table being read."""
    header: bool = False
    """Right after the document title: its author and revision lines."""
    container: str | None = None
    """The delimiter of the prose block being read (a quote, an example)."""
    kind: BlockKind = BlockKind.PARAGRAPH
    """The kind of the prose inside it."""


@never_raises("AsciiDoc")
def extract_asciidoc(text: str) -> list[Block]:
    """One block per title, paragraph, list item, table cell or admonition."""
    out = Paragraphs(text, INLINE)
    state = _State()
    for line in lines(text):
        _read(line, state, out)
    out.close()
    return out.blocks


def _read(line: Line, state: _State, out: Paragraphs) -> None:
    text = line.text
    if state.fence is not None:
        if text.rstrip() == state.fence:
            state.fence = None
        return
    if not text.strip():
        out.close()
        state.skipping = state.header = False
        return
    if state.skipping or state.header:
        return
    if _DELIMITER.fullmatch(text):
        _delimiter(line, state, out)
    elif state.table is not None:
        _cells(line, out)
    elif (style := _STYLE.fullmatch(text)) is not None and not text.startswith("[["):
        out.close()
        state.style = style.group("style").lower()
    elif (heading := _HEADING.fullmatch(text)) is not None and not out.open:
        out.add(heading.group("title"), line.start + heading.start("title"), BlockKind.HEADING)
        out.close()
        state.header = heading.group("marks") in ("=", "#") and not out.blocks[:-1]
    elif (title := _TITLE.fullmatch(text)) is not None and not out.open:
        out.add(title.group("title"), line.start + 1, BlockKind.HEADING)
        out.close()
    elif _ATTRIBUTE.fullmatch(text) or _SKIPPED_LINE.match(text):
        out.close()
    else:
        _prose(line, state, out)


def _delimiter(line: Line, state: _State, out: Paragraphs) -> None:
    """A delimited block opens or closes: verbatim ones are skipped to their end, a
    table's rows are read as cells, the others (example, sidebar, quote, open) hold
    prose."""
    out.close()
    text = line.text.rstrip()
    style, state.style = state.style, None
    if state.table is not None:
        if text == state.table:
            state.table = None
    elif text[0] in "|,:!" and text[1:2] == "=":
        state.table = text
    elif (text[0] in _VERBATIM and text != "--") or style in _VERBATIM_STYLES:
        state.fence = "```" if text.startswith("```") else text
    elif text == state.container:
        state.container, state.kind = None, BlockKind.PARAGRAPH
    elif state.container is None:
        state.container = text
        quoted = text[0] == "_" or style in _QUOTE_STYLES
        state.kind = BlockKind.QUOTE if quoted else BlockKind.PARAGRAPH


def _cells(line: Line, out: Paragraphs) -> None:
    """Each cell of a table row (its spec before the ``|`` left out) as a block."""
    text = line.text
    marks = list(_CELL.finditer(text))
    if not marks:
        out.add(text, line.start, None if out.open else BlockKind.TABLE_CELL)
        return
    if text[:marks[0].start()].strip():  # the rest of the cell begun on the line above
        out.add(text[:marks[0].start()], line.start, None if out.open else BlockKind.TABLE_CELL)
    for m, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        if text[m.end():end].strip():
            out.add(text[m.end():end], line.start + m.end(), BlockKind.TABLE_CELL)


def _prose(line: Line, state: _State, out: Paragraphs) -> None:
    """A paragraph line, list item, description list entry or admonition paragraph; a
    paragraph under a verbatim style, or indented, is a literal one."""
    text, start = line.text, line.start
    if not out.open:
        style, state.style = state.style, None
        if style in _VERBATIM_STYLES or (text[:1] in " \t" and _ITEM.match(text) is None):
            state.skipping = True
            return
        kind = BlockKind.QUOTE if style in _QUOTE_STYLES else state.kind
    else:
        kind = None
    if (item := _ITEM.match(text)) is not None:
        text, start, kind = text[item.end():], start + item.end(), BlockKind.LIST_ITEM
    elif ("::" in text or ";;" in text) and (described := _DESCRIBED.match(text)) is not None:
        out.add(described.group("term"), start, BlockKind.LIST_ITEM)
        text, start, kind = text[described.end():], start + described.end(), BlockKind.LIST_ITEM
        if not text.strip():
            return
    elif (admonition := _ADMONITION.match(text)) is not None and kind is not None:
        text, start = text[admonition.end():], start + admonition.end()
    out.add(text, start, kind)
