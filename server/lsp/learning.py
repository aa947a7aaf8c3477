"""Learning from the writer: which suggestions they accept and which they dismiss.

Each decision is one row in a local SQLite file under the user data dir (workspace
folder, rule id, accepted or dismissed, time; never the document text), so the
ranking agent can demote a rule the writer keeps dismissing in *this* workspace.
Nothing leaves the machine. Learning is a nicety: a corrupt, locked or unwritable
database is logged and treated as "no feedback"; it never stops a check.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import platformdirs

from prosewise.merge.model import RuleFeedback

log = logging.getLogger(__name__)

ENV_DIR = "PROSEWISE_DATA_DIR"
"""Overrides the data directory (tests, portable installs)."""
FILENAME = "learning.sqlite3"
TIMEOUT = 0.5
"""Seconds to wait for a lock held by another Prosewise process before giving up."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decision (
    workspace TEXT NOT NULL,
    rule TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'dismissed')),
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_workspace ON decision (workspace, rule);
"""

T = TypeVar("T")


class Verdict(StrEnum):
    """What the writer did with a suggestion."""

    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


def default_path() -> Path:
    """The database file: ``$PROSEWISE_DATA_DIR`` or the platform's user data dir."""
    folder = os.environ.get(ENV_DIR) or platformdirs.user_data_dir("prosewise")
    return Path(folder) / FILENAME


def workspace_key(workspace: Path | str) -> str:
    """One spelling per folder, so ``./docs`` and ``/abs/docs`` share their history."""
    try:
        return str(Path(workspace).resolve())
    except OSError:
        return str(workspace)


class LearningStore:
    """Accept/dismiss counts per workspace and rule, in one SQLite file.

    The connection is opened on first use (the server may never need it) and
    shared by the server's threads behind a lock. After a database error the
    store stays quiet: it says so once (``warn``) and answers "no feedback" from then on.
    """

    def __init__(self, path: Path | None = None, timeout: float = TIMEOUT,
                 warn: Callable[[str], None] = log.warning) -> None:
        self.path = path or default_path()
        self.timeout = timeout
        self.warn = warn
        """Tells the writer once that learning is off (the file itself is left as it is)."""
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def record(
        self, workspace: Path | str, rule: str, verdict: Verdict, at: float | None = None
    ) -> bool:
        """Remember one decision; False if it could not be stored."""
        row = (workspace_key(workspace), rule, verdict.value, time.time() if at is None else at)

        def insert(db: sqlite3.Connection) -> bool:
            with db:
                db.execute("INSERT INTO decision VALUES (?, ?, ?, ?)", row)
            return True

        return self._use(insert, False)

    def accepted(self, workspace: Path | str, rule: str) -> bool:
        """The writer applied one of the rule's suggestions."""
        return self.record(workspace, rule, Verdict.ACCEPTED)

    def dismissed(self, workspace: Path | str, rule: str) -> bool:
        """The writer ignored one of the rule's suggestions."""
        return self.record(workspace, rule, Verdict.DISMISSED)

    def feedback(self, workspace: Path | str) -> dict[str, RuleFeedback]:
        """Rule id → counts in this workspace, for ``rank(..., feedback=...)``."""
        key = workspace_key(workspace)

        def count(db: sqlite3.Connection) -> dict[str, RuleFeedback]:
            rows = db.execute(
                "SELECT rule, SUM(verdict = 'accepted'), SUM(verdict = 'dismissed') "
                "FROM decision WHERE workspace = ? GROUP BY rule", (key,),
            ).fetchall()
            return {rule: RuleFeedback(accepted=a, dismissed=d) for rule, a, d in rows}

        return self._use(count, {})

    def forget(self, workspace: Path | str) -> None:
        """Drop what was learnt in one workspace (the writer asked to start over)."""

        def delete(db: sqlite3.Connection) -> None:
            with db:
                db.execute("DELETE FROM decision WHERE workspace = ?", (workspace_key(workspace),))

        self._use(delete, None)

    def close(self) -> None:
        """Close the connection; the store reopens it if used again."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _use(self, work: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """Run ``work`` on the connection under the lock; ``fallback`` on any DB error."""
        with self._lock:
            if self._broken:
                return fallback
            try:
                return work(self._connect())
            except (sqlite3.Error, OSError) as error:
                self._give_up(error)
                return fallback

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
            try:
                db.executescript(_SCHEMA)
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        return self._db

    def _give_up(self, error: Exception) -> None:
        """A locked database may free up later; anything else will not, so stop trying."""
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            log.warning("learning database %s is locked; skipping: %s", self.path, error)
            return
        self.warn(f"Prosewise cannot use its learning database {self.path} ({error}): learning"
                  " is off for this session, checking goes on. Moving the file away starts"
                  " a new one.")
        self._broken = True
        if self._db is not None:
            self._db.close()
            self._db = None
