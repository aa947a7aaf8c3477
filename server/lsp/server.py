"""The Prosewise language server: a pygls ``LanguageServer`` that owns all its state.

Handlers (``handlers.py``) translate between LSP and the methods here; this class
holds the open documents, the check scheduler, the settings and each workspace
folder's memory (dictionary, ignores), and turns reviews into diagnostics.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from prosewise.agents.dictionaries import dictionary_problems
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.ruleagent import house_rule_problems
from prosewise.agents.settings import Settings
from prosewise.server.heap import Collector, Trimmer
from prosewise.server.lsp.capabilities import undeclared_encoding, wants_pull
from prosewise.server.lsp.checker import Checker
from prosewise.server.lsp.convert import path_of
from prosewise.server.lsp.diagnostics import Checked, publish
from prosewise.server.lsp.documents import Document, Documents
from prosewise.server.lsp.model_pass import ModelHost, ModelPass, model_checks
from prosewise.server.lsp.progress import announced, slow_work
from prosewise.server.lsp.protocol import MalformedMessage, ProsewiseProtocol
from prosewise.server.lsp.rewrites import Rewriter
from prosewise.server.lsp.transport import serve_stdio, serve_tcp
from prosewise.server.lsp.waves import Waves
from prosewise.server.lsp.workspaces import Workspaces
from prosewise.server.markup.choice import document_language
from prosewise.server.pipeline import DEFER_CHARS, Pipeline, Review

if TYPE_CHECKING:
    from pygls.server import ServerErrors

log = logging.getLogger(__name__)

FREEZE_BLOCKS = 400
"""After a check that ran this many (agent, block) pairs (an opened or pasted
document) the objects alive are moved out of the garbage collector's sight
(``gc.freeze``): otherwise a full collection walks a large document's findings and
diagnostics in the middle of a keystroke (pauses up to 460 ms at 100k words). Only
reference cycles among frozen objects would escape collection; the pipeline's
models and diagnostics form none."""

SERVER_OPTIONS = ("debounceMs", "server", "lite", "partialResults", "quickFixCommands",
                  "positionEncoding")
"""Client option keys that configure the server or its launch rather than the checks."""


class ProsewiseServer(LanguageServer):
    """One editor session: documents, checks, settings and workspace memory."""

    protocol: ProsewiseProtocol

    def __init__(
        self, pipeline: Pipeline | None = None, debounce: float = 0.01, *, lite: bool = False,
        engines: EngineHub | None = None,
    ) -> None:
        super().__init__("prosewise", "0.1.0", protocol_cls=ProsewiseProtocol)
        self._pipeline = pipeline
        self._engines = engines
        """Engines made (and already loading) before the server, if any: see cli.run_lsp."""
        self.documents = Documents()
        self.checker = Checker(self.documents, self.check, self.announce, debounce)
        self.pull = False
        self._reported: set[str] = set()
        self.workspaces = Workspaces(self._folders, self.report_once)
        self._warm_up: asyncio.Task[Review] | None = None
        self.lite = lite
        """Harper and the rule agents only: lingotweaker (≈400 MB) is never loaded."""
        self.partial = True
        """Publish what is ready, then again with each engine as it comes in (waves.py):
        before harper has loaded, and per keystroke before lingotweaker is done."""
        self.fix_commands = True
        """Quick fixes carry their "learn" command as well as their edit; the client
        option ``quickFixCommands: false`` drops it for clients that run one or the other
        (ALE 3.x runs the command and never applies the edit)."""
        self.waves = Waves(lambda: self.pipeline.engines, self._recheck)
        self.heap = Trimmer(big=FREEZE_BLOCKS)
        """Gives the heap that checks freed back to the system (heap.py)."""
        self.collector = Collector()
        """Held off while a big document is first checked (heap.py)."""
        self.model = ModelPass(ModelHost(
            llm=lambda: self.pipeline.llm, current=self.checker.current,
            settings=self.settings_for, answered=self.model_answered,
            notify=self.protocol.notify, progress=partial(announced, self),
            report=self.report_once))
        """Asks the model in the background; checks only read its answers (model_pass.py)."""
        self.rewrites = Rewriter()
        """The rewrite actions the writer chose and the model has not answered (rewrites.py)."""

    @property
    def pipeline(self) -> Pipeline:
        """The review pipeline, built on first use. Checks do not wait for an engine that
        is still loading: the first diagnostics come without it and documents are
        re-checked once it has loaded (waves.py)."""
        if self._pipeline is None:
            engines = self._engines or EngineHub()
            engines.use_lingo, engines.wait_for_engines = not self.lite, False
            self._pipeline = Pipeline(engines=engines)
        return self._pipeline

    def setup(self, params: types.InitializeParams) -> None:
        """Choose push or pull, the position encoding and the settings at ``initialize``."""
        self.pull = wants_pull(params.capabilities)
        raw = params.initialization_options
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        general = params.capabilities.general
        if not (general and general.position_encodings) and isinstance(raw, dict):
            encoding = undeclared_encoding(raw.get("positionEncoding"), encoding)
        self.documents.encoding = types.PositionEncodingKind(encoding).value
        if isinstance(raw, dict):
            self.configure(raw.get("prosewise", raw))

    def configure(self, raw: object) -> None:
        """Take new client options (``prosewise`` section) and re-check open documents."""
        raw = raw if isinstance(raw, dict) else {}
        if "debounceMs" in raw and (problem := self.checker.set_debounce_ms(raw["debounceMs"])):
            self.report_once(problem)
        if "lite" in raw and self._pipeline is None:  # only before the engines are built
            self.lite = bool(raw["lite"])
        if "partialResults" in raw:
            self.partial = bool(raw["partialResults"])
        if "quickFixCommands" in raw:
            self.fix_commands = bool(raw["quickFixCommands"])
        self.workspaces.configure({k: v for k, v in raw.items() if k not in SERVER_OPTIONS})
        for doc in self.documents:
            self.checker.schedule(doc.uri, delay=0)
            self.model.schedule(doc.uri)

    def warm_up(self) -> None:
        """Load harper and the rule agents in the background while the editor opens its
        first file. The first diagnostics wait for neither engine; lingotweaker loads
        after them (see waves.py): its load holds the GIL for 1-2 s."""
        root = Path(self.workspace.root_path or ".")
        settings = self.settings_for(root / "warm-up.md")
        engines = self.pipeline.engines
        if engines.engines:
            engines.loading(engines.engines[0].name, settings.goals.dialect)
        review = self.pipeline.review("Warm up the engines.", "plaintext", settings)
        self._warm_up = asyncio.create_task(review, name="warm up")

    async def pull_configuration(self) -> None:
        """Ask the client for the ``prosewise`` section, if it answers such requests."""
        workspace = self.client_capabilities.workspace
        if workspace is None or not workspace.configuration:
            return
        params = types.ConfigurationParams(items=[types.ConfigurationItem(section="prosewise")])
        try:
            answer = await self.workspace_configuration_async(params)
        except Exception as error:  # a client that fails here still gets checks
            log.warning("workspace/configuration failed: %s", error)
            return
        if answer and isinstance(answer[0], dict):
            self.configure({**self.workspaces.options, **answer[0]})

    def supports_document_changes(self) -> bool:
        """Whether the client takes versioned ``documentChanges`` in workspace edits."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        return bool(edit and edit.document_changes)

    def _folders(self) -> list[Path]:
        """The client's workspace folders and root, as paths."""
        folders = [Path(p) for f in self.workspace.folders.values() if (p := to_fs_path(f.uri))]
        if self.workspace.root_path:
            folders.append(Path(self.workspace.root_path))
        return folders

    def settings_for(self, path: Path) -> Settings:
        """The settings a document at ``path`` is checked with (workspaces.py); the first
        that names a model gives the pipeline its checks (they only read: the pass asks)."""
        settings = self.workspaces.settings(path)
        if settings.llm.model and self.pipeline.llm is None:
            self.pipeline.llm = model_checks()
        return settings

    def report_once(self, message: str) -> None:
        """Tell the writer about a problem once per session, not on every keystroke."""
        if message in self._reported:
            return
        self._reported.add(message)
        log.warning(message)
        params = types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        self.window_show_message(params)

    async def check(self, doc: Document) -> Checked:
        """Review one version of a document and convert the shown findings."""
        uri, version, text, language = doc.uri, doc.version, doc.text, doc.language
        revision = doc.revision
        latest = self.checker.latest.get(uri)
        previous = latest.review if latest is not None else None
        edited = doc.changed_since(latest.revision) if latest is not None else None
        lines = doc.lines()
        path = path_of(uri)
        if not doc.checkable:
            log.warning("not checking %s: too large or binary", uri)
            return Checked(uri, version, None, lines, revision=revision)
        settings = self.settings_for(path)
        language = document_language(language, path.name, settings.languages)
        dialect = settings.goals.dialect
        if not self.partial:
            await self.waves.first_loaded(dialect)
        early = self.partial and not self.pull  # a pull client would be asked to pull twice
        big = previous is None and len(text) > DEFER_CHARS
        with self.collector.held() if big else nullcontext():
            async with slow_work(self, f"Prosewise: checking {path.name}"):
                feedback = self.workspaces.feedback(path)
                review = await self.pipeline.review(text, language, settings, feedback,
                                                    early=early, previous=previous, edited=edited)
            for problem in (*house_rule_problems(settings.house_rules),  # a rule that timed out too
                            *dictionary_problems(settings.dictionaries)):  # as the file is now
                self.report_once(f"Prosewise: {problem}")
            if review.waiting:
                self.waves.after(uri, revision, review.waiting, dialect)
            memory = self.workspaces.memory(path)
            ignores = memory.ignores.occurrences.get(memory.relative(path))
            keep = (lambda shown: memory.keep(path, text, shown)) if ignores else None
            if review.checked_blocks >= FREEZE_BLOCKS:  # thousands of diagnostics, maybe
                await self.checker.cache.prepare(review, lines)
            checked = self.checker.cache.checked(uri, version, review, lines, keep,
                                                 revision=revision)
            if review.checked_blocks >= FREEZE_BLOCKS:
                gc.freeze()
        self.heap.checked(review.checked_blocks)
        return checked

    def model_answered(self, uri: str, revision: int, chunks: set[str],
                       settings: Settings) -> None:
        """The model answered for these chunks of ``revision``: check them again (the
        next check starts from a result in which they wait for it), unless the document
        has changed since."""
        latest = self.checker.latest.get(uri)
        if latest is None or latest.review is None or latest.revision != revision:
            return
        review = self.pipeline.answered(latest.review, chunks, settings)
        self.checker.latest[uri] = replace(latest, review=review)
        self._recheck(uri, revision)

    def _recheck(self, uri: str, revision: int | None = None) -> None:
        """Check a document again (unless it has changed since ``revision``); pull
        clients are asked to pull."""
        doc = self.documents.get(uri)
        if doc is None or (revision is not None and doc.revision != revision):
            return
        self.checker.schedule(uri, delay=0)
        if self.pull:
            self.workspace_diagnostic_refresh(None).add_done_callback(_log_refresh_error)

    async def close(self) -> None:
        """Cancel pending checks, stop the pipeline's workers and close the learning store."""
        await self.checker.close()
        await self.model.close()  # before the pipeline's pool and engines close
        self.rewrites.close()
        self.waves.close()
        self.heap.close()
        if self._warm_up is not None:
            self._warm_up.cancel()
        if self._pipeline is not None:
            self._pipeline.close()
        self.workspaces.learning.close()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve on stdin/stdout until the client exits or closes the pipe (transport.py)."""
        serve_stdio(self, stdin, stdout)

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client on a TCP port (for debugging), as on stdio (transport.py)."""
        serve_tcp(self, host, port)

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        """Messages the client got wrong are logged, and shown to the writer once a
        session (they come in bursts); other errors as pygls shows them."""
        if isinstance(error, MalformedMessage):
            log.warning("malformed message from the client: %s", error)
            self.report_once("Prosewise skipped messages from the editor that it could not "
                             "read or answer (details in its log).")
            return
        super().report_server_error(error, source)

    def announce(self, checked: Checked) -> None:
        """Push diagnostics to clients that do not pull them."""
        if self.pull:
            return
        publish(self.protocol, checked)

    def recheck_all(self) -> None:
        """Re-check every open document (after the dictionary or ignores changed);
        pull clients are asked to pull again."""
        for doc in self.documents:
            self.checker.schedule(doc.uri, delay=0)
        if self.pull:
            self.workspace_diagnostic_refresh(None).add_done_callback(_log_refresh_error)


def _log_refresh_error(future: Future[None]) -> None:
    if not future.cancelled() and (error := future.exception()) is not None:
        log.info("client did not accept workspace/diagnostic/refresh: %s", error)
