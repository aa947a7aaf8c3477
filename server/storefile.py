"""Reading and rewriting the small files Prosewise keeps in a workspace, without losses.

Several writers share them: two editor windows (two servers), a teammate's commit
arriving by ``git pull``, a text editor. So a change is a read-modify-write of the
file as it is *now*, under a lock that every Prosewise process takes (``locked``),
and the new content replaces the old in one step (``write_atomic``: a temporary
file in the same folder, fsync, rename), so no reader ever sees half a file.

The files come from the workspace, which may be a cloned repository nobody has
read: ``read_store`` only reads regular files of bounded size inside the workspace
(not a symlink to ``/etc/passwd`` or ``/dev/zero``).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

MAX_BYTES = 4 * 1024 * 1024
"""Larger stores are not read: no dictionary or ignore list comes near this."""
LOCK_NAME = ".lock"
LOCK_TIMEOUT = 5.0
"""Seconds to wait for another Prosewise process's write (it takes milliseconds)."""
ATTEMPTS = 5
"""A writer that ignores the lock (a script, ``git pull``) may change the file between
our read and our rename; the change is then made again on what it wrote."""


class StoreError(Exception):
    """A store that cannot be read or written; the message is for the writer."""


def stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity, size and modification time: tells that another writer changed the file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symlinks followed, is within ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def read_store(path: Path, root: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist.

    Raises StoreError for a file outside the workspace (through a symlink), one that
    is not a regular file, one larger than ``MAX_BYTES`` or one that cannot be read.
    """
    if not path.exists() and not path.is_symlink():
        return None
    if not inside(path, root):
        raise StoreError("it points outside the workspace")
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: a FIFO would block
            raise StoreError("it is not a regular file")
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as error:
        raise StoreError(f"it cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise StoreError(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


@contextmanager
def locked(folder: Path, root: Path) -> Iterator[None]:
    """Hold the lock on ``folder``'s stores, for one read-modify-write. A folder made
    here gets a ``.gitignore`` for the lock file and the copies of damaged files.

    Raises StoreError when the folder cannot be created or written (a read-only
    workspace), lies outside ``root``, or another process holds the lock too long.
    """
    try:
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text(f"{LOCK_NAME}\n*.corrupt-*\n", encoding="utf-8")
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create {folder} ({error.strerror or error})") from None
    if not inside(folder, root):
        raise StoreError(f"{folder} points outside the workspace")
    try:
        with FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise StoreError(f"another program kept {folder} locked") from None
    except OSError as error:
        raise StoreError(f"cannot write in {folder} ({error.strerror or error})") from None


def rewrite(path: Path, root: Path, change: Callable[[bytes], bytes | None],
            lock: Path | None = None) -> bytes:
    """Apply ``change`` to the file as it is now (``b""`` if missing; None: no change),
    under the lock (of ``lock``, a stores folder; else the file's own folder), and
    replace it atomically; returns what the file then holds.

    Raises StoreError when the file cannot be read or written."""
    with locked(lock or path.parent, root):
        for _ in range(ATTEMPTS):
            before = stamp(path)
            data = read_store(path, root) or b""
            new = change(data)
            if new is None:
                return data
            if stamp(path) == before:
                write_atomic(path, new)
                return new
    raise StoreError(f"another program kept changing {path.name}")


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one
    (with ``mode``'s permissions when given: a temporary file is the owner's only)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), stat.S_IMODE(mode))
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def keep_aside(path: Path) -> Path:
    """Copy a file that is about to be rewritten to ``<name>.corrupt-<UTC time>``."""
    when = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.corrupt-{when}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{when}-{n}")
    shutil.copyfile(path, aside)
    return aside
