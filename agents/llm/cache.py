"""The model result cache: an unchanged paragraph never costs a second call, across
restarts too.

One SQLite file in the user cache folder, shared by the server and CLI runs. A row is
``key → value``: the key is a sha256 digest (``ResultCache.key`` of the model, prompt
version, redacted chunk text and goals), the value a model's answer. Nothing else is
stored: not the text sent (only its digest) and never a key or credential; callers
pass redacted text only, so an answer cannot echo a secret either. A second table
counts the tokens the models used per day (``llm.daily_tokens`` budgets them): the
same file, so the budget holds across the server and CLI runs of one user.

The cache is a saving, never a dependency. A corrupt file is moved aside and a new one
started; a folder that cannot be written, a path that is a folder or a pipe, or any
other database error turns the cache off for this instance (every ``get`` misses,
``put`` does nothing), with one warning. A database locked by another process skips
that one call. Nothing here raises to the caller.

Journal: WAL, so the server's reads never wait for a CLI run's writes and the other way
round (the rollback journal would block readers during each write); with
``synchronous=NORMAL``, a crash may lose the last answers, never the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import platformdirs

log = logging.getLogger(__name__)

ENV_DIR = "PROSEWISE_CACHE_DIR"
"""Overrides the cache folder (tests, portable installs)."""
FILENAME = "llm-cache.sqlite"
MAX_ROWS = 20_000
"""About 20 MB of answers at ~1 KB each: a long book, checked paragraph by paragraph."""
TIMEOUT = 0.5
"""Seconds to wait for another process's write lock before skipping the call."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS result (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    last_used INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS result_last_used ON result (last_used);
CREATE TABLE IF NOT EXISTS daily_tokens (
    day TEXT PRIMARY KEY,
    tokens INTEGER NOT NULL
) WITHOUT ROWID;
"""
# last_used is a logical clock (the largest so far plus one, read in the same write):
# strictly ordered across processes, unlike wall time, and its MAX is one index probe.
_NEXT = "(SELECT COALESCE(MAX(last_used), 0) + 1 FROM result)"
_PUT = (f"INSERT INTO result (key, value, last_used) VALUES (?, ?, {_NEXT}) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, last_used = excluded.last_used")
_TOUCH = (f"UPDATE result SET last_used = {_NEXT} WHERE key = ? "
          "AND last_used < (SELECT MAX(last_used) FROM result)")
_EVICT = ("DELETE FROM result WHERE last_used <= "
          "(SELECT last_used FROM result ORDER BY last_used DESC LIMIT 1 OFFSET ?)")
_ADD_TOKENS = ("INSERT INTO daily_tokens (day, tokens) VALUES (?, ?) "
               "ON CONFLICT (day) DO UPDATE SET tokens = tokens + excluded.tokens")
_OLD_DAYS = ("DELETE FROM daily_tokens WHERE day NOT IN "
             "(SELECT day FROM daily_tokens ORDER BY day DESC LIMIT ?)")
DAYS_KEPT = 31
"""Days of token counts kept: only today's is read; a month helps when asked why."""
_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")

T = TypeVar("T")


def default_cache_path(filename: str = FILENAME) -> Path:
    """``$PROSEWISE_CACHE_DIR/llm-cache.sqlite`` (or ``filename``), else in the
    platform's user cache dir."""
    folder = os.environ.get(ENV_DIR) or platformdirs.user_cache_dir("prosewise")
    return Path(folder) / filename


