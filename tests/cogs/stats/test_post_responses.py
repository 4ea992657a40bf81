"""Presses and replies on the bot's own posts, through the real python-telegram-bot and
discord.py against the loopback fakes: in a community of a Discord server and a Telegram group,
a member in the Telegram group replies to the weekly recommendation and presses one of its book
buttons, a member on Discord replies to an announcement, and /stats names both posts with their
presses and replies."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.cogs.announce.test_platforms import GROUP, linked_community, telegram_posts
from tests.cogs.events.test_e2e_reminders import MEMBER, MODERATOR, READER, fire_due
from tests.cogs.events.test_e2e_reminders import telegram_buttons as buttons_of
from tests.cogs.series.conftest import seeded_features
from tests.cogs.series.test_series import HOUR, TO_NEXT_MONDAY_8
from tests.fakes.discord_api import MANAGE_GUILD
from tests.fakes.running import until
from tests.fakes.telegram_api import callback_press, group_chat, text_message

WEEKLY = "Rekomendasi minggu ini: Sejarah"


def _rows(summary: str, title: str) -> list[list[str]]:
    """The rows of one table in /stats' summary, each split into its cells (two spaces apart)."""
    table = summary.split(title + "\n", 1)[1].split("\n\n")[0]
    lines = table.split("\n")
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines]


async def test_replies_and_presses_on_a_series_post_and_an_announcement_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = seeded_features()
    async with linked_community(tmp_path, monkeypatch, sample=True, features=features) as linked:
        discord, telegram = linked.discord, linked.telegram
        await linked.slash("series on", kind="weekly", when="Senin jam 08.00")
        await fire_due(linked.app, linked.clock, TO_NEXT_MONDAY_8 - 60)
        await fire_due(linked.app, linked.clock, 2 * 60)
        await fire_due(linked.app, linked.clock, HOUR)
        [weekly] = telegram_posts(telegram, GROUP, WEEKLY)
        await until(lambda: weekly.result is not None, "the weekly post was not answered")
        post = weekly.result

        telegram.push_update(
            text_message(
                "Yang kedua sudah saya baca, bagus!",
                chat=group_chat(GROUP),
                sender=MEMBER,
                reply_to=post,
                message_id=post["message_id"] + 100,
            )
        )
        sent = len(telegram.calls)
        book = next(iter(buttons_of(weekly).values()))
        telegram.push_update(callback_press(book, message=post, sender=MEMBER))
        await until(
            lambda: any(
                c.method in ("sendMessage", "sendPhoto")
                and (c.params.get("reply_parameters") or {}).get("message_id") == post["message_id"]
                for c in telegram.calls[sent:]
            ),
            "the book card was not answered under the post",
        )
        assert not [c for c in telegram.calls[sent:] if c.method.startswith("editMessage")]

        await linked.slash("announce new", text="Lomba resensi dibuka hari ini!")
        await linked.slash("announce post", id=1)
        [announcement] = [m for m in discord.posted if "Lomba resensi" in str(m["embeds"])]
        await discord.reply(announcement, "Saya ikut!", member=READER)
        await asyncio.sleep(0.3)  # the reply is counted; nothing is answered

        asked = await discord.slash(
            "stats",
            [{"type": 4, "name": "days", "value": 7}],
            member=MODERATOR,
            permissions=MANAGE_GUILD,
        )
        answer = await discord.answer_to(asked, within=30)
        embeds = (answer.get("data") or answer)["embeds"]
        summary = "\n".join(embed.get("description", "") for embed in embeds)

    posts = _rows(summary, "**Kiriman yang mendapat tanggapan**")
    assert posts[0] == [
        "Kiriman",
        "Seri",
        "Tombol ditekan",
        "Konfirmasi hadir",
        "Suara",
        "Balasan",
        "Anggota",
    ]
    # the weekly post: one press and one reply, by one member; the announcement: one reply
    weekly = ["Rekomendasi minggu ini: Sejarah, 12 Jan 2026", "Rekomendasi mingguan"]
    assert weekly + ["1", "0", "0", "1", "1"] in posts
    assert ["Pengumuman #1: Lomba resensi dibuka hari ini!", "0", "0", "0", "1", "1"] in posts
    assert len(posts) == 3
    series = _rows(summary, "**Tanggapan per seri**")
    assert series[1:] == [["Rekomendasi mingguan", "1", "2", "1"]]
