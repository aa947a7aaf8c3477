"""Real Vim (headless, ``vim -es``) with ALE and editors/vim/prosewise.vim against the
real server: diagnostics become ALE problems at the right place, a quick fix from
ALE's code action machinery edits the buffer, and ``:ProsewiseStatus`` answers. The
scenario is ale_scenario.vim.

Debian's ``vim`` and ``vim-ale`` (.ci/run installs them). ALE 3.x counts columns in
bytes, so the plugin asks for UTF-8 positions: the error's line has an "é" and an
emoji before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from headless import DOCUMENT, FIX_TITLE, FIXED, LINE, Run, session

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "ale_scenario.vim"
INSTALL = "apt-get install vim vim-ale"


PROBE = ["vim", "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-c",
         "packadd ale | if !exists('g:loaded_ale_dont_use_this_in_other_plugins_please')"
         " | cquit | endif | qall!"]


@pytest.fixture(scope="module")
def ale(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One Vim session shared by the module's checks."""
    return session(tmp_path_factory.mktemp("ale"), PROBE, INSTALL,
                   ["vim", "-N", "-u", str(SCENARIO), "-i", "NONE", "-n", "-es"])


def test_diagnostics_become_ale_problems_at_the_right_place(ale: Run) -> None:
    result = ale.passed()
    assert result["filetype"] == "markdown"
    problem = result["problem"]
    line = DOCUMENT.splitlines()[LINE]
    assert problem["lnum"] == LINE + 1
    # Vim's columns are 1-based bytes: "é" is two and the emoji four before the "a"
    assert problem["col"] == len(line[: line.index(" a error") + 1].encode()) + 1
    assert problem["covered"] == "a"
    assert "article" in problem["text"].lower(), problem


def test_a_quick_fix_edits_the_buffer(ale: Run) -> None:
    result = ale.passed()
    assert FIX_TITLE in result["actions"]
    assert result["lines"] == FIXED.splitlines()


def test_a_plugin_command_asks_the_server(ale: Run) -> None:
    status = ale.passed()["status"]
    assert status.startswith("Prosewise 0.1.0: push diagnostics, en-US; engines: "), status
    assert "harper ready" in status
