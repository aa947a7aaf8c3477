"""LSP handlers: each one translates params into a call on the server and back.

Document notifications are plain functions so pygls runs them in arrival order;
requests that wait for a check are coroutines, cancellable by ``$/cancelRequest``.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from prosewise.server.lsp.commands import COMMANDS
from prosewise.server.lsp.comment_action import comment_action
from prosewise.server.lsp.convert import (
    fix_all_edits,
    hover_markdown,
    path_of,
    persistent_actions,
    quick_fixes,
    workspace_edit,
)
from prosewise.server.lsp.diagnostics import FullReport
from prosewise.server.lsp.documents import DocumentError
from prosewise.server.lsp.rewrites import KIND as REWRITE
from prosewise.server.lsp.rewrites import rewrite_actions
from prosewise.server.lsp.server import ProsewiseServer

log = logging.getLogger(__name__)

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.prosewise"


def initialize(ls: ProsewiseServer, params: types.InitializeParams) -> None:
    """Read the client's capabilities and options."""
    ls.setup(params)


async def initialized(ls: ProsewiseServer, params: types.InitializedParams) -> None:
    """Start loading the engines; fetch the ``prosewise`` configuration section."""
    ls.warm_up()
    await ls.pull_configuration()


async def shutdown(ls: ProsewiseServer, params: None) -> None:
    """Stop pending checks and the worker pool before the client says exit."""
    await ls.close()


async def did_change_configuration(
    ls: ProsewiseServer, params: types.DidChangeConfigurationParams
) -> None:
    """Settings changed: re-read them and re-check every open document."""
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("prosewise"), dict):
        ls.configure(settings["prosewise"])
    else:
        await ls.pull_configuration()


def did_open(ls: ProsewiseServer, params: types.DidOpenTextDocumentParams) -> None:
    """Track the document and check it right away."""
    ls.documents.open(params.text_document)
    ls.checker.schedule(params.text_document.uri, delay=0)
    ls.model.schedule(params.text_document.uri)


def did_change(ls: ProsewiseServer, params: types.DidChangeTextDocumentParams) -> None:
    """Apply the edit and check again after the debounce; the model after a longer pause
    (the pass for the previous version is cancelled)."""
    try:
        ls.documents.change(params)
    except DocumentError as error:
        log.error("skipping a change: %s", error)
        return
    ls.checker.schedule(params.text_document.uri)
    ls.model.schedule(params.text_document.uri)
    ls.rewrites.forget(params.text_document.uri)  # a rewrite of the old text is moot


def did_save(ls: ProsewiseServer, params: types.DidSaveTextDocumentParams) -> None:
    """Saved: ask the model about what it has not seen yet, without the idle pause."""
    if ls.documents.get(params.text_document.uri) is not None:
        ls.model.schedule(params.text_document.uri, now=True)


def did_close(ls: ProsewiseServer, params: types.DidCloseTextDocumentParams) -> None:
    """Forget the document; push clients get its diagnostics cleared."""
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.checker.forget(uri)
    ls.model.forget(uri)
    ls.rewrites.forget(uri)
    ls.waves.forget(uri)
    if not ls.pull:
        cleared = types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        ls.text_document_publish_diagnostics(cleared)


async def document_diagnostic(
    ls: ProsewiseServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport | FullReport:
    """Answer a pull with the current version's diagnostics (or "unchanged")."""
    checked = await ls.checker.current(params.text_document.uri)
    if checked is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = checked.result_id
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return FullReport(result_id, checked.body())  # written as it is: protocol.py


async def code_action(
    ls: ProsewiseServer, params: types.CodeActionParams
) -> list[types.CodeAction | types.Command] | None:
    """Quick fixes and persistent actions for the suggestions under the range, and the
    rewrite actions when a model is configured."""
    uri = params.text_document.uri
    only = [str(k) for k in params.context.only or []]
    rewrites = _rewrites(ls, uri, params.range) if _wanted(only, REWRITE) else []
    if only and all(_wanted([k], REWRITE) for k in only):  # only refactorings: no check
        return list(rewrites)
    checked = await ls.checker.current(uri)
    if checked is None:
        return list(rewrites) or None
    doc_changes = ls.supports_document_changes()
    if any(str(k).startswith(types.CodeActionKind.SourceFixAll.value) for k in only):
        edits = fix_all_edits(list(checked.findings), checked.lines)
        edit = workspace_edit(uri, checked.version, edits, document_changes=doc_changes)
        title = "Fix all safe Prosewise suggestions"
        return [types.CodeAction(title=title, kind=FIX_ALL, edit=edit)]
    lines = checked.lines
    start, end = sorted((lines.offset(params.range.start), lines.offset(params.range.end)))
    actions: list[types.CodeAction | types.Command] = []
    dictionaries = ls.settings_for(path_of(uri)).dictionaries
    for _, _, finding, diagnostic in checked.overlapping(start, end):
        actions.extend(quick_fixes(finding, diagnostic, lines, uri, checked.version,
                                   document_changes=doc_changes, learn=ls.fix_commands))
        comment = comment_action(finding, diagnostic, checked, document_changes=doc_changes)
        actions.extend(persistent_actions(finding, diagnostic, uri, lines.text, dictionaries,
                                          comment))
    return actions + rewrites


def _wanted(only: list[str], kind: str) -> bool:
    """Whether a request whose ``only`` is this asks for actions of ``kind``."""
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _rewrites(ls: ProsewiseServer, uri: str, selection: types.Range) -> list[types.CodeAction]:
    """The rewrite actions, for a document whose settings name a model."""
    doc = ls.documents.get(uri)
    if doc is None or not ls.settings_for(path_of(uri)).llm.model:
        return []
    return rewrite_actions(uri, doc, selection)


async def hover(ls: ProsewiseServer, params: types.HoverParams) -> types.Hover | None:
    """Explain the suggestion under the cursor."""
    checked = await ls.checker.current(params.text_document.uri)
    if checked is None or checked.review is None:
        return None
    at = checked.lines.offset(params.position)
    for piece, index, _, diagnostic in checked.overlapping(at, at):
        # the chunk's own findings and decisions: ``into`` indexes the part's shown
        part = piece.chunk.part
        text = hover_markdown(part.shown[index], index, part.decisions)
        content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return types.Hover(contents=content, range=diagnostic.range)
    return None


def register(ls: ProsewiseServer) -> None:
    """Register every handler and command on a server."""
    ls.feature(types.INITIALIZE)(initialize)
    ls.feature(types.INITIALIZED)(initialized)
    ls.feature(types.SHUTDOWN)(shutdown)
    ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    ls.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier="prosewise", inter_file_dependencies=False, workspace_diagnostics=False,
    ))(document_diagnostic)
    ls.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    ls.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL, REWRITE],
    ))(code_action)
    for name, fn in COMMANDS.items():
        ls.command(name)(fn)
