from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Config
from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.catalog.commands import SYNC
from tests.fakes.openlibrary_api import FakeOpenLibrary


@pytest.fixture
async def openlibrary() -> AsyncIterator[FakeOpenLibrary]:
    """A loopback Open Library; a test module's `config` points the bot at it."""
    server = FakeOpenLibrary()
    await server.start()
    yield server
    await server.stop()


async def held_app(config: Config, clock: FakeClock) -> AsyncIterator[App]:
    """The bot with its scheduler held: only `sync_due` performs jobs. A test module of the
    catalog's sources takes it as its `app`: ``app = pytest.fixture(held_app, name="app")``."""
    app = await App.open(config, clock=clock)
    app.services.scheduler.hold()
    yield app
    await app.close()


async def sync_due(app: App) -> int:
    """Run the jobs due now and wait for the syncs they start in the background; how many of
    them were syncs (other features' jobs, such as the statistics' roll-up, may fall due too)."""
    store = app.services.store
    done = "SELECT count(*) FROM jobs WHERE kind = ? AND state = 'done'"
    before = await store.fetchval(done, (SYNC,))
    await app.services.scheduler.run_due()
    await app.services.tasks.wait_idle()
    return int(await store.fetchval(done, (SYNC,))) - int(before)
