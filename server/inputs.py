"""Which documents a batch review reads, and reading them without surprises.

Paths on the command line may be files, folders (searched for prose files), globs
(expanded here, for shells that don't) or ``-`` for stdin. Every input problem
(missing, binary, undecodable, too big) becomes a one-line reason on the
``Source`` instead of an exception, so one bad file never stops a run. Files are
only ever opened for reading.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prosewise.server.markup import language_for

PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".tex", ".ltx", ".adoc", ".asciidoc", ".org",
                  ".typ")
"""What a folder is searched for: documents people write (HTML is more often built, and
source files are named one by one or by a glob; ``.asc`` is also a PGP signature's)."""
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
STDIN = "-"
STDIN_NAME = "<stdin>"
_BOM = "\ufeff"


@dataclass(frozen=True)
class Source:
    """One document to review, or the reason it cannot be.

    ``path`` is what the user sees (as typed, or folder + relative path); ``origin``
    is where settings are looked up from (the file itself; the working folder for stdin).
    """

    path: str
    origin: Path
    language: str
    text: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Target:
    """A file chosen for review (not read yet), or an argument that chose nothing."""

    path: str
    error: str | None = None


MoreSuffixes = Callable[[str], tuple[str, ...]]
"""The suffixes a folder's project adds to ``PROSE_SUFFIXES`` (its ``languages`` table)."""


def expand(args: list[str], more: MoreSuffixes = lambda folder: ()) -> list[Target]:
    """Files named by the arguments, in order, each once; errors for arguments that name
    none. A folder is searched for ``PROSE_SUFFIXES`` and the suffixes ``more`` gives it."""
    seen: set[str] = set()
    out: list[Target] = []
    for arg in args:
        for target in _targets(arg, more):
            key = target.path if target.error or target.path == STDIN else _identity(target.path)
            if key not in seen:
                seen.add(key)
                out.append(target)
    return out


def _identity(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _targets(arg: str, more: MoreSuffixes) -> Iterator[Target]:
    if arg == STDIN:
        yield Target(STDIN)
    elif os.path.isdir(arg):
        found = list(prose_files(arg, more(arg)))
        yield from found or [Target(arg, "skipped: no prose files (*.md, *.txt, *.tex, ...)")]
    elif os.path.lexists(arg) or not glob.has_magic(arg):
        yield Target(arg)
    else:
        yield from _glob(arg, more)


def _glob(pattern: str, more: MoreSuffixes) -> Iterator[Target]:
    recursive = "**" in pattern
    matches = sorted(_walk_glob(pattern) if recursive else glob.glob(pattern))
    files = [m for m in matches if os.path.isfile(m)]
    dirs = [m for m in matches if os.path.isdir(m) and not recursive]
    if not files and not dirs:
        yield Target(pattern, "skipped: no files match")
        return
    yield from (Target(m) for m in files)
    for d in dirs:
        yield from prose_files(d, more(d))


def _walk_glob(pattern: str) -> Iterator[str]:
    """Paths matching a ``**`` pattern, found by the folder walk: symbolic links to
    folders are not followed (``glob``'s ``**`` follows them, and a link to a parent
    folder made it search forever), nor hidden and vendored folders entered."""
    parts = pattern.split("/")
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    root = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else "")
    rest = parts[fixed:]
    for folder, dirs, files in os.walk(root or "."):
        dirs[:] = [d for d in dirs if not _skipped_dir(d)]
        rel = os.path.relpath(folder, root or ".")
        inside = [] if rel == "." else rel.split(os.sep)
        for name in files:
            if _matches([*inside, name], rest):
                yield os.path.join(root, *inside, name)


def _matches(path: list[str], pattern: list[str]) -> bool:
    """Whether path components match pattern components (``**``: any number of them;
    ``*`` does not match a leading dot, as in ``glob``)."""
    if not pattern:
        return not path
    if pattern[0] == "**":
        return any(_matches(path[i:], pattern[1:]) for i in range(len(path) + 1))
    if not path or (path[0].startswith(".") and not pattern[0].startswith(".")):
        return False
    return fnmatch.fnmatchcase(path[0], pattern[0]) and _matches(path[1:], pattern[1:])


def _skipped_dir(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_DIRS


def prose_files(folder: str, more: tuple[str, ...] = ()) -> Iterator[Target]:
    """Prose files under ``folder`` (``PROSE_SUFFIXES`` and ``more``), sorted; hidden and
    vendored folders are not entered."""
    suffixes = (*PROSE_SUFFIXES, *more)
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _skipped_dir(d))
        for name in sorted(files):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                yield Target(os.path.join(root, name))


def read_source(target: Target, max_bytes: int, language: str | None,
                stdin_name: str | None = None) -> Source:
    """Read one target: decoded text, or the reason it is skipped."""
    if target.path == STDIN:
        return _from_stdin(max_bytes, language, stdin_name)
    origin = Path(target.path)
    lang = language or language_for(target.path)
    if target.error:
        return Source(target.path, origin, lang, error=target.error)
    data, error = _read_file(target.path, max_bytes)
    if data is None:
        return Source(target.path, origin, lang, error=error)
    text, error = decode(data)
    return Source(target.path, origin, lang, text=text, error=error)


def _from_stdin(max_bytes: int, language: str | None, stdin_name: str | None) -> Source:
    name = stdin_name or STDIN_NAME
    origin = Path(stdin_name).absolute() if stdin_name else Path.cwd()
    lang = language or (language_for(stdin_name) if stdin_name else "markdown")
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Source(name, origin, lang, error=f"skipped: larger than {max_bytes} bytes")
    text, error = decode(data)
    return Source(name, origin, lang, text=text, error=error)


def _read_file(path: str, max_bytes: int) -> tuple[bytes | None, str | None]:
    try:
        if not os.path.isfile(path):
            return None, "skipped: not a file" if os.path.exists(path) else "skipped: no such file"
        if os.path.getsize(path) > max_bytes:
            return None, f"skipped: larger than {max_bytes} bytes"
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, f"skipped: cannot read ({exc.strerror or exc})"
    if len(data) > max_bytes:
        return None, f"skipped: larger than {max_bytes} bytes"
    return data, None


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Strict UTF-8 text (a leading byte-order mark dropped), or why not.

    Why strict: replacing bad bytes would shift every offset after them and make
    suggestions point at the wrong text.
    """
    if b"\0" in data:
        return None, "skipped: binary file"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"skipped: not valid UTF-8 (byte {exc.start})"
    return text.removeprefix(_BOM), None
