"""Fuzz: corrupt stores. Hypothesis writes random bytes, truncated or reshaped JSON and
invalid UTF-8 into ``.prosewise/dictionary.txt`` and ``ignores.json`` (replacing
them, as ``git pull`` does) while one real server, started on a corrupt learning
database, serves the workspace. Each time the server must still check a document and
explain a finding, and "add word", "ignore this occurrence" and "disable in
workspace" must still work, with nothing the files held lost: the dictionary keeps
its bytes, and a damaged ``ignores.json`` is kept as ``ignores.json.corrupt-<time>``
before it is rewritten. The learning database is left as it is. In-process, random
bytes as the learning database never stop ``LearningStore``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from editor import data_dir
from fuzzing import examples
from hypothesis import example, given, settings
from hypothesis import strategies as st
from raw import Message, RawServer

from prosewise.server.lsp.learning import FILENAME, LearningStore, Verdict

EXAMPLES = 25
CORRUPT_DB = b"SQLite format 3\x00" + bytes(range(256)) * 8
"""A database header over garbage: sqlite opens it, and fails at the first query."""

NEWER_ENTRY = {"rule": "style.x", "text": "a", "context": "b a c", "seen": 3}
"""An entry with a key this version does not know: the rewrite dropped it."""
rules = st.sampled_from(["style.x", "tone.y", "clarity.z", "grammar.q"])
occurrence = st.fixed_dictionaries(
    {"rule": rules, "text": st.text(max_size=5), "context": st.text(max_size=12)},
    optional={"seen": st.integers(0, 9)})
"""``seen``: a key a newer Prosewise might add to an entry."""
files = st.sampled_from(["doc.md", "notes/a.md", "ünï.md"])
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)
ignores_shaped = st.fixed_dictionaries({}, optional={
    "occurrences": st.one_of(st.dictionaries(files, st.lists(occurrence, max_size=2),
                                             max_size=2), json_value),
    "file_rules": st.one_of(st.dictionaries(files, st.lists(rules, max_size=2)), json_value),
    "workspace_rules": st.one_of(st.lists(rules, max_size=2), json_value),
    "future_key": json_value,
})
words = st.lists(st.one_of(st.sampled_from(["zorblax", "# comment", "", "two words",
                                            "\ufeffbom", "tab\tword", "café"]),
                           st.text(max_size=8)), max_size=5)


@st.composite
def damaged(draw: st.DrawFn, good: st.SearchStrategy[bytes]) -> bytes:
    """Good bytes, or the same cut short, with a bad byte or a merge conflict in them,
    or random bytes."""
    data = draw(good)
    at = draw(st.integers(0, len(data)))
    how = draw(st.sampled_from(["as is", "cut", "bad byte", "conflict", "random", "empty"]))
    if how == "cut":
        return data[:at]
    if how == "bad byte":
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80",
                                                 b"\x00"])) + data[at:]
    if how == "conflict":
        return data[:at] + b"\n<<<<<<< HEAD\n=======\n>>>>>>> theirs\n" + data[at:]
    if how == "random":
        return draw(st.binary(max_size=80))
    return b"" if how == "empty" else data


dictionaries = damaged(words.map(lambda w: ("\n".join(w) + "\n").encode()))
ignores = damaged(st.one_of(ignores_shaped, json_value).map(
    lambda v: json.dumps(v, ensure_ascii=False, indent=1).encode()))


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` as another program would: a new file renamed over the old one."""
    temp = path.with_name(path.name + ".incoming")
    temp.write_bytes(data)
    os.replace(temp, path)


def contained(old: Any, new: Any) -> bool:
    """Whether every key and entry of ``old`` is still in ``new`` (a key whose value is an
    empty list or table holds nothing to lose)."""
    if isinstance(old, dict):
        return isinstance(new, dict) and all(
            (k in new and contained(v, new[k])) or v in ([], {}) for k, v in old.items())
    if isinstance(old, list):
        return isinstance(new, list) and all(any(contained(o, n) for n in new) for o in old)
    return bool(old == new)


def ignores_kept(before: bytes, after: bytes, asides: list[bytes]) -> bool:
    """The old ignores.json is unchanged, copied aside, or (valid JSON) all in the new one."""
    if after == before or before in asides or not before.strip():
        return True
    try:
        return contained(json.loads(before), json.loads(after))
    except ValueError:
        return False


