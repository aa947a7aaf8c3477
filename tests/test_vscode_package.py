"""The VS Code extension packages non-interactively, offline after ``npm ci``, into a
small .vsix that holds the bundle, the manifest, README, LICENSE and icon, and nothing
else (issue 12: ``vsce package`` used to stop at prompts and ship ``src/``).

Built by the tests so the packaging cannot rot; skipped where node or the extension's
node_modules are missing (``.ci/run`` runs ``npm ci`` when npm is present).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

VSCODE = Path(__file__).resolve().parent.parent / "editors" / "vscode"
VSCE = VSCODE / "node_modules" / ".bin" / "vsce"
SHIPPED = {"[Content_Types].xml", "extension.vsixmanifest", "extension/package.json",
           "extension/readme.md", "extension/LICENSE.txt", "extension/icon.png",
           "extension/out/extension.js"}
MAX_VSIX_BYTES = 300_000
"""About 95 KB today (the bundle with vscode-languageclient is 360 KB before zipping)."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                       reason="needs node and npm"),
    pytest.mark.skipif(not VSCE.exists(), reason="run `npm ci` in editors/vscode first"),
]


def test_the_vsix_builds_without_prompts_and_ships_only_the_bundle(tmp_path: Path) -> None:
    vsix = tmp_path / "prosewise.vsix"
    env = {**os.environ, "npm_config_offline": "true", "npm_config_update_notifier": "false"}
    run = subprocess.run([str(VSCE), "package", "--no-dependencies", "--out", str(vsix)],
                         cwd=VSCODE, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert vsix.stat().st_size < MAX_VSIX_BYTES
    with zipfile.ZipFile(vsix) as archive:
        assert set(archive.namelist()) == SHIPPED
        bundle = archive.read("extension/out/extension.js").decode("utf-8")
        manifest = json.loads(archive.read("extension/package.json"))
    builtins = json.loads(subprocess.run(
        ["node", "-p", "JSON.stringify(require('module').builtinModules)"],
        capture_output=True, text=True, check=True, timeout=60).stdout)
    required = set(re.findall(r"""require\(["']([^"']+)["']\)""", bundle))
    outside = {name for name in required
               if name != "vscode" and name.removeprefix("node:") not in builtins}
    assert not outside, f"the bundle needs modules the .vsix does not ship: {outside}"
    assert manifest["main"] == "./out/extension.js" and manifest["icon"] == "icon.png"
