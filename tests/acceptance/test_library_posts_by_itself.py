"""Issue 15's acceptance, through the real discord.py and python-telegram-bot and their loopback
fakes: a moderator links the library's Discord server and Telegram group, switches on the weekly
Monday recommendation, sees it in /calendar, the bot restarts, and the post reaches each home
exactly once at its time."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.config import Config, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from tests.cogs.events.test_e2e_reminders import START, fire_due
from tests.conftest import write_config
from tests.fakes import telegram_api
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = -100500
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
MODERATOR = discord_user("940000000000000002", "rina")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")
HOUR = 3600
WEEKLY = "Rekomendasi minggu ini"


class Running:
    """The bot serving both fakes; `restart` stops it the way a process ends and opens it anew
    on the same database."""

    def __init__(self, config: Config, clock: FakeClock) -> None:
        self.config, self.clock = config, clock
        self.app: App | None = None
        self.tasks: list[asyncio.Task[Any]] = []

    async def start(self, discord: FakeDiscord, telegram: FakeTelegram) -> App:
        discord.identified.clear()
        menus = len([c for c in telegram.calls if c.method == "setMyCommands"])
        self.app = await App.open(self.config, clock=self.clock, features=discover())
        self.tasks = [
            asyncio.create_task(DiscordAdapter(self.app.dispatcher).run()),
            asyncio.create_task(TelegramAdapter(self.app.dispatcher).run()),
        ]
        await asyncio.wait_for(discord.identified.wait(), 20)
        await telegram.wait_for("setMyCommands", count=menus + 6)
        await self.app.services.messenger.wait_for_senders(2)
        return self.app

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.app is not None:
            await self.app.close()


def telegram_posts(fake: FakeTelegram) -> list[str]:
    return [
        call.params.get("text") or call.params.get("caption") or ""
        for call in fake.calls
        if call.method in ("sendMessage", "sendPhoto") and int(call.params["chat_id"]) == GROUP
    ]


def discord_posts(fake: FakeDiscord) -> list[str]:
    return [
        (call.body.get("content") or "")
        + " ".join(f"{e.get('title', '')} {e.get('description', '')}" for e in call.body["embeds"])
        for call in fake.calls
        if call.method == "POST" and call.path == f"/channels/{CHANNEL_ID}/messages" and call.body
    ]


async def until(check: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(what)


async def test_a_weekly_post_in_both_homes_across_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord, telegram = FakeDiscord(), FakeTelegram()
    await discord.start()
    await telegram.start()
    discord.patch(monkeypatch)
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    settings = (
        f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
        f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    )
    clock = FakeClock(START)  # Monday 5 January 2026, 10.00 WIB
    bot = Running(load_config(write_config(tmp_path, settings, sample=True), env={}), clock)

    async def moderator(group: str, sub: str, *options: dict[str, Any]) -> str:
        command = [{"type": 1, "name": sub, "options": list(options)}]
        asked = await discord.slash(group, command, member=MODERATOR, permissions=MANAGE_GUILD)
        return str((await discord.response_to(asked)).body)

    try:
        await bot.start(discord, telegram)
        code = CODE.search(await moderator("community", "link"))
        assert code is not None
        telegram.push_update(
            text_message(
                f"/komunitas gabung {code[0]} ya", chat=group_chat(GROUP), sender=LIBRARIAN
            )
        )
        await until(lambda: any("Klub Baca" in t for t in telegram_posts(telegram)), "not linked")

        switched = await moderator(
            "series",
            "on",
            {"type": 3, "name": "kind", "value": "weekly"},
            {"type": 3, "name": "when", "value": "Senin jam 08.00"},
        )
        assert "Senin, 12 Januari 2026, 08.00 WIB" in switched
        calendar = await moderator("calendar", "show")
        assert "12 Januari" in calendar and "08.00" in calendar

        await bot.stop()
        await fire_due_later(clock, 6 * 24 * HOUR)  # the bot is down most of the week
        app = await bot.start(discord, telegram)
        await fire_due(app, clock, 22 * HOUR - 60)  # Monday 12 January, 07.59 WIB
        assert not [t for t in telegram_posts(telegram) if WEEKLY in t]
        assert not [t for t in discord_posts(discord) if WEEKLY in t]
        await fire_due(app, clock, 2 * 60)
        await fire_due(app, clock, HOUR)
        await until(
            lambda: (
                any(WEEKLY in t for t in telegram_posts(telegram))
                and any(WEEKLY in t for t in discord_posts(discord))
            ),
            "the weekly recommendation did not reach both homes",
        )
        assert len([t for t in telegram_posts(telegram) if WEEKLY in t]) == 1
        assert len([t for t in discord_posts(discord) if WEEKLY in t]) == 1
    finally:
        await bot.stop()
        await discord.stop()
        await telegram.stop()


async def fire_due_later(clock: FakeClock, seconds: float) -> None:
    """Time passing while the bot is not running."""
    await clock.advance(seconds)
