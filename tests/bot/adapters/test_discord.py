"""The real discord.py, driven through a loopback fake of Discord's REST API and gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.api.commands import N_, Feature, Permission, command, integer, text
from bot.api.commands import Option as ParamOption
from bot.api.context import Context
from bot.api.replies import Choice, Poll, Reply
from bot.config import load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import SystemClock
from tests.conftest import write_config
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord, user


class Extras(Feature):
    """Commands that exercise slow handlers, mentions, groups and autocomplete."""

    name = "extras"
    description = N_("General")

    @command("slow", N_("General"))
    async def slow(self, ctx: Context) -> str:
        await asyncio.sleep(3.2)
        return "done slowly"

    @command("echo", N_("General"), text("words", N_("General"), rest=True))
    async def echo(self, ctx: Context, words: str) -> Reply:
        return Reply.of(words, choices=[Choice("Lagi", f"/echo {words} lagi")])

    @command(
        "book find",
        N_("General"),
        text("title", N_("General"), autocomplete="titles"),
        integer("copies", N_("General"), required=False, min_value=1, max_value=5),
    )
    async def book_find(self, ctx: Context, title: str, copies: int | None = None) -> str:
        return f"found {title} x{copies or 1}"

    @command("book purge", N_("General"), permission=Permission.MODERATOR)
    async def book_purge(self, ctx: Context) -> str:
        return "purged"

    @command("shout", N_("General"), permission=Permission.MODERATOR)
    async def shout(self, ctx: Context) -> Reply:
        return Reply.of("Bedah buku malam ini!", ping="@everyone")

    @command("post", N_("General"), permission=Permission.MODERATOR)
    async def post(self, ctx: Context) -> str:
        await ctx.send(Reply.of("Perpustakaan tutup pukul 15"))
        return "posted"

    @command("sneaky", N_("General"))
    async def sneaky(self, ctx: Context) -> Reply:
        return Reply.of("halo", ping="@everyone")

    @command("vote", N_("General"))
    async def vote(self, ctx: Context) -> Reply:
        options = (Choice("Bumi Manusia", "/pick bumi"), Choice("Cantik Itu Luka", "/pick cantik"))
        return Reply.of("Pilih buku bulan depan", poll=Poll("Buku berikutnya?", options))

    @command("pick", N_("General"), text("book", N_("General")))
    async def pick(self, ctx: Context, book: str) -> str:
        return f"{ctx.member.display_name} picked {book}"

    async def titles(self, ctx: Context, current: str) -> list[ParamOption]:
        books = ["Bumi Manusia", "Bukan Pasar Malam", "Ronggeng Dukuh Paruk"]
        return [ParamOption(b, b) for b in books if b.lower().startswith(current.lower())]


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    server.patch(monkeypatch)
    yield server
    await server.stop()


async def start_bot(tmp_path: Path, fake: FakeDiscord, extra: str = "") -> tuple[App, asyncio.Task]:
    path = write_config(
        tmp_path, f'[discord]\ntoken = "{fake.token}"\nguild_ids = [{GUILD_ID}]\n{extra}'
    )
    factories = discover() + [Extras]
    app = await App.open(load_config(path, env={}), clock=SystemClock(), features=factories)
    task = asyncio.create_task(DiscordAdapter(app.dispatcher).run())
    await asyncio.wait_for(fake.identified.wait(), 20)
    await asyncio.sleep(0.3)
    return app, task


async def stop_bot(app: App, task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeDiscord) -> AsyncIterator[App]:
    app, task = await start_bot(tmp_path, fake)
    yield app
    await stop_bot(app, task)


async def test_help_embed_in_indonesian(fake: FakeDiscord, bot: App) -> None:
    """/help from an Indonesian client answers with an embed in Indonesian."""
    interaction = await fake.slash("help")
    call = await fake.response_to(interaction)
    embed = call.body["data"]["embeds"][0]
    assert embed["title"] == "Yang bisa saya lakukan"


def sync_payload(fake: FakeDiscord) -> dict[str, dict]:
    [call] = [c for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")]
    return {command["name"]: command for command in call.body}


async def test_handshake_and_command_sync(fake: FakeDiscord, bot: App) -> None:
    """Commands sync to the configured guild with localizations, options and permissions."""
    paths = [(c.method, c.path) for c in fake.calls][:4]
    assert paths == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/900000000000000001/guilds/{GUILD_ID}/commands"),
        ("GET", "/gateway/bot"),
    ]
    commands = sync_payload(fake)
    help_ = commands["help"]
    assert help_["name_localizations"]["id"] == "bantuan"
    assert commands["event"]["name_localizations"]["id"] == "acara"
    assert commands["remind"]["name_localizations"]["id"] == "ingatkan"
    assert help_["description_localizations"]["id"].startswith("Menampilkan perintah")
    assert help_["description"] == "Show the commands you can use, or how to use one of them."
    assert help_["options"][0]["required"] is False
    lang = commands["lang"]["options"][0]
    assert [c["value"] for c in lang["choices"]] == ["id", "en"]
    assert lang["choices"][1]["name_localizations"]["id"] == "Bahasa Inggris"
    assert str(commands["settings"]["default_member_permissions"]) == "32"
    assert commands.get("help", {}).get("default_member_permissions") is None
    book = commands["book"]
    assert book.get("default_member_permissions") is None  # find is for members
    find = next(o for o in book["options"] if o["name"] == "find")
    copies = next(o for o in find["options"] if o["name"] == "copies")
    assert (copies["type"], copies["min_value"], copies["max_value"]) == (4, 1, 5)
    assert next(o for o in find["options"] if o["name"] == "title")["autocomplete"] is True


async def test_sync_only_when_commands_change(tmp_path: Path, fake: FakeDiscord) -> None:
    """A restart with the same commands does not sync again."""
    app, task = await start_bot(tmp_path, fake)
    await stop_bot(app, task)
    fake.identified.clear()
    app, task = await start_bot(tmp_path, fake)
    await stop_bot(app, task)
    puts = [c for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")]
    assert len(puts) == 1


async def test_reply_language_follows_interaction_locale(fake: FakeDiscord, bot: App) -> None:
    """The same command answers in Indonesian for locale id and in English for en-US."""
    other = user("940000000000000009", "tom")
    english = await fake.response_to(await fake.slash("help", member=other, locale="en-US"))
    assert english.body["data"]["embeds"][0]["title"] == "What I can do"
    indonesian = await fake.response_to(await fake.slash("help"))
    assert indonesian.body["data"]["embeds"][0]["title"] == "Yang bisa saya lakukan"


def custom_ids(call) -> dict[str, str]:
    rows = call.body["data"]["components"]
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"]}


async def test_button_press_updates_message_even_after_restart(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    """A button from before a restart still works: its press updates the message."""
    app, task = await start_bot(tmp_path, fake)
    shown = await fake.response_to(await fake.slash("lang"))
    buttons = custom_ids(shown)
    assert buttons == {"Bahasa Indonesia": "pc/lang id", "English": "pc/lang en"}
    await stop_bot(app, task)
    fake.identified.clear()
    app, task = await start_bot(tmp_path, fake)
    try:
        pressed = await fake.response_to(await fake.press(buttons["English"]))
        assert pressed.body["type"] == 7  # UPDATE_MESSAGE
        embed = pressed.body["data"]["embeds"][0]
        assert embed["description"] == "From now on I will answer you in English."
    finally:
        await stop_bot(app, task)


async def test_moderator_command_needs_manage_server(fake: FakeDiscord, bot: App) -> None:
    """Without Manage Server a member is refused /settings; with it the command runs."""
    refused = await fake.response_to(await fake.slash("settings", [{"type": 1, "name": "show"}]))
    assert "Hanya moderator" in refused.body["data"]["embeds"][0]["description"]
    assert refused.body["data"]["flags"] & 64  # ephemeral
    allowed = await fake.response_to(
        await fake.slash("settings", [{"type": 1, "name": "show"}], permissions=MANAGE_GUILD)
    )
    assert allowed.body["data"]["embeds"][0]["title"] == "Pengaturan Klub Baca"


async def test_moderator_role_from_config(tmp_path: Path, fake: FakeDiscord) -> None:
    """A member with the configured moderator role may use moderator commands."""
    fake.roles = [{"id": "960000000000000001", "name": "Pustakawan"}]
    app, task = await start_bot(tmp_path, fake, 'moderator_role = "Pustakawan"\n')
    try:
        member = user("940000000000000005", "ani")
        interaction = await fake.slash(
            "settings", [{"type": 1, "name": "show"}], member=member, roles=fake.roles
        )
        allowed = await fake.response_to(interaction)
        assert allowed.body["data"]["embeds"][0]["title"] == "Pengaturan Klub Baca"
    finally:
        await stop_bot(app, task)


async def test_moderator_dm_command_acts_on_the_server(tmp_path: Path, fake: FakeDiscord) -> None:
    """A moderator's /settings in a DM changes the server they moderate; a member's is refused."""
    fake.roles = [{"id": "960000000000000002", "name": "Pustakawan", "permissions": "32"}]
    fake.members["940000000000000008"] = ["960000000000000002"]
    fake.members["940000000000000009"] = []
    app, task = await start_bot(tmp_path, fake)
    try:
        await fake.response_to(await fake.slash("about"))  # the bot now knows the server
        timezone = [{"type": 1, "name": "timezone", "options": [
            {"type": 3, "name": "timezone", "value": "WITA"}
        ]}]  # fmt: skip
        member = user("940000000000000009", "budi")
        refused = await fake.response_to(
            await fake.slash("settings", timezone, member=member, dm=True)
        )
        assert "Hanya moderator" in refused.body["data"]["embeds"][0]["description"]
        moderator = user("940000000000000008", "ani")
        done = await fake.response_to(
            await fake.slash("settings", timezone, member=moderator, dm=True)
        )
        assert "Asia/Makassar" in done.body["data"]["embeds"][0]["description"]
        stored = await app.services.store.fetchval(
            "SELECT timezone FROM communities WHERE platform = 'discord' AND platform_id = ?",
            (GUILD_ID,),
        )
        assert stored == "Asia/Makassar"
        # What it posts goes to a channel of the server, not to the server's id.
        await fake.response_to(await fake.slash("post", member=moderator, dm=True))
        [posted] = await fake.wait_for(
            lambda c: c.method == "POST" and "tutup pukul 15" in str(c.body), within=5
        )
        assert posted.path == f"/channels/{CHANNEL_ID}/messages"
    finally:
        await stop_bot(app, task)


async def test_mentions_in_member_text_never_ping(fake: FakeDiscord, bot: App) -> None:
    """Text with @everyone is sent with no mentions allowed."""
    options = [{"type": 3, "name": "words", "value": "@everyone <@&1> halo"}]
    call = await fake.response_to(await fake.slash("echo", options))
    assert call.body["data"]["allowed_mentions"] == {"parse": []}
    assert "@everyone" in call.body["data"]["embeds"][0]["description"]


async def test_slow_handler_defers_first(fake: FakeDiscord, bot: App) -> None:
    """A handler slower than two seconds is deferred, then answered with a follow-up."""
    interaction = await fake.slash("slow")
    deferred = await fake.response_to(interaction, within=5)
    assert deferred.body["type"] == 5
    [followup] = await fake.wait_for(
        lambda c: c.method == "POST" and c.path.startswith("/webhooks/"), within=10
    )
    assert followup.body["embeds"][0]["description"] == "done slowly"


async def test_group_subcommand_and_autocomplete(fake: FakeDiscord, bot: App) -> None:
    """/book find runs with typed options; its title offers autocomplete suggestions."""
    options = [
        {
            "type": 1,
            "name": "find",
            "options": [{"type": 3, "name": "title", "value": "Bu", "focused": True}],
        }
    ]
    suggested = await fake.response_to(await fake.autocomplete("book", options))
    assert suggested.body["type"] == 8
    names = [c["name"] for c in suggested.body["data"]["choices"]]
    assert names == ["Bumi Manusia", "Bukan Pasar Malam"]
    options = [
        {
            "type": 1,
            "name": "find",
            "options": [
                {"type": 3, "name": "title", "value": "Bumi Manusia"},
                {"type": 4, "name": "copies", "value": 2},
            ],
        }
    ]
    found = await fake.response_to(await fake.slash("book", options))
    assert found.body["data"]["embeds"][0]["description"] == "found Bumi Manusia x2"


async def test_follow_ups_to_channel_and_closed_dms(
    fake: FakeDiscord, bot: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Features post to a channel later; a member with closed DMs is logged and skipped."""
    from bot.api.context import Destination

    messenger = bot.services.messenger
    await messenger.send(Destination("discord", "920000000000000001"), Reply.of("Pengumuman!"))
    [posted] = await fake.wait_for(
        lambda c: c.method == "POST" and c.path == "/channels/920000000000000001/messages"
    )
    assert posted.body["embeds"][0]["description"] == "Pengumuman!"
    assert posted.body["allowed_mentions"] == {"parse": []}
    fake.closed_dms.add("740000000000000007")
    with caplog.at_level("INFO"):
        await messenger.send(
            Destination("discord", "940000000000000007", private=True), Reply.of("Pengingat")
        )
    assert any("closed DMs" in r.getMessage() for r in caplog.records)


