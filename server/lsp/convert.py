"""The one place where Prosewise's model meets the protocol: offsets ↔ positions,
Finding → Diagnostic, Finding → quick fixes.

Why our own line index rather than pygls' ``TextDocument``: LSP counts only
``\\n``, ``\\r\\n`` and ``\\r`` as line breaks (``str.splitlines`` also splits on
U+2028, form feeds ...), and a bisect over line starts keeps conversions cheap on
100k-word documents.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from prosewise.agents.model import Category, Finding, Severity
from prosewise.merge.model import Decision, Outcome
from prosewise.server.lsp.persist import context_of

SOURCE = "prosewise"
SAFE_CONFIDENCE = 0.8
"""Fix-all applies a finding's only replacement at or above this confidence."""
_BREAK = re.compile(r"\r\n|\r|\n")
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


class Commands:
    """Command ids the server executes itself, so every client gets the same actions."""

    IGNORE = "prosewise.ignoreOccurrence"
    ACCEPTED = "prosewise.accepted"
    ADD_WORD = "prosewise.addWord"
    DISABLE_IN_FILE = "prosewise.disableRuleInFile"
    DISABLE_IN_WORKSPACE = "prosewise.disableRuleInWorkspace"
    RECHECK = "prosewise.recheck"
    DECISIONS = "prosewise.showDecisions"
    TONE = "prosewise.showTone"


class LineIndex:
    """Line starts of one text, converting code point offsets to client positions.

    ``encoding`` is the negotiated position encoding: "utf-16" (the LSP default),
    "utf-8" or "utf-32".
    """

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16,
                 starts: list[int] | None = None) -> None:
        self.text = text
        self.encoding = str(encoding)
        self.starts = starts if starts is not None else [
            0, *(m.end() for m in _BREAK.finditer(text))]
        self.ascii = text.isascii()
        """Then a code point is one unit in every encoding: positions are differences
        of offsets, with no slice of the line to encode (on a 200,000-character line,
        each conversion encoded up to the whole line, and a hover walked it)."""

    def edited(self, start: int, end: int, new: str, text: str) -> LineIndex:
        """The index of ``text``, which is this text with ``[start, end)`` replaced by
        ``new``: only the edited lines are scanned again (a full scan of a 100k-word
        document takes 5 ms, too much per keystroke). An edit that inserts a carriage
        return or follows one (it may pair with a line feed across the edit) takes the
        full scan."""
        old = self.text
        if "\r" in new or old[max(0, start - 1):start] == "\r":
            return LineIndex(text, self.encoding)
        first, last = self.line_of(start), self.line_of(end)
        delta = len(new) - (end - start)
        tail = [s + delta for s in self.starts[last + 1:]]
        stop = tail[0] if tail else len(text) + 1
        middle = [m.end() for m in _BREAK.finditer(text, self.starts[first], stop)
                  if m.end() < stop]
        return LineIndex(text, self.encoding, [*self.starts[:first + 1], *middle, *tail])

    def _units(self, chunk: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chunk.encode("utf-8", "surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chunk)
        return len(chunk.encode("utf-16-le", "surrogatepass")) // 2

    def _line_end(self, line: int) -> int:
        """Offset of the line's end, before its line break."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            return end - (2 if self.text[end - 2:end] == "\r\n" else 1)
        return len(self.text)

    def line_of(self, offset: int) -> int:
        """The line holding a code point offset (clamped to the text)."""
        return bisect_right(self.starts, max(0, min(offset, len(self.text)))) - 1

    def position(self, offset: int) -> types.Position:
        """The client position of a code point offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        units = offset - start if self.ascii else self._units(self.text[start:offset])
        return types.Position(line=line, character=units)

    def offset(self, position: types.Position) -> int:
        """The code point offset of a client position.

        Past the end of a line means the line's end; past the last line means the
        end of the text; a position inside a surrogate pair or a UTF-8 sequence
        rounds down to the character's start.
        """
        if position.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[position.line], self._line_end(position.line)
        if self.ascii or self.encoding == types.PositionEncodingKind.Utf32:
            return min(start + position.character, end)
        units = 0
        for i in range(start, end):
            units += self._units(self.text[i])
            if units > position.character:
                return i
        return end

    def range(self, start: int, end: int) -> types.Range:
        """The client range of a code point span."""
        return types.Range(start=self.position(start), end=self.position(end))


def severity(finding: Finding) -> types.DiagnosticSeverity:
    """LSP severity of a finding."""
    return _SEVERITY[finding.severity]


def finding_data(finding: Finding) -> dict[str, Any]:
    """What a client may want besides the range, code and message, as plain JSON:
    the agent, the category, the quoted text and the fixes. Nothing the params of a
    code action already hold (uri, rule = ``code``) and no version or offsets (they
    change on every edit above the finding, and diagnostics are cached per chunk):
    every byte here is sent again on each keystroke for every suggestion."""
    return {
        "agent": finding.agent.value,
        "category": finding.category.value,
        "text": finding.text,
        "fixes": [r.apply(finding.text) for r in finding.replacements],
    }


def to_diagnostic(finding: Finding, lines: LineIndex) -> types.Diagnostic:
    """A diagnostic for one shown finding; the agent is named in the message."""
    tags = [types.DiagnosticTag.Unnecessary] if finding.category is Category.REDUNDANCY else None
    return types.Diagnostic(
        range=lines.range(finding.start, finding.end),
        message=f"{finding.message} ({finding.agent.value})",
        severity=severity(finding),
        code=finding.rule,
        source=SOURCE,
        tags=tags,
        data=finding_data(finding),
    )


def is_spelling(finding: Finding) -> bool:
    """Whether "add to dictionary" makes sense for a finding."""
    return finding.category is Category.SPELLING or "spell" in finding.rule.lower()


def fix_title(finding: Finding, new_text: str) -> str:
    """A quick fix title people can read before choosing it."""
    if not new_text:
        return f"Delete “{finding.text}”"
    return f"Replace with “{new_text}”"


def text_edit(lines: LineIndex, start: int, end: int, new_text: str) -> types.TextEdit:
    """One edit of the indexed text."""
    return types.TextEdit(range=lines.range(start, end), new_text=new_text)


def workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], document_changes: bool
) -> types.WorkspaceEdit:
    """A workspace edit, versioned when the client supports ``documentChanges`` so a
    stale fix is refused instead of applied to the wrong text."""
    if document_changes:
        doc = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=doc, edits=list(edits))]
        )
    return types.WorkspaceEdit(changes={uri: list(edits)})


