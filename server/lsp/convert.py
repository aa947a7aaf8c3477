"""The one place where Prosewise's model meets the protocol: offsets ↔ positions,
Finding → Diagnostic, Finding → quick fixes.

Why our own line index (server/lineindex.py, shared with the CLI) rather than pygls'
``TextDocument``: LSP counts only ``\\n``, ``\\r\\n`` and ``\\r`` as line breaks
(``str.splitlines`` also splits on U+2028, form feeds ...), and a bisect over line
starts keeps conversions cheap on 100k-word documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from prosewise.agents.dictionaries import writable
from prosewise.agents.model import Category, Finding, Severity
from prosewise.merge.model import Decision, Outcome
from prosewise.server import lineindex
from prosewise.server.memory import context_of, word_problem

SOURCE = "prosewise"
SAFE_CONFIDENCE = 0.8
"""Fix-all applies a finding's only replacement at or above this confidence."""
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
    ADD_WORD_TO = "prosewise.addWordTo"
    DISABLE_IN_FILE = "prosewise.disableRuleInFile"
    DISABLE_IN_WORKSPACE = "prosewise.disableRuleInWorkspace"
    RECHECK = "prosewise.recheck"
    CHECK_WITH_MODEL = "prosewise.checkWithModel"
    DECISIONS = "prosewise.showDecisions"
    TONE = "prosewise.showTone"
    REWRITE = "prosewise.rewrite"
    STATUS = "prosewise.status"


class LineIndex(lineindex.LineIndex):
    """The shared line index (server/lineindex.py) in LSP's types. ``encoding`` is the
    negotiated position encoding: "utf-16" (the LSP default), "utf-8" or "utf-32"."""

    def position(self, offset: int) -> types.Position:
        """The client position of a code point offset (clamped to the text)."""
        line, character = self.line_column(offset)
        return types.Position(line=line, character=character)

    def offset(self, position: types.Position) -> int:
        """The code point offset of a client position (see ``offset_at``)."""
        return self.offset_at(position.line, position.character)

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
    uri: str, version: int | None, edits: list[types.TextEdit], *, document_changes: bool,
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
    *,
    document_changes: bool,
    learn: bool = True,
) -> list[types.CodeAction]:
    """One quick fix per replacement, best first (the first is preferred). With ``learn``
    each also carries the command that records the fix was taken; without, only the edit
    (for clients that run a code action's command instead of its edit: ALE 3.x)."""
    actions = []
    for i, replacement in enumerate(finding.replacements):
        new_text = replacement.apply(finding.text)
        edit = text_edit(lines, finding.start, finding.end, new_text)
        actions.append(types.CodeAction(
            title=fix_title(finding, new_text),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=i == 0,
            edit=workspace_edit(uri, version, [edit], document_changes=document_changes),
            command=types.Command(title="Learn", command=Commands.ACCEPTED,
                                  arguments=[uri, finding.rule]) if learn else None,
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
    finding: Finding, diagnostic: types.Diagnostic, uri: str, text: str,
    dictionaries: Sequence[str] = (), comment: types.CodeAction | None = None,
) -> list[types.CodeAction]:
    """Ignore this occurrence, add the word (to the workspace's dictionary, or to one of
    the team's ``dictionaries``), disable the rule in the file (stored, or with the
    control ``comment`` where there is one: comment_action.py) or workspace."""
    rule = finding.rule

    def action(title: str, command: str, *args: str) -> types.CodeAction:
        return types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            command=types.Command(title=title, command=command, arguments=[uri, *args]),
        )

    actions = [action("Ignore this occurrence", Commands.IGNORE, rule, finding.text,
                      context_of(text, finding.start, finding.end))]
    if is_spelling(finding) and word_problem(finding.text) is None:
        title = f"Add “{finding.text}” to dictionary"
        actions.append(action(title, Commands.ADD_WORD, finding.text))
        actions += [action(f"Add “{finding.text}” to {Path(file).name}", Commands.ADD_WORD_TO,
                           finding.text, file) for file in dictionaries if writable(file)]
    actions.append(action(f"Disable {rule} in this file", Commands.DISABLE_IN_FILE, rule))
    actions += [comment] if comment is not None else []
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


def path_of(uri: str) -> Path:
    """The file path of a document URI (the URI itself for ``untitled:`` and the like),
    which settings, feedback and ignores are looked up by."""
    return Path(to_fs_path(uri) or uri)
