"""A club's home on the real platforms' libraries, through the loopback fakes: a Discord thread,
a Telegram forum topic, and a Telegram group without topics (posts under the club's hashtag)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.api.context import Destination
from bot.app import App
from bot.clock import SystemClock
from bot.config import load_config
from tests.conftest import write_config
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message, user

GROUP = -100500
ADMIN = 4004


@pytest.fixture
async def discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    server.patch(monkeypatch)
    yield server
    await server.stop()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


async def stop(app: App, task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()


async def test_discord_create_opens_a_thread_with_the_first_prompt(
    tmp_path: Path, discord: FakeDiscord
) -> None:
    """/club create opens a thread in the channel; the card and first prompt appear in it."""
    path = write_config(
        tmp_path, f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n', sample=True
    )
    app = await App.open(load_config(path, env={}), clock=SystemClock())
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await asyncio.sleep(0.3)
        options = [
            {
                "type": 1,
                "name": "create",
                "options": [
                    {"type": 3, "name": "name", "value": "Klub Sastra"},
                    {"type": 3, "name": "book", "value": "Bumi Manusia"},
                    {"type": 4, "name": "weeks", "value": 3},
                ],
            }
        ]
        answer = await discord.response_to(
            await discord.slash("club", options, permissions=MANAGE_GUILD)
        )
        [made] = await discord.wait_for(lambda c: c.path.endswith("/threads"))
        assert made.path == f"/channels/{CHANNEL_ID}/threads"
        assert made.body["name"] == "Klub Sastra"
        [posted] = await discord.wait_for(
            lambda c: (
                c.method == "POST"
                and c.path.endswith("/messages")
                and c.path != f"/channels/{CHANNEL_ID}/messages"
            )
        )
        home = Destination.from_key(await app.services.store.fetchval("SELECT home FROM clubs"))
        assert home.channel_id != CHANNEL_ID
        assert posted.path == f"/channels/{home.channel_id}/messages"  # in the new thread
        embed = posted.body["embeds"][0]
        assert embed["title"] == "Klub Sastra: Bumi Manusia — Pramoedya Ananta Toer (1980)"
        values = {field["name"]: field["value"] for field in embed["fields"]}
        assert "Minggu ke-3" in values["Jadwal membaca"]
        assert values["Klub Sastra — minggu ke-1 dari 3"].count("Mari berdiskusi:") == 1
        assert "Klub Sastra resmi dibuka" in answer.body["data"]["embeds"][0]["description"]
    finally:
        await stop(app, task)


async def start_telegram(tmp_path: Path, fake: FakeTelegram) -> tuple[App, asyncio.Task]:
    path = write_config(
        tmp_path,
        f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n',
        sample=True,
    )
    app = await App.open(load_config(path, env={}), clock=SystemClock())
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    await fake.wait_for("setMyCommands", count=6)
    fake.admins[GROUP] = [ADMIN]
    return app, task


async def test_telegram_forum_group_gets_a_topic_that_is_used(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """In a forum group a topic is created; the prompt and later the vote's poll go there."""
    telegram.forums.add(GROUP)
    app, task = await start_telegram(tmp_path, telegram)
    try:
        librarian = user(ADMIN, "Pustakawan")
        chat = group_chat(GROUP, forum=True)
        telegram.push_update(
            text_message('/club create "Klub Sastra" "Bumi Manusia"', chat=chat, sender=librarian)
        )
        [topic] = await telegram.wait_for("createForumTopic")
        assert topic.params["name"] == "Klub Sastra"
        sent = await telegram.wait_for("sendMessage", count=2)
        in_topic = [c for c in sent if c.params.get("message_thread_id")]
        assert len(in_topic) == 1
        thread = int(in_topic[0].params["message_thread_id"])
        assert "Mari berdiskusi:" in in_topic[0].params["text"]
        assert "#KlubSastra" in in_topic[0].params["text"]
        assert "Klub Sastra resmi dibuka" in sent[-1].params["text"]

        telegram.push_update(
            text_message(
                "/club vote Cantik Itu Luka | Laut Bercerita",
                chat=chat,
                sender=librarian,
                message_id=11,
            )
        )
        [poll] = await telegram.wait_for("sendPoll")
        assert int(poll.params["message_thread_id"]) == thread
        assert [o["text"] for o in poll.params["options"]] == ["Cantik Itu Luka", "Laut Bercerita"]
        assert "open_period" not in poll.params  # the club closes it at its own time
        confirmed = await telegram.wait_for("sendMessage", count=4)
        assert "Pemungutan suara dibuka di ruang Klub Sastra" in confirmed[-1].params["text"]

        before = len(telegram.sent())
        telegram.push_update(
            {
                "poll_answer": {
                    "poll_id": "poll-1",
                    "user": user(5005, "Budi"),
                    "option_ids": [1],
                    "option_persistent_ids": ["1"],
                }
            }
        )
        store = app.services.store
        for _ in range(100):
            if await store.fetchval("SELECT position FROM club_ballots"):
                break
            await asyncio.sleep(0.05)
        assert await store.fetchval("SELECT position FROM club_ballots") == 2
        await asyncio.sleep(0.2)
        assert len(telegram.sent()) == before  # the poll shows the vote: no message about it
    finally:
        await stop(app, task)


async def test_telegram_group_without_topics_uses_a_hashtag(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """Without topics the group itself is the club's home, and its posts carry the hashtag."""
    app, task = await start_telegram(tmp_path, telegram)
    try:
        librarian = user(ADMIN, "Pustakawan")
        chat = group_chat(GROUP)
        telegram.push_update(
            text_message('/club create "Klub Puisi" "Laut Bercerita"', chat=chat, sender=librarian)
        )
        sent = await telegram.wait_for("sendMessage", count=2)
        assert "message_thread_id" not in sent[0].params
        assert "\n#KlubPuisi\n" in sent[0].params["text"]
        assert "Kiriman klub muncul di grup ini dengan tagar #KlubPuisi." in sent[-1].params["text"]
        telegram.push_update(
            text_message(
                "/club vote Cantik Itu Luka | O", chat=chat, sender=librarian, message_id=11
            )
        )
        await telegram.wait_for("sendMessage", count=4)
        announced = [c.params["text"] for c in telegram.sent()[2:]]
        assert any(text.startswith("#KlubPuisi\nPilih buku berikutnya") for text in announced)
        await telegram.wait_for("sendPoll")
    finally:
        await stop(app, task)
