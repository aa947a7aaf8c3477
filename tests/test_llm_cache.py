"""The model result cache: answers survive restarts, the least recently used go first,
and a damaged, locked or unusable file never reaches the caller."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prosewise.agents.llm.cache import (
    DAYS_KEPT,
    ENV_DIR,
    FILENAME,
    ResultCache,
    default_cache_path,
)

LOGGER = "prosewise.agents.llm.cache"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ResultCache]:
    c = ResultCache(tmp_path / "cache" / FILENAME, timeout=0)
    yield c
    c.close()


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno >= logging.WARNING]


def rows(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, value FROM result").fetchall())


def test_round_trip_and_counters(cache: ResultCache) -> None:
    key = ResultCache.key("openai/gpt-4o-mini", "grammar-v1", "Thé café 😀 is open.")
    assert cache.get(key) is None
    cache.put(key, '{"corrected": "Thé café 😀 is open."}')
    assert cache.get(key) == '{"corrected": "Thé café 😀 is open."}'
    cache.put(key, "newer")
    assert cache.get(key) == "newer"
    assert (cache.hits, cache.misses) == (2, 1)


def test_the_folder_and_file_are_private(cache: ResultCache) -> None:
    assert not cache.path.exists(), "created on first use"
    cache.put("k", "v")
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600


def test_keys_are_digests_that_join_parts_unambiguously() -> None:
    key = ResultCache.key("ab", "c")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key != ResultCache.key("a", "bc") != ResultCache.key("abc")
    assert ResultCache.key("a", "") != ResultCache.key("a")
    assert key == ResultCache.key("ab", "c")
    assert ResultCache.key("\ud800") != ResultCache.key("\ud801"), "lone surrogates hash too"


def test_only_the_digest_and_the_answer_are_stored(cache: ResultCache) -> None:
    key = ResultCache.key("model", "the writer's paragraph")
    cache.put(key, "answer")
    cache.close()
    assert rows(cache.path) == {key: "answer"}
    assert b"writer's paragraph" not in cache.path.read_bytes()


def test_a_second_instance_on_the_same_file_hits(cache: ResultCache) -> None:
    cache.put("k", "v")
    other = ResultCache(cache.path, timeout=0)
    assert other.get("k") == "v"
    other.put("k2", "v2")
    assert cache.get("k2") == "v2"
    other.close()
    cache.close()
    reopened = ResultCache(cache.path)
    assert reopened.get("k") == "v" and reopened.hits == 1
    reopened.close()


def test_eviction_keeps_the_most_recently_used(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / FILENAME, max_rows=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # now b is the least recently used
    cache.put("d", "D")
    assert rows(cache.path) == {"a": "A", "c": "C", "d": "D"}
    cache.put("c", "C2")  # a put counts as a use too
    cache.put("e", "E")
    cache.put("f", "F")
    assert rows(cache.path) == {"c": "C2", "e": "E", "f": "F"}
    cache.close()


def test_eviction_order_is_shared_by_instances(tmp_path: Path) -> None:
    one = ResultCache(tmp_path / FILENAME, max_rows=2)
    two = ResultCache(tmp_path / FILENAME, max_rows=2)
    one.put("a", "A")
    two.put("b", "B")
    assert one.get("a") == "A"
    two.put("c", "C")
    assert rows(one.path) == {"a": "A", "c": "C"}
    one.close()
    two.close()


def test_a_corrupt_file_is_moved_aside_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / FILENAME
    junk = bytes(range(256)) * 64
    path.write_bytes(junk)
    cache = ResultCache(path, timeout=0)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert cache.get("k") is None
        cache.put("k", "v")
        assert cache.get("k") == "v"
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILENAME}.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == junk
    [warning] = warnings(caplog)
    assert str(path) in warning and "moved" in warning
    cache.close()


@pytest.mark.parametrize("make", ["folder", "fifo", "under a file"])
def test_an_unusable_path_turns_the_cache_off(
    make: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / FILENAME
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)  # SQLite would block reading it: it must not be opened
    else:
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / FILENAME  # mkdir fails: the parent is a file
    assert_off(ResultCache(path, timeout=0), caplog)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into read-only folders (see the 'under a file' case)")
def test_an_unwritable_folder_turns_the_cache_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        assert_off(ResultCache(folder / FILENAME, timeout=0), caplog)
    finally:
        folder.chmod(0o700)


def assert_off(cache: ResultCache, caplog: pytest.LogCaptureFixture) -> None:
    """Every call answers as an empty cache, nothing raises, one warning names the path."""
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        for _ in range(3):
            cache.put("k", "v")
            assert cache.get("k") is None
            cache.add_tokens("2026-12-03", 10)
            assert cache.tokens_on("2026-12-03") is None  # unknown: the caller counts
    cache.close()
    [warning] = warnings(caplog)
    assert str(cache.path) in warning and "not cached" in warning
    assert (cache.hits, cache.misses) == (0, 3)


def test_a_locked_database_skips_calls_then_recovers(
    cache: ResultCache, caplog: pytest.LogCaptureFixture
) -> None:
    cache.put("k", "v")
    other = sqlite3.connect(cache.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        cache.put("k2", "v2")  # skipped, not raised
        cache.put("k3", "v3")
        assert cache.get("k") == "v", "WAL: readers do not wait for a writer"
    other.execute("ROLLBACK")
    other.close()
    [warning] = warnings(caplog)
    assert "locked" in warning
    cache.put("k2", "v2")
    assert cache.get("k2") == "v2"


def test_cache_dir_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "elsewhere"))
    assert default_cache_path() == tmp_path / "elsewhere" / FILENAME
    cache = ResultCache()
    assert cache.path == tmp_path / "elsewhere" / FILENAME
    cache.put("k", "v")
    assert cache.path.exists()
    cache.close()
    monkeypatch.setenv(ENV_DIR, "")
    assert default_cache_path().name == FILENAME
    assert default_cache_path().parent != tmp_path / "elsewhere"


def test_max_rows_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_rows"):
        ResultCache(Path("unused"), max_rows=0)


def test_threads_share_one_cache(cache: ResultCache) -> None:
    def work(n: int) -> None:
        for i in range(25):
            cache.put(f"{n}-{i}", str(i))
            assert cache.get(f"{n}-{i}") == str(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (cache.hits, cache.misses) == (100, 0)
    assert len(rows(cache.path)) == 100


def test_tokens_per_day_add_up_across_instances_and_old_days_go(cache: ResultCache) -> None:
    other = ResultCache(cache.path, timeout=0)
    cache.add_tokens("2026-12-03", 100)
    other.add_tokens("2026-12-03", 20)
    cache.add_tokens("2026-12-03", 0)
    assert (cache.tokens_on("2026-12-03"), other.tokens_on("2026-12-04")) == (120, 0)
    for day in range(1, DAYS_KEPT + 2):
        other.add_tokens(f"2027-01-{day:02d}", day)
    other.close()
    assert cache.tokens_on("2026-12-03") == 0  # the oldest beyond DAYS_KEPT went
    assert cache.tokens_on("2027-01-02") == 2 and cache.tokens_on("2027-01-01") == 0
    assert rows(cache.path) == {}  # no result rows: the counts are a table of their own
