"""The model in the language server, end to end: the real server over stdio (on fake
engines, one of them: one publish per check) asks the scripted model server on
127.0.0.1 (tests/llm_server.py) through litellm's real HTTP path.

What is asserted is what the editor sees (offline diagnostics first, the model's in a
later publish, never for a stale version), what the model server received (only the
edited paragraph, never an unchanged one twice) and that a server without a model
sends nothing and never imports litellm.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from editor import FAKE_SERVER, PICKY, TIMEOUT, EditorClient, fake_editor
from fake_server import IMPORTS
from llm_server import ByTask, ModelServer, Reply, Stall, Status
from lsprotocol import types
from raw import RawServer

from prosewise.agents.llm.checks import BREAKER, CONCURRENCY
from prosewise.server.lsp.model_pass import PROGRESS, STATUS

pytestmark = pytest.mark.slow

P1 = "She have any question about it."
P2 = "They buy many apple today."
P2_EDITED = "They buy many pear today."
FIXES = {P1: "She has any questions about it.", P2: "They buy many apples today.",
         P2_EDITED: "They buy many pears today.", "He have any question about this.":
         "He has any questions about this."}
"""The scripted model's corrections; a text it does not know comes back unchanged."""


def fix(text: str) -> str:
    return json.dumps({"text": FIXES.get(text, text)})


Diagnostics = list[types.Diagnostic]


def model_quotes(diagnostics: Diagnostics) -> set[str]:
    """The words only the model flagged (the fake engines know none of them)."""
    return {str(d.data["text"]) for d in diagnostics
            if d.code == "grammar.llm" and isinstance(d.data, dict)}


def sent(server: ModelServer) -> list[str]:
    """The text of each request, in order."""
    return [m["content"] for r in server.requests for m in r["messages"] if m["role"] == "user"]


async def publish_where(client: EditorClient, uri: str, version: int,
                        wanted: Callable[[Diagnostics], bool]) -> Diagnostics:
    """The first push of ``uri`` at ``version`` whose diagnostics are ``wanted``."""
    after = 0
    while True:
        diagnostics = await client.diagnostics_for(uri, version, after)
        after = 1 + next(i for i in range(after, len(client.published))
                         if client.published[i].uri == uri
                         and client.published[i].version == version)
        if wanted(diagnostics):
            return diagnostics


def replace_text(client: EditorClient, uri: str, version: int, text: str) -> None:
    change = types.TextDocumentContentChangeWholeDocument(text=text)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[change]))


async def check_with_model(client: EditorClient, uri: str) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="prosewise.checkWithModel", arguments=[uri]))
    assert isinstance(result, dict)
    return result


