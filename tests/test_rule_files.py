"""The shipped rule data stays diff-friendly: one phrase or swap a line, no long lines.

A phrase list packed onto one line turns every added phrase into a change of the whole
line (redundancy.toml once had a 7,765-character line), so reviews cannot see what
changed. These tests read the files as text: the rules' behaviour is tested by their
examples (test_rule_examples.py).
"""

from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "agents" / "data"
LONGEST = 200
# A line holding two entries of a list or table: `"a", "b"`, `match = ["a", "b"]`,
# `swap = { "a" = "b", "c" = "d" }`.
PACKED = re.compile(r'^\s*(?:\w+\s*=\s*[\[{])?\s*"[^"]*"\s*(?:=\s*"[^"]*"\s*)?,\s*"')


def data_lines() -> list[tuple[str, int, str]]:
    """(file, line number, line) for every line of every file under agents/data."""
    return [
        (str(path.relative_to(DATA)), number, line)
        for path in sorted(DATA.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    ]


def test_data_files_are_found() -> None:
    assert len({name for name, _, _ in data_lines()}) >= 10


def test_no_long_lines() -> None:
    long = [f"{name}:{number} ({len(line)})" for name, number, line in data_lines()
            if len(line) > LONGEST]
    assert not long, f"lines over {LONGEST} characters: {long}"


def test_one_entry_per_line() -> None:
    packed = [f"{name}:{number}" for name, number, line in data_lines() if PACKED.match(line)]
    assert not packed, f"put one phrase or swap on each line: {packed}"