async def test_poll_vote_runs_the_option_command(fake: FakeDiscord, bot: App) -> None:
    """A native poll from a feature; a vote runs its option's command as the voter."""
    call = await fake.response_to(await fake.slash("vote"))
    poll = call.body["data"]["poll"]
    assert [a["poll_media"]["text"] for a in poll["answers"]] == ["Bumi Manusia", "Cantik Itu Luka"]
    message_id = None
    for _ in range(50):
        message_id = await bot.services.store.fetchval(
            "SELECT poll_id FROM polls WHERE platform = 'discord'"
        )
        if message_id:
            break
        await asyncio.sleep(0.05)
    assert message_id is not None
    await fake.dispatch(
        "MESSAGE_POLL_VOTE_ADD",
        {
            "user_id": "940000000000000003",
            "channel_id": "920000000000000001",
            "message_id": message_id,
            "guild_id": GUILD_ID,
            "answer_id": 2,
        },
    )
    [posted] = await fake.wait_for(
        lambda c: c.method == "POST" and c.path == "/channels/920000000000000001/messages"
    )
    assert posted.body["embeds"][0]["description"].endswith("picked cantik")


async def test_thread_in_channel_and_forum_post(tmp_path: Path, fake: FakeDiscord) -> None:
    """A feature opens a thread in the channel, or a post in the configured forum channel."""
    from bot.api.context import Destination

    fake.forums.add("920000000000000009")
    where = Destination("discord", "920000000000000001", GUILD_ID)
    app, task = await start_bot(tmp_path, fake)
    try:
        thread = await app.services.messenger.open_thread(
            where, "Klub Baca: Bumi Manusia", Reply.of("Selamat datang di klub!")
        )
        [made] = await fake.wait_for(lambda c: c.path.endswith("/threads"))
        assert made.path == "/channels/920000000000000001/threads"
        assert made.body["name"] == "Klub Baca: Bumi Manusia"
        [posted] = await fake.wait_for(
            lambda c: c.method == "POST" and c.path == f"/channels/{thread.channel_id}/messages"
        )
        assert posted.body["embeds"][0]["description"] == "Selamat datang di klub!"
    finally:
        await stop_bot(app, task)
    fake.identified.clear()
    app, task = await start_bot(tmp_path, fake, 'forum_channel = "920000000000000009"\n')
    try:
        await app.services.messenger.open_thread(where, "Klub Puisi", Reply.of("Halo"))
        [forum] = await fake.wait_for(lambda c: c.path == "/channels/920000000000000009/threads")
        assert forum.body["message"]["embeds"][0]["description"] == "Halo"
    finally:
        await stop_bot(app, task)


