"""A reply's file (an event's .ics) reaches members on every platform: a Telegram document, a
Discord attachment, a line naming it in the console."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.api.commands import N_, Feature, command
from bot.api.context import Context
from bot.api.package import FeatureFactory
from bot.api.replies import Reply
from bot.process.app import App
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


async def test_console_writes_the_file_and_prints_its_path(
    make_chat: Callable[..., Chat], tmp_path: Path
) -> None:
    """Issue 17: the file is written to the chat's files folder, its path printed."""
    folder = tmp_path / "unduhan"
    shown = await make_chat(files=folder).say("/calendar")
    saved = folder / "acara.ics"
    assert saved.read_bytes() == CONTENT
    assert f"Kalender\nBerkas acara.ics ({len(CONTENT)} bita): {saved}\n" in shown
    english = await make_chat(files=folder, locale="en").say("/calendar")
    assert f"File acara.ics ({len(CONTENT)} bytes): {saved}\n" in english


async def test_console_files_go_to_a_temporary_folder_by_default(app: App) -> None:
    chat = Chat(app, files=None)
    shown = await chat.say("/calendar")
    path = Path(shown.split("): ", 1)[1].splitlines()[0])
    assert path.name == "acara.ics" and path.parent.name.startswith("pustaka-files-")
    assert path.read_bytes() == CONTENT
    path.unlink()
    path.parent.rmdir()


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