@asynccontextmanager
async def model_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       model: ModelServer, *, named: bool = True,
                       idle_ms: int = 0, all_agents: bool = False,
                       ranking: bool = False) -> AsyncIterator[
                           tuple[EditorClient, list[dict[str, Any]]]]:
    """A server whose editor settings point at the scripted model (and name a model
    unless not ``named``), with its own result cache and config folder; also the
    statuses it sends."""
    monkeypatch.setenv("PROSEWISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv(IMPORTS, str(tmp_path / "imports.txt"))
    # the grammar agent alone: the others ask the model too (tested in test_llm_*.py)
    options: dict[str, Any] = {**PICKY, "agents": {"clarity": False, "tone": False,
                                                   "style": False}}
    if all_agents:
        options = dict(PICKY)
    # a long timeout: a call that is not cancelled outlives the test
    options["llm"] = {"apiBase": model.url, "idleMs": idle_ms, "timeoutS": 600,
                      "ranking": ranking}
    if named:
        options["llm"]["model"] = "openai/test"
    root = tmp_path / "work"
    root.mkdir()
    async with fake_editor(root, options=options) as client:
        statuses: list[dict[str, Any]] = []
        client.feature(STATUS)(lambda params: statuses.append(_plain(params)))
        yield client, statuses


def model_progress(client: EditorClient) -> list[list[str]]:
    """The model passes' ``$/progress`` reports, per token (a slow check may report too)."""
    said = [[f"{r.kind} {getattr(r, 'title', '')}".strip() for r in reports]
            for reports in client.progress_reports.values()]
    return [s for s in said if s and PROGRESS in s[0]]


def _plain(params: Any) -> dict[str, Any]:
    """A custom notification's params as a dict (pygls gives an object with attributes)."""
    return params if isinstance(params, dict) else {k: getattr(params, k)
                                                   for k in ("llm", "reason")}


async def test_offline_first_the_model_later_and_an_edit_cancels_a_stalled_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(Stall(), Reply(fix))
    async with model_editor(tmp_path, monkeypatch, model_server) as (client, statuses):
        uri = client.open("notes.md", P1 + "\n")
        first = await client.diagnostics_for(uri, 1)
        assert "have" in {d.data["text"] for d in first if isinstance(d.data, dict)}
        assert not model_quotes(first)
        await asyncio.to_thread(model_server.wait_for_requests, 1)  # asked, and stalled
        edited = "He have any question about this.\n"
        replace_text(client, uri, 2, edited)
        offline = await client.diagnostics_for(uri, 2)  # while the model still stalls
        assert not model_quotes(offline)
        late = await publish_where(client, uri, 2, model_quotes)
        assert model_quotes(late) == {"question"}
        assert sent(model_server) == [P1, edited.strip()]
        # the stalled pass was cancelled by the edit, not left to its 600 s timeout: the
        # status said "ready" (sent before the re-check's publish, on the same stream)
        assert statuses[0] == {"llm": "checking", "reason": None}
        assert statuses[-1] == {"llm": "ready", "reason": None}
        # and $/progress around each pass: the cancelled one's ended too
        assert model_progress(client) == [[f"begin {PROGRESS}", "end"]] * 2
    assert not any(model_quotes(p.diagnostics) for p in client.published if p.version == 1)
    assert (tmp_path / "imports.txt").exists()  # the audit hook sees litellm's import


async def test_an_edit_asks_about_the_edited_paragraph_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(*(Reply(fix) for _ in range(3)))
    async with model_editor(tmp_path, monkeypatch, model_server) as (client, _):
        uri = client.open("notes.md", f"{P1}\n\n{P2}\n")
        both = await publish_where(client, uri, 1, lambda d: len(model_quotes(d)) == 2)
        assert model_quotes(both) == {"question", "apple"}
        assert sorted(sent(model_server)) == sorted([P1, P2])
        replace_text(client, uri, 2, f"{P1}\n\n{P2_EDITED}\n")
        after = await publish_where(client, uri, 2, lambda d: "pear" in model_quotes(d))
        assert model_quotes(after) == {"question", "pear"}  # P1's answer is kept
        assert sent(model_server)[2:] == [P2_EDITED]
        assert await check_with_model(client, uri) == {"llm": "ready", "reason": None,
                                                       "asked": 0}
        assert len(model_server.requests) == 3  # nothing is sent twice


async def test_without_a_model_nothing_is_sent_and_litellm_is_not_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    async with model_editor(tmp_path, monkeypatch, model_server, named=False) as (client, statuses):
        uri = client.open("notes.md", f"{P1}\n\n{P2}\n")
        assert "have" in {d.data["text"] for d in await client.diagnostics_for(uri, 1)
                          if isinstance(d.data, dict)}
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert (await check_with_model(client, uri))["llm"] == "off"
    assert not model_server.requests and not statuses
    assert not (tmp_path / "imports.txt").exists()


async def test_a_failing_model_is_paused_and_the_writer_told_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(*(Status(500) for _ in range(BREAKER)))
    paragraphs = [f"Paragraph {n} have a error." for n in range(BREAKER + CONCURRENCY + 2)]
    async with model_editor(tmp_path, monkeypatch, model_server,
                            idle_ms=60_000) as (client, statuses):  # only the command asks
        uri = client.open("notes.md", "\n\n".join(paragraphs) + "\n")
        await client.diagnostics_for(uri, 1)
        done = await check_with_model(client, uri)
        assert done["llm"] == "paused" and "500" in done["reason"]
        sent_before = len(model_server.requests)  # the calls in flight when it tripped
        assert BREAKER <= sent_before < BREAKER + CONCURRENCY < len(paragraphs)
        assert statuses[-1] == {"llm": "paused", "reason": done["reason"]}
        again = await check_with_model(client, uri)
        assert again == {**done, "asked": 0} and len(model_server.requests) == sent_before
    assert sum("model is paused" in m.message for m in client.messages) == 1


async def test_no_agent_s_keystroke_check_waits_for_the_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    model_server.script(*(Stall() for _ in range(8)))
    async with model_editor(tmp_path, monkeypatch, model_server,
                            all_agents=True) as (client, _):
        uri = client.open("notes.md", f"{P1}\n")
        assert not model_quotes(await client.diagnostics_for(uri, 1))
        await asyncio.to_thread(model_server.wait_for_requests, 2)  # grammar's and tone's
        tasks = {m["content"].split(".")[0] for r in model_server.requests
                 for m in r["messages"] if m["role"] == "system"}
        assert len(tasks) >= 2  # the pass asked for more than one agent
        replace_text(client, uri, 2, f"{P2}\n")  # every call so far stalls
        assert not model_quotes(await client.diagnostics_for(uri, 2))


def test_shutdown_during_a_stalled_pass_ends_it_before_the_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    """``shutdown`` and ``exit`` while the model stalls: the pass is cancelled and awaited
    before the pipeline's pool and engines close, so nothing it started fails against
    them (it logged "agent … failed: cannot schedule new futures after shutdown")."""
    model_server.script(Stall(), Stall())
    monkeypatch.setenv("PROSEWISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "work"
    root.mkdir()
    options = {**PICKY, "llm": {"model": "openai/test", "apiBase": model_server.url,
                                "idleMs": 0, "timeoutS": 600}}
    with RawServer(root, flags=("--lite",), command=FAKE_SERVER) as server:
        server.initialize(options=options)
        uri = server.open("notes.md", f"{P1}\n\n{P2}\n")
        server.published(uri, 1)
        model_server.wait_for_requests(1)  # the pass is asking, and the model stalls
        assert "result" in server.request("bye", "shutdown")
        server.notify("exit")
        assert server.process.wait(TIMEOUT) == 0
    log = server.log.read_text()
    assert "failed" not in log and "Traceback" not in log, log


async def test_a_paused_model_is_asked_again_once_its_settings_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    """The writer fixes what tripped the breaker (here the timeout stands for the address,
    the key or the model): no restart needed. Unchanged settings stay paused."""
    model_server.script(*(Status(500) for _ in range(BREAKER)))
    paragraphs = [f"Paragraph {n} have a error." for n in range(BREAKER)]
    async with model_editor(tmp_path, monkeypatch, model_server,
                            idle_ms=60_000) as (client, statuses):
        uri = client.open("notes.md", "\n\n".join(paragraphs) + "\n")
        await client.diagnostics_for(uri, 1)
        assert (await check_with_model(client, uri))["llm"] == "paused"
        assert "asked again when its settings change" in statuses[-1]["reason"]
        sent_before = len(model_server.requests)
        model_server.script(*(Reply(fix) for _ in paragraphs))
        settings = {**PICKY, "agents": {"clarity": False, "tone": False, "style": False},
                    "llm": {"apiBase": model_server.url, "idleMs": 60_000, "timeoutS": 599,
                            "model": "openai/test"}}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"prosewise": settings}))
        done = await check_with_model(client, uri)
        assert done["llm"] == "ready" and done["asked"] > 0
        assert len(model_server.requests) > sent_before
        assert statuses[-1] == {"llm": "ready", "reason": None}