@dataclass
class Session:
    """The server, its workspace and counters for unique words and request ids."""

    server: RawServer
    root: Path
    ids: count[int] = field(default_factory=count)

    @property
    def folder(self) -> Path:
        return self.root / ".prosewise"

    def request(self, method: str, params: object) -> Any:
        answer: Message = self.server.request(f"r{next(self.ids)}", method, params)
        assert "result" in answer, answer
        return answer["result"]

    def pull(self, uri: str) -> dict[str, dict[str, Any]]:
        """The document's diagnostics now, by quoted text."""
        items = self.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["items"]
        return {d["data"]["text"]: d for d in items}

    def command(self, name: str, *args: object) -> None:
        self.request("workspace/executeCommand", {"command": name, "arguments": list(args)})

    def asides(self) -> list[bytes]:
        return [p.read_bytes() for p in self.folder.glob("ignores.json.corrupt-*")]

    def run(self, dictionary: bytes, ignored: bytes) -> None:
        """Corrupt both stores, then check, hover and act on a new document."""
        n = next(self.ids)
        word = "zq" + "".join(chr(ord("a") + int(d)) for d in str(n))
        replace(self.folder / "dictionary.txt", dictionary)
        replace(self.folder / "ignores.json", ignored)
        uri = self.server.open(f"doc-{n}.md", f"We recieve the {word}. The end result is here.\n")
        found = self.pull(uri)
        assert {"recieve", word, "end result"} <= set(found), found
        hover = self.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": found[word]["range"]["start"]})
        assert hover is not None and word in hover["contents"]["value"]

        self.command("prosewise.addWord", uri, word)
        assert word not in self.pull(uri)
        after = (self.folder / "dictionary.txt").read_bytes()
        assert after.startswith(dictionary) and after[len(dictionary):].strip() == word.encode()

        actions = self.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": found["recieve"]["range"],
            "context": {"diagnostics": [found["recieve"]]}})
        ignore = next(a for a in actions if a["title"] == "Ignore this occurrence")
        self.command(ignore["command"]["command"], *ignore["command"]["arguments"])
        assert "recieve" not in self.pull(uri)
        self.command("prosewise.disableRuleInWorkspace", uri, found["end result"]["code"])
        assert "end result" not in self.pull(uri)
        kept = (self.folder / "ignores.json").read_bytes()
        assert ignores_kept(ignored, kept, self.asides()), kept
        self.server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@pytest.mark.slow
def test_corrupt_stores_never_stop_checking_and_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / ".prosewise").mkdir(parents=True)
    learning = data_dir(root) / FILENAME
    learning.parent.mkdir()
    learning.write_bytes(CORRUPT_DB)
    with RawServer(root, flags=("--lite",)) as server:
        server.initialize()
        session = Session(server, root)

        @settings(max_examples=examples(EXAMPLES))
        @given(dictionaries, ignores)
        @example(b"", json.dumps({"occurrences": {"doc.md": [NEWER_ENTRY]}}).encode())
        def corrupt(dictionary: bytes, ignored: bytes) -> None:
            session.run(dictionary, ignored)

        corrupt()
        said = [m["params"]["message"] for m in server.seen
                if m.get("method") == "window/showMessage"]
        assert len([m for m in said if "learning database" in m]) == 1, said
    assert learning.read_bytes() == CORRUPT_DB


@settings(max_examples=examples(200))
@given(st.one_of(st.binary(min_size=1, max_size=300),
                 st.binary(max_size=200).map(lambda b: CORRUPT_DB[:100] + b)))
def test_any_bytes_as_the_learning_database_turn_learning_off(data: bytes) -> None:
    """Never an exception from the store; the file is left as it was unless sqlite can
    use it (then it was a database, or nothing, to begin with)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / FILENAME
        path.write_bytes(data)
        told: list[str] = []
        store = LearningStore(path, warn=told.append)
        stored = store.record(folder, "style.x", Verdict.DISMISSED)
        feedback = store.feedback(folder)
        store.close()
        assert stored == bool(feedback) and stored != bool(told)
        assert stored or path.read_bytes() == data