async def test_scheduled_event_created_updated_and_cancelled(fake: FakeDiscord, bot: App) -> None:
    """An event becomes a Discord scheduled event; it follows changes; cancelling deletes it."""
    from datetime import UTC, datetime

    from bot.api.context import Destination
    from bot.api.messenger import CalendarEvent

    where = Destination("discord", "920000000000000001", GUILD_ID)
    start = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    event_id = await bot.services.messenger.schedule_event(
        where, CalendarEvent("Bedah Buku Laut Bercerita", start, location="Aula Perpustakaan")
    )
    assert event_id in fake.events
    created = fake.events[event_id]
    assert created["name"] == "Bedah Buku Laut Bercerita"
    assert created["entity_metadata"] == {"location": "Aula Perpustakaan"}
    assert created["scheduled_end_time"].startswith("2026-12-05T09:00")
    moved = CalendarEvent("Bedah Buku Laut Bercerita", start.replace(hour=8), location="Aula")
    await bot.services.messenger.update_event(where, event_id, moved)
    assert fake.events[event_id]["scheduled_start_time"].startswith("2026-12-05T08:00")
    assert fake.events[event_id]["entity_metadata"] == {"location": "Aula"}
    await bot.services.messenger.cancel_event(where, event_id)
    assert event_id not in fake.events


async def test_only_a_moderators_announcement_pings(fake: FakeDiscord, bot: App) -> None:
    """A moderator command may ping @everyone; a member command's ping is dropped."""
    sent = await fake.response_to(await fake.slash("shout", permissions=MANAGE_GUILD))
    assert sent.body["data"]["content"] == "@everyone"
    assert sent.body["data"]["allowed_mentions"]["parse"] == ["everyone"]  # nobody else
    member = await fake.response_to(await fake.slash("sneaky"))
    assert member.body["data"]["allowed_mentions"] == {"parse": []}
    assert not member.body["data"].get("content")
