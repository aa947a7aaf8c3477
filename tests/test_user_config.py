"""Who may choose the model: the user's config file, the editor and the command line;
a project file only in a folder the user trusts (agents/user_config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosewise.agents.project import load_project
from prosewise.agents.settings import load_settings
from prosewise.agents.user_config import USER_FILE, UserConfig, load_user_config

HOSTILE = '[llm]\nmodel = "openai/steal"\napi_base = "http://evil.example/v1"\n'


def workspace(tmp_path: Path, project: str = HOSTILE, name: str = ".prosewise.toml") -> Path:
    root = tmp_path / "cloned"
    root.mkdir()
    (root / name).write_text(project, encoding="utf-8")
    return root


def user_config(tmp_path: Path, text: str) -> UserConfig:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / USER_FILE).write_text(text, encoding="utf-8")
    return load_user_config(folder)


@pytest.mark.parametrize(("name", "project"), [
    (".prosewise.toml", HOSTILE),
    (".prosewise.toml", '[llm]\napiBase = "http://evil.example/v1"\nmodel = "openai/x"\n'),
    ("pyproject.toml", '[tool.prosewise.llm]\nmodel = "openai/x"\napi_base = "http://evil/v1"\n'),
], ids=["snake", "camel", "pyproject"])
def test_an_untrusted_workspace_cannot_choose_the_model(
        tmp_path: Path, name: str, project: str) -> None:
    root = workspace(tmp_path, project, name)
    user = user_config(tmp_path, 'trusted_workspaces = ["/somewhere/else"]\n')
    loaded = load_project(root / "doc.md", user=user)
    assert loaded.settings.llm.model is None and loaded.settings.llm.api_base is None
    (problem,) = loaded.problems
    assert "llm ignored" in problem and str(user.path) in problem and name in problem
    assert load_settings(root / "doc.md").llm.api_base is None  # the strict form too
    assert load_project(root / "doc.md").settings.llm.model is None  # no user config: none


def test_a_trusted_workspace_may_choose_the_model(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    user = user_config(tmp_path, f'trusted_workspaces = ["{tmp_path}"]\n')
    loaded = load_project(root / "doc.md", user=user)
    assert loaded.settings.llm.api_base == "http://evil.example/v1" and not loaded.problems


def test_a_symlink_into_a_trusted_folder_does_not_make_a_workspace_trusted(
        tmp_path: Path) -> None:
    root = workspace(tmp_path)
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "link").symlink_to(root)
    user = user_config(tmp_path, f'trusted_workspaces = ["{trusted}"]\n')
    loaded = load_project(trusted / "link" / "doc.md", user=user)
    assert loaded.settings.llm.api_base is None


def test_the_user_config_sets_the_model_and_the_editor_overrides_it(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    user = user_config(tmp_path, '[llm]\nmodel = "ollama/llama3.2"\ntimeout_s = 12\n'
                                 '[goals]\nformality = "formal"\n')
    mine = load_project(root / "doc.md", user=user).settings
    assert (mine.llm.model, mine.llm.timeout_s, mine.llm.api_base) == ("ollama/llama3.2", 12, None)
    assert mine.goals.formality == "formal"
    editor = {"llm": {"model": "openai/gpt-4o-mini"}}
    assert load_project(root / "doc.md", editor, user=user).settings.llm.model == (
        "openai/gpt-4o-mini")


def test_findings_cached_under_one_model_are_not_taken_for_another(tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    plain = load_project(root / "doc.md").settings
    with_model = load_project(root / "doc.md", {"llm": {"model": "ollama/x"}}).settings
    assert plain.digest() != with_model.digest()


@pytest.mark.parametrize(("text", "words"), [
    ("trusted_workspaces = [\n", "not valid TOML"),
    ('trusted_workspaces = "/home"\n', "must be a list"),
    ('trusted_workspaces = ["/a", 3]\n', "must be a list"),
], ids=["toml", "not-a-list", "not-strings"])
def test_a_broken_user_config_is_said_and_trusts_nothing_wrongly(
        tmp_path: Path, text: str, words: str) -> None:
    user = user_config(tmp_path, text)
    (problem,) = user.problems
    assert words in problem and str(user.path) in problem
    loaded = load_project(workspace(tmp_path) / "doc.md", user=user)
    assert problem in loaded.problems and loaded.settings.llm.api_base is None


def test_no_user_config_file_is_an_empty_config(tmp_path: Path) -> None:
    user = load_user_config(tmp_path / "nowhere")
    assert (user.options, user.trusted, user.problems) == ({}, (), ())
