"""Run a real editor headless on a Markdown file with a known error, for the Emacs
(Eglot) and Vim (ALE) tests: a fresh workspace, an environment without this
machine's editor or Prosewise config, and the JSON the editor's scenario script
wrote. The editor starts the server with this interpreter, so it runs the code
under test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EDITORS = Path(__file__).parent.parent.parent / "editors"
WAIT_S = 20
"""The scenario's bound for each wait; the editor process gets a little more in all."""
DOCUMENT = "# Trip notes\n\nThé café 😀 has a error here.\n\nWe took a train.\n"
RULE = "grammar.article"
FIX_TITLE = "Replace with “an”"
FIXED = DOCUMENT.replace("has a error", "has an error")
LINE = 2
"""0-based line of the error; its column is checked as the client counts (see tests)."""


@dataclass
class Run:
    """What one headless editor session wrote, and its output for failure messages."""

    result: dict[str, Any]
    context: str
    workspace: Path

    def passed(self) -> dict[str, Any]:
        """The result, failing with the editor's own account if the scenario failed."""
        assert self.result["errors"] is None, f"{self.result['errors']}\n{self.context}"
        return self.result


def isolated_env(tmp: Path, result: Path) -> dict[str, str]:
    """No user config, state or learning data from this machine; the scenario's inputs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "NVIM", "VIM", "EMACS", "PROSEWISE_"))}
    home = tmp / "home"
    home.mkdir()
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "PROSEWISE_DATA_DIR": str(tmp / "prosewise-data"),
        "PROSEWISE_CACHE_DIR": str(tmp / "prosewise-cache"),
        "PROSEWISE_PYTHON": sys.executable,
        "PROSEWISE_EDITORS": str(EDITORS),
        "PROSEWISE_RESULT": str(result),
        "PROSEWISE_TIMEOUT": str(WAIT_S),
        "PROSEWISE_RULE": RULE,
        "PROSEWISE_FIX_TITLE": FIX_TITLE,
    }
    return env


def unavailable(probe: list[str], install: str) -> str | None:
    """Why the editor cannot run here (``probe`` exits non-zero when it or a plugin is
    missing), with how to install it; None when it can."""
    if shutil.which(probe[0]) is None:
        return f"no {probe[0]} on PATH ({install})"
    done = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=30, check=False)
    if done.returncode != 0:
        return f"{probe[0]} lacks a plugin ({install}): {done.stderr.strip()[-200:]}"
    return None


def session(tmp: Path, probe: list[str], install: str, command: list[str],
            document: str = DOCUMENT) -> Run:
    """Skip when the editor is unavailable (see ``unavailable``), else ``run_editor``."""
    if (reason := unavailable(probe, install)) is not None:
        pytest.skip(reason)
    return run_editor(tmp, command, document)


def run_editor(tmp: Path, command: list[str], document: str = DOCUMENT) -> Run:
    """Run ``command`` (which gets the path of ``document``, saved as notes.md, last)
    in a fresh workspace."""
    workspace = tmp / "workspace"
    workspace.mkdir()
    (workspace / ".prosewise.toml").write_text('profile = "picky"\n', encoding="utf-8")
    path = workspace / "notes.md"
    path.write_text(document, encoding="utf-8")
    result = tmp / "result.json"
    try:
        proc = subprocess.run(
            [*command, str(path)], cwd=workspace, env=isolated_env(tmp, result),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=3 * WAIT_S + 15, check=False)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the editor did not finish: {error}")
    context = (f"exit {proc.returncode}\nstdout: {proc.stdout[-3000:]}\n"
               f"stderr: {proc.stderr[-3000:]}")
    assert result.exists(), context
    return Run(json.loads(result.read_text(encoding="utf-8")), context, workspace)
