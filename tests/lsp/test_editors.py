"""The editor setups stay in step with the server: VS Code's settings schema is the
generated one, and the Neovim config names commands the server really offers."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from prosewise.server.lsp import create_server

EDITORS = Path(__file__).parent.parent.parent / "editors"


def _generator() -> ModuleType:
    path = EDITORS / "vscode" / "generate_configuration.py"
    spec = importlib.util.spec_from_file_location("generate_configuration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vscode_settings_are_generated_from_the_settings_model() -> None:
    package = json.loads((EDITORS / "vscode" / "package.json").read_text(encoding="utf-8"))
    expected = _generator().configuration()
    assert package["contributes"]["configuration"] == expected, (
        "run: python editors/vscode/generate_configuration.py")
    assert "prosewise.goals.dialect" in expected["properties"]
    # VS Code applies machine-scoped settings from the user's settings only, never from a
    # workspace's .vscode/settings.json: a cloned repository cannot choose the endpoint.
    assert expected["properties"]["prosewise.llm.apiBase"]["scope"] == "machine"
    assert expected["properties"]["prosewise.llm.model"]["scope"] == "machine"
    assert expected["properties"]["prosewise.languagetool.url"]["scope"] == "machine"
    assert expected["properties"]["prosewise.languagetool.publicApi"]["scope"] == "machine"


def test_editor_commands_exist_on_the_server() -> None:
    offered = set(create_server().protocol.fm.commands)
    lua = (EDITORS / "neovim" / "lua" / "prosewise" / "init.lua").read_text(encoding="utf-8")
    for command in ("prosewise.recheck", "prosewise.showDecisions", "prosewise.showTone",
                    "prosewise.checkWithModel", "prosewise.status"):
        assert command in offered and f"'{command}'" in lua
