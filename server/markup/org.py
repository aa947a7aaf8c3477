"""Org: the prose of headlines, paragraphs, lists, tables and quote blocks.

A block-level reader, not orgparse: orgparse splits a file into headline nodes and
their bodies but gives no columns, and reads none of the blocks, drawers or inline
markup that are not prose, which is all this needs. Never read: source, example,
export and comment blocks (and dynamic blocks), ``#+KEYWORD:`` lines (but the
title's and captions' text), property and other drawers, ``#`` comment lines,
``COMMENT`` subtrees, fixed-width ``:`` lines, planning lines; in a headline its
stars, TODO keyword (``#+TODO:`` keywords too), priority and tags. Inline
``=verbatim=``, ``~code~``, math, timestamps, macros and bare link targets stand as
the placeholder noun; a link's description and emphasised words are prose, and an
inline footnote's text is read as a block of its own after its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prosewise.agents.model import Block, BlockKind
from prosewise.server.markup.codewords import Line
from prosewise.server.markup.guard import never_raises
from prosewise.server.markup.paragraphs import Paragraphs, lines

_PRE = r"(?<![^\s\-('\"{])"
_POST = r"(?![^\s\-.,;:!?'\")}\[\\])"
INLINE = re.compile(
    rf"""
      {_PRE}[=~](?=\S)[^\n]*?(?<=\S)[=~]{_POST}          # =verbatim= ~code~
    | {_PRE}\*(?=[^\s*])(?P<keep1>[^\n]*?)(?<=\S)\*{_POST}  # *bold*
    | {_PRE}/(?=[^\s/])(?P<keep2>[^\n]*?)(?<=\S)/{_POST}    # /italic/
    | {_PRE}_(?=[^\s_])(?P<keep3>[^\n]*?)(?<=\S)_{_POST}    # _underline_
    | {_PRE}\+(?=[^\s+])(?P<keep4>[^\n]*?)(?<=\S)\+{_POST}  # +strike+
    | \[\[[^\]\n]*\]\[(?P<keep5>[^\]\n]*)\]\]            # [[target][text]]
    | \[\[[^\]\n]*\]\]                                   # [[target]]
    | [<\[]\d{{4}}-\d\d-\d\d[^>\]\n]*[>\]](?:--[<\[][^>\]\n]*[>\]])?  # timestamps
    | \[fn:[\w-]*:(?P<aside1>[^\]\n]*)\]                 # [fn::inline footnote]
    | (?P<drop1>\[fn:[\w-]+\]|\[\d*/\d*\]|\[\d*%\]|<<<?[^<>\n]*>>>?)  # marks, cookies
    | \$\$[^$]+\$\$|(?<!\$)\$[^\s$](?:[^$\n]*[^\s$])?\$(?![\w$])  # $math$
    | \\\([^\n]*?\\\)|\\\[[^\n]*?\\\]                    # \(math\) \[math\]
    | \\[a-zA-Z]+(?:\{{\}})?                             # \alpha entities
    | \{{\{{\{{[^\n]*?\}}\}}\}}                          # {{{{{{macro}}}}}}
    | src_[\w-]+(?:\[[^\]\n]*\])?\{{[^}}\n]*\}}           # inline source
    | call_[\w-]+(?:\[[^\]\n]*\])?\([^\n]*?\)(?:\[[^\]\n]*\])?  # inline calls
    | @@[\w-]+:[^\n]*?@@                                 # export snippets
    """,
    re.VERBOSE,
)
"""Inline markup (paragraphs.py says how the groups are read)."""

_BEGIN = re.compile(r"\s*#\+begin(?:_(?P<name>\S+)|:)", re.IGNORECASE)
PROSE_BLOCKS = frozenset({"quote", "verse", "center"})
"""Greater blocks whose content is prose; special blocks (``#+begin_note``) are too,
source, example, export and comment blocks are not."""
_NOT_PROSE = frozenset({"src", "example", "export", "comment"})
_KEYWORD = re.compile(r"\s*#\+(?P<key>[^:\s]*):?(?P<value>.*)")
_PROSE_KEYWORDS = frozenset({"title", "subtitle", "caption"})
_TODO_KEYWORDS = re.compile(r"\s*#\+(?:todo|seq_todo|typ_todo):(.*)", re.IGNORECASE)
_HEADLINE = re.compile(r"(?P<stars>\*+)[ \t]+(?P<rest>.*)")
_PRIORITY = re.compile(r"\[#[A-Za-z0-9]\][ \t]*")
_TAGS = re.compile(r"[ \t]+:[\w@#%:]+:[ \t]*$")
_DRAWER = re.compile(r"\s*:[\w-]+:\s*$")
_END = re.compile(r"\s*:end:\s*$", re.IGNORECASE)
_DRAWER_END = r"(?::end:|#\+end:)"
"""How a drawer or a dynamic block ends."""
_LATEX = re.compile(r"[ \t]*\\begin\{([A-Za-z*]+)\}")
"""A LaTeX environment (an equation), which Org exports as it is."""
_SKIPPED_LINE = re.compile(
    r"\s*(?:#(?:\s|$)|:(?:\s|$)|-{5,}\s*$|(?:SCHEDULED|DEADLINE|CLOSED):|CLOCK:)")
"""Comment lines, fixed-width lines, rules, planning and clock lines."""
_ITEM = re.compile(r"(?P<bullet>\s*(?:[-+]|\s+\*|\d+[.)]|[A-Za-z][.)])(?:[ \t]+|$))"
                   r"(?:\[@\d+\][ \t]*)?(?:\[[ xX-]\][ \t]*)?")
_DESCRIPTION = re.compile(r"[ \t]+::(?:[ \t]+|$)")
_FOOTNOTE = re.compile(r"\[fn:[\w-]+\][ \t]*")


@dataclass
class _State:
    todo: frozenset[str] = frozenset({"TODO", "DONE"})
    block: str | None = None
    """The end line (a regex) of the block, drawer or environment being skipped."""
    comment_level: int = 0
    """The stars of a ``COMMENT`` headline whose subtree is being skipped."""
    kind: BlockKind = BlockKind.PARAGRAPH
    """The kind of the prose blocks inside the greater block being read."""


@never_raises("Org")
def extract_org(text: str) -> list[Block]:
    """One block per headline, paragraph, list item, table cell or keyword value."""
    out = Paragraphs(text, INLINE)
    state = _State(todo=_todo_keywords(text))
    for line in lines(text):
        _read(line, state, out)
    out.close()
    return out.blocks


def _todo_keywords(text: str) -> frozenset[str]:
    """TODO and DONE and the keywords of the file's ``#+TODO:`` lines."""
    found = {"TODO", "DONE"}
    for m in _TODO_KEYWORDS.finditer(text):
        found.update(re.sub(r"\(.*?\)", "", word) for word in m.group(1).split() if word != "|")
    return frozenset(found)


def _read(line: Line, state: _State, out: Paragraphs) -> None:
    text = line.text
    headline = _HEADLINE.fullmatch(text)
    if state.comment_level:
        if headline is None or len(headline.group("stars")) > state.comment_level:
            return
        state.comment_level = 0
    if state.block is not None:
        if _block_end(text, state.block):
            state.block = None
        return
    if headline is not None:
        _headline(line, headline, state, out)
    elif (begin := _BEGIN.match(text)) is not None:
        out.close()
        name = (begin.group("name") or "").lower()
        end = rf"#\+end_{re.escape(name)}" if name else _DRAWER_END
        if (name in _NOT_PROSE or not name) and _closed(out.doc, line, end):
            state.block = end
        else:
            state.kind = BlockKind.QUOTE if name in ("quote", "verse") else BlockKind.PARAGRAPH
    elif (env := _LATEX.match(text)) is not None and _closed(
            out.doc, line, end := rf"\\end\{{{re.escape(env.group(1))}\}}.*"):
        out.close()
        state.block = end
    elif re.match(r"\s*#\+end_", text, re.IGNORECASE):
        out.close()
        state.kind = BlockKind.PARAGRAPH
    elif (keyword := _KEYWORD.match(text)) is not None:
        out.close()
        if keyword.group("key").lower() in _PROSE_KEYWORDS:
            kind = BlockKind.HEADING if keyword.group("key").lower() != "caption" else None
            out.add(keyword.group("value"), line.start + keyword.start("value"),
                    kind or BlockKind.PARAGRAPH)
            out.close()
    elif _DRAWER.match(text) and not _END.match(text) and _closed(out.doc, line, _DRAWER_END):
        out.close()
        state.block = _DRAWER_END
    elif not text.strip() or _SKIPPED_LINE.match(text):
        out.close()
    elif text.lstrip().startswith("|"):
        out.close()
        _table_row(line, out)
    else:
        _prose(line, state, out)


def _closed(doc: str, line: Line, end: str) -> bool:
    """Whether a block, drawer or environment opened on ``line`` has its ``end`` line
    (Org reads one that does not as a paragraph)."""
    found = re.compile(rf"^[ \t]*{end}[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
    return found.search(doc, line.start + len(line.text)) is not None


def _block_end(text: str, end: str) -> bool:
    return re.fullmatch(rf"[ \t]*{end}[ \t]*", text, re.IGNORECASE) is not None


def _headline(line: Line, m: re.Match[str], state: _State, out: Paragraphs) -> None:
    """The title of a headline, without its keyword, priority and tags."""
    out.close()
    state.kind = BlockKind.PARAGRAPH
    rest, at = m.group("rest"), line.start + m.start("rest")
    word = rest.split(maxsplit=1)[0] if rest.strip() else ""
    if word in state.todo:
        cut = len(word) + len(rest[len(word):]) - len(rest[len(word):].lstrip())
        rest, at = rest[cut:], at + cut
    if (priority := _PRIORITY.match(rest)) is not None:
        rest, at = rest[priority.end():], at + priority.end()
    if rest == "COMMENT" or rest.startswith("COMMENT "):
        state.comment_level = len(m.group("stars"))
        return
    if (tags := _TAGS.search(rest)) is not None:
        rest = rest[:tags.start()]
    out.add(rest, at, BlockKind.HEADING)
    out.close()


def _table_row(line: Line, out: Paragraphs) -> None:
    """Each cell of a table row as a block (separator rows have none)."""
    text = line.text
    if re.match(r"\s*\|[-+]", text):
        return
    start = text.index("|") + 1
    for cell in re.finditer(r"[^|]+", text[start:]):
        if cell.group().strip():
            out.add(cell.group(), line.start + start + cell.start(), BlockKind.TABLE_CELL)
            out.close()


def _prose(line: Line, state: _State, out: Paragraphs) -> None:
    """A paragraph line, a list item (a description list's term and description as two
    blocks) or a footnote definition."""
    text, start = line.text, line.start
    if (item := _ITEM.match(text)) is not None:
        body = text[item.end():]
        described = _DESCRIPTION.search(body)
        if described is not None:
            out.add(body[:described.start()], start + item.end(), BlockKind.LIST_ITEM)
            body_start = item.end() + described.end()
            out.add(text[body_start:], start + body_start, BlockKind.LIST_ITEM)
        else:
            out.add(body, start + item.end(), BlockKind.LIST_ITEM)
        return
    if (footnote := _FOOTNOTE.match(text)) is not None:
        out.add(text[footnote.end():], start + footnote.end(), BlockKind.PARAGRAPH)
        return
    out.add(text, start, None if out.open else state.kind)
