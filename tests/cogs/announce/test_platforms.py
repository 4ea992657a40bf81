"""Announcements through the real discord.py and python-telegram-bot against the loopback fakes:
a library's Discord channel, Telegram group and Telegram channel linked into one community get
a scheduled announcement exactly once, across a restart just before its time; edits and deletes
reach every platform; a home that answers 403 does not stop the others, is tried again, and the
moderator is told privately."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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
from tests.cogs.community.test_linked_platforms import CODE, LIBRARIAN, channel_post
from tests.cogs.events.test_e2e_reminders import MODERATOR, READER, fire_due, open_app
from tests.fakes.discord_api import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram, group_chat, text_message

GROUP = -100500
CHANNEL = -100900
MODERATOR_DMS = "7" + MODERATOR["id"][1:]  # the fake's DM channel with the moderator
# The clock starts on Monday 5 January 2026, 10.00 WIB; "Senin jam 08.00" is 12 January.
TO_JUST_BEFORE = 6 * 24 * 3600 + 22 * 3600 - 60
TEXT = "Perpustakaan **tutup** Sabtu ini. Info: https://perpus.example/libur"


@dataclass
class Linked:
    """One community: the Discord channel, the Telegram group and the Telegram channel."""

    tmp_path: Path
    discord: FakeDiscord
    telegram: FakeTelegram
    app: App
    clock: FakeClock
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        self.tasks = [
            asyncio.create_task(DiscordAdapter(self.app.dispatcher).run()),
            asyncio.create_task(TelegramAdapter(self.app.dispatcher).run()),
        ]
        await asyncio.wait_for(self.discord.identified.wait(), 20)
        await self.telegram.wait_for("setMyCommands", count=6)
        await asyncio.sleep(0.3)  # GUILD_CREATE follows the identify

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.app.close()

    async def restart(self) -> None:
        await self.stop()
        config = load_config(self.tmp_path / "config.toml", env={})
        self.app = await App.open(config, clock=self.clock, features=discover())
        await self.start()

    async def slash(
        self, name: str, files: dict[str, tuple[str, bytes]] | None = None, **options: Any
    ) -> str:
        """A moderator's slash command on Discord; the answer's text."""
        group, sub = name.split()
        kinds = {str: 3, int: 4}
        before = len(self.discord.calls)
        interaction = await self.discord.slash(
            group,
            [
                {
                    "type": 1,
                    "name": sub,
                    "options": [
                        {"type": kinds[type(value)], "name": key, "value": value}
                        for key, value in options.items()
                    ],
                }
            ],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
            files=files,
        )
        await self.discord.response_to(interaction)
        await asyncio.sleep(0.3)  # a failure note follows the first answer
        calls = [
            c
            for c in self.discord.calls[before:]
            if f"/{interaction}/" in c.path or "/webhooks/" in c.path
        ]
        return "\n".join(str(c.body) for c in calls)


def _settings(discord: FakeDiscord, telegram: FakeTelegram) -> str:
    return (
        f'[discord]\ntoken = "{discord.token}"\nguild_ids = [{GUILD_ID}]\n'
        f'[telegram]\ntoken = "{telegram.token}"\nbase_url = "{telegram.base_url}"\n'
    )


@asynccontextmanager
async def linked_community(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    news: bool = False,
    sample: bool = False,
    features: list[FeaturePackage] | None = None,
) -> AsyncIterator[Linked]:
    """The linked community's app; with `sample`, the bundled catalog; `features` instead of
    every feature as found."""
    discord, telegram = FakeDiscord(), FakeTelegram()
    if news:
        discord.news.add(CHANNEL_ID)
    await discord.start()
    await telegram.start()
    discord.patch(monkeypatch)
    telegram.admins[GROUP] = [LIBRARIAN["id"]]
    telegram.channels.add(CHANNEL)
    app, clock = await open_app(
        tmp_path, _settings(discord, telegram), sample=sample, features=features
    )
    linked = Linked(tmp_path, discord, telegram, app, clock)
    await linked.start()
    try:
        for join in (_group_joins, _channel_joins):
            code = CODE.search(await linked.slash("community link"))
            assert code is not None
            await join(telegram, code[0])
        yield linked
    finally:
        await linked.stop()
        await discord.stop()
        await telegram.stop()


async def _group_joins(telegram: FakeTelegram, code: str) -> None:
    before = len(telegram.sent())
    telegram.push_update(
        text_message(f"/community join {code} ya", chat=group_chat(GROUP), sender=LIBRARIAN)
    )
    await telegram.wait_for("sendMessage", count=before + 1)


async def _channel_joins(telegram: FakeTelegram, code: str) -> None:
    before = len(telegram.sent())
    telegram.push_update(channel_post(f"/community join {code} ya", 71))
    await telegram.wait_for("sendMessage", count=before + 1)
    await asyncio.sleep(0.3)


def discord_posts(fake: FakeDiscord, text: str) -> list[Any]:
    return [
        call
        for call in fake.calls
        if call.method == "POST"
        and call.path == f"/channels/{CHANNEL_ID}/messages"
        and text in str(call.body)
    ]


def telegram_posts(fake: FakeTelegram, chat: int, text: str) -> list[Any]:
    return [
        call
        for call in fake.calls
        if call.method in ("sendMessage", "sendPhoto")
        and int(call.params.get("chat_id") or 0) == chat
        and text in str(call.params.get("text") or call.params.get("caption"))
    ]


async def test_scheduled_once_in_every_home_across_a_restart_then_edited_and_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with linked_community(tmp_path, monkeypatch) as linked:
        discord, telegram = linked.discord, linked.telegram
        preview = await linked.slash("announce new", text=TEXT)
        assert "Pratinjau pengumuman #1" in preview
        assert "Discord «Klub Baca»" in preview and "Telegram «Kanal Perpustakaan»" in preview
        linked_preview = await linked.slash(
            "announce link", id=1, url="https://perpus.example/info", label="Info lengkap"
        )
        assert "https://perpus.example/info" in linked_preview
        answer = await linked.slash("announce schedule", id=1, when="Senin jam 08.00")
        assert "Senin, 12 Januari 2026, 08.00 WIB" in answer

        await fire_due(linked.app, linked.clock, TO_JUST_BEFORE)
        assert not discord_posts(discord, "Sabtu ini")
        await linked.restart()
        await fire_due(linked.app, linked.clock, 120)
        await fire_due(linked.app, linked.clock, 3600)

        [on_discord] = discord_posts(discord, "Sabtu ini")
        embed = on_discord.body["embeds"][0]
        assert "**tutup**" in embed["description"]  # bold, the rest escaped
        [in_group] = telegram_posts(telegram, GROUP, "Sabtu ini")
        [in_channel] = telegram_posts(telegram, CHANNEL, "Sabtu ini")
        assert "<b>tutup</b>" in in_group.params["text"]
        [[button]] = in_group.params["reply_markup"]["inline_keyboard"]
        assert button == {"text": "Info lengkap", "url": "https://perpus.example/info"}
        [[link]] = [row["components"] for row in on_discord.body["components"]]
        assert link["style"] == 5 and link["url"] == "https://perpus.example/info"
        assert '<a href="https://perpus.example/libur">' in in_channel.params["text"]

        # Edited on every platform at once: the very messages posted.
        posted_id = await linked.app.services.store.fetchall(
            "SELECT home, message_ids FROM announcement_posts"
        )
        assert len(posted_id) == 3
        edited = await linked.slash("announce edit", id=1, text="Perpustakaan tutup Minggu ini.")
        assert "sudah diubah di 3 tempat" in edited
        patches = [c for c in discord.calls if c.method == "PATCH" and "/messages/" in c.path]
        assert len(patches) == 1 and "Minggu ini" in str(patches[0].body)
        edits = telegram.sent("editMessageText")
        assert {int(c.params["chat_id"]) for c in edits} == {GROUP, CHANNEL}
        assert all("Minggu ini" in c.params["text"] for c in edits)
        sent_ids = {int(c.params["chat_id"]): str(c.params["message_id"]) for c in edits}
        stored = str([tuple(row) for row in posted_id])
        assert sent_ids[GROUP] in stored and sent_ids[CHANNEL] in stored

        assert "Hapus pengumuman #1" in await linked.slash("announce delete", id=1)
        deleted = await linked.slash("announce delete", id=1, confirm="yes")
        assert "sudah dihapus dari 3 tempat" in deleted
        removed = [c for c in discord.calls if c.method == "DELETE" and "/messages/" in c.path]
        assert len(removed) == 1 and removed[0].path.endswith(patches[0].path.split("/")[-1])
        gone = telegram.sent("deleteMessage")
        assert {int(c.params["chat_id"]) for c in gone} == {GROUP, CHANNEL}

        # Nothing more goes out later.
        await fire_due(linked.app, linked.clock, 8 * 24 * 3600)
        assert len(discord_posts(discord, "Sabtu ini")) == 1
        assert len(telegram_posts(telegram, GROUP, "Sabtu ini")) == 1


async def test_a_home_answering_403_does_not_stop_the_others_and_the_moderator_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with linked_community(tmp_path, monkeypatch) as linked:
        discord, telegram = linked.discord, linked.telegram
        telegram.kicked.add(GROUP)
        await linked.slash("announce new", text="Lomba resensi dibuka hari ini!")
        answer = await linked.slash("announce post", id=1)
        assert "sudah dikirim ke 2 tempat" in answer
        assert "belum sampai ke semua tempat" in answer and "Telegram «Klub Baca»" in answer
        assert "bot dikeluarkan dari sana" in answer and "kicked" in answer
        assert "'flags': 64" in answer  # the failure note only the moderator sees
        assert len(discord_posts(discord, "Lomba resensi")) == 1
        assert len(telegram_posts(telegram, CHANNEL, "Lomba resensi")) == 1
        refused = len(telegram_posts(telegram, GROUP, "Lomba resensi"))  # answered 403
        assert refused == 1

        # Tried again by itself: once the bot is back in the group, the group gets it once,
        # and the moderator hears of it privately.
        await fire_due(linked.app, linked.clock, 5 * 60 + 1)
        assert len(telegram_posts(telegram, GROUP, "Lomba resensi")) == refused + 1
        telegram.kicked.discard(GROUP)
        await fire_due(linked.app, linked.clock, 30 * 60 + 1)
        assert len(telegram_posts(telegram, GROUP, "Lomba resensi")) == refused + 2
        told = [
            c
            for c in discord.calls
            if c.method == "POST" and c.path == f"/channels/{MODERATOR_DMS}/messages"
        ]
        assert any("akhirnya sampai di Telegram «Klub Baca»" in str(c.body) for c in told)
        await fire_due(linked.app, linked.clock, 24 * 3600)
        assert len(telegram_posts(telegram, GROUP, "Lomba resensi")) == refused + 2
        assert len(discord_posts(discord, "Lomba resensi")) == 1

        # A scheduled one meets the same refusal: the moderator hears of it privately.
        telegram.kicked.add(GROUP)
        await linked.slash("announce new", text="Jam buka baru mulai besok.")
        await linked.slash("announce schedule", id=2, when="besok jam 08.00")
        await fire_due(linked.app, linked.clock, 22 * 3600)
        assert len(telegram_posts(telegram, CHANNEL, "Jam buka baru")) == 1
        assert len(discord_posts(discord, "Jam buka baru")) == 1
        notes = [
            str(c.body)
            for c in discord.calls
            if c.method == "POST" and c.path == f"/channels/{MODERATOR_DMS}/messages"
        ]
        assert any(
            "Pengumuman #2 belum sampai ke semua tempat" in note
            and "Telegram «Klub Baca»" in note
            and "dikeluarkan" in note
            for note in notes
        )


async def test_an_announcement_channel_publishes_a_picture_and_pings_only_the_chosen_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = "960000000000000001"
    async with linked_community(tmp_path, monkeypatch, news=True) as linked:
        discord, telegram = linked.discord, linked.telegram
        picture = ("poster buku.png", b"\x89PNG\r\n\x1a\n" + b"0" * 3000)
        refused = await linked.slash("announce new", files={"image": picture}, text="a" * 1500)
        assert "Telegram hanya menampilkan paling banyak 1.024 karakter" in refused
        assert "1.500" in refused
        await linked.slash(
            "announce new", files={"image": picture}, text="Buku baru datang! @everyone <@&1>"
        )
        preview = await linked.slash("announce mention", id=1, role=f"<@&{role}>")
        assert f"Menyebut <@&{role}> di Discord" in preview
        assert "'parse': []" in preview  # the preview pings no one
        await linked.slash("announce post", id=1)

        [post] = discord_posts(discord, "Buku baru datang")
        assert post.body["files"] == [("poster_buku.png", picture[1])]
        assert post.body["embeds"][0]["image"]["url"] == "attachment://poster_buku.png"
        assert post.body["content"] == f"<@&{role}>"
        assert [str(r) for r in post.body["allowed_mentions"]["roles"]] == [role]
        assert post.body["allowed_mentions"]["parse"] == []  # never @everyone unasked
        message_id = "?"
        for call in discord.calls:
            if call.path.endswith("/crosspost"):
                message_id = call.path.split("/")[-2]
        assert f"/channels/{CHANNEL_ID}/messages/{message_id}/crosspost" in [
            c.path for c in discord.calls if c.method == "POST"
        ]
        # Telegram has no roles: the post there mentions nothing.
        [in_group] = telegram_posts(telegram, GROUP, "Buku baru datang")
        assert role not in str(in_group.params)
        assert in_group.method == "sendPhoto"
        assert in_group.params["photo"] == {"filename": "poster_buku.png", "content": picture[1]}

        # A member of the server is refused.
        refused = await discord.slash(
            "announce",
            [{"type": 1, "name": "post", "options": [{"type": 4, "name": "id", "value": 1}]}],
            member=READER,
        )
        assert "Hanya moderator" in str((await discord.response_to(refused)).body)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_formatting_from_telegrams_toolbar_reaches_every_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A librarian on Telegram formats with the app (bold, a link on a word; Telegram sends
    entities, never marks, and counts in UTF-16, which an emoji makes two units): the preview
    and the posts on both platforms keep that formatting."""
    async with linked_community(tmp_path, monkeypatch) as linked:
        discord, telegram = linked.discord, linked.telegram
        head = "/pengumuman 📚 "
        text = head + "Jam buka baru: Senin sampai Jumat. Lihat jadwal."
        bold = utf16(head), utf16("Jam buka baru")
        link = utf16(head + "Jam buka baru: Senin sampai Jumat. Lihat "), utf16("jadwal")
        message = text_message(text, chat=group_chat(GROUP), sender=LIBRARIAN)
        message["message"]["entities"] += [
            {"type": "bold", "offset": bold[0], "length": bold[1]},
            {"type": "text_link", "offset": link[0], "length": link[1], "url": JADWAL},
        ]
        before = len(telegram.sent())
        telegram.push_update(message)
        [*_, preview] = await telegram.wait_for("sendMessage", count=before + 1)
        shown = preview.params["text"]
        assert "📚 <b>Jam buka baru</b>: Senin" in shown, shown
        assert f'<a href="{JADWAL}">jadwal</a>' in shown, shown

        await linked.slash("announce post", id=1)
        [on_discord] = discord_posts(discord, "Senin sampai Jumat")
        described = on_discord.body["embeds"][0]["description"]
        assert "📚 **Jam buka baru**: Senin" in described, described
        assert f"[jadwal]({JADWAL})" in described, described
        [_preview, in_group] = telegram_posts(telegram, GROUP, "Senin sampai Jumat")
        assert "<b>Jam buka baru</b>" in in_group.params["text"]
        [in_channel] = telegram_posts(telegram, CHANNEL, "Senin sampai Jumat")
        assert f'<a href="{JADWAL}">jadwal</a>' in in_channel.params["text"]


JADWAL = "https://perpus.example/jadwal"
