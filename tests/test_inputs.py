"""Choosing and reading inputs: strict decoding, folder walks, globs, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosewise.server.inputs import decode, expand


@pytest.mark.parametrize(("data", "text", "error"), [
    (b"plain", "plain", None),
    ("\ufeffbom 😀".encode(), "bom 😀", None),
    (b"nul\x00byte", None, "skipped: binary file"),
    (b"bad \xff", None, "skipped: not valid UTF-8 (byte 4)"),
    ("😀".encode()[:3], None, "skipped: not valid UTF-8 (byte 0)"),
])
def test_decode_is_strict(data: bytes, text: str | None, error: str | None) -> None:
    assert decode(data) == (text, error)


def test_expand_dedupes_and_reports_globs_that_match_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.md").write_text("x")
    (tmp_path / "node_modules" / "pkg").mkdir(parents=True)
    (tmp_path / "node_modules" / "pkg" / "c.md").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("x")
    a, d = str(tmp_path / "a.md"), str(tmp_path / "sub" / "d.txt")
    targets = expand([a, str(tmp_path), str(tmp_path / "*.md"), str(tmp_path / "*.nope"), "-"])
    assert [(t.path, t.error) for t in targets] == [
        (a, None), (d, None), (str(tmp_path / "*.nope"), "skipped: no files match"), ("-", None),
    ]
    assert [t.path for t in expand([str(tmp_path / "**" / "*.*")])] == [a, d]
