"""Scheduled jobs declared with @job get a JobContext from the core: one language rule (a
community's post in the community's language, a private message in the member's), and
send_once that neither loses nor doubles a message while the platform is down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.api import identity
from bot.api.commands import Feature
from bot.api.context import Destination
from bot.api.jobs import JobContext, job
from bot.api.replies import Reply
from bot.config import Config
from bot.process.app import App
from bot.storage.scheduler import RETRY_AFTER
from bot.time.clock import FakeClock


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[Destination, str, str]] = []

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        for reply in replies:
            self.sent.append((destination, reply.title or "", str(reply.text)))


class Notes(Feature):
    """Posts the community's note in its channel and a private copy to one member."""

    name = "notes"

    @job("note")
    async def note(self, ctx: JobContext) -> None:
        assert ctx.job is not None
        channel = Destination("telegram", "-100", "-100")
        room = await ctx.for_community(int(ctx.payload["community"]), channel)
        await room.send_once(f"{ctx.job.key}:room", Reply.of("…", title=room._("Reminder")))
        member = identity.Member(*ctx.payload["member"])
        private = await room.for_member(member, room.community)
        await private.send_once(f"{ctx.job.key}:me", Reply.of("…", title=private._("Reminder")))


async def people(app: App) -> tuple[identity.Member, identity.Community]:
    store = app.services.store
    member, community = await identity.remember(
        store,
        platform="telegram",
        member_id="7",
        display_name="Tom",
        platform_locale="id",
        community_id="-100",
        community_name="Pembaca",
        now=app.services.clock.now(),
    )
    assert community is not None
    await identity.set_community_locale(store, community, "id")
    member = await identity.set_member_locale(store, member, "en")  # /lang en
    return member, community


async def test_a_member_with_lang_en_in_an_indonesian_community(
    config: Config, clock: FakeClock
) -> None:
    """The channel's post is Indonesian, the private one English; a job kind declared with @job
    runs without any scheduler.handle call in the feature."""
    app = await App.open(config, clock=clock, features=[Notes])
    app.services.scheduler.hold()  # only run_due performs jobs here
    try:
        outbox = Outbox()
        app.services.messenger.register("telegram", outbox)
        member, community = await people(app)
        payload = {"community": community.id, "member": list(vars_of(member))}
        await app.services.scheduler.schedule("note", "note:1", clock.now(), payload)
        assert await app.services.scheduler.run_due() == 1
        assert [(d.private, title) for d, title, _ in outbox.sent] == [
            (False, "Pengingat"),
            (True, "Reminder"),
        ]
    finally:
        await app.close()


async def test_sent_once_when_the_platform_comes_back(config: Config, clock: FakeClock) -> None:
    """Due while the platform is not running: nothing is lost, and nothing doubles once it runs."""
    app = await App.open(config, clock=clock, features=[Notes])
    app.services.scheduler.hold()  # only run_due performs jobs here
    try:
        member, community = await people(app)
        payload = {"community": community.id, "member": list(vars_of(member))}
        await app.services.scheduler.schedule("note", "note:1", clock.now(), payload)
        await app.services.scheduler.run_due()  # telegram is not running: retried later
        outbox = Outbox()
        app.services.messenger.register("telegram", outbox)
        await clock.advance((RETRY_AFTER + timedelta(seconds=1)).total_seconds())
        await app.services.scheduler.run_due()
        await clock.advance(3600)
        await app.services.scheduler.run_due()
        assert [title for _, title, _ in outbox.sent] == ["Pengingat", "Reminder"]
        state = await app.services.store.fetchval("SELECT state FROM jobs WHERE key = 'note:1'")
        assert state == "done"
    finally:
        await app.close()


def vars_of(member: identity.Member) -> tuple[object, ...]:
    return (
        member.id,
        member.platform,
        member.platform_id,
        member.display_name,
        member.locale,
        member.platform_locale,
    )
