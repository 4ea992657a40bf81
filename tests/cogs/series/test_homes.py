"""A series of a linked community posts to every home of its circle; a home that refuses does
not stop the others, and is tried again without doubling anyone's post."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.api import community
from bot.api.context import Destination
from bot.api.replies import Reply
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.cogs.series.test_series import TO_NEXT_MONDAY_8, config
from tests.conftest import Chat

__all__ = ["config"]


class Platform:
    """A platform's sender that records what it was given, or refuses it (a 403)."""

    def __init__(self, *, refuses: bool = False) -> None:
        self.refuses = refuses
        self.got: list[tuple[Destination, str]] = []

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        if self.refuses:
            raise PermissionError("403 Forbidden: the bot was removed from the chat")
        self.got += [(destination, reply.title or "") for reply in replies]


async def linked(
    app: App, platform: str, chat: str, home: Destination, locale: str | None = None
) -> int:
    """Another community, linked with the console's, whose home is `home`."""
    store, now = app.services.store, app.services.clock.now()
    console = await store.fetchval("SELECT id FROM communities WHERE platform = 'console'")
    member = await store.fetchval("SELECT id FROM members LIMIT 1")
    other = await store.fetchval(
        "INSERT INTO communities (platform, platform_id, name, locale, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (platform, chat, f"Perpustakaan di {platform}", locale, now.isoformat()),
    )
    code = await community.new_code(store, console, member, now)
    assert await community.join(store, code, other, now) == console
    await community.set_home(store, other, home)
    return int(other)


async def test_every_home_gets_the_post_once_and_a_refusing_one_is_retried(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series list")  # the console community exists
    telegram, discord = Platform(), Platform(refuses=True)
    app.services.messenger.register("telegram", telegram)
    app.services.messenger.register("discord", discord)
    group = Destination("telegram", "-100500", "-100500")
    server = Destination("discord", "900", "800")
    await linked(app, "telegram", "-100500", group, locale="en")  # each in its own language
    await linked(app, "discord", "800", server)
    await librarian.say("/series on weekly Senin jam 08.00")

    start = librarian.output.tell()
    await run_jobs(app, clock, TO_NEXT_MONDAY_8 + 60)
    assert telegram.got == [(group, "This week's recommendation: History")]
    assert librarian.printed_since(start).count("Rekomendasi minggu ini: Sejarah") == 1

    discord.refuses = False  # the bot is back in the server
    for _ in range(3):
        await run_jobs(app, clock, 2 * 60)  # the job is retried a minute later
    assert discord.got == [(server, "Rekomendasi minggu ini: Sejarah")]
    assert len(telegram.got) == 1
    assert librarian.printed_since(start).count("Rekomendasi minggu ini: Sejarah") == 1


async def test_linked_communities_share_their_series(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series list")
    other = await linked(app, "telegram", "-100500", Destination("telegram", "-100500"))
    await app.services.store.execute(
        "INSERT INTO series (community_id, kind, rule, start, channel)"
        " VALUES (?, 'daily', 'FREQ=DAILY', ?, ?)",
        (other, "2026-01-06T07:00:00", Destination("telegram", "-100500").key()),
    )
    refused = await librarian.say("/series on daily")
    assert "sudah aktif untuk komunitas tertaut Perpustakaan di telegram" in refused
    listing = await librarian.say("/series list")
    assert "● buku hari ini — setiap hari; berikutnya: Selasa, 6 Januari 2026, 07.00 WIB" in (
        listing
    )
    assert "(dinyalakan di Perpustakaan di telegram)" in listing
    assert "Rekomendasi mingguan aktif" in await librarian.say("/series on weekly")
    # the circle shares its series: a moderator on either side changes or stops them
    assert "09.00 WIB" in await librarian.say("/series time daily jam 9")
    assert "Buku hari ini dimatikan." in await librarian.say("/series off daily")
    assert "Buku hari ini aktif" in await librarian.say("/series on daily")
