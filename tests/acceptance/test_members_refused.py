"""Issue 15's "a member trying any of these moderator commands is refused on every platform":
every command the features declare for moderators, typed by a member in the console, in a
Telegram group and as a Discord slash command, is refused in the member's language and changes
nothing the bot keeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.api.commands import Permission
from bot.process.app import App
from bot.process.features import discover
from bot.storage.store import Store
from tests.conftest import Chat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message
from tests.fakes.telegram_api import user as telegram_user

REFUSED = "Hanya moderator yang dapat memakai /{command}."
# What a member's attempt may leave: the record of the attempt itself and the platform's
# bookkeeping of updates (the member has said /help before, so they and the home are known).
BOOKKEEPING = {
    "command_usage",
    "inbox",
    "inbox_answers",
    "update_effects",
    "outbox",
    "platform_state",
    "owners",
}


def moderator_commands(app: App) -> list[str]:
    names = [c.name for c in app.services.registry.commands if c.permission is Permission.MODERATOR]
    assert len(names) >= 40, names  # every feature's, not a handful
    return names


async def kept(store: Store) -> dict[str, int]:
    counts = {}
    for table in await store.tables():
        if table not in BOOKKEEPING and not table.startswith(("sqlite_", "catalog_words")):
            counts[table] = await store.fetchval(f"SELECT count(*) FROM {table}")
    return counts


async def test_in_the_console(app: App, make_chat: Callable[..., Chat]) -> None:
    member = make_chat(user="sari")
    await member.say("/help")
    before = await kept(app.services.store)
    for name in moderator_commands(app):
        shown = await member.say(f"/{name}")
        assert REFUSED.format(command=name) in shown, (name, shown)
    assert await kept(app.services.store) == before
    denied = await app.services.store.fetchval(
        "SELECT count(*) FROM command_usage WHERE outcome = 'denied'"
    )
    assert denied == len(moderator_commands(app))


async def test_in_a_telegram_group(tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    telegram = telegram_fake
    member = telegram_user(5005, "Sari")
    async with telegram_bot(tmp_path, telegram, features=discover()) as app:
        telegram.push_update(text_message("/help", chat=group_chat(), sender=member))
        await telegram.wait_for("sendMessage")
        await asyncio.sleep(0.2)
        before = await kept(app.services.store)
        names = moderator_commands(app)
        for name in names:
            telegram.push_update(text_message(f"/{name}", chat=group_chat(), sender=member))
        expected = {REFUSED.format(command=name) for name in names}
        for _ in range(500):
            said = {str(c.params.get("text")) for c in telegram.sent()}
            if expected <= said:
                break
            await asyncio.sleep(0.02)
        assert expected - said == set()
        assert await kept(app.services.store) == before


def required_options(
    declared: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, tuple[str, bytes]]]:
    """What Discord's client makes a member fill in before a command can be sent: a value of
    each required option's type (an attachment as a file)."""
    values = {3: "1", 4: 1, 5: True, 10: 1.0}
    options, files = [], {}
    for option in declared.get("options", []):
        if not option.get("required"):
            continue
        if option["type"] == 11:
            files[option["name"]] = ("pack.toml", b"x")
        else:
            options.append(
                {"type": option["type"], "name": option["name"], "value": values[option["type"]]}
            )
    return options, files


async def test_as_discord_slash_commands(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    discord = discord_fake
    member = discord_user("940000000000000003", "sari")
    async with discord_bot(tmp_path, discord, features=discover()) as app:
        await discord.answer_to(await discord.slash("help", member=member))
        await asyncio.sleep(0.2)
        before = await kept(app.services.store)
        synced = {
            command["name"]: command
            for call in discord.calls
            if call.method == "PUT" and call.path.endswith("/commands")
            for command in call.body
        }
        for name in moderator_commands(app):
            root, _, sub = name.partition(" ")
            declared = synced[root]
            if sub:
                [declared] = [o for o in declared["options"] if o["name"] == sub]
            options, files = required_options(declared)
            if sub:
                options = [{"type": 1, "name": sub, "options": options}]
            asked = await discord.slash(root, options, member=member, files=files)
            answer = await discord.answer_to(asked, within=20)
            [shown] = answer["data"]["embeds"]
            assert shown["description"] == REFUSED.format(command=name), (name, answer)
            assert answer["data"]["flags"] & 64, name  # only the member sees it
        assert await kept(app.services.store) == before
