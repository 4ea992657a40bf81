"""A slash command the gateway delivered to a process killed before it stored it is taken back at
the next start by resuming the dead gateway session (bot/adapters/discord/salvage.py): it takes
effect once and the member gets an answer. A session that can no longer be resumed is given up
with one line."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from pathlib import Path

import pytest

from bot.adapters.discord.salvage import Points
from bot.config import load_config
from bot.process.app import App
from bot.storage import gateway_sessions
from tests.bot.adapters.test_discord_inbox import REMIND, reminded
from tests.chaos import DiscordBot
from tests.conftest import write_config
from tests.databases import on_postgres
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, user
from tests.fakes.running import discord_bot

MEMBER = "940000000000000088"


def count(database: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute(sql, params).fetchone()[0])


@pytest.mark.skipif(on_postgres(), reason="holds the SQLite file's write lock to stop the store")
async def test_an_interaction_delivered_to_a_process_killed_before_storing_it_is_taken_back(
    tmp_path: Path,
) -> None:
    fake = FakeDiscord()
    await fake.start()
    write_config(tmp_path, f"[discord]\nguild_ids = [{GUILD_ID}]\n")
    database = tmp_path / "pustaka.db"
    try:
        bot = await DiscordBot.start_on(tmp_path, fake)
        for _ in range(100):  # READY's session kept, the commands synced
            if count(database, "SELECT count(*) FROM gateway_sessions"):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        [first] = fake.sessions
        # The process cannot write while the test holds the write lock: the interaction reaches
        # it and waits to be stored, and the process is killed then.
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        interaction_id = await fake.slash("remind", REMIND, member=user(MEMBER, "sari"))
        await asyncio.sleep(0.7)
        await bot.stop(signal.SIGKILL)
        holder.execute("ROLLBACK")
        holder.close()
        assert count(database, "SELECT count(*) FROM inbox") == 0
        assert not [c for c in fake.calls if reminded(c)]  # never answered, nothing written

        bot = await DiscordBot.start_on(tmp_path, fake)
        [answer] = await fake.wait_for(reminded, within=20)
        # a follow-up (while the token lasts) or, when refused, a message in the member's DMs
        assert answer.path.startswith("/webhooks/") or answer.path.endswith("/messages")
        for _ in range(100):
            if not count(database, "SELECT count(*) FROM inbox WHERE state = 'pending'"):
                break
            await asyncio.sleep(0.1)
        await bot.stop()
        assert (first, "resumed") in [(s, how) for s, _, how in fake.resumes]
        assert fake.sessions[first].ended  # closed 1000 after the salvage: not resumed again
        assert "taken back from its gateway session" in bot.log, bot.log

        bot = await DiscordBot.start_on(tmp_path, fake)  # a clean stop leaves nothing to take
        await asyncio.sleep(1)
        await bot.stop()
    finally:
        await fake.stop()
    assert count(database, "SELECT count(*) FROM personal_reminders") == 1
    assert count(database, "SELECT count(*) FROM inbox WHERE update_id = ?", (interaction_id,))
    assert count(database, "SELECT count(*) FROM inbox WHERE state = 'done'") == 1
    assert len([c for c in fake.calls if reminded(c)]) == 1
    assert count(database, "SELECT count(*) FROM gateway_sessions") == 0
    assert [how for _, _, how in fake.resumes] == ["resumed"], fake.resumes


async def test_a_session_no_longer_resumable_is_given_up_with_one_line(
    tmp_path: Path, discord_fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pustaka")
    settings = f'[discord]\ntoken = "{discord_fake.token}"\nguild_ids = [{GUILD_ID}]\n'
    app = await App.open(load_config(write_config(tmp_path, settings), env={}))
    url = f"ws://127.0.0.1:{discord_fake.port}/gateway"
    await gateway_sessions.opened(app.services.store, "discord", 0, "session-expired", url, 7)
    await app.services.store.execute("UPDATE gateway_sessions SET owner = NULL")
    await app.close()

    async with discord_bot(tmp_path, discord_fake) as app:
        assert (
            await app.services.store.fetchval(
                "SELECT count(*) FROM gateway_sessions WHERE session_id = 'session-expired'"
            )
            == 0
        )
    assert discord_fake.resumes == [("session-expired", 7, "invalid")]
    lines = [
        r.getMessage() for r in caplog.records if "could no longer be resumed" in r.getMessage()
    ]
    assert lines == [
        "the last run's Discord session (shard 0) could no longer be resumed (invalid session)"
    ], lines
    assert not [r for r in caplog.records if r.exc_info]


def test_the_point_kept_stays_below_every_interaction_not_yet_stored() -> None:
    """Interactions are stored by tasks of their own, not always in the order they arrived: the
    point moved as one is stored stays below those still waiting, so a RESUME from it replays
    them."""
    points = Points("discord")
    for update_id, seq in (("a", 10), ("b", 11), ("c", 12)):
        points.arrived(update_id, 0, "s1", seq)

    def point(update_id: str) -> int:
        [(sql, params)] = points.advance(update_id)
        points.stored(update_id)
        return int(list(params)[0])

    assert point("b") == 9  # a (10) still waits
    assert point("a") == 11  # c (12) still waits
    assert point("c") == 12  # none waits: everything up to 12 is stored
    assert points.advance("unknown") == []  # taken up again, not from the gateway