async def test_the_model_settles_what_its_own_findings_contest_in_a_later_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_server: ModelServer) -> None:
    """With ``ranking`` on: the engines fix "have" as "has", the model's grammar check
    "have a" as "had an"; the rules show the engines' fix, and a pass after the one
    that brought the model's finding (after the idle pause, 0 here) asks the model to
    choose: it needed that finding to know what to ask, and no edit came to start one."""
    corrected = json.dumps({"text": "She had an apple."})
    choose = json.dumps({"picks": [{"id": 1, "choice": 2, "reason": "past tense"}]})
    model_server.script(*[ByTask((("You correct grammar", corrected),
                                  ("pick the version", choose)))] * 2)
    async with model_editor(tmp_path, monkeypatch, model_server, ranking=True) as (client, _):
        uri = client.open("notes.md", "She have a apple.\n")

        def fixes(diagnostics: Diagnostics) -> dict[str, str]:
            return {d.data["text"]: d.data["fixes"][0] for d in diagnostics
                    if isinstance(d.data, dict) and d.data.get("fixes")}

        judged = await publish_where(client, uri, 1, lambda d: "have a" in fixes(d))
        assert fixes(judged)["have a"] == "had an" and "have" not in fixes(judged)
        asked = [r["messages"][0]["content"] for r in model_server.requests]
        assert [("grammar" in a, "pick the version" in a) for a in asked] == [
            (True, False), (False, True)]
