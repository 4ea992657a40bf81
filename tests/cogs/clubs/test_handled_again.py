"""/club create handled again after a crash, as the inbox takes an update up at the next start
when the process stopped before the update's answer was kept: the command runs again and finds
the club it made — one club, one reading, one member, one thread on Discord — and answers as
the first time."""

from __future__ import annotations

from pathlib import Path

from bot.api.context import Destination
from bot.process.app import App
from tests.fakes.discord_api import MANAGE_GUILD, Call, FakeDiscord
from tests.fakes.running import cut_before_its_answer, discord_bot

CREATE = [
    {
        "type": 1,
        "name": "create",
        "options": [
            {"type": 3, "name": "name", "value": "Klub Sastra"},
            {"type": 3, "name": "book", "value": "Bumi Manusia"},
            {"type": 4, "name": "weeks", "value": 3},
        ],
    }
]


async def made(app: App) -> tuple[int, int, int, int]:
    """How many clubs, readings, members and planned weekly prompts there are."""
    store = app.services.store
    return (
        await store.fetchval("SELECT count(*) FROM clubs"),
        await store.fetchval("SELECT count(*) FROM club_readings"),
        await store.fetchval("SELECT count(*) FROM club_members"),
        await store.fetchval("SELECT count(*) FROM jobs WHERE key LIKE 'club:%'"),
    )


def opened(call: Call) -> bool:
    return call.method == "POST" and call.path.endswith("/threads")


def answer_text(call: Call) -> str:
    body = call.body or {}
    return "".join(e.get("description", "") for e in (body.get("data") or body).get("embeds", []))


async def test_create_handled_again_finds_its_club(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        created = await discord_fake.slash("club", CREATE, permissions=MANAGE_GUILD)
        first = answer_text(await discord_fake.response_to(created))
        assert "Klub Sastra resmi dibuka" in first
        first_made = await made(app)
        assert first_made[:3] == (1, 1, 1)
        await cut_before_its_answer(app, created)

    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and "Klub Sastra" in answer_text(c)
        )
        assert answer_text(again) == first
        assert await made(app) == first_made
        home = Destination.from_key(await app.services.store.fetchval("SELECT home FROM clubs"))
    assert len([c for c in discord_fake.calls if opened(c)]) == 1
    welcomes = f"/channels/{home.channel_id}/messages"
    assert len([c for c in discord_fake.calls if c.method == "POST" and c.path == welcomes]) == 1


async def test_vote_handled_again_finds_its_vote(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    """/club vote: one vote, its poll posted once in the club's thread, the same answer."""
    vote = [
        {
            "type": 1,
            "name": "vote",
            "options": [
                {"type": 3, "name": "club", "value": "Klub Sastra"},
                {"type": 3, "name": "books", "value": "Cantik Itu Luka | Laut Bercerita"},
            ],
        }
    ]
    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        await discord_fake.response_to(
            await discord_fake.slash("club", CREATE, permissions=MANAGE_GUILD)
        )
        home = Destination.from_key(await app.services.store.fetchval("SELECT home FROM clubs"))
        opened = await discord_fake.slash("club", vote, permissions=MANAGE_GUILD)
        first = answer_text(await discord_fake.response_to(opened))
        assert "Pemungutan suara dibuka" in first
        await cut_before_its_answer(app, opened)

    def poll(call: Call) -> bool:
        return call.path == f"/channels/{home.channel_id}/messages" and "poll" in (call.body or {})

    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and "Pemungutan suara" in answer_text(c)
        )
        assert answer_text(again) == first
        assert await app.services.store.fetchval("SELECT count(*) FROM club_votes") == 1
    assert len([c for c in discord_fake.calls if poll(c)]) == 1


async def test_create_cut_before_the_thread_was_kept_takes_the_one_opened(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """The stop came after Discord opened the club's thread and posted its welcome, before the
    thread was kept as the club's home: handled again, the bot takes that thread — one thread,
    one welcome."""
    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        created = await discord_fake.slash("club", CREATE, permissions=MANAGE_GUILD)
        first = answer_text(await discord_fake.response_to(created))
        home = await app.services.store.fetchval("SELECT home FROM clubs")
        await cut_before_its_answer(app, created)
        await app.services.store.execute("UPDATE clubs SET home = ''")

    async with discord_bot(tmp_path, discord_fake, sample=True) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and "Klub Sastra" in answer_text(c)
        )
        assert answer_text(again) == first
        assert await app.services.store.fetchval("SELECT home FROM clubs") == home
    assert len([c for c in discord_fake.calls if opened(c)]) == 1
    welcomes = f"/channels/{Destination.from_key(home).channel_id}/messages"
    assert len([c for c in discord_fake.calls if c.method == "POST" and c.path == welcomes]) == 1
