"""Hostile or broken settings and house rules: bounded work, one clear line each.

The CLI runs as a subprocess on a workspace whose project file names every kind of
bad file (tests/hostile.py); the parts (bounded reads, timed patterns, message
templates) are also tested in-process, where each case is quick to pin down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import (
    GOOD_RULE,
    MINE_RULE,
    PROSE,
    SLOW_LINE,
    SLOW_PATTERN,
    expected_problems,
    hostile_workspace,
    rule,
)

from prosewise.agents.model import AgentName
from prosewise.agents.patterns import PATTERN_TIME_LIMIT, TimedPattern
from prosewise.agents.project import load_project
from prosewise.agents.ruleagent import house_rule_problems, load_house_rules
from prosewise.agents.rules import fill, run_rules, template_problem
from prosewise.agents.setting_files import SettingsFileError, read_settings_file
from prosewise.agents.settings import Goals

CLI_TIMEOUT = 240
"""A hang turns into a failure; a run takes 5-20 s (engines load) on a busy machine."""


def review(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``prosewise review --lite`` in ``root``, as users run it."""
    done = subprocess.run(
        [sys.executable, "-m", "prosewise.server", "review", "--lite", *args],
        capture_output=True, cwd=root, timeout=CLI_TIMEOUT, check=False,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


# --- The CLI on a hostile workspace --------------------------------------------------------


@pytest.mark.slow
def test_cli_survives_a_hostile_workspace_with_one_line_per_problem(tmp_path: Path) -> None:
    ws = hostile_workspace(tmp_path)
    (ws.root / "doc.md").write_text(f"{PROSE}\n{SLOW_LINE}\n\n{PROSE}")
    (ws.root / "other.md").write_text(f"{SLOW_LINE}\n\n{PROSE}")
    code, out, err = review(ws.root, "doc.md", "other.md", "--format", "json", "--explain",
                            env={"XDG_CONFIG_HOME": str(ws.config)})
    lines = err.splitlines()
    slow = [line for line in lines if "style.house-slow" in line]
    assert len(slow) == 1, err  # one line for the whole run, naming file and rule
    assert str(ws.slow) in slow[0] and "switched off" in slow[0]
    for case, words in expected_problems(ws).items():
        said = [line for line in lines if all(w in line for w in words)]
        assert len(said) == 1, (case, err)
    decided = {line.split()[1] for f in json.loads(out)["files"] for line in f["decisions"]}
    assert {GOOD_RULE, MINE_RULE, "style.redundancy"} <= decided  # the rest still runs
    assert "style.outside-secret" not in decided  # ../outside.toml was never read
    assert code == 1


@pytest.mark.slow
def test_cli_names_the_line_of_invalid_toml(tmp_path: Path) -> None:
    (tmp_path / ".prosewise.toml").write_text('profile = "picky"\n[goals\ndialect = "en-GB"\n')
    (tmp_path / "doc.md").write_text("The garden is quiet in the morning.\n")
    code, _, err = review(tmp_path, "doc.md")
    (line,) = err.splitlines()
    assert line.startswith(f"prosewise: {tmp_path / '.prosewise.toml'}, line 2: not valid TOML")
    assert line.endswith("; using the defaults")
    assert code == 0


# --- The parts, in-process -----------------------------------------------------------------


def test_a_runaway_pattern_stops_within_its_limit_and_stays_off() -> None:
    timed = TimedPattern.compile(SLOW_PATTERN)
    started = time.perf_counter()
    assert timed.spans(SLOW_LINE) == []
    assert time.perf_counter() - started < PATTERN_TIME_LIMIT + 5.0  # not hours (busy CI)
    assert timed.timed_out
    assert timed.spans("aaaa") == []  # off for the session, even where it would match
    assert TimedPattern.compile(r"\butili[sz]e\b").spans("We utilise it.") == [(3, 10)]


def test_a_slow_house_rule_is_reported_once_and_the_rest_still_runs(tmp_path: Path) -> None:
    house = tmp_path / "house.toml"
    house.write_text(rule("style.house-slow", "Slow {match}", f"pattern = '{SLOW_PATTERN}'")
                     + rule("style.house-fine", "Fine {match}", 'match = ["utilize"]'))
    rules = load_house_rules([str(house)], AgentName.STYLE)
    assert house_rule_problems([str(house)]) == []
    found = run_rules(rules, f"{SLOW_LINE} We utilize it.", Goals())
    assert [f.rule for f in found] == ["style.house-fine"]
    (problem,) = house_rule_problems([str(house)])
    assert str(house) in problem and "style.house-slow" in problem and "switched off" in problem
    assert house_rule_problems([str(house)]) == [problem]  # the same sentence: said once


@pytest.mark.parametrize("confidence", ["2.0", "-1.0", "nan"])
def test_a_confidence_outside_0_to_1_refuses_the_rule_not_the_check(
        tmp_path: Path, confidence: str) -> None:
    """Found by the settings fuzz: a rule with confidence 2.0 was loaded, and every
    block it matched made the agent fail on building the finding (a traceback)."""
    house = tmp_path / "house.toml"
    house.write_text(rule("style.house-sure", "Sure {match}",
                          f'match = ["utilize"]\nconfidence = {confidence}')
                     + rule("style.house-fine", "Fine {match}", 'match = ["utilize"]'))
    rules = load_house_rules([str(house)], AgentName.STYLE)
    assert [r.id for r in rules] == ["style.house-fine"]
    (problem,) = house_rule_problems([str(house)])
    assert "style.house-sure" in problem and "confidence must be between 0 and 1" in problem


def test_empty_matches_of_a_house_pattern_are_not_findings() -> None:
    assert TimedPattern.compile("x*").spans("abc x") == [(4, 5)]


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "huge", "missing", "latin1"])
def test_settings_files_are_read_only_if_regular_and_small(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "f.toml"
    if kind == "dev-zero":
        path = Path("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)  # no writer: an ordinary open would block for ever
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with path.open("wb") as handle:
            handle.truncate(2 << 20)
    elif kind == "latin1":
        path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(SettingsFileError) as caught:
        read_settings_file(path)
    assert str(caught.value) in {
        "dev-zero": "is a device, not a regular file", "fifo": "is a pipe, not a regular file",
        "folder": "is a folder, not a regular file", "huge": "is larger than 1024 KiB",
        "missing": "no such file", "latin1": "is not UTF-8 text (byte 3)",
    }[kind]


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text("#" * (1 << 20))
    assert len(read_settings_file(path)) == 1 << 20


def test_project_paths_stay_inside_the_workspace_or_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    ws = tmp_path / "ws"
    (ws / "docs").mkdir(parents=True)
    (tmp_path / "config" / "prosewise").mkdir(parents=True)
    mine = tmp_path / "config" / "prosewise" / "mine.toml"
    escape = ws / "docs" / "escape.toml"
    escape.symlink_to("/etc/passwd")
    (ws / "docs" / ".prosewise.toml").write_text(
        f'house_rules = ["ok.toml", "../root.toml", "/etc/passwd", "../../x.toml", '
        f'"escape.toml", "{mine}"]\n'
    )
    loaded = load_project(ws / "docs" / "a.md", workspace=ws)
    assert loaded.settings.house_rules == (
        str(ws / "docs" / "ok.toml"), str(ws / "root.toml"), str(mine.resolve()),
    )
    refused = [p for p in loaded.problems if "outside the workspace" in p]
    assert [p.split("'")[1] for p in refused] == ["/etc/passwd", "../../x.toml", "escape.toml"]
    alone = load_project(ws / "docs" / "a.md")  # no workspace (the CLI): the file's folder
    assert str(ws / "root.toml") not in alone.settings.house_rules


def test_editor_settings_are_the_users_own(tmp_path: Path) -> None:
    outside = tmp_path / "mine.toml"
    ws = tmp_path / "ws"
    ws.mkdir()
    loaded = load_project(ws / "a.md", {"houseRules": [str(outside)]}, workspace=ws)
    assert loaded.settings.house_rules == (str(outside),) and loaded.problems == ()


@pytest.mark.parametrize(
    ("message", "why"),
    [
        ("Use {foo}", "names {foo}"),
        ("Use {0}", "names {0}"),
        ("Use {match.__class__}", "names {match.__class__}"),
        ("Pad {match:>999999999}", "writes {match:>999999999}: a field takes no conversion"),
        ("Quote {replacement!r}", "writes {replacement!r}: a field takes no conversion or format;"
                                  " write {replacement}"),
        ("Broken {match", "not a valid template"),
    ],
)
def test_a_message_with_unknown_fields_is_refused_at_load(
    tmp_path: Path, message: str, why: str
) -> None:
    assert why in (template_problem(message) or "")
    house = tmp_path / "house.toml"
    house.write_text(rule("style.house-bad", message, 'match = ["utilize"]')
                     + rule("style.house-fine", "Fine {match}", 'match = ["utilize"]'))
    (problem,) = house_rule_problems([str(house)])
    assert problem.startswith(f"house rules {house}, line 1: rule style.house-bad is skipped")
    assert [r.id for r in load_house_rules([str(house)], AgentName.STYLE)] == ["style.house-fine"]


def test_formatting_falls_back_to_the_template() -> None:
    assert fill("Use {foo} for {match}", {"match": "x"}) == "Use {foo} for {match}"
    assert fill("Use {replacement}, not {match}", {"match": "a", "replacement": "b"}) == (
        "Use b, not a")
