"""The quick fix "Disable RULE in this file with a comment": the control comment of
server/disable_comment.py as a workspace edit (no command: the edit is the whole action,
and the re-check after it finds the control)."""

from __future__ import annotations

from lsprotocol import types

from prosewise.agents.model import Finding
from prosewise.server.disable_comment import disable_comment
from prosewise.server.lsp.convert import text_edit, workspace_edit
from prosewise.server.lsp.diagnostics import Checked


def comment_action(finding: Finding, diagnostic: types.Diagnostic, checked: Checked, *,
                   document_changes: bool) -> types.CodeAction | None:
    """The action for ``finding`` of a checked document, in the format it was read as;
    None where no comment would hide it (see ``disable_comment``)."""
    if checked.review is None:
        return None
    lines = checked.lines
    insertion = disable_comment(lines.text, checked.review.language, finding.rule,
                                finding.start)
    if insertion is None:
        return None
    edit = text_edit(lines, insertion.at, insertion.at, insertion.text)
    return types.CodeAction(
        title=f"Disable {finding.rule} in this file with a comment",
        kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
        edit=workspace_edit(checked.uri, checked.version, [edit],
                            document_changes=document_changes),
    )
