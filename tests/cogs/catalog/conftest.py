from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.openlibrary_api import FakeOpenLibrary


@pytest.fixture
async def openlibrary() -> AsyncIterator[FakeOpenLibrary]:
    """A loopback Open Library; a test module's `config` points the bot at it."""
    server = FakeOpenLibrary()
    await server.start()
    yield server
    await server.stop()
