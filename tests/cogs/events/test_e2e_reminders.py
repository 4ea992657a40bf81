"""An event from creation to its reminders through the real python-telegram-bot and discord.py.

A moderator creates an event and confirms it with the Save button, a member presses Going, and
the fake clock moves to each default reminder offset (24 hours and 1 hour before). The loopback
fakes record what reached the platform: exactly one reminder in the event's channel and one
private message to the member per offset, and nothing more afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.api.package import FeaturePackage
from bot.config import load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from tests.conftest import write_config
from tests.fakes import discord_api, telegram_api
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.running import run_due as fire_due
from tests.fakes.telegram_api import FakeTelegram, callback_press, group_chat, text_message

TITLE = "Bedah Buku Laut Bercerita"
# Monday 5 January 2026, 10:00 WIB. "besok jam 19.00" is Tuesday 19:00 WIB: the reminders are
# due 9 hours from now (24 hours before) and 32 hours from now (1 hour before).
START = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
TO_FIRST = 9 * 3600
TO_SECOND = 23 * 3600


async def open_app(
    tmp_path: Path,
    extra: str,
    *,
    sample: bool = False,
    features: list[FeaturePackage] | None = None,
) -> tuple[App, FakeClock]:
    clock = FakeClock(START)
    config = load_config(write_config(tmp_path, extra, sample=sample), env={})
    app = await App.open(config, clock=clock, features=features or discover())
    return app, clock


async def stop(app: App, task: asyncio.Task[Any]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()


# Telegram -------------------------------------------------------------------------------------

GROUP = -100500
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
MEMBER = telegram_api.user(1001, "Sari")


def telegram_buttons(call: telegram_api.Call) -> dict[str, str]:
    keyboard = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in keyboard for button in row}


def reminders_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        call.params["text"]
        for call in fake.sent()
        if int(call.params["chat_id"]) == chat_id
        and "Pengingat" in call.params["text"]
        and TITLE in call.params["text"]
    ]


async def shown_with(fake: FakeTelegram, label: str, after: int) -> tuple[dict[str, Any], str]:
    """The message (sent or edited after call number `after`) that has a button `label`."""

    def has_button(call: telegram_api.Call) -> bool:
        return call.method in ("sendMessage", "editMessageText") and label in telegram_buttons(call)

    for _ in range(200):
        found = [call for call in fake.calls[after:] if has_button(call)]
        if found:
            call = found[-1]
            message = {
                "message_id": int(call.params.get("message_id") or 2000),
                "date": 0,
                "chat": group_chat(GROUP),
                "text": call.params["text"],
            }
            return message, telegram_buttons(call)[label]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no message with a {label!r} button")


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


async def test_telegram_reminders_once_per_offset(tmp_path: Path, telegram: FakeTelegram) -> None:
    """Telegram: the group gets one reminder and the member one private message per offset."""
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    app, clock = await open_app(
        tmp_path, f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    )
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await telegram.wait_for("setMyCommands", count=6)
        before = len(telegram.calls)
        telegram.push_update(
            text_message(
                f'/event create "{TITLE}" "besok jam 19.00"',
                chat=group_chat(GROUP),
                sender=LIBRARIAN,
            )
        )
        draft, save = await shown_with(telegram, "Simpan", before)
        assert "Selasa, 6 Januari 2026, 19.00 WIB" in draft["text"]

        before = len(telegram.calls)
        telegram.push_update(callback_press(save, message=draft, sender=LIBRARIAN))
        card, going = await shown_with(telegram, "Hadir", before)
        assert TITLE in card["text"]

        answers = len(telegram.sent("answerCallbackQuery"))
        telegram.push_update(callback_press(going, message=card, sender=MEMBER))
        [*_, answered] = await telegram.wait_for("answerCallbackQuery", count=answers + 1)
        assert "Sampai jumpa" in answered.params.get("text", "")

        await fire_due(app, clock, TO_FIRST - 60)
        assert reminders_to(telegram, GROUP) == reminders_to(telegram, MEMBER["id"]) == []
        await fire_due(app, clock, 60)
        assert len(reminders_to(telegram, GROUP)) == 1
        assert len(reminders_to(telegram, MEMBER["id"])) == 1
        await fire_due(app, clock, TO_SECOND)
        in_group, to_member = reminders_to(telegram, GROUP), reminders_to(telegram, MEMBER["id"])
        assert len(in_group) == len(to_member) == 2
        assert ["24 jam" in text for text in in_group + to_member] == [True, False] * 2
        await fire_due(app, clock, 3 * 86400)
        assert len(reminders_to(telegram, GROUP)) == len(reminders_to(telegram, MEMBER["id"])) == 2
        assert reminders_to(telegram, LIBRARIAN["id"]) == []  # the moderator did not RSVP
    finally:
        await stop(app, task)


# Discord --------------------------------------------------------------------------------------

MODERATOR = discord_api.user("940000000000000002", "rina")
READER = discord_api.user("940000000000000003", "sari")
READER_DMS = "7" + READER["id"][1:]  # the fake's DM channel with the reader


def discord_buttons(call: discord_api.Call) -> dict[str, str]:
    body = call.body or {}
    rows = (body.get("data") or body).get("components") or []
    return {
        button["label"]: button["custom_id"]
        for row in rows
        for button in row.get("components", [])
        if "custom_id" in button
    }


def posted(fake: FakeDiscord, channel_id: str) -> list[str]:
    texts = []
    for call in fake.calls:
        if call.method == "POST" and call.path == f"/channels/{channel_id}/messages":
            for embed in (call.body or {}).get("embeds", []):
                texts.append(f"{embed.get('title', '')}\n{embed.get('description', '')}")
    return texts


def reminders_in(fake: FakeDiscord, channel_id: str) -> list[str]:
    return [text for text in posted(fake, channel_id) if "Pengingat" in text and TITLE in text]


async def button_after(fake: FakeDiscord, label: str, after: int) -> str:
    has: Callable[[discord_api.Call], bool] = lambda call: label in discord_buttons(call)  # noqa: E731
    for _ in range(200):
        found = [call for call in fake.calls[after:] if has(call)]
        if found:
            return discord_buttons(found[-1])[label]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no message with a {label!r} button")


@pytest.fixture
async def discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    server.patch(monkeypatch)
    yield server
    await server.stop()


async def test_discord_reminders_once_per_offset(tmp_path: Path, discord: FakeDiscord) -> None:
    """Discord: the channel gets one reminder and the member one DM per offset."""
    app, clock = await open_app(
        tmp_path, f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
    )
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await asyncio.sleep(0.3)
        before = len(discord.calls)
        options = [
            {"type": 3, "name": "title", "value": TITLE},
            {"type": 3, "name": "when", "value": "besok jam 19.00"},
        ]
        created = await discord.slash(
            "event",
            [{"type": 1, "name": "create", "options": options}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        draft = await discord.response_to(created)
        assert "Selasa, 6 Januari 2026, 19.00 WIB" in str(draft.body)
        save = await button_after(discord, "Simpan", before)

        before = len(discord.calls)
        await discord.press(save, member=MODERATOR, permissions=MANAGE_GUILD)
        going = await button_after(discord, "Hadir", before)
        answered = await discord.response_to(await discord.press(going, member=READER))
        assert "Sampai jumpa" in str(answered.body)

        await fire_due(app, clock, TO_FIRST - 60)
        assert reminders_in(discord, CHANNEL_ID) == reminders_in(discord, READER_DMS) == []
        await fire_due(app, clock, 60)
        assert len(reminders_in(discord, CHANNEL_ID)) == 1
        assert len(reminders_in(discord, READER_DMS)) == 1
        await fire_due(app, clock, TO_SECOND)
        in_channel, to_reader = reminders_in(discord, CHANNEL_ID), reminders_in(discord, READER_DMS)
        assert len(in_channel) == len(to_reader) == 2
        assert ["24 jam" in text for text in in_channel + to_reader] == [True, False] * 2
        await fire_due(app, clock, 3 * 86400)
        assert len(reminders_in(discord, CHANNEL_ID)) == 2
        assert len(reminders_in(discord, READER_DMS)) == 2
        assert reminders_in(discord, "7" + MODERATOR["id"][1:]) == []
    finally:
        await stop(app, task)


async def test_discord_native_event_follows_the_event(tmp_path: Path, discord: FakeDiscord) -> None:
    """Discord: saving an event creates the server's scheduled event; a new time or place
    updates it; cancelling the event deletes it."""
    app, _clock = await open_app(
        tmp_path, f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
    )
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())

    async def moderator(*options: dict[str, Any]) -> str:
        name, *rest = options
        created = await discord.slash(
            "event",
            [{"type": 1, "name": name["name"], "options": list(rest)}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        return str((await discord.response_to(created)).body)

    try:
        await asyncio.wait_for(discord.identified.wait(), 20)
        await asyncio.sleep(0.3)
        before = len(discord.calls)
        await moderator(
            {"name": "create"},
            {"type": 3, "name": "title", "value": TITLE},
            {"type": 3, "name": "when", "value": "besok jam 19.00"},
            {"type": 3, "name": "where", "value": "Aula"},
        )
        assert discord.events == {}  # a draft is not announced
        save = await button_after(discord, "Simpan", before)
        await discord.press(save, member=MODERATOR, permissions=MANAGE_GUILD)
        await button_after(discord, "Hadir", before)
        [(event_id, native)] = discord.events.items()
        assert native["name"] == TITLE
        assert native["scheduled_start_time"].startswith("2026-01-06T12:00")  # 19.00 WIB
        assert native["entity_metadata"] == {"location": "Aula"}

        edit = [{"type": 4, "name": "id", "value": 1}, {"type": 3, "name": "field"}]
        await moderator(
            {"name": "edit"},
            edit[0],
            {**edit[1], "value": "when"},
            {"type": 3, "name": "value", "value": "lusa jam 10 pagi"},
        )
        assert discord.events[event_id]["scheduled_start_time"].startswith("2026-01-07T03:00")
        await moderator(
            {"name": "edit"},
            edit[0],
            {**edit[1], "value": "where"},
            {"type": 3, "name": "value", "value": "Ruang Baca"},
        )
        assert discord.events[event_id]["entity_metadata"] == {"location": "Ruang Baca"}

        assert "dibatalkan" in await moderator({"name": "cancel"}, edit[0])
        assert discord.events == {}
    finally:
        await stop(app, task)
