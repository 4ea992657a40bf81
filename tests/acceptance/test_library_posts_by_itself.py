"""Issue 15's acceptance, through the real discord.py and python-telegram-bot and their loopback
fakes: a moderator links the library's Discord server and Telegram group, switches on the weekly
Monday recommendation and schedules an announcement for tomorrow 08.00, sees both in /calendar,
the bot restarts, and each post reaches each home exactly once at its time; /stats 30 then
shows the chart with the members who took part on both platforms, and a member's /forgetme
removes them."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.config import Config, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.stats.chart import SIZE
from tests.bot.api.test_privacy import traces
from tests.cogs.events.test_e2e_reminders import START, fire_due
from tests.cogs.stats.test_stats import decoded_size
from tests.conftest import write_config
from tests.fakes import telegram_api
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import until
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = -100500
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
WULAN = telegram_api.user(987654321, "Wulandari Sekar")
MODERATOR = discord_user("940000000000000002", "rina")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")
HOUR = 3600
WEEKLY = "Rekomendasi minggu ini"
NOTICE = "Perpustakaan buka sampai pukul 20.00 selama pekan ujian."


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
        return str(await discord.answer_to(asked))

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
        await moderator("announce", "new", {"type": 3, "name": "text", "value": NOTICE})
        scheduled = await moderator(
            "announce",
            "schedule",
            {"type": 4, "name": "id", "value": 1},
            {"type": 3, "name": "when", "value": "besok jam 08.00"},
        )
        assert "6 Januari 2026, 08.00 WIB" in scheduled
        calendar = await moderator("calendar", "show")
        assert "12 Januari" in calendar and "6 Januari" in calendar, calendar
        assert "rekomendasi mingguan" in calendar and "Pengumuman #1" in calendar, calendar

        # The bot stops for an hour and starts again.
        await bot.stop()
        await clock.advance(HOUR)
        app = await bot.start(discord, telegram)

        def posted(text: str) -> tuple[int, int]:
            return (
                len([t for t in telegram_posts(telegram) if text in t]),
                len([t for t in discord_posts(discord) if text in t]),
            )

        await fire_due(app, clock, 21 * HOUR - 60)  # Tuesday 6 January, 07.59 WIB
        assert posted(NOTICE) == (0, 0)
        await fire_due(app, clock, 2 * 60)
        await until(lambda: posted(NOTICE) == (1, 1), f"the announcement: {posted(NOTICE)}")
        for _day in range(6):  # to Monday 12 January, 07.59 WIB
            await fire_due(app, clock, 24 * HOUR - (2 * 60 if _day == 5 else 0))
        assert posted(WEEKLY) == (0, 0)
        await fire_due(app, clock, 2 * 60)
        await until(lambda: posted(WEEKLY) == (1, 1), f"the weekly post: {posted(WEEKLY)}")
        await fire_due(app, clock, HOUR)
        assert posted(NOTICE) == posted(WEEKLY) == (1, 1)

        # A member takes part on Telegram; the librarian reads the month's numbers on Discord.
        telegram.push_update(
            text_message("/buku Bumi Manusia", chat=group_chat(GROUP), sender=WULAN)
        )
        await until(lambda: any("Pramoedya" in t for t in telegram_posts(telegram)), "no /buku")
        for _ in range(100):  # the use is recorded just after the answer
            if await app.services.store.fetchval("SELECT count(*) FROM command_usage") == 7:
                break
            await asyncio.sleep(0.02)
        asked = await discord.slash(
            "stats",
            [{"type": 4, "name": "days", "value": 30}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        answer = await discord.answer_to(asked, within=30)
        [(name, picture)] = answer["files"]
        assert name.endswith(".png") and decoded_size(picture) == SIZE
        assert "3 anggota ikut serta, 3 di antaranya baru." in str(answer), answer

        # The member asks to be forgotten, privately.
        private = {"id": WULAN["id"], "type": "private", "first_name": WULAN["first_name"]}
        telegram.push_update(text_message("/lupakansaya ya", chat=private, sender=WULAN))
        await until(
            lambda: any("Saya sudah melupakan Anda" in str(c.params) for c in telegram.calls),
            "not forgotten",
        )
        left = ["?"]
        for _ in range(100):  # the inbox forgets the stored update just after it is handled
            if not (left := await traces(app.services.store, str(WULAN["id"]), "Wulandari")):
                break
            await asyncio.sleep(0.02)
        assert left == [], left
    finally:
        await bot.stop()
        await discord.stop()
        await telegram.stop()
