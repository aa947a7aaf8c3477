"""Dictionary files that teams already keep (``Settings.dictionaries``): their words
join the personal dictionary (``Settings.words``).

The format is told from the file itself, so a team points Prosewise at the file
its other tools use and keeps one list:

- a plain list, one word a line, ``#`` comments and blank lines (also harper-ls's
  user dictionary, and ``.prosewise/dictionary.txt``);
- an aspell personal dictionary: a first line ``personal_ws-1.1 <lang> <n> [enc]``;
- cSpell: ``words`` in ``cspell.json`` / ``.cspell.json``, ``cSpell.words`` in
  ``.vscode/settings.json`` (JSON with comments and trailing commas, as both allow).

Files are read with setting_files' bounds and re-read when their stamp (size,
modification time) changes: the engines' sentence cache keys hold the words, and
the settings digest the stamps, so an edited file re-checks what it affects. A bad
file or entry is skipped and named in one message (``dictionary_problems``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from prosewise.agents.setting_files import file_problem, read_settings_file
from prosewise.agents.settings import Settings, file_stamp

LONGEST_WORD = 100
SHOWN_PROBLEMS = 5
"""Bad entries named in one message; the rest are counted."""
ASPELL_HEADER = "personal_ws-1.1"


def word_problem(word: object) -> str | None:
    """Why ``word`` cannot be a dictionary entry, or None: entries are single tokens."""
    if not isinstance(word, str):
        return "it is not text"
    if not word.strip():
        return "it is empty"
    if any(c.isspace() for c in word):
        return "it is more than one word"
    if any(unicodedata.category(c) == "Cc" for c in word):
        return "it holds control characters"
    if len(word) > LONGEST_WORD:
        return f"it is longer than {LONGEST_WORD} characters"
    return None


def parse_words(data: bytes, skip: int = 0) -> tuple[list[str], list[str]]:
    """The words of a one-word-a-line file (after ``skip`` header lines), and why each
    skipped line was skipped (``#`` comments and blank lines are not words, nor bad)."""
    words: list[str] = []
    bad: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        if number <= skip:
            continue
        try:
            line = raw.decode("utf-8").strip().removeprefix("\ufeff")
        except UnicodeDecodeError:
            bad.append(f"line {number} is not UTF-8 text (skipped)")
            continue
        if not line or line.startswith("#"):
            continue
        if why := word_problem(line):
            bad.append(f"line {number} was skipped ({why.removeprefix('it ')})")
        elif line not in words:
            words.append(line)
    return words, bad


_JSONC = re.compile(r'("(?:[^"\\]|\\.)*(?:"|\Z))|//[^\n]*|/\*.*?(?:\*/|\Z)|,(?=\s*[}\]])',
                    re.DOTALL)


def _loads_jsonc(text: str) -> Any:
    """JSON with ``//`` and ``/* */`` comments and trailing commas (VS Code's and
    cSpell's settings files allow them); strings are kept as they are. An unclosed
    string or comment runs to the end (one pass, however many ``/*`` a file holds)."""
    return json.loads(_JSONC.sub(lambda m: m[1] or " ", text))


def _cspell_words(path: str, text: str) -> tuple[list[str], list[str]]:
    """``words`` of a cSpell file, or ``cSpell.words`` of a VS Code settings file."""
    try:
        data = _loads_jsonc(text)
    except json.JSONDecodeError as exc:
        return [], [f"not valid JSON (line {exc.lineno}: {exc.msg})"]
    except RecursionError:
        return [], ["not valid JSON (nested too deeply)"]
    if not isinstance(data, dict):
        return [], ["not a JSON object"]
    key = "words" if "words" in data else "cSpell.words"
    entries = data.get(key, [])
    if not isinstance(entries, list):
        return [], [f"{key} is not a list of words"]
    words: list[str] = []
    bad: list[str] = []
    for i, entry in enumerate(entries):
        if why := word_problem(entry):
            bad.append(f"{key}[{i}] was skipped ({why.removeprefix('it ')})")
        elif entry not in words:
            words.append(entry)
    return words, bad


@lru_cache(maxsize=64)
def _dictionary(path: str, stamp: tuple[int, int]) -> tuple[tuple[str, ...], str | None]:
    """The words of one dictionary file version, and the one message about what was
    skipped in it (None: nothing). Never raises: a bad file must not stop a review."""
    try:
        text = read_settings_file(path)
    except OSError as exc:
        return (), f"dictionary {file_problem(path, exc)}"
    if Path(path).suffix.lower() == ".json":
        words, bad = _cspell_words(path, text)
    else:
        header = text.lstrip("\ufeff").startswith(ASPELL_HEADER)
        words, bad = parse_words(text.encode("utf-8"), skip=1 if header else 0)
    if not bad:
        return tuple(words), None
    more = f"; and {len(bad) - SHOWN_PROBLEMS} more" if len(bad) > SHOWN_PROBLEMS else ""
    return tuple(words), f"dictionary {path}: {'; '.join(bad[:SHOWN_PROBLEMS])}{more}"


def writable(path: str) -> bool:
    """Whether "Add to dictionary" may append to the file: a word a line (plain, harper,
    aspell), not cSpell's JSON (rewriting it would lose its comments and layout)."""
    return Path(path).suffix.lower() != ".json"


def dictionary_words(path: str) -> tuple[str, ...]:
    """The words of a dictionary file as it is now (re-read when its stamp changes)."""
    return _dictionary(path, file_stamp(path))[0]


def dictionary_problems(paths: Iterable[str]) -> list[str]:
    """One message per dictionary file that could not be read, or not all of it."""
    return [p for path in paths if (p := _dictionary(path, file_stamp(path))[1]) is not None]


def personal_words(settings: Settings) -> tuple[str, ...]:
    """``settings.words`` and the words of its dictionary files, each once."""
    if not settings.dictionaries:
        return settings.words
    return _joined(settings.words, tuple(dictionary_words(p) for p in settings.dictionaries))


@lru_cache(maxsize=64)
def _joined(words: tuple[str, ...], files: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """One tuple per combination: the same object each check while nothing changes."""
    return Words(dict.fromkeys([*words, *(w for f in files for w in f)]))


class Words(tuple[str, ...]):
    """Personal words that hash once: the engines' sentence cache keys hold them, and
    hashing a 5,000-word tuple took 28 µs, three or four times per sentence and engine
    (by that count, some 0.4 s on the first review of 2,000 sentences)."""

    _hash: int

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = tuple.__hash__(self)
            return self._hash
