"""Fuzz: random edit sequences against the real server over stdio. The diagnostics of
the final version must be those a fresh server gives the final text (same settings,
same workspace), and the server's publish of that version must say what a pull says.

The edits are what editors send: several incremental changes per didChange, each on
the text the one before left; keystrokes, deletions (across paragraphs too), pastes,
paragraph breaks, emoji and other non-BMP text (UTF-16 positions), CRLF and lone CR,
ends past a line's or the text's end (LSP: its end), now and then the whole text.
They go out back to back with the debounce at 0, so checks start and are overtaken;
now and then the test waits for a version's publish (the server's own signal, never a
pause), so the next check starts from a finished one. Both servers run ``--lite``
(harper and the rule agents); one test runs a few sequences with lingotweaker too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from editor import PICKY, position
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from raw import Message, RawServer

from tests.test_chunks import PIECES
from tests.test_incremental import _documents

pytestmark = pytest.mark.slow

LITE_SEQUENCES = 50
FULL_SEQUENCES = 3
MESSAGES = (10, 16)
CHANGES = (2, 5)
"""Per sequence and per message: at least 20 changes a sequence, so the default run
makes at least 600."""
MIN_EDITS = 500
MAX_CHARACTER = 2**31 - 1
"""The largest position value a client may send (LSP's ``uinteger``... as ``integer``)."""

WORDS = ["We", " recieve", " teh", " letters", ". ", "She", " have", " a", " apple",
         " cat", ", and", " It", " are", " nice", " Café", " naïve", " 😀", " 𝄞", " 👩‍💻"]
"""Text with findings (misspellings, agreement, articles) and wide characters."""
BREAKS = ["\r", "\r\r", "\r\n", "\n\n", "\r\n\r\n", "\n\r", "\u2028", "\f"]
"""Line breaks LSP counts (CR, LF, CRLF) and characters it does not (U+2028, form feed)."""


def _variants(text: str) -> list[str]:
    return [text, text.replace("\n", "\r\n"), text.replace("\n", "\r")]


PROSE = ("# Notes 🎉\n\nWe recieve teh letters. She have a cat.\nIt are nice, and a apple"
         " is red.\n\nCafé 😀 is a apple pie. 𝄞 We recieve it.\n\n- one itme\n- two itmes\n")
STARTS = [*[v for text in [PROSE, *_documents().values()] for v in _variants(text)], ""]
"""Prose with findings on every line, and markdown with structure (front matter, fences,
lists, HTML, math), each with LF, CRLF and lone CR line ends."""

RARELY = st.sampled_from([False] * 24 + [True])
SOMETIMES = st.sampled_from([False] * 4 + [True])
"""Weighted coins (``st.integers`` favours its bounds)."""
typed = st.sampled_from(list("abcxyz .,'"))
pasted = st.lists(st.sampled_from([*WORDS, *PIECES, *BREAKS]), min_size=2, max_size=12).map(
    "".join)
inserted = st.one_of(typed, typed, st.sampled_from([*PIECES, *BREAKS]), pasted,
                     st.text(max_size=4))


@dataclass(frozen=True)
class Change:
    """One content change, in code points of the text before it. ``whole``: sent as a
    whole-text change; ``past`` > 0: its end (at the end of a line or of the text) is
    sent that far past the end."""

    start: int
    end: int
    text: str
    whole: bool = False
    past: int = 0

    def applied(self, text: str) -> str:
        return self.text if self.whole else text[:self.start] + self.text + text[self.end:]

    def lsp(self, text: str) -> dict[str, Any]:
        """The change as a client sends it, in UTF-16 positions of ``text``."""
        if self.whole:
            return {"text": self.text}
        start, end = position(text, self.start, "utf-16"), position(text, self.end, "utf-16")
        ends = [{"line": p.line, "character": p.character} for p in (start, end)]
        if self.past:
            moved = ends[1:] if self.start < self.end else ends
            beyond = "line" if self.end == len(text) and self.past % 2 else "character"
            for end_pos in moved:
                end_pos[beyond] = min(end_pos[beyond] + self.past, MAX_CHARACTER)
        return {"range": {"start": ends[0], "end": ends[1]}, "text": self.text}


@dataclass
class Sequence:
    """A starting text and the changes of each didChange (version 2 on)."""

    start: str
    messages: list[list[Change]]
    waits: list[bool]
    """Per message: wait for its version's publish before sending the next."""

    def texts(self) -> list[str]:
        """The text at each version, from the opened one to the final one."""
        out = [self.start]
        for message in self.messages:
            text = out[-1]
            for change in message:
                text = change.applied(text)
            out.append(text)
        return out


def _on_boundary(text: str, at: int) -> int:
    """LSP cannot point between the CR and the LF of a CRLF: step back before the CR."""
    return at - 1 if 0 < at < len(text) and text[at - 1:at + 1] == "\r\n" else at


@st.composite
def changes(draw: st.DrawFn, text: str) -> Change:
    """A change to ``text``: mostly a keystroke or a deletion, sometimes a paste or a
    cut across paragraphs, rarely the whole text."""
    if draw(RARELY):
        return Change(0, len(text), draw(st.one_of(st.sampled_from(STARTS), pasted)), True)
    start = draw(st.integers(0, len(text)))
    length = draw(st.one_of(st.just(0), st.integers(1, 3), st.integers(1, 3),
                            st.integers(0, 60), st.integers(0, len(text))))
    start, end = _on_boundary(text, start), _on_boundary(text, min(len(text), start + length))
    new = draw(st.one_of(st.just(""), inserted)) if end > start else draw(inserted)
    at_line_end = text[end:end + 1] in ("", "\r", "\n")
    past = draw(st.sampled_from([0, 0, 0, 1, 2, 9, MAX_CHARACTER])) if at_line_end else 0
    return Change(start, end, new, past=past)


@st.composite
def sequences(draw: st.DrawFn) -> Sequence:
    text = draw(st.sampled_from(STARTS))
    sequence = Sequence(text, [], [])
    for _ in range(draw(st.integers(*MESSAGES))):
        message = []
        for _ in range(draw(st.integers(*CHANGES))):
            change = draw(changes(text))
            message.append(change)
            text = change.applied(text)
        sequence.messages.append(message)
        sequence.waits.append(draw(SOMETIMES))
    return sequence


WARM_UP = "She have a cat. I am agree with you.\n"
LINGO_ONLY = "am agree"
"""Flagged by lingotweaker alone (tests/lsp/test_cold_start.py)."""


def loaded(server: RawServer) -> None:
    """Wait until the server has every engine: a check before lingotweaker has loaded
    goes without it (and is published again when it has), so the two servers would
    compare different engines."""
    uri = server.open("warm-up.md", WARM_UP)
    after = 0
    while True:
        pushed = server.published(uri, 1, after)
        if any(d["data"]["text"] == LINGO_ONLY for d in pushed["params"]["diagnostics"]):
            break
        after = server.seen.index(pushed) + 1
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def canonical(items: list[dict[str, Any]]) -> list[str]:
    """Diagnostics in a comparable form (the order of equal-range ones is free)."""
    return sorted(json.dumps(d, sort_keys=True) for d in items)


@dataclass
class Servers:
    """The server under edits, the fresh one for reference, and what was sent."""

    edited: RawServer
    fresh: RawServer
    ids: count[int] = field(default_factory=count)
    messages: int = 0
    edits: int = 0

    def pull(self, server: RawServer, uri: str) -> list[dict[str, Any]]:
        """The document's diagnostics for its current version, as a pull answers."""
        answer = server.request(f"pull-{next(self.ids)}", "textDocument/diagnostic",
                                {"textDocument": {"uri": uri}})
        assert "result" in answer, answer
        items: list[dict[str, Any]] = answer["result"]["items"]
        return items

    def run(self, sequence: Sequence) -> None:
        """Edit a new document through ``sequence``; compare with the fresh server."""
        name = f"doc-{next(self.ids)}.md"
        uri = self.edited.open(name, sequence.start)
        mark = len(self.edited.seen)
        texts = sequence.texts()
        for version, (message, wait) in enumerate(zip(sequence.messages, sequence.waits,
                                                      strict=True), 2):
            before = texts[version - 2]
            lsp: list[dict[str, Any]] = []
            for change in message:
                lsp.append(change.lsp(before))
                before = change.applied(before)
            self.edited.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": lsp})
            self.messages += 1
            self.edits += len(message)
            if wait:
                self.edited.published(uri, version, mark)
        final = len(texts)
        pulled = self.pull(self.edited, uri)
        pushed: Message = self.edited.published(uri, final, mark)
        self.fresh.open(name, texts[-1])
        expected = self.pull(self.fresh, uri)
        assert canonical(pulled) == canonical(expected), texts[-1]
        assert canonical(pushed["params"]["diagnostics"]) == canonical(pulled)
        for server in (self.edited, self.fresh):
            server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@pytest.mark.parametrize("mode,sequences_run", [("lite", LITE_SEQUENCES),
                                                ("full", FULL_SEQUENCES)])
def test_random_edits_end_where_a_fresh_server_starts(
    tmp_path: Path, mode: str, sequences_run: int
) -> None:
    flags = ("--lite",) if mode == "lite" else ()
    with (RawServer(tmp_path, flags, "edited") as edited,
          RawServer(tmp_path, flags, "fresh") as fresh):
        edited.initialize(options={**PICKY, "debounceMs": 0})
        fresh.initialize()
        if mode == "full":
            for server in (edited, fresh):
                loaded(server)
        servers = Servers(edited, fresh)

        @settings(max_examples=examples(sequences_run))
        @given(sequences())
        def edit(sequence: Sequence) -> None:
            servers.run(sequence)

        edit()
        print(f"{mode}: {servers.messages} didChange messages, {servers.edits} changes")
        assert servers.edits >= CHANGES[0] * MESSAGES[0] * examples(sequences_run)
        if mode == "lite":
            assert servers.edits >= MIN_EDITS
        assert edited.process.poll() is None and fresh.process.poll() is None
