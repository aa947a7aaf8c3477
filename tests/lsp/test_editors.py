"""The editor setups stay in step with the server: VS Code's settings schema is the
generated one, and the Neovim config names commands the server really offers."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic_core import to_jsonable_python

from prosewise.agents.model import AgentName
from prosewise.agents.settings import Settings
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
        "run: npm run configuration (in editors/vscode)")
    assert "prosewise.goals.dialect" in expected["properties"]
    # VS Code applies machine-scoped settings from the user's settings only, never from a
    # workspace's .vscode/settings.json: a cloned repository cannot choose the endpoint.
    assert expected["properties"]["prosewise.llm.apiBase"]["scope"] == "machine"
    assert expected["properties"]["prosewise.llm.model"]["scope"] == "machine"
    assert expected["properties"]["prosewise.languagetool.url"]["scope"] == "machine"
    assert expected["properties"]["prosewise.languagetool.publicApi"]["scope"] == "machine"
    # nor which files outside the workspace the server reads (a project file's are confined)
    assert expected["properties"]["prosewise.houseRules"]["scope"] == "machine"
    assert expected["properties"]["prosewise.dictionaries"]["scope"] == "machine"


def _leaves(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, Any, Any]]:
    """Every setting of ``model`` as (VS Code key, annotation, default), read from the model
    itself rather than from its JSON schema (which the generator reads)."""
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or to_camel(name)}"
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from _leaves(kind, f"{key}.")
        else:
            yield key, kind, field.get_default(call_default_factory=True)


def _enum_of(kind: Any) -> type[StrEnum] | None:
    options = [kind, *(get_args(kind) if get_origin(kind) in {Union, UnionType} else ())]
    return next((k for k in options if isinstance(k, type) and issubclass(k, StrEnum)), None)


def test_every_vscode_setting_carries_the_models_default_and_choices() -> None:
    """VS Code sends ``""`` for a setting without a default (issue 12): each one has the
    model's default, its choices as an enum, and no setting is left over."""
    package = json.loads((EDITORS / "vscode" / "package.json").read_text(encoding="utf-8"))
    properties = package["contributes"]["configuration"]["properties"]
    leaves = list(_leaves(Settings, "prosewise."))
    assert len(leaves) > 20
    for key, kind, default in leaves:
        assert key in properties, f"{key} is missing: run npm run configuration"
        prop = properties[key]
        assert prop["default"] == to_jsonable_python(default), key
        assert prop["description"], key
        if (enum := _enum_of(kind)) is not None:
            assert prop["enum"] == [e.value for e in enum], key
    agents = properties["prosewise.agents"]
    assert set(agents["properties"]) == {a.value for a in AgentName}
    server_keys = {k for k in properties if k.startswith("prosewise.server.")}
    assert set(properties) - {k for k, _, _ in leaves} - server_keys == {
        "prosewise.debounceMs", "prosewise.partialResults"}


def test_editor_commands_exist_on_the_server() -> None:
    offered = set(create_server().protocol.fm.commands)
    lua = (EDITORS / "neovim" / "lua" / "prosewise" / "init.lua").read_text(encoding="utf-8")
    for command in ("prosewise.recheck", "prosewise.showDecisions", "prosewise.showTone",
                    "prosewise.checkWithModel", "prosewise.status"):
        assert command in offered and f"'{command}'" in lua
