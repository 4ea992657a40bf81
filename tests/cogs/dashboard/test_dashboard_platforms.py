"""/dashboard on Telegram and Discord: the link reaches only the moderator who asked (a private
chat on Telegram, an ephemeral answer on Discord), opens the dashboard of the community where it
was asked, and members get none."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.process.app import App
from bot.web.server import WebServer
from tests.conftest import WEB
from tests.fakes.discord_api import MANAGE_GUILD, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message, user

GROUP = -100500
LIBRARIAN = user(4004, "Bu Rina")
PATH = re.compile(r"http://127\.0\.0\.1:8080(/login/[\w-]+)")


async def opened(app: App, path: str) -> str:
    async with TestClient(TestServer(WebServer(app.dispatcher).application())) as browser:
        response = await browser.get(path)
        assert response.status == 200
        return await response.text()


async def test_on_telegram_the_link_goes_to_the_moderators_private_chat(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    fake = telegram_fake
    fake.admins[GROUP] = [LIBRARIAN["id"]]
    async with telegram_bot(tmp_path, fake, extra=WEB) as app:
        group = group_chat(GROUP, "Klub Baca Kota")
        fake.push_update(text_message("/dashboard", chat=group, sender=LIBRARIAN))
        [sent] = await fake.wait_for("sendMessage")
        assert int(sent.params["chat_id"]) == LIBRARIAN["id"]  # privately, not in the group
        found = PATH.search(str(sent.params))
        assert found, sent.params
        page = await opened(app, found.group(1))
        assert "Klub Baca Kota" in page and "Masuk sebagai Bu Rina" in page

        fake.push_update(text_message("/dashboard", chat=group, sender=user(7, "Sari")))
        [_, refused] = await fake.wait_for("sendMessage", count=2)
        assert "/login/" not in str(refused.params) and "Hanya moderator" in str(refused.params)


async def test_on_discord_the_link_is_an_answer_only_the_moderator_sees(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    moderator = discord_user("940000000000000002", "rina")
    async with discord_bot(tmp_path, discord_fake, extra=WEB) as app:
        asked = await discord_fake.slash(
            "dashboard",
            [{"type": 1, "name": "link", "options": []}],
            member=moderator,
            permissions=MANAGE_GUILD,
        )
        answer = await discord_fake.answer_to(asked)
        assert answer["data"]["flags"] & 64  # ephemeral
        found = PATH.search(str(answer))
        assert found, answer
        page = await opened(app, found.group(1))
        assert "Masuk sebagai Rina" in page
