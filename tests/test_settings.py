"""Settings: defaults, project file discovery, rule switches."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from prosewise.agents.project import load_project
from prosewise.agents.setting_layers import valid_part
from prosewise.agents.settings import Settings, find_project_file, load_settings


def test_defaults() -> None:
    s = Settings()
    assert s.goals.dialect == "en-US" and s.profile == "balanced"
    assert all(s.agents.values())


def test_prosewise_toml_found_upward(tmp_path: Path) -> None:
    (tmp_path / ".prosewise.toml").write_text('profile = "strict"\n[goals]\ndialect = "en-GB"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    s = load_settings(deep / "doc.md")
    assert s.profile == "strict" and s.goals.dialect == "en-GB"


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.prosewise]\nwords = ["Prosewise"]\n')
    assert find_project_file(tmp_path / "x.md") == tmp_path / "pyproject.toml"
    assert load_settings(tmp_path / "x.md").words == ("Prosewise",)


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_project_file(tmp_path / "x.md") != tmp_path / "pyproject.toml"


def test_overrides_win_and_camel_case_accepted(tmp_path: Path) -> None:
    (tmp_path / ".prosewise.toml").write_text('[goals]\naudience = "expert"\n')
    s = load_settings(tmp_path / "d.md", {"goals": {"formality": "formal"}})
    assert s.goals.audience == "expert" and s.goals.formality == "formal"
    assert Settings.model_validate({"houseRules": ["a.toml"]}).house_rules == ("a.toml",)


def test_invalid_values_raise(tmp_path: Path) -> None:
    (tmp_path / ".prosewise.toml").write_text('profile = "loud"\n')
    with pytest.raises(ValidationError):
        load_settings(tmp_path / "d.md")


@pytest.mark.parametrize(
    ("rules", "rule", "enabled"),
    [
        ({}, "style.passive-voice", True),
        ({"style": False}, "style.passive-voice", False),
        ({"style": False, "style.passive-voice": True}, "style.passive-voice", True),
        ({"style.passive-voice": False}, "style.cliche", True),
    ],
)
def test_rule_switches(rules: dict[str, bool], rule: str, enabled: bool) -> None:
    assert Settings(rules=rules).rule_enabled(rule) is enabled


def test_a_layer_keeps_its_valid_keys_and_names_each_bad_one(tmp_path: Path) -> None:
    layer = {"goals": {"dialect": "", "audience": None, "formality": "formal", "domain": "x"},
             "profile": "", "agents": {"grammar": False, "nope": True}, "zzz": 1,
             "llm": {"timeoutS": 0, "model": ""}, "rules": {"style": False}}
    valid, problems = valid_part(layer, "the editor's settings", "prosewise.")
    assert valid == {"goals": {"formality": "formal"}, "agents": {"grammar": False},
                     "llm": {}, "rules": {"style": False}}
    named = sorted(p.split(" (")[0] for p in problems)
    assert named == [f"the editor's settings: invalid setting prosewise.{key}" for key in
                     ("agents.nope", "goals.domain", "llm.timeoutS", "zzz")]
    (tmp_path / ".prosewise.toml").write_text('profile = "strict"\n[goals]\naudience = "expert"\n')
    loaded = load_project(tmp_path, layer)  # the editor's unset keys leave the file's alone
    assert loaded.settings.profile == "strict" and loaded.settings.goals.audience == "expert"
    assert loaded.settings.goals.formality == "formal" and not loaded.settings.agents["grammar"]
