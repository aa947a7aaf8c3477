"""The documentation says what the code does: README commands, settings, CLI options.

Why: the README's configuration example and quick start are the first thing a new
user copies; these tests fail when the code moves and the docs don't.
"""

from __future__ import annotations

import argparse
import json
import re
import tomllib
from pathlib import Path

from prosewise.agents.settings import Goals, Settings
from prosewise.server.cli import build_parser
from prosewise.server.report import SCHEMA_ID

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(markdown: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next heading of level 2."""
    start = markdown.index(f"## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end if end != -1 else None]


def fenced(markdown: str, info: str) -> list[str]:
    """Bodies of the fenced code blocks with this info string."""
    return re.findall(rf"^```{info}\n(.*?)^```", markdown, flags=re.S | re.M)


def test_quick_start_is_exactly_two_one_line_commands() -> None:
    install_and_review, install_and_test = fenced(section(README, "Quick start"), "sh")
    for command in (install_and_review, install_and_test):
        assert command.count("\n") == 1, f"not one line: {command!r}"
    assert install_and_review.startswith("python3 -m venv .venv && . .venv/bin/activate")
    assert "pip install . && prosewise review examples/sample.md" in install_and_review
    assert install_and_test.strip().endswith("pip install -e '.[test]' && pytest -q")


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert "pip install --quiet -e '.[test]'" in script
    assert re.search(r"^pytest -q \|\| status=\$\?$", script, flags=re.M)
    assert (ROOT / ".ci/run").stat().st_mode & 0o111, ".ci/run is not executable"


def test_configuration_example_shows_every_setting_with_its_default() -> None:
    (example,) = fenced(section(README, "Configuration"), "toml")
    options = tomllib.loads(example)
    assert Settings.model_validate(options) == Settings()
    assert set(options) == set(Settings.model_fields)
    assert set(options["goals"]) == set(Goals.model_fields)


def review_options() -> list[str]:
    """Every long option of ``prosewise review``."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    review = commands.choices["review"]
    return [s for a in review._actions for s in a.option_strings if s.startswith("--")]


def test_cli_reference_documents_every_option() -> None:
    reference = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    missing = [o for o in review_options() if f"`{o}" not in reference and o != "--help"]
    assert missing == []


def test_schema_file_names_the_version_the_cli_writes() -> None:
    schema = json.loads((ROOT / "server/data/review-schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["schema"]["const"] == SCHEMA_ID
