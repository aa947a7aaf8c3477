"""The ``client`` fixture: one server per editor flavour for the whole session, each
test on documents of its own; tests about start-up, restarts, settings, stores or
exit start their own server with ``editor``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from editor import CLIENTS, EditorClient, editor
from pytest_asyncio import is_async_test

HERE = Path(__file__).parent
SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Async tests run in the session's event loop, where the shared servers live."""
    for item in items:
        if is_async_test(item) and HERE in item.path.parents:
            item.add_marker(SESSION_LOOP, append=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=CLIENTS)
async def server(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EditorClient]:
    """A server started as the editor would, shared by every test that takes ``client``
    (pytest orders those tests by flavour, so one server runs at a time)."""
    async with editor(request.param, tmp_path_factory.mktemp("shared")) as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def client(server: EditorClient, request: pytest.FixtureRequest) -> AsyncIterator[
        EditorClient]:
    """The flavour's shared server, with this test's own folder, documents and records."""
    server.begin(re.sub(r"\W", "_", request.node.name))
    yield server
    server.end()
