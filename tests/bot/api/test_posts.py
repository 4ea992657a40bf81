"""What counts as a response to a tracked post (bot/api/posts.py), as /stats then shows it: a
press on its buttons and a reply to it, in the chat it was posted in; a reply to another of the
bot's messages counts for nothing; a year later its messages are forgotten."""

from __future__ import annotations

from dataclasses import replace

from bot.api import posts
from bot.api.context import Incoming
from bot.api.posts import Tracked
from bot.process.app import App
from bot.time.clock import FakeClock

GROUP, OTHER_GROUP = "-100500", "-100600"
DAILY = Tracked("Buku hari ini: Laut Bercerita, 7 Des 2026", "Buku hari ini")


def _said(text: str, member: str = "1001", chat: str = GROUP, **about: str) -> Incoming:
    return Incoming(
        platform="telegram",
        member_id=member,
        display_name=f"Anggota {member}",
        channel_id=chat,
        text=text,
        community_id=chat,
        community_name="Klub Baca",
        **about,  # type: ignore[arg-type]
    )


async def _posts_table(app: App) -> list[str]:
    """The rows of /stats' table of posts that drew responses, asked by a group administrator."""
    asking = replace(_said("/stats 7", member="4004"), platform_moderator=True)
    [answer] = await app.dispatcher.handle_text(asking)
    shown = str(answer.text)
    if "Kiriman yang mendapat tanggapan\n" not in shown:
        return []
    table = shown.split("Kiriman yang mendapat tanggapan\n")[1].split("\n\n")[0]
    return table.splitlines()[1:]


async def test_presses_and_replies_count_only_for_the_tracked_post_in_its_chat(
    app: App, clock: FakeClock
) -> None:
    store = app.services.store
    await posts.remember(store, "telegram", GROUP, ["501", "502"], DAILY, clock.now())
    handle = app.dispatcher.handle_text

    assert await handle(_said("Saya sudah baca!", reply_to="502")) == []  # nothing answered
    await handle(_said("/help", member="1002", pressed_on="501"))
    await handle(_said("Terima kasih", reply_to="777"))  # another of the bot's messages
    await handle(_said("Bagus", chat=OTHER_GROUP, reply_to="502"))  # the same id elsewhere

    [row] = await _posts_table(app)
    assert row.startswith(DAILY.post)
    assert row.split()[-7:] == ["hari", "ini", "1", "0", "0", "1", "2"]


async def test_a_post_older_than_a_year_is_forgotten(app: App, clock: FakeClock) -> None:
    store = app.services.store
    await posts.remember(store, "telegram", GROUP, ["501"], DAILY, clock.now())
    await clock.advance(posts.KEEP.total_seconds() + 60)
    newer = Tracked("Buku hari ini: Cantik Itu Luka, 14 Des 2027", "Buku hari ini")
    await posts.remember(store, "telegram", GROUP, ["901"], newer, clock.now())

    await app.dispatcher.handle_text(_said("Masih ingat buku ini", reply_to="501"))
    assert await _posts_table(app) == []
    await app.dispatcher.handle_text(_said("Mau pinjam", reply_to="901"))
    [row] = await _posts_table(app)
    assert row.startswith(newer.post)
