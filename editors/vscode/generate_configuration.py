"""Write ``contributes.configuration`` of package.json from the Settings JSON schema.

Why generated: the pydantic ``Settings`` tree is the single source of truth for
what can be configured; the VS Code settings UI must offer exactly those keys
(camelCase, as the server accepts them) with the same descriptions and choices.
Run after changing agents/settings.py::

    python editors/vscode/generate_configuration.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prosewise.agents.settings import Settings
from prosewise.agents.user_config import TRUSTED_ONLY
from prosewise.server.lsp.checker import DEBOUNCE_MS

PACKAGE = Path(__file__).with_name("package.json")

SERVER_KEYS: dict[str, dict[str, Any]] = {
    "prosewise.server.command": {
        "type": "array", "items": {"type": "string"}, "default": ["prosewise", "lsp"],
        "description": "Command that starts the language server (--stdio is added).",
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


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    return {**defs[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}


def _property(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """One VS Code setting. No defaults for server settings on purpose: a key the
    writer never set is not sent, so the project file (.prosewise.toml) still applies."""
    node = _resolve(node, defs)
    out: dict[str, Any] = {"description": " ".join(node.get("description", "").split())}
    if "enum" in node:
        out.update(type="string", enum=node["enum"])
    elif node.get("type") == "array":
        out.update(type="array", items={"type": "string"})
    elif node.get("type") == "object":
        out.update(type="object", additionalProperties={"type": "boolean"})
    else:  # optional values (``int | None``) take their type: unset is null
        types = [n.get("type") for n in node.get("anyOf", ()) if n.get("type") != "null"]
        out["type"] = node.get("type", types[0] if types else "string")
    if "default" in node:
        default = json.dumps(node["default"])
        out["markdownDescription"] = f"{out['description']} Default: `{default}`."
    return out


def configuration() -> dict[str, Any]:
    """The ``contributes.configuration`` object."""
    schema = Settings.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    properties: dict[str, Any] = dict(SERVER_KEYS)
    for key, node in schema["properties"].items():
        resolved = _resolve(node, defs)
        if resolved.get("type") == "object" and "properties" in resolved:
            for sub, sub_node in resolved["properties"].items():
                properties[f"prosewise.{key}.{sub}"] = _property(sub_node, defs)
                if key in TRUSTED_ONLY:  # where text is sent: never a workspace's choice
                    properties[f"prosewise.{key}.{sub}"]["scope"] = "machine"
        else:
            properties[f"prosewise.{key}"] = _property(node, defs)
    return {"title": "Prosewise", "properties": properties}


def main() -> None:
    """Rewrite package.json in place, keeping every other key."""
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    package.setdefault("contributes", {})["configuration"] = configuration()
    PACKAGE.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
