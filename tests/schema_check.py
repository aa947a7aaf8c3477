"""A small JSON Schema checker for the subset server/data/review-schema.json uses.

Why not ``jsonschema``: one less dependency for a schema this plain; a test
(``test_the_checker_understands_every_keyword_the_schema_uses``) fails if the
schema starts using a keyword this checker ignores.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent.parent / "server/data/review-schema.json")
    .read_text(encoding="utf-8")
)
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),),
}
KEYWORDS = {"type", "required", "properties", "additionalProperties", "items", "enum", "const",
            "minimum", "maximum", "pattern", "$ref", "oneOf"}
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}


def violations(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (empty when it conforms)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return violations(value, SCHEMA["$defs"][name], where)
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not violations(value, s, where)]
        return [] if len(passing) == 1 else [f"{where}: matches {len(passing)} of oneOf"]
    kind = schema.get("type")
    if kind and (not isinstance(value, TYPES[kind]) or (kind in {"integer", "number"}
                                                      and isinstance(value, bool))):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    problems = _scalar_violations(value, schema, where)
    if isinstance(value, dict):
        problems += _object_violations(value, schema, where)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += violations(item, schema["items"], f"{where}[{i}]")
    return problems


def _scalar_violations(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    out = []
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        out.append(f"{where}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        out.append(f"{where}: {value} > {schema['maximum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{where}: {value!r} does not match {schema['pattern']}")
    return out


def _object_violations(value: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    props = schema.get("properties", {})
    out = [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
    if schema.get("additionalProperties") is False:
        out += [f"{where}: unexpected {k}" for k in value if k not in props]
    for key, sub in props.items():
        if key in value:
            out += violations(value[key], sub, f"{where}.{key}")
    return out


def schema_keywords(node: Any) -> set[str]:
    """Every keyword used anywhere in a schema (property names excluded)."""
    if isinstance(node, list):
        return set().union(*(schema_keywords(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set(node)
    for key, sub in node.items():
        if key in {"properties", "$defs"}:
            found |= set().union(*(schema_keywords(s) for s in sub.values()))
        elif key in {"items", "oneOf"}:
            found |= schema_keywords(sub)
    return found
