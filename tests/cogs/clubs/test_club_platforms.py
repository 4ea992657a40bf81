"""A club's home on the real platforms' libraries, through the loopback fakes: a Discord thread,
a Telegram forum topic, and a Telegram group without topics (posts under the club's hashtag)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.api.context import Destination
from tests.fakes.discord_api import CHANNEL_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message, user

GROUP = -100500
ADMIN = 4004


@pytest.fixture
def discord(discord_fake: FakeDiscord) -> FakeDiscord:
    return discord_fake


@pytest.fixture
def telegram(telegram_fake: FakeTelegram) -> FakeTelegram:
    return telegram_fake


async def test_discord_create_opens_a_thread_with_the_first_prompt(
    tmp_path: Path, discord: FakeDiscord
) -> None:
    """/club create opens a thread in the channel; the card and first prompt appear in it."""
    async with discord_bot(tmp_path, discord, sample=True) as app:
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


async def test_telegram_forum_group_gets_a_topic_that_is_used(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """In a forum group a topic is created; the prompt and later the vote's poll go there."""
    telegram.forums.add(GROUP)
    telegram.admins[GROUP] = [ADMIN]
    async with telegram_bot(tmp_path, telegram, sample=True) as app:
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


async def test_telegram_group_without_topics_uses_a_hashtag(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """Without topics the group itself is the club's home, and its posts carry the hashtag."""
    telegram.admins[GROUP] = [ADMIN]
    async with telegram_bot(tmp_path, telegram, sample=True):
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
