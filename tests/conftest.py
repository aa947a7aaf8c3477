"""Shared fixtures: one pipeline (engines are expensive to build) for the session."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_engine import fake_hub
from fuzzing import BOUNDED, SLOW, register_profiles
from hypothesis import settings

from prosewise.agents.engines.hub import EngineHub
from prosewise.server.pipeline import Pipeline

pytest_plugins = ["llm_server", "lt_server"]
"""The scripted servers' fixtures (``model_server``, ``llm_checks``; ``lt_server``)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true",
                     help="fuzz with about ten times the hypothesis examples (tests/fuzzing.py)")


def pytest_configure(config: pytest.Config) -> None:
    register_profiles()
    settings.load_profile(SLOW if config.getoption("--slow") else BOUNDED)


@pytest.fixture(scope="session", autouse=True)
def own_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' own user config and cache folders (servers and CLIs started by tests
    inherit them): the developer's config.toml or model cache must not change a result.
    A test that needs a user config of its own sets XDG_CONFIG_HOME itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("user-config")))
        patch.setenv("PROSEWISE_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(scope="session")
def pipeline() -> Iterator[Pipeline]:
    """A real pipeline with all four agents and both offline engines."""
    p = Pipeline()
    yield p
    p.close()


@pytest.fixture(scope="session")
def fake_pipeline() -> Iterator[Pipeline]:
    """All four agents on fake engines (fake_engine.py): for pipeline and ranking tests
    that are not about the engines."""
    p = Pipeline(engines=fake_hub())
    yield p
    p.close()


@pytest.fixture(scope="session")
def hub() -> EngineHub:
    """Engines on their own (no agents), for engine and grammar-agent tests."""
    return EngineHub()


@pytest.fixture(scope="session")
def pool() -> Iterator[ThreadPoolExecutor]:
    """A worker pool like the pipeline's."""
    with ThreadPoolExecutor(max_workers=2) as p:
        yield p
