"""Typed settings: the writer's goals, the profile and what is switched on.

One pydantic tree serves the project file (``.prosewise.toml`` or
``[tool.prosewise]`` in ``pyproject.toml``), the CLI and the language server; the
editors' settings schemas are generated from it. Keys are snake_case in TOML and
camelCase from editors (both accepted).
"""

from __future__ import annotations

import hashlib
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from prosewise.agents.engines.lt_settings import LanguageToolSettings
from prosewise.agents.llm.config import LlmSettings
from prosewise.agents.markup_settings import Format, LanguageKey, LatexSettings
from prosewise.agents.model import AgentName
from prosewise.agents.setting_files import confined, read_settings_file
from prosewise.agents.user_config import UserConfig

PROJECT_FILE = ".prosewise.toml"


class Dialect(StrEnum):
    """English dialect: spelling and some grammar conventions follow it."""

    EN_US = "en-US"
    EN_GB = "en-GB"
    EN_AU = "en-AU"
    EN_CA = "en-CA"
    EN_IN = "en-IN"


class Audience(StrEnum):
    """Who reads the text: sets how long and complex sentences may be."""

    GENERAL = "general"
    KNOWLEDGEABLE = "knowledgeable"
    EXPERT = "expert"


class Writer(StrEnum):
    """Who writes the text: a writer still learning English makes more errors, and
    wants the grammar findings the engines are less sure of too."""

    FLUENT = "fluent"
    ENGLISH_LEARNER = "english-learner"


class Formality(StrEnum):
    """How formal the text should sound: drives contraction, slang and stiffness checks."""

    INFORMAL = "informal"
    NEUTRAL = "neutral"
    FORMAL = "formal"


class Domain(StrEnum):
    """The kind of writing; some rules apply only in some domains."""

    GENERAL = "general"
    ACADEMIC = "academic"
    BUSINESS = "business"
    TECHNICAL = "technical"
    CASUAL = "casual"
    CREATIVE = "creative"


class Intent(StrEnum):
    """What the text is for; e.g. hedging matters most when convincing."""

    INFORM = "inform"
    DESCRIBE = "describe"
    CONVINCE = "convince"
    TELL_A_STORY = "tell-a-story"


class Profile(StrEnum):
    """How much to show: strict = only clear errors, balanced, picky = everything."""

    STRICT = "strict"
    BALANCED = "balanced"
    PICKY = "picky"


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
        use_attribute_docstrings=True,
    )


class Goals(_Model):
    """The writer's goals, as Grammarly asks for them."""

    dialect: Dialect = Dialect.EN_US
    """English dialect used for spelling and conventions."""
    audience: Audience = Audience.KNOWLEDGEABLE
    """Who the readers are: general readers get shorter sentences and simpler words."""
    writer: Writer = Writer.FLUENT
    """Who writes: english-learner also shows the grammar findings the checkers are
    less sure of, as a learner's text holds more errors."""
    formality: Formality = Formality.NEUTRAL
    """Target formality: contractions and slang are flagged when formal, stiff phrasing
    when informal."""
    domain: Domain = Domain.GENERAL
    """Kind of writing (academic, business, technical, casual, creative, general)."""
    intent: Intent = Intent.INFORM
    """What the text is for: inform, describe, convince or tell a story."""


