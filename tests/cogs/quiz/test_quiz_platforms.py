"""A quiz through the real python-telegram-bot (inline keyboard and native quiz poll) and the
real discord.py (buttons), each against its loopback fake; a FakeClock moved by the test."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.quiz.game import LETTERS
from tests.cogs.quiz.test_quiz import ChoicesFirst, quiz_features, run_jobs
from tests.fakes.discord_api import CHANNEL_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import (
    BOT_USER,
    FakeTelegram,
    callback_press,
    group_chat,
    text_message,
    user,
)

GROUP = -100500
LIBRARIAN = 4004
PACK = "sastra-indonesia"  # a bundled pack


async def correct_choice(app: App, position: int) -> int:
    """Which shuffled choice of the question is right, as stored."""
    return int(
        await app.services.store.fetchval(
            "SELECT correct FROM quiz_questions WHERE position = ? ORDER BY id DESC LIMIT 1",
            (position,),
        )
    )


async def answers_recorded(app: App, count: int) -> None:
    for _ in range(400):
        if await app.services.store.fetchval("SELECT count(*) FROM quiz_answers") >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} answers were recorded")


# Telegram -------------------------------------------------------------------------------------


@pytest.fixture
def telegram(telegram_fake: FakeTelegram) -> FakeTelegram:
    telegram_fake.admins[GROUP] = [LIBRARIAN]
    return telegram_fake


def quiz_bot(
    tmp_path: Path, fake: FakeTelegram, clock: FakeClock, answers: str
) -> AbstractAsyncContextManager[App]:
    return telegram_bot(
        tmp_path,
        fake,
        clock=clock,
        features=quiz_features(rng=ChoicesFirst),
        extra=f'[quiz]\ntelegram_answers = "{answers}"\n',
    )


def in_group(call) -> bool:  # noqa: ANN001
    return int(call.params["chat_id"]) == GROUP


def group_text(fake: FakeTelegram) -> list[str]:
    return [c.params["text"] for c in fake.sent() if in_group(c)]


async def test_telegram_inline_keyboard(tmp_path: Path, telegram: FakeTelegram) -> None:
    """Members answer with the inline keyboard: each press is acknowledged with a callback alert,
    never a group message; the results, the standings and the leaderboard show their points."""
    clock = FakeClock()
    async with quiz_bot(tmp_path, telegram, clock, "buttons") as app:
        telegram.push_update(
            text_message(
                f"/quiz start {PACK} 1 20", chat=group_chat(), sender=user(LIBRARIAN, "Pustakawan")
            )
        )
        announcement, asked = await telegram.wait_for("sendMessage", count=2, where=in_group)
        assert "Waktunya kuis!" in announcement.params["text"]
        assert "Pertanyaan 1 dari 1" in asked.params["text"]
        keyboard = [b for row in asked.params["reply_markup"]["inline_keyboard"] for b in row]
        right = await correct_choice(app, 1)
        message = {
            "message_id": 1001,
            "date": int(time.time()),
            "chat": group_chat(),
            "from": BOT_USER,
            "text": "Pertanyaan 1 dari 1",
        }
        players = [(5001, "Sari", right), (5002, "Budi", right), (5003, "Citra", (right + 1) % 4)]
        for uid, name, pick in players:
            telegram.push_update(
                callback_press(
                    keyboard[pick]["callback_data"], message=message, sender=user(uid, name)
                )
            )
            await answers_recorded(app, len([p for p in players if p[0] <= uid]))
        telegram.push_update(
            callback_press(keyboard[0]["callback_data"], message=message, sender=user(5001, "Sari"))
        )
        alerts = await telegram.wait_for("answerCallbackQuery", count=4)
        assert all(a.params.get("show_alert") in (True, "true", "True") for a in alerts)
        assert "sudah masuk" in alerts[0].params["text"]
        assert "sudah menjawab pertanyaan 1" in alerts[3].params["text"]
        assert len(group_text(telegram)) == 2  # no group message for any answer

        await run_jobs(app, clock, 20)
        await telegram.wait_for("sendMessage", count=4, where=in_group)
        result, standings = group_text(telegram)[2:4]
        assert f"Jawabannya: <b>{LETTERS[right]}." in result
        assert "Benar: Budi (+150), Sari (+150)" in result
        assert "<b>Sari</b> — 150 poin" in standings and "3. <b>Citra</b> — 0 poin" in standings

        telegram.push_update(
            text_message("/quiz leaderboard", chat=group_chat(), sender=user(5002, "Budi"))
        )
        [own] = await telegram.wait_for(
            "sendMessage", where=lambda c: int(c.params["chat_id"]) == 5002
        )
        board = group_text(telegram)[-1]
        assert "1. <b>Budi</b> — 150 poin\n1. <b>Sari</b> — 150 poin" in board
        assert "Anda nomor 1 dari 3, dengan 150 poin." in own.params["text"]


async def test_telegram_quiz_poll(tmp_path: Path, telegram: FakeTelegram) -> None:
    """In poll mode each question is a native quiz poll; votes are answers (the poll itself
    shows the voter the result, so the bot sends nothing per vote)."""
    clock = FakeClock()
    async with quiz_bot(tmp_path, telegram, clock, "poll") as app:
        telegram.push_update(
            text_message(
                f"/quiz start {PACK} 2 30", chat=group_chat(), sender=user(LIBRARIAN, "Pustakawan")
            )
        )
        [poll] = await telegram.wait_for("sendPoll")
        right = await correct_choice(app, 1)
        assert poll.params["type"] == "quiz"
        assert poll.params["correct_option_ids"] == [right]
        assert int(poll.params["open_period"]) == 30
        assert poll.params["question"].startswith("1/2. ")
        assert poll.params["is_anonymous"] in (False, "False", "false")
        votes = [(5001, "Sari", right), (5002, "Budi", right), (5003, "Citra", (right + 1) % 4)]
        for count, (uid, name, option) in enumerate(votes, 1):
            telegram.push_update(
                {
                    "poll_answer": {
                        "poll_id": "poll-1",
                        "user": user(uid, name),
                        "option_ids": [option],
                        "option_persistent_ids": [str(option)],
                    }
                }
            )
            await answers_recorded(app, count)
        assert len(group_text(telegram)) == 1  # the announcement only: nothing per vote
        assert "Jawab lewat polling, atau dengan" in group_text(telegram)[0]
        assert "tombol" not in group_text(telegram)[0]
        assert not [c for c in telegram.sent() if int(c.params["chat_id"]) in (5001, 5002, 5003)]

        await run_jobs(app, clock, 30)
        await telegram.wait_for("sendPoll", count=2)
        result = [t for t in group_text(telegram) if "Benar:" in t]
        assert result and "Benar: Budi (+150), Sari (+150)" in result[0]
        assert "2 dari 3 jawaban benar." in result[0]

        telegram.push_update(
            text_message("/quiz leaderboard", chat=group_chat(), sender=user(5003, "Citra"))
        )
        await telegram.wait_for(
            "sendMessage", count=1, where=lambda c: "peringkat" in c.params["text"]
        )
        board = [t for t in group_text(telegram) if "Papan peringkat" in t][0]
        assert (
            "1. <b>Budi</b> — 150 poin\n1. <b>Sari</b> — 150 poin\n3. <b>Citra</b> — 0 poin"
            in board
        )


# Discord --------------------------------------------------------------------------------------


def in_channel(call) -> bool:  # noqa: ANN001
    return call.method == "POST" and call.path == f"/channels/{CHANNEL_ID}/messages"


def posted(fake: FakeDiscord) -> list[dict]:
    """Embeds of the messages the bot posted to channels by itself (results, standings)."""
    return [
        embed
        for call in fake.calls
        if call.method == "POST" and call.path.startswith("/channels/") and call.body
        for embed in call.body.get("embeds", [])
    ]


async def test_discord_buttons(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    """A moderator starts a quiz, members answer with buttons (privately acknowledged), the
    result and standings follow, and /quiz leaderboard shows the scores."""
    fake = discord_fake
    clock = FakeClock()
    async with discord_bot(
        tmp_path, fake, clock=clock, features=quiz_features(rng=ChoicesFirst)
    ) as app:
        start = [
            {
                "type": 1,
                "name": "start",
                "options": [
                    {"type": 3, "name": "pack", "value": PACK},
                    {"type": 4, "name": "questions", "value": 1},
                ],
            }
        ]
        refused = await fake.response_to(await fake.slash("quiz", start))
        assert "Hanya moderator" in refused.body["data"]["embeds"][0]["description"]
        shown = await fake.response_to(await fake.slash("quiz", start, permissions=MANAGE_GUILD))
        assert shown.body["data"]["flags"] & 64  # only the moderator sees "started"
        announcement, asked = await fake.wait_for(in_channel, count=2)
        assert announcement.body["embeds"][0]["title"] == "Waktunya kuis!"
        buttons = [b for row in asked.body["components"] for b in row["components"]]
        closes = int(clock.now().timestamp()) + 20  # a live countdown in the member's client
        assert f"⏱ Jawaban ditutup <t:{closes}:R>." in asked.body["embeds"][0]["description"]
        right = await correct_choice(app, 1)
        assert buttons[right]["custom_id"].startswith("ps/answer #")
        players = [
            ("940000000000000011", "sari", right),
            ("940000000000000012", "budi", (right + 1) % 4),
        ]
        for uid, name, pick in players:
            pressed = await fake.response_to(
                await fake.press(buttons[pick]["custom_id"], member=discord_user(uid, name))
            )
            assert pressed.body["data"]["flags"] & 64  # ephemeral
            assert "sudah masuk" in pressed.body["data"]["embeds"][0]["description"]
        again = await fake.response_to(
            await fake.press(buttons[right]["custom_id"], member=discord_user(*players[0][:2]))
        )
        assert "sudah menjawab" in again.body["data"]["embeds"][0]["description"]

        await run_jobs(app, clock, 20)
        await fake.wait_for(in_channel, count=4)
        result, standings = posted(fake)[2:4]
        assert "Benar: Sari (+150)" in result["description"]
        assert standings["title"] == "Klasemen akhir: Sastra Indonesia"

        board = await fake.response_to(
            await fake.slash("quiz", [{"type": 1, "name": "leaderboard", "options": []}])
        )
        text = board.body["data"]["embeds"][0]["description"]
        assert "1. **Sari** — 150 poin" in text and "2. **Budi** — 0 poin" in text
