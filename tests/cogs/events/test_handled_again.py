"""/event create and its Save press handled again after a crash, as the inbox takes an update up
at the next start when the process stopped before the update's answer was kept: the command
runs again and takes effect once — one draft, one saved event with one set of reminders, one
scheduled event on the Discord server — and answers as the first time."""

from __future__ import annotations

from pathlib import Path

from bot.process.app import App
from tests.cogs.events.test_e2e_reminders import MODERATOR, TITLE, button_after, discord_buttons
from tests.fakes.discord_api import MANAGE_GUILD, Call, FakeDiscord
from tests.fakes.running import cut_before_its_answer, discord_bot

CREATE = [
    {
        "type": 1,
        "name": "create",
        "options": [
            {"type": 3, "name": "title", "value": TITLE},
            {"type": 3, "name": "when", "value": "Sabtu depan jam 10 pagi"},
        ],
    }
]


async def events(app: App) -> list[tuple[int, str]]:
    rows = await app.services.store.fetchall("SELECT id, state FROM events ORDER BY id")
    return [(row[0], row[1]) for row in rows]


async def reminder_jobs(app: App) -> list[str]:
    rows = await app.services.store.fetchall(
        "SELECT key FROM jobs WHERE key LIKE 'event:%' AND state = 'pending' ORDER BY key"
    )
    return [row[0] for row in rows]


def card_titles(calls: list[Call]) -> list[str]:
    """The titles of the embeds in these calls (an answer, an edit or a follow-up)."""
    titles = []
    for call in calls:
        body = call.body or {}
        for embed in (body.get("data") or body).get("embeds") or []:
            titles.append(embed.get("title", ""))
    return titles


async def test_create_and_save_handled_again_take_effect_once(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, discord_fake) as app:
        before = len(discord_fake.calls)
        created = await discord_fake.slash(
            "event", CREATE, member=MODERATOR, permissions=MANAGE_GUILD
        )
        save = await button_after(discord_fake, "Simpan", before)
        assert save.endswith("/event confirm 1")
        await cut_before_its_answer(app, created)

    before = len(discord_fake.calls)
    async with discord_bot(tmp_path, discord_fake) as app:
        # the same draft, and the same buttons under it, in a follow-up
        assert await button_after(discord_fake, "Simpan", before) == save
        assert await events(app) == [(1, "draft")]

        before = len(discord_fake.calls)
        pressed = await discord_fake.press(save, member=MODERATOR, permissions=MANAGE_GUILD)
        going = await button_after(discord_fake, "Hadir", before)
        assert f"#1 {TITLE}" in card_titles(discord_fake.calls[before:])
        planned = await reminder_jobs(app)
        assert planned and len(discord_fake.events) == 1
        await cut_before_its_answer(app, pressed)

    before = len(discord_fake.calls)
    async with discord_bot(tmp_path, discord_fake) as app:
        assert await button_after(discord_fake, "Hadir", before) == going
        answered = [c for c in discord_fake.calls[before:] if "Hadir" in discord_buttons(c)]
        assert f"#1 {TITLE}" in card_titles(answered)
        assert await events(app) == [(1, "scheduled")]
        assert await reminder_jobs(app) == planned
        assert len(discord_fake.events) == 1  # the server's scheduled event, not a second one


async def test_save_cut_before_the_server_event_was_kept_takes_the_one_made(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """The stop came after Discord made the server's scheduled event and before its id was
    kept: handled again, the bot takes that event instead of making a second one."""
    async with discord_bot(tmp_path, discord_fake) as app:
        before = len(discord_fake.calls)
        await discord_fake.slash("event", CREATE, member=MODERATOR, permissions=MANAGE_GUILD)
        save = await button_after(discord_fake, "Simpan", before)
        pressed = await discord_fake.press(save, member=MODERATOR, permissions=MANAGE_GUILD)
        await button_after(discord_fake, "Hadir", before)
        [made] = discord_fake.events
        await cut_before_its_answer(app, pressed)
        await app.services.store.execute("UPDATE events SET platform_event_id = NULL")

    before = len(discord_fake.calls)
    async with discord_bot(tmp_path, discord_fake) as app:
        await button_after(discord_fake, "Hadir", before)
        assert list(discord_fake.events) == [made]
        kept = await app.services.store.fetchval("SELECT platform_event_id FROM events")
        assert kept == made
