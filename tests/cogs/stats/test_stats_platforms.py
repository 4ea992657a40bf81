"""/stats through the real python-telegram-bot and discord.py against the loopback fakes: a
moderator gets the chart as a PNG of the chart's size with the figures beside it; a member is
refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.stats.chart import SIZE
from tests.cogs.events.test_e2e_reminders import (
    GROUP,
    LIBRARIAN,
    MEMBER,
    MODERATOR,
    READER,
    START,
    stop,
)
from tests.cogs.stats.test_drawing import alive
from tests.cogs.stats.test_stats import decoded_size
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message


async def test_the_chart_in_a_telegram_group(tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    telegram = telegram_fake
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    extra = f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    config = load_config(write_config(tmp_path, extra), env={})
    app = await App.open(config, clock=FakeClock(START), features=discover())
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await telegram.wait_for("setMyCommands", count=6)
        sent = len(telegram.sent())
        telegram.push_update(text_message("/help", chat=group_chat(GROUP), sender=MEMBER))
        telegram.push_update(text_message("/stats", chat=group_chat(GROUP), sender=MEMBER))
        [*_, refused] = await telegram.wait_for("sendMessage", count=sent + 2)
        assert "Hanya moderator" in refused.params["text"]

        telegram.push_update(
            text_message("/statistik 30", chat=group_chat(GROUP), sender=LIBRARIAN)
        )
        [photo] = await telegram.wait_for("sendPhoto", within=30)
        assert int(photo.params["chat_id"]) == GROUP
        assert decoded_size(photo.params["photo"]["content"]) == SIZE
        figures = [c.params["text"] for c in telegram.sent()[sent + 2 :]]
        assert any("1 anggota ikut serta, 1 di antaranya baru." in text for text in figures)
        drawn_by = drawing_process(app)
    finally:
        await stop(app, task)
    assert not alive(drawn_by)


async def test_the_chart_on_discord(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    discord = discord_fake
    extra = f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
    config = load_config(write_config(tmp_path, extra), env={})
    app = await App.open(config, clock=FakeClock(START), features=discover())
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await asyncio.sleep(0.3)
        refused = await discord.slash("stats", [], member=READER)
        assert "Hanya moderator" in str(await discord.answer_to(refused))

        asked = await discord.slash(
            "stats",
            [{"type": 4, "name": "days", "value": 30}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        answer = await discord.answer_to(asked, within=30)
        [(name, content)] = answer["files"]
        assert name.startswith("stats-") and name.endswith(".png")
        assert decoded_size(content) == SIZE
        assert "1 anggota ikut serta, 1 di antaranya baru." in str(answer)
        drawn_by = drawing_process(app)
    finally:
        await stop(app, task)
    assert not alive(drawn_by)


def drawing_process(app: App) -> int:
    """The drawing process's pid: it was started (when the platform came up) and still runs."""
    [stats] = [feature for feature in app.services.registry.features if feature.name == "stats"]
    pid = stats.drawing.pid
    assert pid is not None and alive(pid)
    return pid
