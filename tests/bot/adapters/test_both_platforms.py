"""Discord and Telegram served together from one process and one database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App, serve
from bot.process.features import discover
from bot.time.clock import SystemClock
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, text_message


async def test_one_process_serves_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One app answers on both platforms and remembers members of both in one database."""
    discord, telegram = FakeDiscord(), FakeTelegram()
    await discord.start()
    await telegram.start()
    discord.patch(monkeypatch)
    extra = (
        f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
        f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    )
    config = load_config(write_config(tmp_path, extra), env={})
    app = await App.open(config, clock=SystemClock(), features=discover())
    serving = asyncio.create_task(
        serve(app, [TelegramAdapter(app.dispatcher), DiscordAdapter(app.dispatcher)])
    )
    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await telegram.wait_for("setMyCommands", count=6)
        await asyncio.sleep(0.3)
        telegram.push_update(text_message("/help"))
        interaction = await discord.slash("help", locale="en-US")
        [sent] = await telegram.wait_for("sendMessage")
        answered = await discord.response_to(interaction)
        assert "Yang bisa saya lakukan" in sent.params["text"]
        assert answered.body["data"]["embeds"][0]["title"] == "What I can do"
        rows = await app.services.store.fetchall("SELECT DISTINCT platform FROM members")
        assert sorted(r[0] for r in rows) == ["discord", "telegram"]
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await discord.stop()
        await telegram.stop()
