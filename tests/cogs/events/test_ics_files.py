"""A reply's file (an event's .ics) reaches members on every platform: a Telegram document, a
Discord attachment, a line naming it in the console."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.api.commands import N_, Feature, command
from bot.api.context import Context
from bot.api.package import FeatureFactory
from bot.api.replies import Reply
from tests.conftest import Chat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
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


async def test_telegram_sends_a_document(tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    fake = telegram_fake
    async with telegram_bot(tmp_path, fake, features=[Files]):
        fake.push_update(text_message("/calendar"))
        [sent] = await fake.wait_for("sendDocument")
        assert sent.params["document"] == {"filename": "acara.ics", "content": CONTENT}
        assert fake.sent()[-1].params["text"] == "Kalender"


async def test_discord_attaches_the_file(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    async with discord_bot(tmp_path, fake, features=[Files]):
        await fake.wait_for(lambda c: c.method == "PUT" and "commands" in c.path)
        answered = await fake.response_to(await fake.slash("calendar"))
        assert answered.body["data"]["embeds"][0]["description"] == "Kalender"
        assert answered.body["files"] == [("acara.ics", CONTENT)]
