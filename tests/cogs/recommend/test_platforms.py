"""Recommendations through the real python-telegram-bot and discord.py, each against its
loopback fake, on the bundled sample catalog with a seeded random source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalog.store import Book, Catalog
from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.recommend.themes import plain
from tests.cogs.recommend.conftest import seeded_features
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, private_chat, text_message, user

HISTORY = {"sejarah", "history", "fiksi sejarah", "historical fiction"}


@pytest.fixture
def telegram(telegram_fake: FakeTelegram) -> FakeTelegram:
    return telegram_fake


async def books_behind(app: App, keyboard: list[dict]) -> list[Book]:
    """The books the buttons open (callback data or a stored key)."""
    ids = []
    for button in keyboard:
        data = button["callback_data"]
        if data.startswith("k"):
            data = await app.services.store.fetchval(
                "SELECT command FROM button_keys WHERE id = ?", (int(data.split(":")[-1][1:]),)
            )
        if found := re.search(r"/book #(\d+)", data):
            ids.append(int(found.group(1)))
    return await Catalog(app.services.store, app.services.clock).books(ids)


async def test_telegram_private_chat(tmp_path: Path, telegram: FakeTelegram) -> None:
    """Acceptance: in a private chat /recommend sejarah gives history books with availability,
    in Indonesian; /recommend like Bumi Manusia gives related books, each with its reasons."""
    async with telegram_bot(
        tmp_path, telegram, clock=FakeClock(), features=seeded_features(), sample=True
    ) as app:
        await telegram.wait_for("setMyCommands", count=6)
        sari = user(1001, "Sari", "id")
        telegram.push_update(text_message("/recommend sejarah", chat=private_chat(), sender=sari))
        [history] = await telegram.wait_for("sendMessage")
        shown = history.params["text"]
        assert "<b>Rekomendasi: Sejarah</b>" in shown
        assert shown.count("ada di rak") + shown.count("Dipinjam sampai") == 5
        keyboard = [b for row in history.params["reply_markup"]["inline_keyboard"] for b in row]
        books = await books_behind(app, keyboard)
        subjects = [{plain(s) for s in b.record.subjects} for b in books]
        assert len(subjects) == 5 and all(s & HISTORY for s in subjects)
        languages = [b.record.language for b in books]
        assert sum(1 for lang in languages if lang == "id") >= 4, languages
        assert any(b["text"] == "Pilihan lain" for b in keyboard)

        telegram.push_update(
            text_message("/recommend like Bumi Manusia", chat=private_chat(), sender=sari)
        )
        _, like = await telegram.wait_for("sendMessage", count=2)
        related = like.params["text"]
        assert "<b>Mirip Bumi Manusia</b>" in related
        assert related.count("Alasannya: ") == 5
        assert "Anak Semua Bangsa" in related and "pengarang yang sama" in related
        assert "subjek yang sama: " in related
        assert "<b>Bumi Manusia</b> —" not in related


async def test_discord_slash_commands(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    """On Discord /recommend is a group: `theme` with a theme and `like` with a title answer
    as their typed forms do, in the member's language."""
    fake = discord_fake
    async with discord_bot(
        tmp_path, fake, clock=FakeClock(), features=seeded_features(), sample=True
    ):
        theme = [
            {
                "type": 1,
                "name": "theme",
                "options": [{"type": 3, "name": "theme", "value": "fantasi"}],
            }
        ]
        answer = await fake.response_to(await fake.slash("recommend", theme))
        embed = answer.body["data"]["embeds"][0]
        assert embed["title"] == "Rekomendasi: Fantasi"
        assert (
            embed["description"].count("ada di rak") + embed["description"].count("Dipinjam") == 5
        )
        like = [
            {
                "type": 1,
                "name": "like",
                "options": [{"type": 3, "name": "title", "value": "Laskar Pelangi"}],
            }
        ]
        answer = await fake.response_to(await fake.slash("recommend", like))
        embed = answer.body["data"]["embeds"][0]
        assert embed["title"] == "Mirip Laskar Pelangi"
        assert "Sang Pemimpi" in embed["description"]
        assert embed["description"].count("Alasannya: ") == 5
        buttons = [b for row in answer.body["data"]["components"] for b in row["components"]]
        assert len(buttons) == 5
