"""``prosewise rewrite`` (conftest's ``prosewise``) against the scripted model server
(tests/llm_server.py) over litellm's real HTTP path prints the guarded rewrite of the
chosen lines, writes it with ``--write``, and leaves the file byte for byte as it was
when the model fails.
Which text an action takes (selection, or the sentence at the cursor) is checked here
in-process: it is plain text work."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from in_process import Ran
from llm_server import Answer, ModelServer, Status

from prosewise.agents.llm.actions import Kind, target
from prosewise.server.rewrite_command import ACTIONS, UsageError, span_of

WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         " meeting with Maria on 12 March.")
SHORT = "The committee must meet Maria on 12 March to decide the budget."
TEXT = f"# Plans\r\n\r\n{WORDY}\r\n\r\nSee you.\r\n"
"""CRLF line ends and (written with a byte-order mark) bytes a careless write would lose."""


@pytest.fixture
def run(prosewise: Callable[..., Ran], model_server: ModelServer,
        tmp_path: Path) -> Callable[..., Ran]:
    """``prosewise rewrite ARGS`` with the scripted model, its own cache and config."""
    env = {"PROSEWISE_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return lambda *args: prosewise("rewrite", *args, "--model", "openai/test",
                                   "--api-base", model_server.url, env=env)


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "plans.md"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    path.chmod(0o640)
    return path


def test_rewrite_prints_the_model_s_rewrite_of_the_lines(
        model_server: ModelServer, run: Callable[..., Ran], doc: Path) -> None:
    model_server.script(Answer(json.dumps({"text": SHORT})))
    done = run(str(doc), "--action", "shorten", "--lines", "3")
    assert (done.returncode, done.stdout) == (0, SHORT + "\n"), done.stderr
    (request,) = model_server.requests
    assert request["messages"][1]["content"] == WORDY
    assert doc.read_bytes() == b"\xef\xbb\xbf" + TEXT.encode("utf-8")  # printed, not written


def test_write_replaces_only_the_lines_and_keeps_the_rest(
        model_server: ModelServer, run: Callable[..., Ran], doc: Path) -> None:
    model_server.script(Answer(json.dumps({"text": SHORT})))
    done = run(str(doc), "--action", "shorten", "--lines", "3-3",
               "--write")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert doc.read_bytes() == b"\xef\xbb\xbf" + TEXT.replace(WORDY, SHORT).encode("utf-8")
    assert doc.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("failure", [Status(500), Answer(json.dumps({"text": "Meet Maria."}))])
def test_write_leaves_the_file_byte_identical_when_the_rewrite_fails(
        model_server: ModelServer, run: Callable[..., Ran], doc: Path,
        tmp_path: Path, failure: Status | Answer) -> None:
    before = doc.read_bytes()
    model_server.script(failure)
    done = run(str(doc), "--action", "clarity", "--lines", "3-3",
               "--write")
    assert done.returncode == 1 and done.stdout == ""
    assert "Rewrite for clarity: the model" in done.stderr
    assert doc.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "plans.md"]  # no temp left


def test_a_range_outside_the_file_is_a_usage_error(
        model_server: ModelServer, run: Callable[..., Ran], doc: Path) -> None:
    done = run(str(doc), "--action", "grammar", "--lines", "2-9")
    assert done.returncode == 2 and "--lines 2-9" in done.stderr
    assert not model_server.requests


def test_the_cli_offers_every_action() -> None:
    assert tuple(k.value for k in Kind) == ACTIONS


def test_an_action_takes_the_selection_or_the_sentence_at_the_cursor() -> None:
    text = "# Title\n\nFirst one. Second one here.\nStill second? Third.\n\nNext paragraph."
    assert target(text, text.index("one here"), text.index("one here")) == (
        text.index("Second"), text.index("Second") + len("Second one here."))
    assert target(text, text.index("Still"), text.index("Still")) == (
        text.index("Still"), text.index("?") + 1)
    assert target(text, 0, 0) == (0, text.index("\n"))  # a heading is its own sentence
    assert target(text, 7, 7) == (0, 7)
    assert target(text, 8, 8) is None  # the blank line between paragraphs
    assert target(text, 5, 9) == (5, 7)  # the selection, without its surrounding space
    assert span_of(text, "3-4", None) == (text.index("First"), text.index("\n\nNext") + 1)
    assert span_of(text, None, "3:12-3:14") == (text.index("Second"), text.index("cond"))
    with pytest.raises(UsageError):
        span_of(text, "0-1", None)


def test_diff_prints_a_unified_diff_of_the_file(
        model_server: ModelServer, run: Callable[..., Ran], doc: Path) -> None:
    model_server.script(Answer(json.dumps({"text": SHORT})))
    done = run(str(doc), "--action", "shorten", "--range",
               "3:10-3:10", "--diff")  # an empty range: the sentence there
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2:] == ["@@ -1,5 +1,5 @@", "\ufeff# Plans", "", f"-{WORDY}",
                                            f"+{SHORT}", " ", " See you."] or done.stdout
