"""Dictionary files (``dictionaries``): each format's words, confinement to the
workspace, and their words reaching the engines, the CLI and edits being picked up."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from in_process import Ran

from prosewise.agents.dictionaries import dictionary_problems, dictionary_words, personal_words
from prosewise.agents.engines.hub import EngineHub
from prosewise.agents.project import load_project
from prosewise.agents.settings import Settings
from prosewise.agents.user_config import USER_FILE, load_user_config

FORMATS = [
    ("words.txt", "# team words\nzorblat\n\n  Quenfrid  \nzorblat\n", ["zorblat", "Quenfrid"]),
    ("harper-dictionary.txt", "zorblat\nQuenfrid\n", ["zorblat", "Quenfrid"]),
    ("en.pws", "personal_ws-1.1 en 2 utf-8\nzorblat\nQuenfrid\n", ["zorblat", "Quenfrid"]),
    ("cspell.json", '{\n  // team words\n  "version": "0.2",\n  "words": ["zorblat", '
     '"Quenfrid",],\n  /* url: "http://x//y" */ "ignorePaths": ["a//b"]\n}\n',
     ["zorblat", "Quenfrid"]),
    (".cspell.json", '{"words": ["zorblat"]}', ["zorblat"]),
    ("settings.json", '{\n  "editor.tabSize": 2, // mine\n  "cSpell.words": ["zorblat", '
     '"Quenfrid"],\n}\n', ["zorblat", "Quenfrid"]),
    ("cspell-no-words.json", '{"language": "en"}', []),
]


@pytest.mark.parametrize(("name", "content", "words"), FORMATS, ids=[f[0] for f in FORMATS])
def test_each_format_gives_its_words(tmp_path: Path, name: str, content: str,
                                     words: list[str]) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert list(dictionary_words(str(path))) == words
    assert dictionary_problems([str(path)]) == []


BAD = [
    ("words.txt", "fine\ntwo words\n", "line 2 was skipped (is more than one word)"),
    ("en.pws", "personal_ws-1.1 en 1\nfine\n\x01x\n", "line 3 was skipped (holds control"),
    ("cspell.json", '{"words": ["fine", 3]}', "words[1] was skipped (is not text)"),
    ("cspell.json", '{"words": "fine"}', "words is not a list of words"),
    ("settings.json", '{"cSpell.words": [', "not valid JSON (line 1:"),
    ("cspell.json", "[]", "not a JSON object"),
    ("cspell.json", "/*" * 300_000, "not valid JSON (line 1: Expecting value)"),
    ("cspell.json", '{"words": ["' + '\\"' * 300_000, "not valid JSON (line 1: Unterminated"),
    ("cspell.json", "[" * 400_000, "not valid JSON (nested too deeply)"),
    ("missing.txt", None, "cannot read: no such file"),
    ("latin1.txt", b"caf\xe9\n", "cannot read: is not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "content", "said"), BAD,
                         ids=[f"{i}-{b[0]}" for i, b in enumerate(BAD)])
def test_a_bad_file_is_one_message_naming_it(tmp_path: Path, name: str,
                                             content: str | bytes | None, said: str) -> None:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    (message,) = dictionary_problems([str(path)])
    assert message.startswith(f"dictionary {path}") and said in message, message
    assert set(dictionary_words(str(path))) <= {"fine"}


def test_a_workspace_file_names_dictionaries_only_inside_the_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "docs").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("secret\n")
    (ws / "docs" / ".prosewise.toml").write_text(
        'dictionaries = ["words.txt", "../team.pws", "../../outside.txt", "/etc/passwd"]\n')
    loaded = load_project(ws / "docs" / "a.md", {"dictionaries": ["/mine/words.txt"]},
                          workspace=ws)
    assert loaded.settings.dictionaries == (
        str(ws / "docs" / "words.txt"), str(ws / "team.pws"), "/mine/words.txt")
    refused = [p for p in loaded.problems if "outside the workspace" in p]
    assert len(refused) == 2
    assert "dictionary file '../../outside.txt'" in refused[0]


async def test_the_engines_take_a_dictionary_files_words_as_it_changes(
    hub: EngineHub, pool: ThreadPoolExecutor, tmp_path: Path
) -> None:
    """Real engines; the second check after editing the file (a new size: a new stamp)
    flags the word again without a new hub or new settings."""
    text = "We ship zorblat every day."
    words = tmp_path / "words.txt"
    words.write_text("zorblat\n")
    settings = Settings(dictionaries=(str(words),))
    assert (await hub.check(text, settings, pool)).all() == ()
    words.write_text("# none today\n")
    flagged = {text[h.start:h.end] for h in (await hub.check(text, settings, pool)).all()}
    assert flagged == {"zorblat"}


@pytest.mark.slow
def test_review_reads_the_project_dictionaries_and_their_edits(
    prosewise: Callable[..., Ran], tmp_path: Path
) -> None:
    """Through the CLI: the project's cSpell file and word list (relative to it)
    silence their words; a bad entry is said once, naming the file; an edit between two
    reviews counts in the second."""
    (tmp_path / ".prosewise.toml").write_text(
        'dictionaries = [".vscode/settings.json", "docs/words.txt"]\n')
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text(
        json.dumps({"cSpell.words": ["zorblat", "two words"]}))
    (tmp_path / "docs").mkdir()
    team = tmp_path / "docs" / "words.txt"
    team.write_text("quenfrid\n")
    doc = tmp_path / "docs" / "a.md"
    doc.write_text("We ship zorblat and quenfrid every day.\n")

    def flagged() -> tuple[set[str], str]:
        ran = prosewise("review", str(doc), "--format", "json")
        (entry,) = json.loads(ran.stdout)["files"]
        return {s["text"] for s in entry["suggestions"]}, ran.stderr

    found, err = flagged()
    assert not {"zorblat", "quenfrid"} & found
    said = [line for line in err.splitlines() if "settings.json" in line]
    assert len(said) == 1 and "cSpell.words[1] was skipped" in said[0], err
    team.write_text("# emptied\n")
    found, _ = flagged()
    assert "quenfrid" in found and "zorblat" not in found


def test_the_users_config_names_files_relative_to_itself_anywhere(tmp_path: Path) -> None:
    """The user's own file is not confined, and its relative paths are its folder's (not
    the folder the CLI or server started in); the project's files join its own."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / USER_FILE).write_text(
        'dictionaries = ["words.txt", "/shared/team.pws"]\nhouseRules = ["house.toml"]\n')
    user = load_user_config(tmp_path / "config")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / ".prosewise.toml").write_text('dictionaries = ["cspell.json"]\n')
    loaded = load_project(tmp_path / "ws" / "a.md", user=user)
    config = (tmp_path / "config").resolve()
    assert loaded.settings.dictionaries == (
        str(config / "words.txt"), "/shared/team.pws", str((tmp_path / "ws").resolve() /
                                                           "cspell.json"))
    assert loaded.settings.house_rules == (str(config / "house.toml"),)
    assert loaded.problems == ()


