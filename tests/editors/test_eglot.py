"""Real Emacs (headless, ``emacs --batch``) with Eglot and editors/emacs/prosewise.el
against the real server: diagnostics reach Flymake at the right place, a quick fix
from ``eglot-code-actions`` edits the buffer, and ``prosewise-status`` answers. The
scenario is eglot_scenario.el.

Emacs 29+ has Eglot built in; on Debian 12 (Emacs 28) it is ``elpa-eglot``, and
``elpa-markdown-mode`` gives .md files their mode (.ci/run installs all three).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from headless import DOCUMENT, FIX_TITLE, FIXED, LINE, Run, session

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "eglot_scenario.el"
INSTALL = "apt-get install emacs-nox elpa-eglot elpa-markdown-mode"


PROBE = ["emacs", "-q", "--batch", "--eval", "(progn (require 'eglot) (require 'markdown-mode))"]


@pytest.fixture(scope="module")
def eglot(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One Emacs session shared by the module's checks."""
    return session(tmp_path_factory.mktemp("eglot"), PROBE, INSTALL,
                   ["emacs", "-q", "--batch", "-l", str(SCENARIO)])


def test_diagnostics_reach_flymake_at_the_right_place(eglot: Run) -> None:
    result = eglot.passed()
    assert result["mode"] == "markdown-mode" and result["language_id"] == "markdown"
    diagnostic = result["diagnostic"]
    line = DOCUMENT.splitlines()[LINE]
    assert diagnostic["line"] == LINE
    # Eglot counts UTF-16 code units: the emoji before the error is two of them.
    before = line[: line.index(" a error") + 1]
    assert diagnostic["character"] == len(before.encode("utf-16-le")) // 2
    assert diagnostic["covered"] == "a"
    assert "article" in diagnostic["message"].lower(), diagnostic


def test_a_quick_fix_edits_the_buffer(eglot: Run) -> None:
    result = eglot.passed()
    assert FIX_TITLE in result["actions"]
    assert result["text"] == FIXED


def test_a_prosewise_el_command_asks_the_server(eglot: Run) -> None:
    status = eglot.passed()["status"]
    assert status.startswith("Prosewise 0.1.0: push diagnostics, en-US; engines: "), status
    assert "harper ready" in status
