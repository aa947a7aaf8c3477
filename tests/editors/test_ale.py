"""Real Vim (headless, ``vim -es``) with ALE and editors/vim/prosewise.vim against the
real server: diagnostics become ALE problems at the right place, and a quick fix from
ALE's code action machinery edits the buffer. The scenario is ale_scenario.vim.

Debian's ``vim`` and ``vim-ale`` (.ci/run installs them). ALE 3.x reads the server's
positions as byte columns, so the document's error line is ASCII (see
editors/vim/prosewise.vim); the lines around it are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from headless import FIX_TITLE, Run, session

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "ale_scenario.vim"
DOCUMENT = "# Café notes 😀\n\nWe saw a error here.\n\nThé end.\n"
FIXED = DOCUMENT.replace("a error", "an error").splitlines()
INSTALL = "apt-get install vim vim-ale"


PROBE = ["vim", "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-c",
         "packadd ale | if !exists('g:loaded_ale_dont_use_this_in_other_plugins_please')"
         " | cquit | endif | qall!"]


@pytest.fixture(scope="module")
def ale(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One Vim session shared by the module's checks."""
    return session(tmp_path_factory.mktemp("ale"), PROBE, INSTALL,
                   ["vim", "-N", "-u", str(SCENARIO), "-i", "NONE", "-n", "-es"], DOCUMENT)


def test_diagnostics_become_ale_problems_at_the_right_place(ale: Run) -> None:
    result = ale.passed()
    assert result["filetype"] == "markdown"
    problem = result["problem"]
    line = DOCUMENT.splitlines()[2]
    assert problem["lnum"] == 3
    assert problem["col"] == line.index(" a error") + 2  # 1-based, on the "a"
    assert problem["covered"] == "a"
    assert "article" in problem["text"].lower(), problem


def test_a_quick_fix_edits_the_buffer(ale: Run) -> None:
    result = ale.passed()
    assert FIX_TITLE in result["actions"]
    assert result["lines"] == FIXED
