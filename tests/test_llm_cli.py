"""``prosewise review --llm`` with all four agents asking the model: each one's finding
reaches the report, and a second run answers every question from the result cache.
In-process (conftest's ``prosewise``; the progress bar's test runs a process on a
terminal) against the scripted server (tests/llm_server.py) over litellm's real
HTTP path; one paragraph, so each agent asks once."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from in_process import Ran
from llm_server import ByTask, ModelServer
from terminal import run_on_terminal

KEY = "sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a"
WORDY = ("In order to make a decision about the budget, the committee will need to hold a"
         " meeting with Maria on 12 March.")
TEXT = (f"Use the key {KEY} if she have any question about it. {WORDY} Staff open the tool"
        " daily. Send me the numbers.\n")
ANSWERS = ByTask((
    ("You correct grammar", json.dumps({"text": TEXT.strip().replace(KEY, "[secret-1]").replace(
        "have any question", "has any questions")})),
    ("clearer and shorter", json.dumps({"rewrites": [{
        "id": 1, "rewrite": "To decide the budget, the committee must meet Maria on 12 March."}]})),
    ("house style guide", json.dumps({"findings": [{
        "quote": "the tool", "message": "Call the product by its name.",
        "suggestion": "Prosewise"}]})),
    ("You read the tone", json.dumps({
        "labels": [{"label": "curt", "evidence": "Send me"}],
        "rewrites": [{"id": 4, "rewrite": "Please send me the numbers.", "reason": "curt"}]})),
))
MODEL_RULES = {"grammar.llm", "clarity.llm-rewrite", "tone.llm-rewrite", "style.llm-guide"}


def review_command(server: ModelServer, folder: Path) -> tuple[list[str], dict[str, str]]:
    """``prosewise review --llm`` of TEXT with a style guide, and its environment."""
    doc = folder / "note.md"
    doc.write_text(TEXT, encoding="utf-8")
    (folder / ".prosewise.toml").write_text(
        "style_guide = \"Call the product Prosewise, never 'the tool'.\"\n", encoding="utf-8")
    env = {**os.environ, "PROSEWISE_CACHE_DIR": str(folder / "cache"),
           "XDG_CONFIG_HOME": str(folder / "config"), "TERM": "xterm-256color"}
    return [sys.executable, "-m", "prosewise.server", "review", str(doc), "--lite", "--llm",
            "--format", "json", "--fail-on", "never", "--profile", "picky",
            "--model", "openai/test", "--api-base", server.url], env


def test_review_llm_shows_every_agent_s_model_finding_and_caches_them(
        model_server: ModelServer, tmp_path: Path, prosewise: Callable[..., Ran]) -> None:
    command, env = review_command(model_server, tmp_path)
    model_server.script(*[ANSWERS] * 4)
    first, second = (prosewise(*command[3:], env=env) for _ in range(2))
    assert len(model_server.requests) == 4, first.stderr  # one per agent; none the second time
    assert "model: 4 calls, 0 answers from the cache, 0 failed" in first.stderr
    assert "model: 0 calls, 4 answers from the cache, 0 failed" in second.stderr
    for run in (first, second):
        (report,) = json.loads(run.stdout)["files"]
        shown = {s["rule"]: s for s in report["suggestions"]}
        assert set(shown) >= MODEL_RULES, sorted(shown)
        fixes = {rule: (shown[rule]["text"], shown[rule]["replacements"][0]["value"])
                 for rule in MODEL_RULES}
        assert fixes == {
            "grammar.llm": ("question", "questions"),
            "clarity.llm-rewrite": (WORDY, "To decide the budget, the committee must meet"
                                           " Maria on 12 March."),
            "style.llm-guide": ("the tool", "Prosewise"),
            "tone.llm-rewrite": ("Send me the numbers.", "Please send me the numbers."),
        }
        assert KEY not in json.dumps(model_server.requests)
        assert "reviewing" not in run.stderr and "\x1b[" not in run.stderr  # no bar: a pipe


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_review_llm_shows_a_progress_bar_on_a_terminal_only(
        model_server: ModelServer, tmp_path: Path) -> None:
    command, env = review_command(model_server, tmp_path)
    model_server.script(*[ANSWERS] * 4)
    done = run_on_terminal(command, env=env)
    assert "reviewing" in done.terminal and "model: 4 asked, 0 cached" in done.terminal  # one file
    assert "model: 4 calls, 0 answers from the cache, 0 failed" in done.terminal  # summary
    (report,) = json.loads(done.stdout)["files"]  # the report on stdout, intact
    assert {s["rule"] for s in report["suggestions"]} >= MODEL_RULES
