"""A bot served by the real python-telegram-bot or discord.py against a loopback fake, for the
length of an ``async with``: configured, started, connected, and stopped again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.api import platform_state
from bot.api.package import FeatureFactory, FeaturePackage
from bot.config import load_config
from bot.process.app import App
from bot.time.clock import Clock, FakeClock, SystemClock, utc_text
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

TELEGRAM_MENUS = 6  # setMyCommands calls at start: two languages × three scopes


@asynccontextmanager
async def telegram_bot(
    directory: Path,
    fake: FakeTelegram,
    *,
    clock: Clock | None = None,
    features: Iterable[FeaturePackage | FeatureFactory] | None = None,
    extra: str = "",
    sample: bool = False,
) -> AsyncIterator[App]:
    """The bot on Telegram, once its command menus are set."""
    settings = f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n{extra}'
    config = load_config(write_config(directory, settings, sample=sample), env={})
    app = await App.open(config, clock=clock or SystemClock(), features=features)
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await fake.wait_for("setMyCommands", count=TELEGRAM_MENUS)
        await _connected(app, "telegram")
        yield app
    finally:
        await _stop(app, task)


async def _connected(app: App, platform: str) -> None:
    """Until the adapter recorded its connection, its last step before serving."""
    async with asyncio.timeout(20):
        for _ in iter(int, 1):
            state = await platform_state.recall(
                app.services.store, platform, platform_state.CONNECTION
            )
            if state and '"connected"' in state:
                return
            await asyncio.sleep(0.01)


@asynccontextmanager
async def discord_bot(
    directory: Path,
    fake: FakeDiscord,
    *,
    clock: Clock | None = None,
    features: Iterable[FeaturePackage | FeatureFactory] | None = None,
    extra: str = "",
    sample: bool = False,
) -> AsyncIterator[App]:
    """The bot on Discord, once it has identified and received its guild."""
    settings = f'[discord]\ntoken = "{fake.token}"\nguild_ids = [{GUILD_ID}]\n{extra}'
    config = load_config(write_config(directory, settings, sample=sample), env={})
    app = await App.open(config, clock=clock or SystemClock(), features=features)
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(fake.identified.wait(), 20)
        await asyncio.sleep(0.3)  # GUILD_CREATE and the command sync follow the identify
        yield app
    finally:
        await _stop(app, task)


async def _stop(app: App, task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()


async def until(check: Callable[[], bool], what: str) -> None:
    """Until `check()` holds (a fake has received what the bot sends in the background), for
    at most 6 s; else the test fails saying `what` did not happen."""
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(what)


async def run_due(app: App, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock by `seconds` and wait (up to 10 s) until the app's scheduler has
    finished every job that fell due (a paused job is not due)."""
    await clock.advance(seconds)
    store = app.services.store
    for _ in range(2000):
        await asyncio.sleep(0.005)
        busy = await store.fetchval(
            "SELECT count(*) FROM jobs WHERE state = 'running'"
            " OR (state = 'pending' AND paused = 0 AND due_at <= ?)",
            (utc_text(clock.now()),),
        )
        if not busy:
            await asyncio.sleep(0.01)  # what the last job handed on (a follow-up) settles
            return
    raise AssertionError("the scheduler did not finish the jobs that fell due")


async def cut_before_its_answer(app: App, update_id: str) -> None:
    """As if the process had stopped after the update's handler wrote what it made and before
    its answer was kept: once the inbox has finished the update, it is made pending again
    without its answer, so the next start handles it again (run again, not answered from the
    inbox). What a command must not do twice goes through ``ctx.once``."""
    store = app.services.store
    for _ in range(300):
        state = await store.fetchval("SELECT state FROM inbox WHERE update_id = ?", (update_id,))
        if state == "done":
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(f"update {update_id} was not finished")
    await store.execute(
        "UPDATE inbox SET state = 'pending', finished_at = NULL, answer = NULL WHERE update_id = ?",
        (update_id,),
    )
