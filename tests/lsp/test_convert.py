"""Offsets ↔ positions in every encoding, and Finding → Diagnostic / quick fix."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from prosewise.agents.model import AgentName, Category, Finding, Replacement, Severity
from prosewise.server.lsp.capabilities import undeclared_encoding
from prosewise.server.lsp.convert import LineIndex, fix_all_edits, quick_fixes, to_diagnostic
from prosewise.server.lsp.documents import Document

TEXT = "a😀b\r\nCafé 𝄞 x\rlast\u2028same line"

# (offset, utf-8 column, utf-16 column, utf-32 column, line)
CASES = [
    (0, 0, 0, 0, 0),
    (1, 1, 1, 1, 0),  # before the emoji
    (2, 5, 3, 2, 0),  # after it: 4 UTF-8 bytes, 2 UTF-16 units, 1 code point
    (3, 6, 4, 3, 0),  # end of line 0, before \r\n
    (5, 0, 0, 0, 1),
    (10, 6, 5, 5, 1),  # after "Café " (é is 2 bytes) and before 𝄞
    (11, 10, 7, 6, 1),
    (18, 4, 4, 4, 2),  # U+2028 is not a line break in LSP
    (19, 7, 5, 5, 2),
]


@pytest.mark.parametrize("encoding,column", [("utf-8", 1), ("utf-16", 2), ("utf-32", 3)])
@pytest.mark.parametrize("case", CASES)
def test_offsets_and_positions_round_trip(
    case: tuple[int, ...], encoding: str, column: int
) -> None:
    lines = LineIndex(TEXT, encoding)
    offset, line = case[0], case[4]
    pos = lines.position(offset)
    assert (pos.line, pos.character) == (line, case[column])
    assert lines.offset(pos) == offset


def test_positions_past_the_end_are_clamped() -> None:
    lines = LineIndex(TEXT)
    assert lines.offset(types.Position(line=0, character=99)) == 3
    assert lines.offset(types.Position(line=9, character=0)) == len(TEXT)
    assert lines.position(10_000) == lines.position(len(TEXT))


def test_a_position_inside_a_surrogate_pair_rounds_down() -> None:
    lines = LineIndex(TEXT, "utf-16")
    assert lines.offset(types.Position(line=0, character=2)) == 1


def _finding(text: str, quoted: str, *fixes: str, category: Category = Category.GRAMMAR) -> Finding:
    start = text.index(quoted)
    return Finding(agent=AgentName.GRAMMAR, rule="grammar.example", category=category,
                   start=start, end=start + len(quoted), text=quoted, message="Example.",
                   replacements=tuple(Replacement(value=f) for f in fixes),
                   severity=Severity.WARNING, confidence=0.9)


def test_diagnostic_carries_rule_agent_and_fix_data() -> None:
    text = "😀 the the end"
    finding = _finding(text, "the the", "the", category=Category.REDUNDANCY)
    d = to_diagnostic(finding, LineIndex(text))
    assert d.code == "grammar.example" and d.source == "prosewise"
    assert d.range == types.Range(start=types.Position(0, 3), end=types.Position(0, 10))
    assert d.tags == [types.DiagnosticTag.Unnecessary]
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.data == {"agent": "grammar", "category": "redundancy", "text": "the the",
                      "fixes": ["the"]}


def test_one_quick_fix_per_replacement_best_first() -> None:
    text = "We recieve it."
    finding = _finding(text, "recieve", "receive", "relieve")
    lines = LineIndex(text)
    d = to_diagnostic(finding, lines)
    fixes = quick_fixes(finding, d, lines, "file:///a.md", 1, document_changes=True)
    assert [f.title for f in fixes] == ["Replace with “receive”", "Replace with “relieve”"]
    assert [f.is_preferred for f in fixes] == [True, False]
    change = fixes[0].edit.document_changes[0]
    assert change.text_document.version == 1 and change.edits[0].new_text == "receive"
    assert fixes[0].command is not None and fixes[0].command.command == "prosewise.accepted"


def test_quick_fixes_without_their_command_for_clients_that_run_one_or_the_other() -> None:
    text = "We recieve it."
    finding = _finding(text, "recieve", "receive")
    lines = LineIndex(text)
    d = to_diagnostic(finding, lines)
    fixes = quick_fixes(finding, d, lines, "file:///a.md", 1, document_changes=False, learn=False)
    assert [f.command for f in fixes] == [None]
    assert fixes[0].edit is not None and fixes[0].edit.changes is not None


def test_fix_all_skips_ambiguous_and_overlapping_fixes() -> None:
    text = "We recieve teh the the end."
    findings = [_finding(text, "recieve", "receive", "relieve"), _finding(text, "teh", "the"),
                _finding(text, "teh the", "the")]
    edits = fix_all_edits(findings, LineIndex(text))
    assert [e.new_text for e in edits] == ["the"]


def test_incremental_change_uses_the_negotiated_encoding() -> None:
    doc = Document(uri="file:///a.md", text="😀 a apple\n", version=1, language="markdown",
                   _encoding="utf-8")
    rng = types.Range(start=types.Position(0, 5), end=types.Position(0, 6))
    doc.apply(types.TextDocumentContentChangePartial(range=rng, text="an"))
    assert doc.text == "😀 an apple\n"
    far = types.Range(start=types.Position(7, 0), end=types.Position(7, 1))
    doc.apply(types.TextDocumentContentChangePartial(range=far, text="x"))  # LSP: the end
    assert doc.text == "😀 an apple\nx"
    backwards = types.Range(start=types.Position(0, 8), end=types.Position(0, 5))
    doc.apply(types.TextDocumentContentChangePartial(range=backwards, text="a "))  # between
    assert doc.text == "😀 a apple\nx"


def test_a_nul_typed_or_deleted_makes_the_document_binary_or_not() -> None:
    """NULs are counted per edit (a scan of a large document per keystroke is slow)."""
    doc = Document(uri="file:///a.md", text="ab\0c\n", version=1, language="markdown")
    assert not doc.checkable

    def edit(start: int, end: int, text: str) -> None:
        at = types.Range(start=types.Position(0, start), end=types.Position(0, end))
        doc.apply(types.TextDocumentContentChangePartial(range=at, text=text))

    edit(2, 3, "")
    assert doc.text == "abc\n" and doc.checkable
    edit(0, 0, "x\0\0")
    assert not doc.checkable
    edit(1, 2, "")
    assert not doc.checkable
    edit(1, 2, "y")
    assert doc.text == "xyabc\n" and doc.checkable
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="\0"))
    assert not doc.checkable


@pytest.mark.parametrize("seed", range(40))
def test_an_edited_line_index_equals_a_fresh_one(seed: int) -> None:
    """Random edits (line breaks of every kind, emoji) against a full re-scan."""
    rng = random.Random(seed)
    pieces = ["word ", "😀", "\n", "\r\n", "\r", "\n\n", "é", "line two "]
    text = "".join(rng.choice(pieces) for _ in range(30))
    index = LineIndex(text)
    for _ in range(60):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 10]))
        new = "".join(rng.choice(pieces) for _ in range(rng.choice([0, 1, 1, 2])))
        text = text[:start] + new + text[end:]
        index = index.edited(start, end, new, text)
        assert index.starts == LineIndex(text).starts
        assert index.text is text


@pytest.mark.parametrize("seed", range(5))
def test_edit_bounds_since_each_version_hold(seed: int) -> None:
    """``changed_since(v)``: the text at version v and now share at least that prefix and
    suffix, over several changes per version (what the pipeline's rechunk trusts)."""
    rng = random.Random(seed)
    doc = Document(uri="file:///a.md", text="", version=0, language="markdown")
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="One two.\n\nThree 😀 four.\n"))
    doc.at_version(1)
    texts = {1: doc.text}
    for version in range(2, 40):
        for _ in range(rng.randint(1, 3)):
            lines = doc.lines()
            a, b = sorted(rng.randrange(len(doc.text) + 1) for _ in range(2))
            change = types.TextDocumentContentChangePartial(
                range=types.Range(lines.position(a), lines.position(b)),
                text=rng.choice(["", "x", "\n\n", "é😀", "word "]))
            doc.apply(change)
        doc.at_version(version)
        texts[version] = doc.text
        base = rng.choice(sorted(texts)[-5:])
        bounds = doc.changed_since(base)
        assert bounds is not None
        prefix, suffix = bounds
        old = texts[base]
        assert old[:prefix] == doc.text[:prefix]
        assert suffix == 0 or old[-suffix:] == doc.text[-suffix:]
        texts = {v: t for v, t in texts.items() if v >= base}
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="new"))
    doc.at_version(40)
    assert doc.changed_since(39) is None and doc.changed_since(40) == (3, 3)


