"""The ``client`` fixture: a fresh server session per test, once as each editor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from editor import CLIENTS, EditorClient, editor


@pytest_asyncio.fixture(params=CLIENTS)
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EditorClient]:
    """A server session per test, once with each editor's capabilities."""
    async with editor(request.param, tmp_path) as c:
        yield c
