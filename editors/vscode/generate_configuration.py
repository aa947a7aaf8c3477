"""Write ``contributes.configuration`` of package.json from the Settings JSON schema.

Why generated: the pydantic ``Settings`` tree is the single source of truth for
what can be configured; the VS Code settings UI must offer exactly those keys
(camelCase, as the server accepts them) with the same descriptions and choices.
Run after changing agents/settings.py, with the Python that has Prosewise installed
(the repository's venv)::

    .venv/bin/python editors/vscode/generate_configuration.py
    npm run configuration      # the same, from editors/vscode (see package.json)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prosewise.agents.settings import Settings
from prosewise.agents.user_config import TRUSTED_ONLY
from prosewise.server.lsp.checker import DEBOUNCE_MS

PACKAGE = Path(__file__).with_name("package.json")
FILE_KEYS = frozenset({"houseRules", "dictionaries"})
"""Files the editor names are read from anywhere (a project file's only from inside its
workspace): machine-scoped, so a cloned repository's .vscode/settings.json cannot make
the server read files outside it; a project's own go in its .prosewise.toml."""

SERVER_KEYS: dict[str, dict[str, Any]] = {  # "machine": a workspace never picks what runs
    "prosewise.server.command": {
        "type": "array", "items": {"type": "string"}, "default": [], "scope": "machine",
        "description": "Command that starts the language server, e.g. [\"/home/me/.venv/bin/"
                       "prosewise\", \"lsp\"] (--stdio is added). Empty: the Python"
                       " extension's interpreter if it has Prosewise, else prosewise on"
                       " PATH, else the one 'Install Prosewise' made.",
    },
    "prosewise.server.installSource": {
        "type": "string", "default": "prosewise", "scope": "machine",
        "description": "What 'Install Prosewise' hands to pip: a package name (from PyPI), a"
                       " wheel, a folder or a git URL.",
    },
    "prosewise.debounceMs": {
        "type": "number", "default": 10, "minimum": DEBOUNCE_MS[0], "maximum": DEBOUNCE_MS[1],
        "description": "Pause after a keystroke before re-checking, in milliseconds.",
    },
    "prosewise.partialResults": {
        "type": "boolean", "default": True,
        "description": "Show suggestions as each engine delivers them: after start, the"
                       " rule agents' before harper has loaded; per keystroke, harper's"
                       " before lingotweaker's (which follow a moment later). Off: the first"
                       " suggestions wait for harper, and each edit's for both engines.",
    },
}


CONSTRAINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern",
               "maxLength")
"""JSON Schema keywords VS Code checks as the writer types, taken over from the model."""


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    return {**defs[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}


def _property(node: dict[str, Any], defs: dict[str, Any], default: Any) -> dict[str, Any]:
    """One VS Code setting, with the model's default, choices and bounds.

    VS Code shows the defaults; the extension sends the server only the values the
    writer set (src/settings.ts), so a project file (.prosewise.toml) still applies
    where the writer set nothing. An optional value (``int | None``) is nullable.
    """
    node = _resolve(node, defs)
    out: dict[str, Any] = {"description": " ".join(node.get("description", "").split())}
    variants = [_resolve(n, defs) for n in node.get("anyOf", ())]
    value = next((n for n in variants if n.get("type") != "null"), node)
    nullable = len(variants) > len([n for n in variants if n.get("type") != "null"])
    if "enum" in value:
        out.update(type="string", enum=value["enum"])
    elif value.get("type") == "array":
        out.update(type="array", items={"type": "string"})
    elif value.get("type") == "object" and (patterns := value.get("patternProperties")):
        out.update(type="object", additionalProperties=False, patternProperties={
            pattern: {"type": "string", "enum": _resolve(item, defs)["enum"]}
            for pattern, item in patterns.items()})
    elif value.get("type") == "object":
        out.update(type="object", additionalProperties={"type": "boolean"})
        if names := node.get("propertyNames"):
            out["properties"] = {n: {"type": "boolean"} for n in _resolve(names, defs)["enum"]}
            out["additionalProperties"] = False
    else:
        out["type"] = value.get("type", "string")
    out.update({k: value[k] for k in CONSTRAINTS if k in value})
    if nullable:
        out["type"] = [out["type"], "null"]
    out["default"] = default
    return out


def configuration() -> dict[str, Any]:
    """The ``contributes.configuration`` object."""
    schema = Settings.model_json_schema(by_alias=True)
    defaults = Settings().model_dump(mode="json", by_alias=True)
    defs = schema.get("$defs", {})
    properties: dict[str, Any] = dict(SERVER_KEYS)
    for key, node in schema["properties"].items():
        resolved = _resolve(node, defs)
        if resolved.get("type") == "object" and "properties" in resolved:
            for sub, sub_node in resolved["properties"].items():
                name = f"prosewise.{key}.{sub}"
                properties[name] = _property(sub_node, defs, defaults[key][sub])
                if key in TRUSTED_ONLY:  # where text is sent: never a workspace's choice
                    properties[name]["scope"] = "machine"
        else:
            properties[f"prosewise.{key}"] = _property(node, defs, defaults[key])
            if key in FILE_KEYS:
                properties[f"prosewise.{key}"]["scope"] = "machine"
    return {"title": "Prosewise", "properties": properties}


def main() -> None:
    """Rewrite package.json in place, keeping every other key."""
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    package.setdefault("contributes", {})["configuration"] = configuration()
    PACKAGE.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
