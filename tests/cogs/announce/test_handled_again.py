"""/announce and its Post press handled again after a crash, as the inbox takes an update up at
the next start when the process stopped before the update's answer was kept: the command runs
again and takes effect once — one announcement, posted once in the channel — and answers as
the first time."""

from __future__ import annotations

import json
from pathlib import Path

from bot.process.app import App
from tests.cogs.events.test_e2e_reminders import MODERATOR, button_after
from tests.fakes.discord_api import CHANNEL_ID, MANAGE_GUILD, Call, FakeDiscord
from tests.fakes.running import cut_before_its_answer, discord_bot

TEXT = "Perpustakaan **tutup** Sabtu ini."
NEW = [{"type": 1, "name": "new", "options": [{"type": 3, "name": "text", "value": TEXT}]}]
POSTED = "Pengumuman #1 sudah dikirim ke 1 tempat."


async def announcements(app: App) -> list[tuple[int, str, int]]:
    rows = await app.services.store.fetchall(
        "SELECT id, state, revision FROM announcements ORDER BY id"
    )
    return [(row[0], row[1], row[2]) for row in rows]


def in_channel(fake: FakeDiscord) -> list[Call]:
    """The announcement as posted in the channel (not an answer to the moderator)."""
    return [
        c
        for c in fake.calls
        if c.method == "POST"
        and c.path == f"/channels/{CHANNEL_ID}/messages"
        and "tutup" in json.dumps(c.body)
    ]


def answered(fake: FakeDiscord, after: int, text: str) -> list[Call]:
    return [
        c
        for c in fake.calls[after:]
        if ("/webhooks/" in c.path or "/interactions/" in c.path) and text in json.dumps(c.body)
    ]


async def test_new_and_post_handled_again_take_effect_once(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, discord_fake) as app:
        before = len(discord_fake.calls)
        written = await discord_fake.slash(
            "announce", NEW, member=MODERATOR, permissions=MANAGE_GUILD
        )
        post = await button_after(discord_fake, "Kirim", before)
        assert post.endswith("/announce post 1")
        await cut_before_its_answer(app, written)

    before = len(discord_fake.calls)
    async with discord_bot(tmp_path, discord_fake) as app:
        assert await button_after(discord_fake, "Kirim", before) == post  # the same preview
        [draft] = await announcements(app)
        assert draft[:2] == (1, "draft")

        before = len(discord_fake.calls)
        pressed = await discord_fake.press(post, member=MODERATOR, permissions=MANAGE_GUILD)
        await discord_fake.wait_for(lambda c: bool(answered(discord_fake, before, POSTED)))
        [first] = await announcements(app)
        assert first[:2] == (1, "posted") and len(in_channel(discord_fake)) == 1
        await cut_before_its_answer(app, pressed)

    before = len(discord_fake.calls)
    async with discord_bot(tmp_path, discord_fake) as app:
        await discord_fake.wait_for(lambda c: bool(answered(discord_fake, before, POSTED)))
        assert await announcements(app) == [first]  # not posted again, nor a new revision
    assert len(in_channel(discord_fake)) == 1