def test_personal_words_are_one_object_until_a_file_changes(tmp_path: Path) -> None:
    """The engines' cache keys hold them: the same object (its hash kept) per check."""
    path = tmp_path / "words.txt"
    path.write_text("zorblat\n")
    settings = Settings(words=("quenfrid", "zorblat"), dictionaries=(str(path),))
    first = personal_words(settings)
    assert first == ("quenfrid", "zorblat") and personal_words(settings) is first
    path.write_text("zorblat\nplimbert\n")
    assert personal_words(settings) == ("quenfrid", "zorblat", "plimbert")
    assert personal_words(Settings(words=("a",))) == ("a",)


@pytest.mark.parametrize(("name", "doc"), [
    ("a.adoc", "== Zorblat\n\nWe ship zorblat and a quenfrid every day.\n"),
    ("a.org", "* Zorblat\nWe ship zorblat and a quenfrid every day.\n"),
    ("a.typ", "= Zorblat\nWe ship #emph[zorblat] and a quenfrid every day.\n"),
])
def test_a_dictionary_counts_in_the_newer_formats(
        prosewise: Callable[..., Ran], tmp_path: Path, name: str, doc: str) -> None:
    (tmp_path / ".prosewise.toml").write_text('dictionaries = ["words.txt"]\n')
    (tmp_path / "words.txt").write_text("zorblat\n")
    (tmp_path / name).write_text(doc)
    ran = prosewise("review", str(tmp_path / name), "--format", "json")
    (entry,) = json.loads(ran.stdout)["files"]
    assert {s["text"] for s in entry["suggestions"]} == {"quenfrid"}, ran.stderr
