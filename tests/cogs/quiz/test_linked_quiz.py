"""A quiz in a community linked across Discord and Telegram, through the real discord.py and
python-telegram-bot and their loopback fakes: scheduled in the Discord home, it starts by itself,
every question is asked in the Telegram group too, members of both platforms answer, and one set
of standings (when a moderator stops it on Discord) and one leaderboard holds them all."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.quiz.game import DEFAULT_SECONDS, LETTERS
from cogs.quiz.scheduling import SCHEDULED
from tests.cogs.events.test_e2e_reminders import fire_due
from tests.cogs.quiz.test_quiz import ChoicesFirst, quiz_features
from tests.cogs.quiz.test_quiz_platforms import PACK, answers_recorded, correct_choice
from tests.conftest import write_config
from tests.fakes import telegram_api
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import until
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = -100500
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
BUDI = telegram_api.user(1002, "Budi")
MODERATOR = discord_user("940000000000000002", "rina")
SARI = discord_user("940000000000000011", "sari")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")


def group_texts(fake: FakeTelegram) -> list[str]:
    return [c.params["text"] for c in fake.sent() if int(c.params["chat_id"]) == GROUP]


def discord_posts(fake: FakeDiscord) -> list[str]:
    """The embeds the bot posted in the Discord home by itself, as text."""
    return [
        f"{embed.get('title', '')}\n{embed.get('description', '')}"
        for call in fake.calls
        if call.method == "POST" and call.path == f"/channels/{CHANNEL_ID}/messages" and call.body
        for embed in call.body.get("embeds", [])
    ]


async def test_a_quiz_played_in_both_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    discord, telegram = FakeDiscord(), FakeTelegram()
    await discord.start()
    await telegram.start()
    discord.patch(monkeypatch)
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    clock = FakeClock()
    settings = (
        f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
        f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    )
    config = load_config(write_config(tmp_path, settings), env={})
    app = await App.open(config, clock=clock, features=quiz_features(rng=ChoicesFirst))
    tasks = [
        asyncio.create_task(DiscordAdapter(app.dispatcher).run()),
        asyncio.create_task(TelegramAdapter(app.dispatcher).run()),
    ]

    async def moderator(group: str, sub: str, *options: dict[str, Any]) -> str:
        command = [{"type": 1, "name": sub, "options": list(options)}]
        asked = await discord.slash(group, command, member=MODERATOR, permissions=MANAGE_GUILD)
        return str((await discord.response_to(asked)).body)

    def in_group(text: str, sender: dict[str, Any]) -> None:
        telegram.push_update(text_message(text, chat=group_chat(GROUP), sender=sender))

    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await telegram.wait_for("setMyCommands", count=6)
        await asyncio.sleep(0.3)
        code = CODE.search(await moderator("community", "link"))
        assert code is not None
        in_group(f"/community join {code[0]} ya", LIBRARIAN)
        await until(
            lambda: any("Klub Baca" in t for t in group_texts(telegram)), "the link was not made"
        )

        # Scheduled on Discord, it starts by itself and is asked in the Telegram group as well.
        scheduled = await moderator(
            "quiz",
            "schedule",
            {"type": 3, "name": "pack", "value": PACK},
            {"type": 3, "name": "when", "value": "besok jam 19.00"},
        )
        assert "19.00" in scheduled
        due = await app.services.store.fetchval(
            "SELECT due_at FROM jobs WHERE kind = ? AND state = 'pending'", (SCHEDULED,)
        )
        await fire_due(app, clock, (datetime.fromisoformat(due) - clock.now()).total_seconds())
        await until(lambda: len(discord_posts(discord)) >= 2, "no question on Discord")
        await until(
            lambda: any("Waktunya kuis" in t for t in group_texts(telegram)),
            "the quiz was not announced in the Telegram group",
        )
        question = [c for c in telegram.sent() if int(c.params["chat_id"]) == GROUP][-1]
        assert "reply_markup" in question.params  # answer buttons there too

        # A Discord member answers right, a Telegram member types a wrong letter in the group.
        right = await correct_choice(app, 1)
        answered = await discord.response_to(
            await discord.slash(
                "answer", [{"type": 3, "name": "answer", "value": LETTERS[right]}], member=SARI
            )
        )
        assert "sudah masuk" in str(answered.body)
        in_group(f"/jawab {LETTERS[(right + 1) % 4]}", BUDI)
        await answers_recorded(app, 2)

        # The question closes: its result in both homes. (Only one question is played: the
        # outbox keeps to Telegram's 20 messages a minute in a group, in real time.)
        await fire_due(app, clock, DEFAULT_SECONDS)
        await until(
            lambda: (
                any("Sari (+" in t for t in group_texts(telegram))
                and any("Sari (+" in t for t in discord_posts(discord))
            ),
            "the result did not reach both homes",
        )

        # The moderator stops it on Discord: the standings there and in the Telegram group.
        stopped = await moderator("quiz", "stop")
        assert "Klasemen saat kuis dihentikan" in stopped
        assert "Sari" in stopped and "Budi" in stopped
        await until(
            lambda: any("Klasemen saat kuis dihentikan" in t for t in group_texts(telegram)),
            "no standings in the Telegram group",
        )
        [standings] = [t for t in group_texts(telegram) if "Klasemen saat kuis" in t]
        assert "Sari" in standings and "Budi" in standings

        # One leaderboard for the linked community, asked from Telegram.
        before = len(group_texts(telegram))
        in_group("/quiz leaderboard", BUDI)
        await until(lambda: len(group_texts(telegram)) > before, "no leaderboard")
        board = group_texts(telegram)[-1]
        assert board.index("Sari") < board.index("Budi")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.close()
        await discord.stop()
        await telegram.stop()
