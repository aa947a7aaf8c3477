"""One layer of settings (the user's file, a project file, the editor's) taken key by key.

Why not all or nothing: editors send every setting they know, set or not (VS Code sends
``""`` for a choice nobody made), and one mistyped value used to throw away all the
writer's other settings with it. Here a value that is ``None`` or ``""`` means "not
set" (the next layer or the default applies), and a key whose value is invalid is
dropped and named in one sentence while the layer's other keys stay in force.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from prosewise.agents.settings import Settings

ROUNDS = 4
"""Validation passes before a layer that still fails is dropped whole: each pass drops
every key it names, so a second is needed only for an error pydantic reports once the
first is gone."""

_BARE = re.compile(r"[A-Za-z0-9_-]+")
"""A TOML bare key."""


def without_unset(layer: dict[str, Any]) -> dict[str, Any]:
    """``layer`` minus the values that say "not set" (``None``, ``""``), at any depth."""
    return {key: without_unset(value) if isinstance(value, dict) else value
            for key, value in layer.items() if value is not None and value != ""}


def valid_part(layer: dict[str, Any], label: str, prefix: str = "") -> tuple[
        dict[str, Any], list[str]]:
    """The keys of ``layer`` that validate, and one sentence per key that does not.

    ``label`` says where the layer comes from (a file's path, "the editor's settings");
    ``prefix`` is put before key names as the writer sees them (``prosewise.`` in an
    editor).
    """
    layer = without_unset(layer)
    problems: list[str] = []
    for _ in range(ROUNDS):
        try:
            Settings.model_validate(layer)
        except ValidationError as exc:
            paths = _bad_paths(layer, exc)
            if not paths:
                break
            for path, error in paths.items():
                layer = _without(layer, path)
                problems.append(f"{label}: invalid setting {prefix}{_dotted(path)} "
                                f"({_what(error)}); ignored, the other settings apply")
        else:
            return layer, problems
    problems.append(f"{label}: invalid settings; using the defaults")
    return {}, problems


def _bad_paths(layer: dict[str, Any], exc: ValidationError) -> dict[tuple[str, ...], Any]:
    """Per error, the deepest key of ``layer`` on its path (a list item or a dict key
    error drops the entry that holds it); keys inside one already named are left out."""
    found: dict[tuple[str, ...], Any] = {}
    for error in exc.errors():
        node: Any = layer
        path: list[str] = []
        for part in error["loc"]:
            if not isinstance(node, dict) or part not in node:
                break
            path.append(str(part))
            node = node[part]
        key = tuple(path)
        if key and not any(key[:i] in found for i in range(1, len(key) + 1)):
            found[key] = error
    return found


def _dotted(path: tuple[str, ...]) -> str:
    """A key path as TOML writes it: a key that is not bare quoted (``languages.".svx"``,
    ``rules."style.passive-voice"``), so a dot in a key is not read as a level."""
    return ".".join(p if _BARE.fullmatch(p) else json.dumps(p) for p in path)


def _without(layer: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    head, *rest = path
    if not rest:
        return {k: v for k, v in layer.items() if k != head}
    return {**layer, head: _without(layer[head], tuple(rest))}


def _what(error: Any) -> str:
    """pydantic's message with the value given (shortened): 'Input should be ..., not 'x''."""
    if error["type"] == "extra_forbidden":
        return "no such setting"
    given = repr(error.get("input"))
    given = given if len(given) <= 60 else f"{given[:57]}..."
    return f"{error['msg']}, not {given}"