def quick_fixes(
    finding: Finding,
    diagnostic: types.Diagnostic,
    lines: LineIndex,
    uri: str,
    version: int | None,
    document_changes: bool,
) -> list[types.CodeAction]:
    """One quick fix per replacement, best first (the first is preferred)."""
    actions = []
    for i, replacement in enumerate(finding.replacements):
        new_text = replacement.apply(finding.text)
        edit = text_edit(lines, finding.start, finding.end, new_text)
        actions.append(types.CodeAction(
            title=fix_title(finding, new_text),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=i == 0,
            edit=workspace_edit(uri, version, [edit], document_changes),
            command=types.Command(title="Learn", command=Commands.ACCEPTED,
                                  arguments=[uri, finding.rule]),
        ))
    return actions


def fix_all_edits(findings: list[Finding], lines: LineIndex) -> list[types.TextEdit]:
    """Edits for ``source.fixAll``: only safe fixes (one obvious replacement, high
    confidence), never two overlapping edits."""
    edits: list[types.TextEdit] = []
    last_end = -1
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if len(f.replacements) != 1 or f.confidence < SAFE_CONFIDENCE or f.start < last_end:
            continue
        edits.append(text_edit(lines, f.start, f.end, f.replacements[0].apply(f.text)))
        last_end = f.end
    return edits


def persistent_actions(
    finding: Finding, diagnostic: types.Diagnostic, uri: str, text: str
) -> list[types.CodeAction]:
    """Ignore this occurrence, add the word, disable the rule in the file or workspace."""
    rule = finding.rule

    def action(title: str, command: str, *args: str) -> types.CodeAction:
        return types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            command=types.Command(title=title, command=command, arguments=[uri, *args]),
        )

    actions = [action("Ignore this occurrence", Commands.IGNORE, rule, finding.text,
                      context_of(text, finding.start, finding.end))]
    if is_spelling(finding):
        title = f"Add “{finding.text}” to dictionary"
        actions.append(action(title, Commands.ADD_WORD, finding.text))
    actions.append(action(f"Disable {rule} in this file", Commands.DISABLE_IN_FILE, rule))
    actions.append(action(f"Disable {rule} in this workspace", Commands.DISABLE_IN_WORKSPACE, rule))
    return actions


def hover_markdown(finding: Finding, index: int, decisions: Sequence[Decision]) -> str:
    """What hovering a suggestion explains: the message, why it matters, which agents
    raised it and why the ranking agent showed it. ``index`` is its place in the
    review's shown findings (merged decisions point at it)."""
    parts = [f"**{finding.message}**"]
    if finding.explanation:
        parts.append(finding.explanation)
    merged = [d for d in decisions if d.outcome is Outcome.MERGED and d.into == index]
    agents = sorted({finding.agent.value, *(d.finding.agent.value for d in merged)})
    sources = sorted({*finding.sources, *(s for d in merged for s in d.finding.sources)})
    origin = f" ({', '.join(sources)})" if sources else ""
    parts.append(f"Raised by: {', '.join(agents)}{origin}")
    shown = [d for d in decisions if d.outcome is Outcome.SHOWN and d.finding.rule == finding.rule
             and (d.finding.start, d.finding.end) == (finding.start, finding.end)]
    if shown:
        parts.append(f"Shown because: {shown[0].reason}")
    category, confidence = finding.category.value, finding.confidence
    parts.append(f"`{finding.rule}` · {category} · confidence {confidence:.2f}")
    return "\n\n".join(parts)
