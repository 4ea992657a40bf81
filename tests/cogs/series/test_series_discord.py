"""A series through the real discord.py and the loopback fake: a moderator switches the weekly
recommendation on with the slash command, it is posted in the channel once at its time; a
member's slash command is refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.config import load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_e2e_reminders import (
    MODERATOR,
    READER,
    START,
    fire_due,
    posted,
    stop,
)
from tests.cogs.series.conftest import seeded_features
from tests.cogs.series.test_series import HOUR, TO_NEXT_MONDAY_8
from tests.conftest import write_config
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord

WEEKLY = "Rekomendasi minggu ini: Sejarah"


async def test_the_weekly_recommendation_in_a_discord_channel(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    discord = discord_fake
    clock = FakeClock(START)
    extra = f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
    config = load_config(write_config(tmp_path, extra, sample=True), env={})
    app = await App.open(config, clock=clock, features=seeded_features())
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await asyncio.sleep(0.3)
        options = [
            {"type": 3, "name": "kind", "value": "weekly"},
            {"type": 3, "name": "when", "value": "Senin jam 08.00"},
        ]
        switched = await discord.slash(
            "series",
            [{"type": 1, "name": "on", "options": options}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        assert "Senin, 12 Januari 2026, 08.00 WIB" in str(
            (await discord.response_to(switched)).body
        )

        refused = await discord.slash(
            "series",
            [{"type": 1, "name": "off", "options": [options[0]]}],
            member=READER,
        )
        assert "Hanya moderator" in str((await discord.response_to(refused)).body)

        await fire_due(app, clock, TO_NEXT_MONDAY_8 - 60)
        assert not [text for text in posted(discord, CHANNEL_ID) if WEEKLY in text]
        await fire_due(app, clock, 2 * 60)
        await fire_due(app, clock, HOUR)
        weekly = [text for text in posted(discord, CHANNEL_ID) if WEEKLY in text]
        assert len(weekly) == 1
        assert "(ada di rak)" in weekly[0]
    finally:
        await stop(app, task)