class Settings(_Model):
    """Everything that changes which suggestions are made and shown."""

    goals: Goals = Goals()
    """The writer's goals: dialect, audience, formality, domain, intent."""
    profile: Profile = Profile.BALANCED
    """strict shows only clear errors; balanced adds confident suggestions; picky shows
    everything."""
    agents: dict[AgentName, bool] = Field(default_factory=lambda: {a: True for a in AgentName})
    """Agents to run (grammar, clarity, tone, style); set one to false to switch it
    off."""
    rules: dict[str, bool] = Field(default_factory=dict)
    """Rule ids switched on or off, e.g. {"style.passive-voice": false}; a prefix
    ("tone") works too."""
    words: tuple[str, ...] = ()
    """Personal dictionary: words never flagged as misspelled."""
    dictionaries: tuple[str, ...] = ()
    """Dictionary files whose words join ``words``: a plain list (one word a line, ``#``
    comments; harper's user dictionary is one), an aspell personal dictionary, or
    cSpell's ``cspell.json``, ``.cspell.json`` or ``.vscode/settings.json``. In a project
    file: relative to it, and only files inside the workspace or the user's config
    folder; from the editor: any path, used together with the project's. A file is read
    again when it changes."""
    house_rules: tuple[str, ...] = ()
    """Extra rule files (TOML, same format as the built-in ones) for house style. In a
    project file: relative to it, and only files inside the workspace or the user's
    config folder; from the editor: any path, used together with the project's."""
    style_guide: str = Field(default="", max_length=4_000)
    """House style in plain words, e.g. "sentence case for headings; never 'utilize'",
    that the language model checks (only with a model configured in ``llm``). A project
    file may set it: it says nothing about where text is sent."""
    llm: LlmSettings = LlmSettings()
    """A language model for deeper checks and rewrites (off unless ``model`` is set).
    Only from the user's config file, the editor or the command line: a project file
    may set it only in a folder the user trusts (agents/user_config.py)."""
    languagetool: LanguageToolSettings = LanguageToolSettings()
    """A LanguageTool server as a third grammar engine (off unless ``url`` or
    ``public_api`` is set). Like ``llm``: a project file may set it only in a folder the
    user trusts."""
    languages: dict[LanguageKey, Format] = Field(default_factory=dict)
    """Which format files are read as, beyond the built-in table: a language id as the
    editor sends it, or a file suffix with its dot, to a format Prosewise reads, e.g.
    {"mdx": "markdown", ".svx": "markdown"}. Before the editor's language id; the CLI's
    --language wins. A project file may set it."""
    latex: LatexSettings = LatexSettings()
    """How LaTeX documents are read: more commands and environments that are not
    prose."""

    def agent_enabled(self, agent: AgentName) -> bool:
        """Whether an agent runs at all."""
        return self.agents.get(agent, True)

    def rule_enabled(self, rule: str) -> bool:
        """The most specific entry in ``rules`` wins: 'style.passive-voice' over 'style'."""
        parts = rule.split(".")
        for i in range(len(parts), 0, -1):
            value = self.rules.get(".".join(parts[:i]))
            if value is not None:
                return value
        return True

    def digest(self) -> str:
        """Hash of everything an agent's output may depend on (cache key part)."""
        raw = self.model_dump_json(exclude={"profile", "rules"})
        return hashlib.blake2b(f"{raw}{self.file_stamps()}".encode(),
                               digest_size=12).hexdigest()

    def file_stamps(self) -> list[tuple[int, int]]:
        """The stamps of the files the settings name (house rules, dictionaries): an
        edited file changes what the agents find, so it is part of every cache key."""
        return [file_stamp(p) for p in (*self.house_rules, *self.dictionaries)]


def file_stamp(path: str | Path) -> tuple[int, int]:
    """Size and modification time: edits of a house rule or dictionary file must
    invalidate cached findings."""
    try:
        st = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def find_project_file(start: Path) -> Path | None:
    """The nearest ``.prosewise.toml``, or ``pyproject.toml`` with ``[tool.prosewise]``,
    from ``start`` upward."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "prosewise" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_settings_file(path))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def project_options(path: Path) -> dict[str, Any]:
    """Raw options from a project file (the ``[tool.prosewise]`` table of a pyproject).

    Raises OSError (``SettingsFileError``) or TOMLDecodeError for a file that cannot be
    read or parsed: a front says which and where.
    """
    data = tomllib.loads(read_settings_file(path))
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("prosewise", {})
        return table if isinstance(table, dict) else {}
    return data


def load_settings(start: Path, overrides: dict[str, Any] | None = None) -> Settings:
    """Settings for a file or folder: the project file found upward, then ``overrides``.

    Strict: raises pydantic.ValidationError when the project file has invalid values
    (``load_project`` is the fronts' forgiving version); house rule paths are made
    absolute against the project file, and those outside its folder are dropped, as
    are its model settings (no workspace is trusted here: see ``load_project``).
    """
    found = find_project_file(start.resolve())
    options = confined(project_options(found), found, None, []) if found else {}
    if found:
        options = UserConfig().withheld(options, found, [])
    return Settings.model_validate(deep_merge(options, overrides or {}))


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out
