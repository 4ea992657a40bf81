"""A club's home on the real platforms' libraries, through the loopback fakes: a Discord thread,
a Telegram forum topic, and a Telegram group without topics (posts under the club's hashtag)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.api.context import Destination
from bot.time.clock import FakeClock
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.running import run_due as run_jobs
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message, user

GROUP = -100500
ADMIN = 4004
DAY = 86400


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
    clock = FakeClock()
    async with telegram_bot(tmp_path, telegram, sample=True, clock=clock) as app:
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
        assert [o["text"] for o in poll.params["options"]] == [
            "Cantik Itu Luka — Eka Kurniawan (2002)",
            "Laut Bercerita — Leila S. Chudori (2017)",
        ]
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

        [(chat_id, poll_message)] = telegram.polls
        await run_jobs(app, clock, 3 * DAY - 60)
        assert not telegram.sent("stopPoll")  # still open a minute before the close
        await run_jobs(app, clock, 60)  # the vote closes after three days
        closing = await telegram.wait_for("sendMessage", count=6)
        result, welcome = (c.params for c in closing[-2:])
        assert int(result["message_thread_id"]) == int(welcome["message_thread_id"]) == thread
        assert "Laut Bercerita</b> menang dan menjadi buku klub berikutnya" in result["text"]
        assert "Klub Sastra: Laut Bercerita — Leila S. Chudori (2017)" in welcome["text"]
        [stop] = await telegram.wait_for("stopPoll")  # members see the poll closed
        assert (int(stop.params["chat_id"]), int(stop.params["message_id"])) == (
            chat_id,
            poll_message,
        )
        assert telegram.polls[(chat_id, poll_message)]["is_closed"]


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


FORUM_ID = "920000000000000009"


def _sub(subcommand: str, /, **values: object) -> list[dict[str, object]]:
    """A ``/club <name>`` slash command's options."""
    typed = [
        {"type": 4 if isinstance(value, int) else 3, "name": key, "value": value}
        for key, value in values.items()
    ]
    return [{"type": 1, "name": subcommand, "options": typed}]


async def test_discord_forum_channel_gets_the_clubs_post(
    tmp_path: Path, discord: FakeDiscord
) -> None:
    """With `[discord] forum_channel` set, the club is a post there, opening with its card, the
    first question and the join button; the club's later posts go to that post."""
    discord.forums.add(FORUM_ID)
    async with discord_bot(
        tmp_path, discord, sample=True, extra=f'forum_channel = "{FORUM_ID}"\n'
    ) as app:
        await discord.response_to(
            await discord.slash(
                "club",
                _sub("create", name="Klub Puisi", book="Laut Bercerita"),
                permissions=MANAGE_GUILD,
            )
        )
        [made] = await discord.wait_for(lambda c: c.path == f"/channels/{FORUM_ID}/threads")
        assert made.body["name"] == "Klub Puisi"
        opening = made.body["message"]
        assert opening["embeds"][0]["title"].startswith("Klub Puisi: Laut Bercerita")
        assert "Mari berdiskusi:" in json.dumps(opening["embeds"][0], ensure_ascii=False)
        buttons = [b["label"] for row in opening["components"] for b in row["components"]]
        assert buttons == ["Gabung klub"]
        home = Destination.from_key(await app.services.store.fetchval("SELECT home FROM clubs"))
        assert home.channel_id not in (FORUM_ID, CHANNEL_ID)
        await discord.response_to(
            await discord.slash(
                "club",
                _sub("vote", books="Cantik Itu Luka | Bumi Manusia"),
                permissions=MANAGE_GUILD,
            )
        )
        [poll] = await discord.wait_for(
            lambda c: c.path == f"/channels/{home.channel_id}/messages" and "poll" in c.body
        )
        assert [a["poll_media"]["text"] for a in poll.body["poll"]["answers"]] == [
            "Cantik Itu Luka — Eka Kurniawan (2002)",
            "Bumi Manusia — Pramoedya Ananta Toer (1980)",
        ]


async def test_discord_vote_is_a_native_poll_whose_winner_starts_a_new_plan(
    tmp_path: Path, discord: FakeDiscord
) -> None:
    """The vote is a poll in the club's thread, open until the set time (whole hours, rounded
    up); a vote in it counts, and at the closing time the result and the new book's plan are
    posted in the thread."""
    clock = FakeClock()  # Monday 5 January 2026, 10:00 WIB
    async with discord_bot(tmp_path, discord, sample=True, clock=clock) as app:
        await discord.response_to(
            await discord.slash(
                "club",
                _sub("create", name="Klub Sastra", book="Bumi Manusia", weeks=2),
                permissions=MANAGE_GUILD,
            )
        )
        home = Destination.from_key(await app.services.store.fetchval("SELECT home FROM clubs"))
        answer = await discord.response_to(
            await discord.slash(
                "club",
                _sub("vote", books="Cantik Itu Luka | Laut Bercerita | sampai Rabu jam 20.30"),
                permissions=MANAGE_GUILD,
            )
        )
        assert "sampai Rabu, 7 Januari 2026, 20.30 WIB" in json.dumps(
            answer.body, ensure_ascii=False
        )
        in_thread = f"/channels/{home.channel_id}/messages"
        [poll] = await discord.wait_for(lambda c: c.path == in_thread and "poll" in c.body)
        assert poll.body["poll"]["question"]["text"] == "Buku berikutnya untuk Klub Sastra?"
        assert poll.body["poll"]["duration"] == 59  # 58.5 hours to Wednesday 20:30 WIB
        store = app.services.store
        message_id = None
        for _ in range(100):
            if message_id := await store.fetchval("SELECT poll_id FROM polls"):
                break
            await asyncio.sleep(0.05)
        await discord.dispatch(
            "MESSAGE_POLL_VOTE_ADD",
            {
                "user_id": "940000000000000003",
                "channel_id": home.channel_id,
                "message_id": message_id,
                "guild_id": GUILD_ID,
                "answer_id": 2,
            },
        )
        for _ in range(100):
            if await store.fetchval("SELECT position FROM club_ballots"):
                break
            await asyncio.sleep(0.05)
        assert await store.fetchval("SELECT position FROM club_ballots") == 2
        before = len([c for c in discord.calls if c.path == in_thread])
        await run_jobs(app, clock, 2 * DAY + 10 * 3600)  # Wednesday 20:00: still open
        assert len([c for c in discord.calls if c.path == in_thread]) == before
        await run_jobs(app, clock, 1800)
        posted = await discord.wait_for(lambda c: c.path == in_thread, count=before + 2)
        result, welcome = (json.dumps(c.body, ensure_ascii=False) for c in posted[-2:])
        assert "Klub Sastra: pemungutan suara ditutup" in result
        assert "2. Laut Bercerita — 1 suara" in result
        assert "Laut Bercerita** menang dan menjadi buku klub berikutnya" in result
        assert "Klub Sastra: Laut Bercerita — Leila S. Chudori (2017)" in welcome
        assert "▸ Minggu ke-1 · 7 Jan 2026" in welcome
