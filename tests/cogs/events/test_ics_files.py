"""A reply's file (an event's .ics) reaches members on every platform: a Telegram document, a
Discord attachment, a line naming it in the console."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.api.commands import N_, Feature, command
from bot.api.context import Context
from bot.api.replies import Reply
from bot.app import App, FeatureFactory
from bot.clock import SystemClock
from bot.config import load_config
from tests.conftest import Chat, write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, text_message

CONTENT = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class Files(Feature):
    name = "files"
    description = N_("General")

    @command("calendar", N_("General"))
    async def calendar(self, ctx: Context) -> Reply:
        return Reply.of("Kalender", attachment=("acara.ics", CONTENT))


@pytest.fixture
def features() -> list[FeatureFactory]:
    return [Files]


async def test_console_names_the_file(chat: Chat) -> None:
    assert f"Kalender\n[file acara.ics, {len(CONTENT)} bytes]" in await chat.say("/calendar")


async def test_telegram_sends_a_document(tmp_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    config = load_config(
        write_config(
            tmp_path, f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
        ),
        env={},
    )
    app = await App.open(config, clock=SystemClock(), features=[Files])
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await fake.wait_for("setMyCommands")
        fake.push_update(text_message("/calendar"))
        [sent] = await fake.wait_for("sendDocument")
        assert sent.params["document"] == {"filename": "acara.ics", "content": CONTENT}
        assert fake.sent()[-1].params["text"] == "Kalender"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await fake.stop()


async def test_discord_attaches_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    fake.patch(monkeypatch)
    path = write_config(tmp_path, f'[discord]\ntoken = "{fake.token}"\nguild_ids = [{GUILD_ID}]\n')
    app = await App.open(load_config(path, env={}), clock=SystemClock(), features=[Files])
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(fake.identified.wait(), 20)
        await fake.wait_for(lambda c: c.method == "PUT" and "commands" in c.path)
        answered = await fake.response_to(await fake.slash("calendar"))
        assert answered.body["data"]["embeds"][0]["description"] == "Kalender"
        assert answered.body["files"] == [("acara.ics", CONTENT)]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await fake.stop()
