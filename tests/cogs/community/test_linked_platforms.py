"""A library's Discord server, Telegram group and Telegram channel linked into one community,
through the real discord.py and python-telegram-bot and the loopback fakes: the link itself,
one event with one RSVP list and one capacity across platforms, and its reminders in every
home."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from tests.cogs.events.test_e2e_reminders import (
    MODERATOR,
    READER,
    TITLE,
    TO_FIRST,
    button_after,
    fire_due,
    open_app,
    posted,
)
from tests.fakes import telegram_api
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = -100500
CHANNEL = -100900
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
SARI = telegram_api.user(1001, "Sari")
BUDI = telegram_api.user(1002, "Budi")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")


def channel_post(text: str, message_id: int) -> dict[str, Any]:
    """A post in the library's broadcast channel (only its administrators can post there)."""
    chat = {"id": CHANNEL, "type": "channel", "title": "Kanal Perpustakaan"}
    return {
        "channel_post": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "sender_chat": chat,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        }
    }


def telegram_texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.params["text"] for c in fake.sent() if int(c.params["chat_id"]) == chat_id]


async def said(fake: FakeTelegram, chat_id: int, before: int) -> str:
    """What the bot sent to `chat_id` since `before` texts there, once something came."""
    for _ in range(200):
        texts = telegram_texts(fake, chat_id)
        if len(texts) > before:
            return "\n".join(texts[before:])
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing sent to {chat_id}")


async def test_one_community_on_discord_and_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord, telegram = FakeDiscord(), FakeTelegram()
    await discord.start()
    await telegram.start()
    discord.patch(monkeypatch)
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    app, clock = await open_app(
        tmp_path,
        f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
        f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n',
    )
    tasks = [
        asyncio.create_task(DiscordAdapter(app.dispatcher).run()),
        asyncio.create_task(TelegramAdapter(app.dispatcher).run()),
    ]

    async def discord_moderator(name: str, *options: dict[str, Any]) -> str:
        group, sub = name.split()
        interaction = await discord.slash(
            group,
            [{"type": 1, "name": sub, "options": list(options)}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        return str((await discord.response_to(interaction)).body)

    async def in_group(text: str, sender: dict[str, Any]) -> str:
        """The answers in the group and in the sender's private chat."""
        chats = (GROUP, sender["id"])
        before = [len(telegram_texts(telegram, chat)) for chat in chats]
        telegram.push_update(text_message(text, chat=group_chat(GROUP), sender=sender))
        for _ in range(200):
            new = [telegram_texts(telegram, c)[n:] for c, n in zip(chats, before, strict=True)]
            if any(new):
                await asyncio.sleep(0.2)  # an answer may come in two messages
                new = [telegram_texts(telegram, c)[n:] for c, n in zip(chats, before, strict=True)]
                return "\n".join(new[0] + new[1])
            await asyncio.sleep(0.05)
        raise AssertionError(f"no answer to {text}")

    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await telegram.wait_for("setMyCommands", count=6)
        await asyncio.sleep(0.3)

        # A member cannot link; a moderator gets a code on Discord.
        refused = await discord.slash(
            "community", [{"type": 1, "name": "link", "options": []}], member=READER
        )
        assert "Hanya moderator" in str((await discord.response_to(refused)).body)
        code = CODE.search(await discord_moderator("community link"))
        assert code is not None

        # The Telegram group's administrator types it, sees what will be shared, confirms.
        assert "Hanya moderator" in await in_group(f"/community join {code[0]}", SARI)
        preview = await in_group(f"/community join {code[0]}", LIBRARIAN)
        assert "Tautkan" in preview and "dibagi bersama" in preview
        linked = await in_group(f"/community join {code[0]} ya", LIBRARIAN)
        assert "Klub Baca" in linked and "Discord" in linked
        for _ in range(100):
            if any("kini tertaut" in t for t in _discord_texts(discord)):
                break
            await asyncio.sleep(0.05)
        assert any("Klub Baca" in t and "kini tertaut" in t for t in _discord_texts(discord))
        # The spent code does not work again.
        assert "tidak dikenal" in await in_group(f"/community join {code[0]} ya", LIBRARIAN)

        # The library's broadcast channel joins with a second code, posted by its admin.
        code = CODE.search(await discord_moderator("community link"))
        assert code is not None
        telegram.push_update(channel_post(f"/community join {code[0]} ya", 71))
        shown = await said(telegram, CHANNEL, 0)
        assert "Kanal Perpustakaan" in shown and "Klub Baca" in shown

        # An event made on Discord, two seats: its card reaches both Telegram homes.
        before = len(discord.calls)
        await discord_moderator(
            "event create",
            {"type": 3, "name": "title", "value": TITLE},
            {"type": 3, "name": "when", "value": "besok jam 19.00"},
            {"type": 4, "name": "capacity", "value": 2},
        )
        save = await button_after(discord, "Simpan", before)
        await discord.press(save, member=MODERATOR, permissions=MANAGE_GUILD)
        going = await button_after(discord, "Hadir", before)
        await fire_due(app, clock, 1)
        for chat in (GROUP, CHANNEL):
            card = [c for c in telegram.sent() if int(c.params["chat_id"]) == chat]
            assert any(TITLE in c.params["text"] and "Hadir" in str(c.params) for c in card)

        # One list and one capacity: a Discord reader and a Telegram member fill it.
        answered = await discord.response_to(await discord.press(going, member=READER))
        assert "Sampai jumpa" in str(answered.body)
        assert "Sampai jumpa" in await in_group("/event rsvp 1 hadir", SARI)
        assert "daftar tunggu" in await in_group("/acara jawab 1 ya", BUDI)
        assert "2 dari 2" not in await in_group("/event list", BUDI)  # 0 of 2 seats free

        # Reminders: one in each home, one privately to each member going, on both platforms.
        await fire_due(app, clock, TO_FIRST)
        assert len([t for t in posted(discord, CHANNEL_ID) if "Pengingat" in t]) == 1
        for chat in (GROUP, CHANNEL, SARI["id"]):
            reminders = [t for t in telegram_texts(telegram, chat) if "Pengingat" in t]
            assert len(reminders) == 1, chat
        assert not [t for t in telegram_texts(telegram, BUDI["id"]) if "Pengingat" in t]

        # Unlinking the group: it stops seeing the Discord event; the others keep it.
        assert "Lepaskan" in await in_group("/community unlink", LIBRARIAN)
        assert "kembali berdiri sendiri" in await in_group("/community unlink ya", LIBRARIAN)
        assert "Belum ada acara" in await in_group("/event list", SARI)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.close()
        await discord.stop()
        await telegram.stop()


def _discord_texts(fake: FakeDiscord) -> list[str]:
    texts = []
    for call in fake.calls:
        if call.method == "POST" and call.path == f"/channels/{CHANNEL_ID}/messages":
            body = call.body or {}
            texts.append(
                (body.get("content") or "")
                + " ".join(
                    f"{e.get('title', '')} {e.get('description', '')}"
                    for e in body.get("embeds", [])
                )
            )
    return texts
