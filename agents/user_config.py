"""The user's own config file, and which workspaces it trusts to choose where text goes.

A workspace is often someone else's (a cloned repository). Its project file may set
the writer's goals and rules, but not where the writer's text is sent: a repository
must not be able to point Prosewise at its own endpoint. So the model and LanguageTool
settings (``TRUSTED_ONLY``) come from the user's config file (``config.toml`` in the
user's Prosewise config folder, e.g. ``~/.config/prosewise/config.toml``), the editor's
settings or the command line, and from a project file only inside a folder that the
user's config lists in ``trusted_workspaces``::

    trusted_workspaces = ["~/work/our-docs"]

    [llm]
    model = "ollama/llama3.2"

Keys name environment variables (``llm.api_key_env``); no settings layer holds a key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic.alias_generators import to_snake

from prosewise.agents.setting_files import (
    anchored,
    file_problem,
    read_settings_file,
    user_config_folder,
)

USER_FILE = "config.toml"
TRUSTED_ONLY = frozenset({"llm", "languagetool"})
"""Settings a project file may set only in a trusted workspace: they choose where text goes."""
TRUST_KEY = "trusted_workspaces"


@dataclass(frozen=True)
class UserConfig:
    """The user's config file: a settings layer under every project, and the trusted folders."""

    options: dict[str, Any] = field(default_factory=dict)
    """Settings, as in a project file (applied under the project's and the editor's); file
    paths relative to the file are made absolute against it."""
    trusted: tuple[Path, ...] = ()
    """Folders whose project files may set ``TRUSTED_ONLY`` settings."""
    path: Path | None = None
    """Where the file is (or would be): named in messages about trust."""
    problems: tuple[str, ...] = ()

    def trusts(self, project_file: Path) -> bool:
        """Whether a project file lies in a trusted folder (symlinks resolved)."""
        where = project_file.resolve()
        return any(where.is_relative_to(folder) for folder in self.trusted)

    def withheld(self, options: dict[str, Any], project_file: Path,
                 problems: list[str]) -> dict[str, Any]:
        """A project file's ``options`` without the settings it may not set (each
        withheld key is a sentence in ``problems``)."""
        barred = [k for k in options if to_snake(k) in TRUSTED_ONLY]
        if not barred or self.trusts(project_file):
            return options
        where = self.path or Path(USER_FILE)
        problems.append(
            f"{project_file}: {', '.join(barred)} ignored: a workspace may choose where text is"
            f" sent (a model, a LanguageTool server) only when its folder is listed in"
            f" {TRUST_KEY} of {where}")
        return {k: v for k, v in options.items() if k not in barred}


def load_user_config(folder: Path | None = None) -> UserConfig:
    """The user's config file from ``folder`` (the user's config folder by default);
    an absent file is an empty config, a broken one an empty config with a problem."""
    path = (folder or user_config_folder()) / USER_FILE
    if not path.exists():
        return UserConfig(path=path)
    try:
        data = tomllib.loads(read_settings_file(path))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return UserConfig(path=path, problems=(f"{file_problem(path, exc)}; using the defaults",))
    raw = data.pop(TRUST_KEY, data.pop("trustedWorkspaces", []))
    names = [n for n in raw if isinstance(n, str)] if isinstance(raw, list) else []
    fits = isinstance(raw, list) and len(names) == len(raw)
    problems = () if fits else (
        f"{path}: {TRUST_KEY} must be a list of folder paths; some entries are ignored",)
    trusted = tuple(Path(n).expanduser().resolve() for n in names)
    return UserConfig(options=anchored(data, path), trusted=trusted, path=path,
                      problems=problems)
