"""A series through the real python-telegram-bot and the loopback fake: a group administrator
switches the book of the day on, it reaches the group once a day; a member is refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from tests.cogs.events.test_e2e_reminders import GROUP, LIBRARIAN, MEMBER, START, fire_due, stop
from tests.conftest import write_config
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

HOUR = 3600


def texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        call.params.get("text") or call.params.get("caption") or ""
        for call in fake.calls
        if call.method in ("sendMessage", "sendPhoto") and int(call.params["chat_id"]) == chat_id
    ]


async def test_the_book_of_the_day_in_a_telegram_group(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    telegram = telegram_fake
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    clock = FakeClock(START)
    extra = f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    config = load_config(write_config(tmp_path, extra, sample=True), env={})
    app = await App.open(config, clock=clock, features=discover())
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await telegram.wait_for("setMyCommands", count=6)
        sent = len(telegram.sent())
        say = text_message("/seri nyala harian jam 7", chat=group_chat(GROUP), sender=LIBRARIAN)
        telegram.push_update(say)
        [*_, answer] = await telegram.wait_for("sendMessage", count=sent + 1)
        assert "Selasa, 6 Januari 2026, 07.00 WIB" in answer.params["text"]

        await fire_due(app, clock, 21 * HOUR - 60)  # Tuesday 06.59 WIB
        assert not [t for t in texts_to(telegram, GROUP) if "Buku hari ini:" in t]
        await fire_due(app, clock, 2 * 60)
        await fire_due(app, clock, HOUR)
        assert len([t for t in texts_to(telegram, GROUP) if "Buku hari ini:" in t]) == 1

        sent = len(telegram.sent())
        telegram.push_update(
            text_message("/series off daily", chat=group_chat(GROUP), sender=MEMBER)
        )
        [*_, refused] = await telegram.wait_for("sendMessage", count=sent + 1)
        assert "Hanya moderator" in refused.params["text"]
        await fire_due(app, clock, 24 * HOUR)
        assert len([t for t in texts_to(telegram, GROUP) if "Buku hari ini:" in t]) == 2
    finally:
        await stop(app, task)
