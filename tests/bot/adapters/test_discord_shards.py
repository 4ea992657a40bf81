"""Discord sharding split across processes (`[discord] shard_count`, `shard_ids`): each process
identifies only its shards, the guild's events reach the process running its shard and no
other, and the slash commands are synced once, by the process running shard 0."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.config import ConfigError, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.running import until

SHARDS = 2
GUILDS_SHARD = (int(GUILD_ID) >> 22) % SHARDS


async def test_two_processes_share_the_shards(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    discord = discord_fake
    apps, tasks = [], []
    try:
        for shard in (GUILDS_SHARD, 1 - GUILDS_SHARD):  # two processes, one database
            extra = (
                f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
                f"shard_count = {SHARDS}\nshard_ids = [{shard}]\n"
            )
            config = load_config(write_config(tmp_path, extra), env={})
            app = await App.open(config, clock=FakeClock(), features=discover())
            apps.append(app)
            tasks.append(asyncio.create_task(DiscordAdapter(app.dispatcher).run()))
        await until(lambda: sorted(discord.identifies) == [(0, 2), (1, 2)], "both identify")
        await asyncio.wait_for(discord.identified.wait(), 20)

        asked = await discord.slash("about")
        answer = await discord.response_to(asked)
        assert "Pustaka" in str(answer.body)
        await asyncio.sleep(0.3)
        answers = [c for c in discord.calls if c.path.startswith(f"/interactions/{asked}/")]
        assert len(answers) == 1, "answered by the process running the guild's shard only"

        synced = [c for c in discord.calls if c.method == "PUT" and c.path.endswith("/commands")]
        assert len(synced) == 1, "the slash commands are synced once"
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for app in apps:
            await app.close()


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ("shard_ids = [0]", "discord.shard_count: needed with shard_ids"),
        ("shard_count = 2\nshard_ids = [0, 2]", "discord.shard_ids: shard 2 is not one of 0 to 1"),
    ],
)
def test_shard_settings_are_checked(tmp_path: Path, settings: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(tmp_path, f"[discord]\n{settings}\n"), env={})
    assert says in str(raised.value)
