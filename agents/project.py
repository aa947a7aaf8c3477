"""Settings as the fronts load them: never raising, every problem a sentence to show.

``settings.load_settings`` is the strict form (it raises on invalid values). The CLI
and the language server use ``load_project``: a broken project file must not stop
a review, and must not pass unnoticed either; the CLI prints each problem on
stderr, the server shows it in the editor once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_snake

from prosewise.agents.setting_files import PATH_LISTS, confined, file_problem
from prosewise.agents.setting_layers import valid_part
from prosewise.agents.settings import Settings, deep_merge, find_project_file, project_options
from prosewise.agents.user_config import UserConfig

EDITOR_SETTINGS = "the editor's settings"


@dataclass(frozen=True)
class ProjectSettings:
    """Settings for a file, where they came from, and what was wrong with them."""

    settings: Settings
    project: Path | None
    problems: tuple[str, ...] = ()
    """One sentence per problem, naming the file (and line)."""


def load_project(
    start: Path, overrides: dict[str, Any] | None = None, workspace: Path | None = None,
    user: UserConfig | None = None,
) -> ProjectSettings:
    """Settings for a file or folder: the user's config file, the project file found
    upward, then ``overrides``.

    ``overrides`` are the command line's or the editor's settings: the user's own, as
    is ``user`` (none: nothing trusted). The project file's model settings count only
    in a folder ``user`` trusts (user_config.py).
    The editor's house rule and dictionary files are added to the project's; other values of
    ``overrides`` win. In each layer an empty or null value means "not set" and an
    invalid key is dropped, named in ``problems`` (setting_layers.py); paths that the
    project file names outside its folder, ``workspace`` and the user's config folder
    are refused (see ``setting_files``).
    """
    user = user or UserConfig()
    found = find_project_file(start.resolve())
    problems: list[str] = list(user.problems)
    options: dict[str, Any] = {}
    if found is not None:
        try:
            options = confined(project_options(found), found, workspace, problems)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{file_problem(found, exc)}; using the defaults")
        options = user.withheld(options, found, problems)
    merged: dict[str, Any] = {}
    layers = ((user.options, str(user.path), ""), (options, str(found), ""),
              (overrides or {}, EDITOR_SETTINGS, "prosewise."))
    for layer, label, prefix in layers:
        valid, said = valid_part(layer, label, prefix)
        problems += said
        merged = _merge(merged, valid)
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:  # two valid layers that clash
        problems.append(f"{EDITOR_SETTINGS} are invalid ({first_error(exc)}); using the defaults")
        settings = Settings()
    return ProjectSettings(settings, found, tuple(problems))


def _merge(base: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    """``layer`` over ``base``, keys in snake_case (a project file may write either form);
    house rule and dictionary files add up: the editor's own files join the workspace's."""
    layer = {to_snake(k): v for k, v in layer.items()}
    merged = deep_merge(base, layer)
    for key in PATH_LISTS:
        if isinstance(base.get(key), list) and isinstance(layer.get(key), list):
            merged[key] = list(dict.fromkeys([*base[key], *layer[key]]))
    return merged


def first_error(exc: ValidationError) -> str:
    """The first validation error as 'where: what' (and how many more)."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    more = f", and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"
