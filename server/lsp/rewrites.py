"""Rewrite actions in the editor: "Rewrite for clarity", "Make more formal", "Make
friendlier", "Shorten", "Fix grammar" on the selection, or on the sentence at the
cursor when nothing is selected (agents/llm/actions.py does the asking and guarding).

Listing them costs nothing: they are ``refactor.rewrite`` code actions (only when the
document's settings name a model) whose command ``prosewise.rewrite`` carries the
document version and the range; the model is asked only when the writer chooses one.
Then the server shows ``$/progress`` while it waits, and sends ``workspace/applyEdit``
with an edit versioned like the quick fixes', so a client refuses it for a document
that has changed. A new edit to the document cancels its pending rewrites (nothing is
applied); a refused rewrite (the guard, a failed call) is said in a message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from prosewise.server.lsp.convert import Commands, path_of, text_edit, workspace_edit
from prosewise.server.lsp.progress import announced

if TYPE_CHECKING:
    from prosewise.agents.llm.actions import Outcome
    from prosewise.server.lsp.documents import Document
    from prosewise.server.lsp.server import ProsewiseServer

log = logging.getLogger(__name__)

KIND = types.CodeActionKind.RefactorRewrite
CHANGED = "the document changed"


def rewrite_actions(uri: str, doc: Document, selection: types.Range) -> list[types.CodeAction]:
    """The five actions for the selection (or the sentence at the cursor), each a
    command with what it needs later; none where there is no text."""
    from prosewise.agents.llm.actions import ACTIONS, target  # only with a model

    lines = doc.lines()
    start, end = sorted((lines.offset(selection.start), lines.offset(selection.end)))
    span = target(doc.text, start, end)
    if span is None:
        return []
    where = lines.range(*span)
    plain = {side: {"line": p.line, "character": p.character}
             for side, p in (("start", where.start), ("end", where.end))}
    return [types.CodeAction(title=action.title, kind=KIND, command=types.Command(
        title=action.title, command=Commands.REWRITE,
        arguments=[uri, kind.value, doc.version, plain])) for kind, action in ACTIONS.items()]


@dataclass
class Rewriter:
    """The pending rewrites of each document, so that an edit can cancel them."""

    _pending: dict[str, set[asyncio.Task[Outcome]]] = field(default_factory=dict)

    def forget(self, uri: str) -> None:
        """Cancel the document's pending rewrites: their text may be gone."""
        for task in self._pending.pop(uri, set()):
            task.cancel()

    def close(self) -> None:
        """Cancel every pending rewrite (the server is shutting down)."""
        for uri in list(self._pending):
            self.forget(uri)

    async def run(self, ls: ProsewiseServer, uri: str, kind: str, version: int,
                  where: types.Range) -> dict[str, Any]:
        """Rewrite ``where`` of version ``version`` and ask the client to apply it;
        answers ``{"applied": bool, "reason": str | None}``."""
        from prosewise.agents.llm.actions import ACTIONS, Kind, rewrite

        doc = ls.documents.get(uri)
        if doc is None or doc.version != version:
            return {"applied": False, "reason": CHANGED}
        try:
            action = ACTIONS[Kind(kind)]
        except ValueError:
            return {"applied": False, "reason": f"unknown rewrite action {kind!r}"}
        lines, revision = doc.lines(), doc.revision
        start, end = sorted((lines.offset(where.start), lines.offset(where.end)))
        settings = ls.settings_for(path_of(uri))
        llm = ls.pipeline.llm
        if llm is None or not settings.llm.model:
            return self._refused(ls, action.title, "no model is configured")
        task = asyncio.create_task(rewrite(llm, settings, Kind(kind), doc.text[start:end]),
                                   name=f"rewrite {uri}")
        self._pending.setdefault(uri, set()).add(task)
        try:
            async with announced(ls, f"Prosewise: {action.title}"):
                await asyncio.wait([task])
        finally:
            task.cancel()
            if (pending := self._pending.get(uri)) is not None:
                pending.discard(task)
                if not pending:
                    del self._pending[uri]
        if task.cancelled():
            return {"applied": False, "reason": CHANGED}
        if (error := task.exception()) is not None:
            log.error("a rewrite of %s failed", uri, exc_info=error)
            return self._refused(ls, action.title, f"it failed ({error})")
        outcome = task.result()
        if outcome.text is None:
            return self._refused(ls, action.title, outcome.reason or "no rewrite")
        now = ls.documents.get(uri)
        if now is None or now.revision != revision:
            return {"applied": False, "reason": CHANGED}
        edit = workspace_edit(uri, version, [text_edit(lines, start, end, outcome.text)],
                              document_changes=ls.supports_document_changes())
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=action.title))
        return {"applied": result.applied, "reason": result.failure_reason}

    @staticmethod
    def _refused(ls: ProsewiseServer, title: str, reason: str) -> dict[str, Any]:
        """Tell the writer why the action they chose did nothing."""
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning, message=f"Prosewise: {title}: {reason}."))
        return {"applied": False, "reason": reason}
