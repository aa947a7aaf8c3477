"""The workspace stores read in-process: what a damaged or hostile ``.prosewise/`` folder
can make Prosewise read or write. The servers and the CLI are tested on them in
tests/lsp/test_stores.py and tests/test_cli.py."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from prosewise.server.memory import FOLDER, Occurrence, WorkspaceMemory, word_problem
from prosewise.server.storefile import MAX_BYTES


def memory(root: Path, said: list[str]) -> WorkspaceMemory:
    """The memory of ``root``, its messages collected in ``said`` (within 10 s: a FIFO
    must not block the reader)."""
    made: list[WorkspaceMemory] = []
    reader = threading.Thread(target=lambda: made.append(WorkspaceMemory(root, said.append)),
                              daemon=True)
    reader.start()
    reader.join(10)
    assert made, "reading the stores blocked"
    return made[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "ws" / FOLDER).mkdir(parents=True)
    return tmp_path / "ws"


@pytest.mark.parametrize("target", ["outside", "/dev/zero", "fifo", "huge"])
def test_a_store_that_is_not_a_small_file_inside_the_workspace_is_not_read(
    root: Path, target: str
) -> None:
    """A cloned repository's ``.prosewise/dictionary.txt`` may be a symlink to a file of
    the user's, to ``/dev/zero`` (read until out of memory), or a FIFO (blocks)."""
    store = root / FOLDER / "dictionary.txt"
    secret = root.parent / "secret.txt"
    secret.write_text("hunter2\n", encoding="utf-8")
    if target == "outside":
        store.symlink_to(secret)
    elif target == "fifo":
        os.mkfifo(store)
    elif target == "huge":
        store.write_bytes(b"word\n" * (MAX_BYTES // 5 + 1))
    else:
        store.symlink_to(target)
    said: list[str] = []
    assert memory(root, said).words == []
    assert len(said) == 1 and str(store) in said[0], said


def test_a_store_folder_pointing_outside_is_neither_read_nor_written(root: Path) -> None:
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (outside / "dictionary.txt").write_text("hunter2\n", encoding="utf-8")
    (root / FOLDER).rmdir()
    (root / FOLDER).symlink_to(outside)
    said: list[str] = []
    mem = memory(root, said)
    mem.add_word("zorblax")
    mem.disable_rule("style.x", None)
    assert mem.words == ["zorblax"] and mem.ignores.workspace_rules == ["style.x"]
    assert sorted(p.name for p in outside.iterdir()) == ["dictionary.txt"]
    assert any("session only" in m for m in said), said


def test_bad_lines_are_skipped_and_kept(root: Path) -> None:
    store = root / FOLDER / "dictionary.txt"
    store.write_bytes(b"\xef\xbb\xbfalpha\r\n# team words\nbe\xfftah\nNew York\n\ngamma")
    said: list[str] = []
    mem = memory(root, said)
    assert mem.words == ["alpha", "gamma"]
    assert len(said) == 1 and "line 3 is not UTF-8" in said[0] and "line 4 was skipped" in said[0]
    mem.add_word("delta")
    assert store.read_bytes().endswith(b"\nbe\xfftah\nNew York\n\ngamma\ndelta\n")


def test_ignores_keep_their_good_entries(root: Path) -> None:
    store = root / FOLDER / "ignores.json"
    good = {"rule": "style.x", "text": "t", "context": "a t b"}
    store.write_text(json.dumps({
        "occurrences": {"a.md": [good, {"rule": 3}], "b.md": "oops"},
        "file_rules": {"a.md": ["grammar.y", 4]},
        "workspace_rules": ["tone"],
        "from_a_newer_version": {"kept": True},
    }), encoding="utf-8")
    said: list[str] = []
    mem = memory(root, said)
    assert mem.ignores.occurrences == {"a.md": [Occurrence(**good)]}
    assert mem.ignores.workspace_rules == ["tone"] and mem.ignores.file_rules == {}
    assert len(said) == 1 and "occurrence 2 of “a.md”" in said[0], said
    mem.disable_rule("style.z", None)
    saved = json.loads(store.read_text(encoding="utf-8"))
    assert saved["workspace_rules"] == ["tone", "style.z"]
    assert saved["from_a_newer_version"] == {"kept": True}
    (aside,) = (root / FOLDER).glob("ignores.json.corrupt-*")
    assert json.loads(aside.read_text(encoding="utf-8"))["occurrences"]["b.md"] == "oops"


def test_keys_a_newer_version_adds_to_an_entry_are_kept(root: Path) -> None:
    """An ignored occurrence with a key this version does not know lost it, silently and
    with no copy aside, at the next rewrite (found by tests/lsp/test_fuzz_stores.py)."""
    store = root / FOLDER / "ignores.json"
    entry = {"rule": "style.x", "text": "t", "context": "a t b", "seen": 3}
    store.write_text(json.dumps({"occurrences": {"a.md": [entry]}}), encoding="utf-8")
    said: list[str] = []
    memory(root, said).disable_rule("style.z", None)
    saved = json.loads(store.read_text(encoding="utf-8"))
    assert saved["occurrences"] == {"a.md": [entry]} and not said


@pytest.mark.parametrize("word", ["two words", "line\nbreak", "tab\there", "", " ", "x" * 101,
                                  "bell\x07"])
def test_a_dictionary_entry_is_one_token(word: str) -> None:
    assert word_problem(word)


@pytest.mark.parametrize("word", ["zorblax", "Prosewise", "naïve", "e-mail", "O'Brien"])
def test_words_are_accepted(word: str) -> None:
    assert word_problem(word) is None
