"""The server's commands (``workspace/executeCommand``): the persistent actions that
quick fixes carry (ignore, add to dictionary, disable a rule), what the editors'
commands ask for (re-check, decision log, tone, status, the model), and the rewrite
actions' second step. Each translates its arguments into a call on the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types

from prosewise.agents.dictionaries import writable
from prosewise.agents.settings import Settings
from prosewise.server.lsp.convert import Commands, path_of
from prosewise.server.lsp.learning import Verdict
from prosewise.server.lsp.server import ProsewiseServer
from prosewise.server.memory import Occurrence


def ignore_occurrence(ls: ProsewiseServer, uri: str, rule: str, text: str, context: str) -> None:
    """Remember one ignored finding and re-check."""
    path = path_of(uri)
    ls.workspaces.memory(path).ignore(path, Occurrence(rule=rule, text=text, context=context))
    ls.workspaces.learn(path, rule, Verdict.DISMISSED)
    ls.recheck_all()


def accepted(ls: ProsewiseServer, uri: str, rule: str) -> None:
    """The client applied one of our quick fixes: the ranking agent learns from it."""
    ls.workspaces.learn(path_of(uri), rule, Verdict.ACCEPTED)


def add_word(ls: ProsewiseServer, uri: str, word: str) -> None:
    """Add a word to the workspace dictionary and re-check."""
    add_word_to(ls, uri, word, None)


def add_word_to(ls: ProsewiseServer, uri: str, word: str, file: str | None) -> None:
    """Add a word to ``file``, one of the document's ``dictionaries`` (no other file), or
    to the workspace dictionary (None), and re-check; refuse anything but one word."""
    path = path_of(uri)
    if file is not None and (file not in ls.settings_for(path).dictionaries
                             or not writable(file)):
        ls.report_once(f"Prosewise cannot add words to {file}: it is not one of this"
                       " document's dictionaries with a word a line.")
        return
    try:
        ls.workspaces.memory(path).add_word(word, None if file is None else Path(file))
    except ValueError as error:
        ls.report_once(str(error))
        return
    ls.recheck_all()


def disable_in_file(ls: ProsewiseServer, uri: str, rule: str) -> None:
    """Switch a rule off in one file and re-check."""
    path = path_of(uri)
    ls.workspaces.memory(path).disable_rule(rule, path)
    ls.recheck_all()


def disable_in_workspace(ls: ProsewiseServer, uri: str, rule: str) -> None:
    """Switch a rule off in the workspace and re-check."""
    path = path_of(uri)
    ls.workspaces.memory(path).disable_rule(rule, None)
    ls.recheck_all()


def recheck(ls: ProsewiseServer, uri: str) -> None:
    """Check a document again from scratch."""
    ls.checker.schedule(uri, delay=0)


async def check_with_model(ls: ProsewiseServer, uri: str) -> dict[str, Any]:
    """Ask the model about the document now; answers how many blocks were sent and the
    model's status (``{"llm": "ready" | "paused" | "off", "reason", "asked"}``)."""
    if ls.documents.get(uri) is None:
        return {"llm": "off", "reason": f"{uri} is not open", "asked": 0}
    return await ls.model.now(uri)


async def rewrite(ls: ProsewiseServer, uri: str, kind: str, version: int,
                  where: types.Range) -> dict[str, Any]:
    """A rewrite action chosen: ask the model, then the client to apply its rewrite."""
    return await ls.rewrites.run(ls, uri, kind, version, where)


async def show_decisions(ls: ProsewiseServer, uri: str) -> list[dict[str, Any]]:
    """The ranking agent's decision log for the document."""
    checked = await ls.checker.current(uri)
    if checked is None or checked.review is None:
        return []
    return [{"rule": d.finding.rule, "text": d.finding.text, "outcome": d.outcome.value,
             "reason": d.reason} for d in checked.review.decisions]


async def show_tone(ls: ProsewiseServer, uri: str) -> dict[str, Any] | None:
    """The document's tone summary (None for documents too short to judge)."""
    checked = await ls.checker.current(uri)
    if checked is None or checked.review is None or checked.review.tone is None:
        return None
    return checked.review.tone.model_dump(mode="json")


def status(ls: ProsewiseServer, uri: str | None = None) -> dict[str, Any]:
    """The server's version, how it sends diagnostics and, for the document's dialect
    (the default one without a document), each engine's state: what an editor's health
    check (Neovim's ``:checkhealth prosewise``) shows."""
    settings = ls.settings_for(path_of(uri)) if uri else Settings()
    dialect = settings.goals.dialect
    hub = ls.pipeline.engines
    return {"version": ls.version, "diagnostics": "pull" if ls.pull else "push",
            "lite": ls.lite, "dialect": dialect.value,
            "engines": {e.name: hub.state(e.name, dialect) for e in hub.engines}}


COMMANDS: dict[str, Callable[..., Any]] = {
    Commands.IGNORE: ignore_occurrence,
    Commands.ACCEPTED: accepted,
    Commands.ADD_WORD: add_word,
    Commands.ADD_WORD_TO: add_word_to,
    Commands.DISABLE_IN_FILE: disable_in_file,
    Commands.DISABLE_IN_WORKSPACE: disable_in_workspace,
    Commands.RECHECK: recheck,
    Commands.CHECK_WITH_MODEL: check_with_model,
    Commands.DECISIONS: show_decisions,
    Commands.TONE: show_tone,
    Commands.REWRITE: rewrite,
    Commands.STATUS: status,
}
"""Each command's handler, by the name clients send."""
