"""Discord interactions through the durable inbox: a slash command stored but not finished when
the process stopped is taken up at the next start, once; it is answered with a follow-up while
its token lasts, and with ordinary messages (a private answer in the member's DMs) once it is
spent."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.process.app import App
from bot.storage.inbox import Inbox
from bot.time.clock import utc_text
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, Call, FakeDiscord, user
from tests.fakes.running import discord_bot

MEMBER = "940000000000000077"
REMIND = [
    {
        "type": 1,
        "name": "me",
        "options": [
            {"type": 3, "name": "when", "value": "besok jam 8 pagi"},
            {"type": 3, "name": "text", "value": "kembalikan buku"},
        ],
    }
]


async def stored_while_down(tmp_path: Path, fake: FakeDiscord, age: timedelta) -> str:
    """The process stored /remind me and stopped before handling it, `age` ago."""
    interaction_id, payload = fake.slash_payload("remind", REMIND, member=user(MEMBER, "sari"))
    settings = f'[discord]\ntoken = "{fake.token}"\nguild_ids = [{GUILD_ID}]\n'
    app = await App.open(load_config(write_config(tmp_path, settings), env={}))
    inbox = Inbox(app.services.store, app.services.clock, "discord")
    assert await inbox.take([(interaction_id, payload)]) == [interaction_id]
    await app.services.store.execute(
        "UPDATE inbox SET received_at = ?", (utc_text(datetime.now(UTC) - age),)
    )
    await app.close()
    return interaction_id


def reminded(call: Call) -> bool:
    return call.method == "POST" and "kembalikan buku" in json.dumps(call.body)


async def settled(app: App) -> tuple[int, dict[str, str]]:
    """How many reminders the member has, and the inbox's states (once nothing is pending, or
    after 5 s)."""
    for _ in range(50):
        count = await app.services.store.fetchval("SELECT count(*) FROM personal_reminders")
        rows = await app.services.store.fetchall("SELECT update_id, state FROM inbox")
        states = {update_id: state for update_id, state in rows}
        if "pending" not in states.values():
            break
        await asyncio.sleep(0.1)
    return count, states


async def test_a_slash_command_cut_short_is_answered_at_start_with_a_follow_up(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    interaction_id = await stored_while_down(tmp_path, discord_fake, timedelta(seconds=5))
    async with discord_bot(tmp_path, discord_fake) as app:
        [answer] = await discord_fake.wait_for(reminded, within=15)
        assert answer.path.startswith("/webhooks/")  # a follow-up, through the token
        assert await settled(app) == (1, {interaction_id: "done"})
    async with discord_bot(tmp_path, discord_fake) as again:  # not taken up a second time
        await asyncio.sleep(0.5)
        assert await settled(again) == (1, {interaction_id: "done"})
    assert len([c for c in discord_fake.calls if reminded(c)]) == 1


async def test_one_whose_token_is_spent_is_answered_in_the_members_dms(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    interaction_id = await stored_while_down(tmp_path, discord_fake, timedelta(minutes=20))
    async with discord_bot(tmp_path, discord_fake) as app:
        [answer] = await discord_fake.wait_for(reminded, within=15)
        # /remind me answers privately: in the member's DM channel, not in the server's channel
        assert answer.path == f"/channels/7{MEMBER[1:]}/messages", answer.path
        assert not [c for c in discord_fake.calls if c.path.startswith("/webhooks/")]
        assert not [c for c in discord_fake.calls if c.path.startswith("/interactions/")]
        assert await settled(app) == (1, {interaction_id: "done"})


async def test_one_whose_command_is_gone_is_skipped_once_not_taken_up_for_ever(
    tmp_path: Path, discord_fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    """A slash command stored before an upgrade that removed it: at the next start discord.py
    cannot run it, and the inbox marks it skipped with one line instead of leaving it pending
    (then it would be taken up again at every start)."""
    interaction_id, payload = discord_fake.slash_payload("gone", member=user(MEMBER, "sari"))
    settings = f'[discord]\ntoken = "{discord_fake.token}"\nguild_ids = [{GUILD_ID}]\n'
    app = await App.open(load_config(write_config(tmp_path, settings), env={}))
    inbox = Inbox(app.services.store, app.services.clock, "discord")
    assert await inbox.take([(interaction_id, payload)]) == [interaction_id]
    await app.close()

    async with discord_bot(tmp_path, discord_fake) as app:
        assert await settled(app) == (0, {interaction_id: "skipped"})
    async with discord_bot(tmp_path, discord_fake) as again:
        await asyncio.sleep(0.5)
        assert await settled(again) == (0, {interaction_id: "skipped"})
    lines = [r.getMessage() for r in caplog.records if interaction_id in r.getMessage()]
    assert len([line for line in lines if "cannot be run now" in line]) == 1, lines
