"""What the CLI prints, tested without a process: positions, lines, summary, exit status."""

from __future__ import annotations

import json
import re

import pytest

from prosewise.agents.model import (
    AgentName,
    Category,
    EditKind,
    Finding,
    Replacement,
    Severity,
    ToneSummary,
    ToneTrait,
)
from prosewise.server.cli import build_parser, exit_status, main, overrides_from
from prosewise.server.lineindex import CODE_POINTS, LineIndex
from prosewise.server.report import (
    FileReport,
    human_lines,
    position,
    review_json,
    summary_line,
    tone_line,
)

TEXT = "We went there in order to eat.\n😀 Then we left left.\n"


def finding(quoted: str, rule: str, severity: Severity = Severity.INFO,
            *replacements: Replacement, message: str = "Say less.") -> Finding:
    start = TEXT.index(quoted)
    return Finding(agent=AgentName(rule.split(".")[0]), rule=rule, category=Category.STYLE,
                   start=start, end=start + len(quoted), text=quoted, message=message,
                   replacements=replacements, severity=severity)


WORDY = finding("in order to", "clarity.wordy-phrase", Severity.INFO, Replacement(value="to"))
REPEAT = finding("left left", "grammar.repeated-word", Severity.ERROR,
                 Replacement(kind=EditKind.DELETE), Replacement(value="left"),
                 message="Word\nrepeated.")
REPORT = FileReport("notes.md", suggestions=(WORDY, REPEAT), text=TEXT)


@pytest.mark.parametrize(("text", "offset", "expected"), [
    ("abc", 0, (1, 1)),
    ("abc", 3, (1, 4)),
    ("a\nb", 2, (2, 1)),
    ("a\r\nb", 3, (2, 1)),
    ("a\rb", 2, (2, 1)),
    ("😀𝒳x", 2, (1, 3)),
    ("😀\n𝒳 eror", 4, (2, 3)),
])
def test_line_index(text: str, offset: int, expected: tuple[int, int]) -> None:
    assert position(LineIndex(text, CODE_POINTS), offset) == expected


def test_human_lines() -> None:
    assert [t.plain for t in human_lines(REPORT, explain=False)] == [
        "notes.md:1:15 clarity.wordy-phrase Say less. → to",
        "notes.md:2:11 grammar.repeated-word Word repeated. → (delete) | left",
    ]


def test_tone_line_shows_the_strongest_traits_only() -> None:
    tone = ToneSummary(headline="confident", traits=(
        ToneTrait(name="formal", score=0.3), ToneTrait(name="urgent", score=0.0),
        ToneTrait(name="confident", score=0.9, evidence=("will", "must", "we ship", "now")),
    ))
    assert tone_line("a.md", tone).plain == (
        "a.md: tone: confident (confident 0.90: “will”, “must”, “we ship”; formal 0.30)")


def test_summary_line_counts_by_agent() -> None:
    skipped = FileReport("x.bin", errors=("skipped: binary file",), skipped=True)
    clean = FileReport("ok.md", text="Fine.")
    assert summary_line([REPORT, skipped, clean]) == (
        "2 suggestions in 1 file (2 checked, 1 skipped): grammar 1, clarity 1, tone 0, style 0")


def test_json_positions_are_code_points() -> None:
    (entry,) = review_json([REPORT])["files"]
    repeat = entry["suggestions"][1]
    assert (repeat["start"], repeat["line"], repeat["column"]) == (TEXT.index("left"), 2, 11)
    assert [r["result"] for r in repeat["replacements"]] == ["", "left"]


@pytest.mark.parametrize(("fail_on", "status"), [
    ("error", 1), ("warning", 1), ("hint", 1), ("never", 0),
])
def test_exit_status_follows_fail_on(fail_on: str, status: int) -> None:
    assert exit_status([REPORT], fail_on) == status


def test_exit_status_below_the_bar_and_when_nothing_was_read() -> None:
    info_only = FileReport("a.md", suggestions=(WORDY,), text=TEXT)
    assert exit_status([info_only], "warning") == 0
    assert exit_status([FileReport("b", errors=("skipped: x",), skipped=True)], "never") == 2


def test_command_line_overrides_are_shaped_like_the_project_file() -> None:
    args = build_parser().parse_args([
        "review", "a.md", "--dialect", "en-GB", "--profile", "picky", "--disable", "tone",
        "--disable", "style.cliche", "--enable", "tone.inclusive", "--agents", "grammar,tone",
        "--max-bytes", "512K",
    ])
    assert overrides_from(args) == {
        "goals": {"dialect": "en-GB"}, "profile": "picky",
        "rules": {"tone": False, "style.cliche": False, "tone.inclusive": True},
        "agents": {"grammar": True, "clarity": False, "tone": True, "style": False},
    }
    assert args.max_bytes == 512 * 1024


def test_rules_lists_kebab_case_ids_of_all_agents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    ids = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert len(ids) == len(set(ids))
    assert {i.split(".")[0] for i in ids} == {a.value for a in AgentName}
    assert [i for i in ids if not re.fullmatch(r"[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*", i)] == []
    model_only = {"grammar.llm", "clarity.llm-rewrite", "tone.llm-rewrite", "style.llm-guide"}
    assert model_only <= set(ids)
