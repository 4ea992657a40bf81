"""Discord unreachable at start is waited out (one line, no traceback); a refused token ends
the adapter with one clear line."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.config import load_config
from bot.process.app import App, serve
from tests.bot.adapters.test_telegram import free_port
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord


async def open_app(tmp_path: Path, token: str) -> App:
    settings = f'[discord]\ntoken = "{token}"\nguild_ids = [{GUILD_ID}]\n'
    return await App.open(load_config(write_config(tmp_path, settings), env={}))


async def test_no_network_at_start_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pustaka")
    fake = FakeDiscord()
    fake.port = free_port()
    fake.patch(monkeypatch)  # discord.py points at a port where nothing listens yet
    app = await open_app(tmp_path, fake.token)
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.sleep(1.5)
        assert not task.done()
        await fake.start(fake.port)
        await asyncio.wait_for(fake.identified.wait(), 20)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await fake.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "pustaka.discord"]
    assert sum("Discord is unreachable" in line for line in lines) == 1
    assert sum("Discord is reachable again" in line for line in lines) == 1
    assert not [r for r in caplog.records if r.name.startswith("pustaka") and r.exc_info]


async def test_a_refused_token_ends_with_one_clear_line(
    tmp_path: Path, discord_fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    app = await open_app(tmp_path, "not-the-token")
    adapter = DiscordAdapter(app.dispatcher)
    assert await asyncio.wait_for(serve(app, [adapter]), 10) is False
    [line] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Discord refused the token" in line.getMessage()
    assert line.exc_info is None
