"""The durable outbox, through the real python-telegram-bot and discord.py and their fakes: a
throttled group delays no other chat, a message cut mid-send goes out again at the next start
(Discord drops the repeat by its nonce; Telegram's is logged as possibly duplicated), and a chat
that refuses the bot is tried again, then given up with one log line and a moderator's notice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.api.context import Destination
from bot.api.jobs import JobContext
from bot.api.outbox import RETRY_DELAYS
from bot.api.replies import Reply
from bot.process.status import report
from bot.time.clock import FakeClock
from tests.databases import target
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = "-100777"


async def test_a_throttled_group_holds_back_no_other_chat(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    """25 posts to one group: 20 go at once, the rest wait for the group's per-minute limit in
    their own queue; the caller is not held, and a private message goes out meanwhile."""
    async with telegram_bot(tmp_path, telegram_fake) as app:
        messenger = app.services.messenger
        group = Destination("telegram", GROUP, GROUP)
        for n in range(25):
            assert await asyncio.wait_for(messenger.send(group, Reply.of(f"post {n}")), 5)
        assert await messenger.send(
            Destination("telegram", "4000", private=True), Reply.of("for you")
        )
        alone = lambda c: str(c.params.get("chat_id")) == "4000"  # noqa: E731
        await telegram_fake.wait_for("sendMessage", within=5, where=alone)
        for _ in range(300):  # a message the platform just took leaves the outbox right after
            in_group = [c for c in telegram_fake.sent() if str(c.params.get("chat_id")) == GROUP]
            waiting = await app.services.store.fetchval("SELECT count(*) FROM outbox")
            if waiting == 25 - len(in_group):
                break
            await asyncio.sleep(0.02)
        assert 1 <= len(in_group) <= 20  # the rest still wait, in order
        assert [c.params["text"] for c in in_group] == [f"post {n}" for n in range(len(in_group))]
        assert waiting == 25 - len(in_group)


async def cut_mid_send(app_context, fake, destination: Destination) -> None:
    """Send while the platform holds its answer, and stop the bot before it answers."""
    async with app_context as app:
        sending = asyncio.create_task(app.services.messenger.send(destination, Reply.of("Bab 1")))
        for _ in range(200):
            if await app.services.store.fetchval("SELECT state FROM outbox") == "sending":
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # the platform has it; its answer is still held
        sending.cancel()
        await asyncio.gather(sending, return_exceptions=True)
        assert await app.services.store.fetchval("SELECT state FROM outbox") == "sending"
    fake.answer_delay = 0


async def test_discord_drops_the_repeat_of_a_send_cut_by_a_stop(
    tmp_path: Path, discord_fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    channel = Destination("discord", CHANNEL_ID, GUILD_ID)
    discord_fake.answer_delay = 5
    await cut_mid_send(discord_bot(tmp_path, discord_fake), discord_fake, channel)
    assert len(discord_fake.posted) == 1
    with caplog.at_level("WARNING"):
        async with discord_bot(tmp_path, discord_fake) as app:
            for _ in range(200):
                if not await app.services.store.fetchval("SELECT count(*) FROM outbox"):
                    break
                await asyncio.sleep(0.02)
            assert await app.services.store.fetchval("SELECT count(*) FROM outbox") == 0
    sent = [c for c in discord_fake.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert len(sent) == 2 and sent[0].body["nonce"] == sent[1].body["nonce"]
    assert sent[1].body["enforce_nonce"] is True
    assert len(discord_fake.posted) == 1  # Discord posted it once
    [line] = [r.getMessage() for r in caplog.records if "being sent when" in r.getMessage()]
    assert "discord: 1 messages" in line and "possibly duplicated" not in line


async def test_telegram_sends_again_and_says_it_may_be_twice(
    tmp_path: Path, telegram_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    member = Destination("telegram", "4000", private=True)
    telegram_fake.answer_delay = 5
    await cut_mid_send(telegram_bot(tmp_path, telegram_fake), telegram_fake, member)
    with caplog.at_level("WARNING"):
        async with telegram_bot(tmp_path, telegram_fake):
            await telegram_fake.wait_for("sendMessage", count=2, within=10)
    [line] = [r.getMessage() for r in caplog.records if "being sent when" in r.getMessage()]
    assert "telegram: 1 messages" in line and "possibly duplicated" in line


async def test_a_refused_post_is_retried_then_given_up_and_moderators_told(
    tmp_path: Path, telegram_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot was removed from a group: a post due there is tried six times over about an hour
    and a half, then given up with one log line, a private notice to the moderator in
    `[moderators]`, and a count in `pustaka status`."""
    clock = FakeClock()
    extra = "[moderators]\ntelegram = [5555]\n"
    with caplog.at_level("INFO"):
        async with telegram_bot(tmp_path, telegram_fake, clock=clock, extra=extra) as app:
            telegram_fake.push_update(text_message("/about", chat=group_chat(int(GROUP))))
            await telegram_fake.wait_for("sendMessage")  # the bot knows the group now
            telegram_fake.blocked.add(int(GROUP))  # then it is removed from it
            group = Destination("telegram", GROUP, GROUP)
            poster = JobContext.start(app.services)  # as a series posts: once, by its key
            await poster.send_once("series:1:2026-12-06", Reply.of("Klub dimulai"), to=group)
            for _ in range(100):  # time passes until the last attempt
                await asyncio.sleep(0.1)
                await clock.advance(max(RETRY_DELAYS))
                if any(str(c.params.get("chat_id")) == "5555" for c in telegram_fake.sent()):
                    break
            told = lambda c: str(c.params.get("chat_id")) == "5555"  # noqa: E731
            [notice] = await telegram_fake.wait_for("sendMessage", within=10, where=told)
    refused = [c for c in telegram_fake.sent() if str(c.params.get("chat_id")) == GROUP][1:]
    assert len(refused) == len(RETRY_DELAYS) + 1
    assert "Pengumuman untuk Klub Baca tidak dapat terkirim" in notice.params["text"]
    given_up = [r for r in caplog.records if r.getMessage().startswith("given up")]
    assert len(given_up) == 1
    assert "bot was blocked" in given_up[0].getMessage()
    assert "outbox: 0 telegram messages waiting; 1 given up (see the log)" in report(
        target(tmp_path / "pustaka.db")
    )


async def test_posts_waiting_at_a_stop_go_out_after_the_restart(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    """Posts still queued for a group when the bot stops (Telegram allows about one a second in
    a chat) are sent, in order and once each, when it starts again."""
    group = Destination("telegram", GROUP, GROUP)
    async with telegram_bot(tmp_path, telegram_fake) as app:
        for n in range(8):
            await app.services.messenger.send(group, Reply.of(f"post {n}"))
        waiting = "SELECT count(*) FROM outbox WHERE state = 'waiting'"
        assert await app.services.store.fetchval(waiting) > 0
    async with telegram_bot(tmp_path, telegram_fake) as app:
        to_group = lambda c: str(c.params.get("chat_id")) == GROUP  # noqa: E731
        await telegram_fake.wait_for("sendMessage", count=8, within=60, where=to_group)
    posted = [c.params["text"] for c in telegram_fake.sent() if str(c.params["chat_id"]) == GROUP]
    assert posted == [f"post {n}" for n in range(8)]
