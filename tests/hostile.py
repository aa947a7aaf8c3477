"""A workspace whose settings are hostile or broken, as a cloned repository may be.

Shared by the CLI tests (test_house_rule_safety.py) and the server tests
(lsp/test_hostile_settings.py): the project file names every kind of bad file,
one good house rule and one that backtracks for hours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SLOW_PATTERN = "(a|aa)+$"
"""Catastrophic for any backtracking engine (``regex`` included; it survives ``(a+)+$``):
against 40 ``a``s and a ``b`` it would run for hours."""
SLOW_LINE = "a" * 40 + "b"
GOOD_RULE = "style.house-no-utilize"
MINE_RULE = "style.house-mine"
PROSE = "We utilize the end result of the roadmap plan.\n"
""""utilize" is the good house rule's, "roadmap" the one's in the user's config folder,
"end result" the built-in style.redundancy's, "plan" the outside file's (never read)."""


@dataclass(frozen=True)
class Hostile:
    """Where the hostile workspace's parts are, to name them in assertions."""

    root: Path
    outside: Path
    """A valid rule file outside the workspace, named by ``../``: it must never be read."""
    config: Path
    """Stands for the user's config home (``XDG_CONFIG_HOME``): its prosewise/ may be named."""
    fifo: Path
    folder: Path
    huge: Path
    slow: Path
    placeholder: Path


def rule(rule_id: str, message: str, look: str) -> str:
    """One ``[[rule]]`` table (``look`` is its match/pattern line)."""
    return f'[[rule]]\nid = "{rule_id}"\ncategory = "style"\nmessage = "{message}"\n{look}\n'


def hostile_workspace(base: Path, slow: bool = True) -> Hostile:
    """``base/ws`` with a project file naming good and bad house rule files."""
    root = base / "ws"
    (root / "rules" / "folder.toml").mkdir(parents=True)
    outside = base / "outside.toml"
    outside.write_text(rule("style.outside-secret", "Outside {match}", 'match = ["plan"]'))
    mine = base / "config" / "prosewise" / "mine.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text(rule(MINE_RULE, "Mine {match}", 'match = ["roadmap"]'))
    (root / "rules" / "good.toml").write_text(
        rule(GOOD_RULE, "Write “{replacement}”, not “{match}”.", 'swap = { "utilize" = "use" }')
    )
    (root / "rules" / "slow.toml").write_text(
        rule("style.house-slow", "Slow {match}", f"pattern = '{SLOW_PATTERN}'")
    )
    (root / "rules" / "placeholder.toml").write_text(
        rule("style.house-placeholder", "Use {foo}", 'match = ["end result"]')
    )
    fifo = root / "rules" / "fifo.toml"
    os.mkfifo(fifo)
    huge = root / "rules" / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(8 << 20)  # sparse: 8 MiB of NULs, no disk used
    names = ["rules/good.toml", "rules/placeholder.toml", "/dev/zero", "rules/fifo.toml",
             "rules/folder.toml", "rules/huge.toml", "/etc/passwd", "../outside.toml", str(mine)]
    if slow:
        names.append("rules/slow.toml")
    quoted = ", ".join(f'"{n}"' for n in names)
    (root / ".prosewise.toml").write_text(f'profile = "picky"\nhouse_rules = [{quoted}]\n')
    return Hostile(root, outside, base / "config", fifo, root / "rules" / "folder.toml", huge,
                   root / "rules" / "slow.toml", root / "rules" / "placeholder.toml")


def expected_problems(ws: Hostile) -> dict[str, tuple[str, ...]]:
    """Per bad setting, the words its one message must hold."""
    return {
        "dev-zero": ("'/dev/zero'", "outside the workspace"),
        "fifo": (str(ws.fifo), "a pipe, not a regular file"),
        "folder": (str(ws.folder), "a folder, not a regular file"),
        "huge": (str(ws.huge), "larger than 1024 KiB"),
        "etc-passwd": ("'/etc/passwd'", "outside the workspace"),
        "dot-dot": ("'../outside.toml'", "outside the workspace"),
        "placeholder": (str(ws.placeholder), "style.house-placeholder", "{foo}"),
    }