class ResultCache:
    """Model answers by key, the least recently used dropped past ``max_rows``.

    Opened on first use and shared by threads behind a lock. ``hits`` and ``misses``
    count ``get`` calls for the CLI's summary (a cache that is off only misses).
    """

    def __init__(self, path: Path | None = None, max_rows: int = MAX_ROWS, *,
                 timeout: float = TIMEOUT) -> None:
        if max_rows < 1:
            raise ValueError(f"max_rows must be at least 1, not {max_rows}")
        self.path = path or default_cache_path()
        self.max_rows = max_rows
        self.timeout = timeout
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._off = False
        self._warned = False
        self._renewed = False

    @staticmethod
    def key(*parts: str) -> str:
        """The sha256 hex digest of ``parts``, each prefixed by its length, so
        ("ab", "c") and ("a", "bc") differ."""
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> str | None:
        """The stored answer, or None; a hit becomes the most recently used."""

        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute("SELECT value FROM result WHERE key = ?", (key,)).fetchone()
            if row is not None:
                _touch(db, key)
            return None if row is None else str(row[0])

        value = self._use(read, None)
        with self._lock:
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
        return value

    def put(self, key: str, value: str) -> None:
        """Store a model's answer (never a secret: see the module docstring)."""

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute(_PUT, (key, value))
                db.execute(_EVICT, (self.max_rows,))

        self._use(write, None)

    def tokens_on(self, day: str) -> int | None:
        """Tokens counted on ``day`` (ISO date) by every process; None when the cache
        cannot be read (the caller counts its own then)."""

        def read(db: sqlite3.Connection) -> int:
            row = db.execute("SELECT tokens FROM daily_tokens WHERE day = ?", (day,)).fetchone()
            return 0 if row is None else int(row[0])

        return self._use(read, None)

    def add_tokens(self, day: str, tokens: int) -> None:
        """Count ``tokens`` more on ``day`` (ISO date); older days beyond ``DAYS_KEPT`` go."""

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute(_ADD_TOKENS, (day, tokens))
                db.execute(_OLD_DAYS, (DAYS_KEPT,))

        if tokens > 0:
            self._use(write, None)

    def close(self) -> None:
        """Close the connection; the cache reopens it if used again."""
        with self._lock:
            self._disconnect()

    def _use(self, work: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """``work`` on the connection under the lock; ``fallback`` on any failure."""
        with self._lock:
            if self._off:
                return fallback
            try:
                return work(self._connect())
            except (sqlite3.Error, OSError, ValueError) as error:
                if _is(error, _CORRUPT) and not self._renewed:
                    return self._renew(error, work, fallback)
                self._failed(error)
                return fallback

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            _create_file(self.path)
            db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.executescript(_SCHEMA)
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        return self._db

    def _renew(self, error: Exception, work: Callable[[sqlite3.Connection], T],
               fallback: T) -> T:
        """Move a corrupt file (and its WAL, which must not be replayed into a new
        database) aside, start a new one and retry; once per instance. A file another
        process has already replaced is used as it is."""
        self._renewed = True
        self._disconnect()
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.time_ns()}")
        try:
            try:
                return work(self._connect())
            except sqlite3.DatabaseError as still:
                if not _is(still, _CORRUPT):
                    raise
            self._disconnect()
            for suffix in ("-wal", "-shm", ""):
                source = self.path.with_name(self.path.name + suffix)
                if source.exists():
                    source.rename(aside.with_name(aside.name + suffix))
            result = work(self._connect())
        except (sqlite3.Error, OSError, ValueError) as again:
            self._failed(again)
            return fallback
        self._warn(f"the model result cache {self.path} was damaged ({error}); it was moved"
                   f" to {aside} and a new cache started")
        return result

    def _failed(self, error: Exception) -> None:
        """A lock may free up later (skip this call); anything else will not (turn off)."""
        if _is(error, _BUSY) or "locked" in str(error):
            self._warn(f"the model result cache {self.path} is locked by another process;"
                       f" skipping it for now ({error})")
            return
        self._off = True
        self._disconnect()
        self._warn(f"the model result cache {self.path} cannot be used ({error}): answers"
                   " are not cached in this session")

    def _warn(self, message: str) -> None:
        """Once per instance at warning level: the writer needs to hear it once."""
        log.log(logging.DEBUG if self._warned else logging.WARNING, "%s", message)
        self._warned = True

    def _disconnect(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _touch(db: sqlite3.Connection, key: str) -> None:
    """Mark a hit as the most recently used; a lock held elsewhere only skips that
    (the answer was read, and eviction order is a nicety)."""
    try:
        with db:
            db.execute(_TOUCH, (key,))
    except sqlite3.OperationalError as error:
        if not _is(error, _BUSY):
            raise


def _create_file(path: Path) -> None:
    """The cache's folder (0o700) and file (0o600) if missing; refuses anything but a
    regular file, which SQLite would otherwise open (a pipe blocks, a folder fails late)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process was first
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    if not stat.S_ISREG(mode):
        raise OSError(f"{path} is not a regular file")


def _is(error: Exception, names: tuple[str, ...]) -> bool:
    """Whether SQLite's (extended) error code is one of ``names``."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(names)
