"""The learning store: decisions kept locally per workspace, and their effect on ranking."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prosewise.agents.settings import Settings
from prosewise.merge.model import Outcome, RuleFeedback
from prosewise.server.lsp.learning import ENV_DIR, FILENAME, LearningStore, Verdict, default_path
from prosewise.server.pipeline import Pipeline

TEXT = "Thé café 😀 has a error here. We sent a email to the team yesterday.\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LearningStore]:
    """A store in a temporary data dir."""
    s = LearningStore(tmp_path / "data" / FILENAME, timeout=0)
    yield s
    s.close()


def test_round_trip(store: LearningStore, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert store.feedback(ws) == {}
    for _ in range(3):
        assert store.dismissed(ws, "grammar.article")
    assert store.accepted(ws, "grammar.article")
    assert store.accepted(ws, "grammar.spelling")
    assert store.feedback(ws) == {
        "grammar.article": RuleFeedback(accepted=1, dismissed=3),
        "grammar.spelling": RuleFeedback(accepted=1, dismissed=0),
    }
    store.close()
    reopened = LearningStore(store.path)
    assert reopened.feedback(ws)["grammar.article"] == RuleFeedback(accepted=1, dismissed=3)
    reopened.close()


def test_never_stores_document_text(store: LearningStore, tmp_path: Path) -> None:
    store.record(tmp_path, "grammar.article", Verdict.DISMISSED, at=1.0)
    store.close()
    raw = store.path.read_bytes()
    assert b"error here" not in raw
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT workspace, rule, verdict, at FROM decision").fetchall()
    assert rows == [(str(tmp_path.resolve()), "grammar.article", "dismissed", 1.0)]


def test_workspaces_are_isolated(store: LearningStore, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    store.dismissed(a, "style.passive-voice")
    store.accepted(b, "clarity.long-sentence")
    assert store.feedback(a) == {"style.passive-voice": RuleFeedback(dismissed=1)}
    assert store.feedback(b) == {"clarity.long-sentence": RuleFeedback(accepted=1)}
    assert store.feedback(tmp_path / "a" / ".." / "a") == store.feedback(a)
    store.forget(a)
    assert store.feedback(a) == {}
    assert store.feedback(b) != {}


def test_env_var_sets_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "elsewhere"))
    assert default_path() == tmp_path / "elsewhere" / FILENAME
    store = LearningStore()
    assert not store.path.exists(), "opened lazily"
    store.dismissed(tmp_path, "tone.hedging")
    assert store.path.exists()
    store.close()


def test_corrupt_file_means_no_feedback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(b"this is not a database\x00" * 200)
    store = LearningStore(path)
    with caplog.at_level(logging.WARNING, logger="prosewise.server.lsp.learning"):
        assert store.feedback(tmp_path) == {}
        assert store.dismissed(tmp_path, "grammar.article") is False
    assert "learning is off" in caplog.text
    assert path.read_bytes().startswith(b"this is not a database"), "left as it was"


def test_an_unusable_database_is_reported_once(tmp_path: Path) -> None:
    """The writer is told (the server shows it), once, in words, naming the file."""
    path = tmp_path / FILENAME
    path.write_bytes(b"this is not a database\x00" * 200)
    told: list[str] = []
    store = LearningStore(path, warn=told.append)
    for _ in range(3):
        assert store.dismissed(tmp_path, "grammar.article") is False
    assert len(told) == 1 and str(path) in told[0] and "learning is off" in told[0]


def test_locked_database_is_skipped_then_recovers(store: LearningStore, tmp_path: Path) -> None:
    store.dismissed(tmp_path, "grammar.article")
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    assert store.dismissed(tmp_path, "grammar.article") is False
    assert store.feedback(tmp_path) == {}
    other.execute("ROLLBACK")
    other.close()
    assert store.dismissed(tmp_path, "grammar.article")
    assert store.feedback(tmp_path) == {"grammar.article": RuleFeedback(dismissed=2)}


def test_threads_share_one_store(store: LearningStore, tmp_path: Path) -> None:
    def dismiss() -> None:
        for _ in range(25):
            store.dismissed(tmp_path, "style.wordy")

    threads = [threading.Thread(target=dismiss) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.feedback(tmp_path) == {"style.wordy": RuleFeedback(dismissed=100)}


async def test_dismissed_rule_is_demoted_in_review(
    pipeline: Pipeline, store: LearningStore, tmp_path: Path
) -> None:
    ws, other = tmp_path / "ws", tmp_path / "other"
    before = await pipeline.review(TEXT, "markdown", Settings(), feedback=store.feedback(ws))
    assert [f.text for f in before.shown if f.rule == "grammar.article"] == ["a", "a"]
    for _ in range(3):
        store.dismissed(ws, "grammar.article")

    after = await pipeline.review(TEXT, "markdown", Settings(), feedback=store.feedback(ws))
    assert not [f for f in after.shown if f.rule == "grammar.article"]
    assert {f.rule for f in after.shown} == {f.rule for f in before.shown} - {"grammar.article"}
    logged = [d for d in after.decisions if d.finding.rule == "grammar.article"]
    assert logged and all(d.outcome is Outcome.SUPPRESSED for d in logged)
    assert all("demoted: dismissed 3 of 3 times here" in d.reason for d in logged)

    elsewhere = await pipeline.review(TEXT, "markdown", Settings(), feedback=store.feedback(other))
    assert [f.text for f in elsewhere.shown if f.rule == "grammar.article"] == ["a", "a"]


async def test_acceptances_keep_a_rule(
    pipeline: Pipeline, store: LearningStore, tmp_path: Path
) -> None:
    for _ in range(3):
        store.dismissed(tmp_path, "grammar.article")
        store.accepted(tmp_path, "grammar.article")
    review = await pipeline.review(TEXT, "markdown", Settings(), feedback=store.feedback(tmp_path))
    assert [f.text for f in review.shown if f.rule == "grammar.article"] == ["a", "a"]
