"""A reminder's language: the channel's in the community's language, each member's private copy
in the member's own (their /lang choice) — the job context's one rule."""

from __future__ import annotations

from collections.abc import Sequence

from bot.api.context import Destination, Incoming
from bot.api.replies import Reply
from bot.config import Config
from bot.process.app import App
from bot.time.clock import FakeClock

GROUP = "-100500"


class Outbox:
    """What reached the platform."""

    def __init__(self) -> None:
        self.sent: list[tuple[Destination, str]] = []

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        self.sent.extend((destination, str(reply.text)) for reply in replies)


async def say(app: App, member: str, text: str, *, moderator: bool = False) -> None:
    await app.dispatcher.handle_text(
        Incoming(
            platform="telegram",
            member_id=member,
            display_name=member,
            channel_id=GROUP,
            text=text,
            community_id=GROUP,
            community_name="Pembaca",
            platform_locale="id",
            platform_moderator=moderator,
        )
    )


async def test_a_lang_en_member_gets_english_while_the_group_reads_indonesian(
    config: Config, clock: FakeClock
) -> None:
    app = await App.open(config, clock=clock)
    app.services.scheduler.hold()  # only run_due performs jobs here
    try:
        outbox = Outbox()
        app.services.messenger.register("telegram", outbox)
        await say(app, "4004", "/event reminders 1m", moderator=True)
        await say(app, "4004", '/event create "Diskusi Buku" "besok jam 19.00"', moderator=True)
        await say(app, "4004", "/event confirm 1", moderator=True)
        await say(app, "1001", "/lang en")
        await say(app, "1001", "/event rsvp 1 going")
        outbox.sent.clear()
        await clock.advance(86400 + 9 * 3600 - 60)  # Tuesday 18.59 WIB
        assert await app.services.scheduler.run_due() >= 1
        reminders = [(d.private, text) for d, text in outbox.sent if "Diskusi Buku" in text]
        assert reminders == [
            (False, "Pengingat: Diskusi Buku dimulai Selasa, 6 Januari 2026, 19.00 WIB."),
            (True, "Reminder: Diskusi Buku starts Tuesday, January 6, 2026, 7:00 PM WIB."),
        ]
    finally:
        await app.close()