def test_edit_bounds_of_one_keystroke_are_tight() -> None:
    doc = Document(uri="file:///a.md", text="abc\ndef\n", version=1, language="markdown")
    doc.at_version(1)
    at = types.Range(types.Position(1, 1), types.Position(1, 1))
    doc.apply(types.TextDocumentContentChangePartial(range=at, text="X"))
    doc.at_version(2)
    assert doc.changed_since(1) == (5, 3)  # "abc\nd" before the "X", "ef\n" after


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_ascii_lines_convert_without_walking_or_encoding_them(
        encoding: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one 200,000-character line a hover's position → offset walked the line
    character by character (about a second) and each diagnostic encoded the line up to
    its start: in ASCII text a code point is one unit in every encoding."""
    text = "word " * 40_000 + "\nend"
    lines = LineIndex(text, encoding)

    def walked(self: LineIndex, chunk: str) -> int:
        raise AssertionError(f"encoded {len(chunk)} characters")

    monkeypatch.setattr(LineIndex, "units", walked)
    assert lines.offset(types.Position(line=0, character=199_000)) == 199_000
    assert lines.offset(types.Position(line=0, character=300_000)) == 200_000
    assert lines.position(199_000) == types.Position(line=0, character=199_000)
    assert lines.position(len(text)) == types.Position(line=1, character=3)


def test_an_undeclared_encoding_is_taken_only_when_it_is_one_of_lsps() -> None:
    assert undeclared_encoding("utf-8", "utf-16") == "utf-8"  # ALE counts bytes
    assert undeclared_encoding("utf-32", "utf-16") == "utf-32"
    for junk in (None, "latin-1", 8, ["utf-8"]):
        assert undeclared_encoding(junk, "utf-16") == "utf-16"
