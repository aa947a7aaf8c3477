"""Files that settings name (the project file, house rules, dictionaries): read with bounds, from
places the settings may reach.

A workspace is often someone else's (a cloned repository), and its project file
names files for Prosewise to read. Two things keep that safe:

- only regular files up to ``MAX_SETTINGS_FILE`` are read, and never more than
  that: ``/dev/zero``, a FIFO or a 3 GB log named as a rule file is refused in one
  message instead of filling memory or blocking the server;
- a workspace's own settings may name files only inside the workspace (the
  project file's folder or the workspace root) or in the user's Prosewise config
  folder (``allowed_folders``); the editor's settings are the user's own and may
  name any file.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import platformdirs
from pydantic.alias_generators import to_camel

MAX_SETTINGS_FILE = 1 << 20
"""1 MiB: a house rule file with thousands of rules is about 100 KB."""


class SettingsFileError(OSError):
    """A file named in settings that is not read, and why, in the writer's words."""


def read_settings_file(path: str | Path, limit: int = MAX_SETTINGS_FILE) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO with no writer would otherwise hang here) and
    checked after opening (so a file swapped in between cannot slip through); the
    read stops at ``limit + 1`` bytes whatever the file claims its size is.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SettingsFileError("no such file") from None
    except OSError as exc:
        raise SettingsFileError(f"cannot be opened ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SettingsFileError(f"is {_kind(mode)}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SettingsFileError(f"is larger than {limit // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsFileError(f"is not UTF-8 text (byte {exc.start})") from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def user_config_folder() -> Path:
    """The user's own Prosewise config folder (e.g. ``~/.config/prosewise``)."""
    return Path(platformdirs.user_config_dir("prosewise")).resolve()


def allowed_folders(project: Path, workspace: Path | None = None) -> tuple[Path, ...]:
    """Where a project file's paths may point: its folder, the workspace, the user's
    config folder."""
    folders = [project.parent, *([workspace] if workspace is not None else [])]
    return tuple(dict.fromkeys([*(f.resolve() for f in folders), user_config_folder()]))


def confine(name: str, project: Path, folders: Iterable[Path]) -> Path | None:
    """``name`` from the project file as an absolute path, or None if it leads outside
    ``folders`` (``..``, an absolute path or a symlink elsewhere)."""
    path = (project.parent / Path(name).expanduser()).resolve()
    return path if any(path.is_relative_to(f) for f in folders) else None


PATH_LISTS = {"house_rules": "house rule file", "dictionaries": "dictionary file"}
"""Settings that name files (snake_case key → what a message calls one)."""


def confined(
    options: dict[str, Any], project: Path, workspace: Path | None, problems: list[str]
) -> dict[str, Any]:
    """A project file's ``options`` with the paths of its house rule and dictionary
    files made absolute, minus those that lead outside ``allowed_folders`` (each one a
    sentence in ``problems``)."""
    folders = allowed_folders(project, workspace)

    def kept(name: Any, kind: str) -> str | None:
        path = confine(name, project, folders) if isinstance(name, str) else None
        if path is None:
            problems.append(
                f"{project}: {kind} {name!r} is outside the workspace and is not "
                f"read; a project file may name files only in {', '.join(map(str, folders))}"
            )
        return None if path is None else str(path)

    return _each_path(options, kept)


def anchored(options: dict[str, Any], config: Path) -> dict[str, Any]:
    """The user's config file's ``options`` with relative file paths made absolute
    against it (any path: the file is the user's own)."""
    def absolute(name: Any, kind: str) -> Any:
        return str((config.parent / Path(name).expanduser()).resolve()) \
            if isinstance(name, str) else name

    return _each_path(options, absolute)


def _each_path(options: dict[str, Any], resolve: Callable[[Any, str], Any]) -> dict[str, Any]:
    """``options`` with each entry of its ``PATH_LISTS`` replaced by ``resolve(entry,
    kind)``; an entry it turns into None is dropped."""
    out = dict(options)
    for snake, kind in PATH_LISTS.items():
        key = to_camel(snake) if to_camel(snake) in options else snake
        names = options.get(key)
        if isinstance(names, list):
            out[key] = [p for name in names if (p := resolve(name, kind)) is not None]
    return out


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def file_problem(path: str | Path, exc: Exception) -> str:
    """What is wrong with a settings file, naming it and the line: for the writer.

    ``/w/.prosewise.toml, line 3: not valid TOML (Expected '=' after a key ...)``;
    ``/w/house.toml: cannot read: is a pipe, not a regular file``.
    """
    if isinstance(exc, tomllib.TOMLDecodeError):
        message = str(exc)
        at = _AT_LINE.search(message)
        if at is None:
            return f"{path}: not valid TOML ({message})"
        return f"{path}, line {at[1]}: not valid TOML ({message[:at.start()]})"
    return f"{path}: cannot read: {exc}"
