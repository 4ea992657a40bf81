"""What the events feature says by itself: reminders when they fall due, the next date of a
series on the platform's calendar, and private notices to members going when an event moves,
is cancelled, or frees a seat for them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.api import community as circles
from bot.api import identity
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext
from bot.api.messenger import CalendarEvent
from bot.api.replies import Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.storage.scheduler import NotDelivered
from cogs.events.formatting import date_text, day_text, duration_text, repeat_text
from cogs.events.planning import Planner, Slot, slot_on
from cogs.events.store import Event, EventStore

log = logging.getLogger("pustaka.events")


class Notices:
    def __init__(self, services: Services, events: EventStore, planner: Planner) -> None:
        self.services = services
        self.events = events
        self.planner = planner

    async def reminder_job(self, ctx: JobContext) -> None:
        """The channel's reminder in the community's language; each going member's private one
        in their own (the job context's rule)."""
        event = await self.events.get(int(ctx.payload["event"]))
        occurrence = str(ctx.payload.get("occurrence", ""))
        if event is None or event.state != "scheduled" or ctx.job is None:
            return
        if occurrence in await self.events.skips(event.id):
            return
        minutes = int(ctx.payload.get("minutes", int(ctx.payload.get("hours", 0)) * 60))
        channel = Destination.from_key(event.destination)
        room = await ctx.for_community(event.community_id, channel)
        slot = slot_on(event, occurrence, room.timezone)
        if slot is None:
            return
        key = ctx.job.key
        # One recipient that cannot be reached (a member who blocked the bot, a removed channel)
        # does not hold up the others: each is tried, and the job runs again for those missed.
        undelivered: list[NotDelivered] = []

        async def send_once(key: str, speaker: JobContext) -> None:
            reminder = self._reminder(
                speaker._, speaker.locale, event, slot, speaker.timezone, minutes
            )
            try:
                await speaker.send_once(key, reminder)
            except NotDelivered as error:
                undelivered.append(error)

        await send_once(f"{key}:channel", room)
        for community_id in await circles.circle(self.services.store, event.community_id):
            home = await circles.home(self.services.store, community_id)
            if community_id != event.community_id and home is not None:
                await send_once(
                    f"{key}:home:{community_id}", await ctx.for_community(community_id, home)
                )
        if not self.services.messenger.capabilities(channel).shared_room:  # they read the room
            going = await self.events.members(
                event.id, ("going",), occurrence=occurrence, reminders_only=True
            )
            for member in going:
                await send_once(f"{key}:{member.id}", await room.for_member(member, room.community))
        if undelivered:
            raise undelivered[0]

    async def roll_job(self, ctx: JobContext) -> None:
        """A series' occurrence has begun: plan up to the next one and move its calendar entry."""
        event = await self.events.get(int(ctx.payload["event"]))
        if event is None or event.state != "scheduled":
            return
        await self.planner.plan(event)
        await self.update_platform_event(event)

    def _reminder(
        self,
        _: Callable[[str], str],
        locale: str,
        event: Event,
        slot: Slot,
        tz: ZoneInfo,
        minutes: int,
    ) -> Reply:
        return Reply.of(
            Text.format(
                _("Reminder: **{title}** starts {date}{place}."),
                title=event.title,
                date=date_text(locale, slot.starts_at, tz),
                place=f" — {event.place}" if event.place else "",
            ),
            title=_("In {time}").format(time=duration_text(minutes, locale)),
        )

    async def tell(
        self,
        members: list[identity.Member],
        community: identity.Community | None,
        message: Callable[[Callable[[str], str], str, ZoneInfo], str],
    ) -> None:
        """A private notice to each member, in their language and the community's timezone."""
        for member in members:
            speaker = await self.speaker(member, community)
            await speaker.send(Reply.of(message(speaker._, speaker.locale, speaker.timezone)))

    async def tell_changed(self, ctx: Context, event: Event, *, place: bool) -> None:
        upcoming = await self.planner.next_slot(event)
        if upcoming is None:
            return
        told = await self.events.members(event.id, ("going", "waiting"), since=upcoming.key)
        recurrence = event.recurrence

        def notice(_: Callable[[str], str], locale: str, tz: ZoneInfo) -> str:
            if place:
                return _("{title} has moved to {place}.").format(
                    title=event.title, place=event.place or "—"
                )
            when = (
                repeat_text(_, locale, recurrence, tz)
                + ", "
                + _("next on {date}").format(date=date_text(locale, upcoming.starts_at, tz))
                if recurrence
                else date_text(locale, upcoming.starts_at, tz)
            )
            return _("{title} has a new time: {when}.").format(title=event.title, when=when)

        await self.tell(told, ctx.community, notice)

    async def update_platform_event(self, event: Event) -> None:
        if not event.platform_event_id:
            return
        slot = await self.planner.next_slot(event)
        if slot is None:
            return
        try:
            await self.services.messenger.update_event(
                Destination.from_key(event.destination),
                event.platform_event_id,
                calendar_event(event, slot),
            )
        except Exception:
            log.exception("could not update the platform's scheduled event for %s", event.id)

    async def tell_promoted(
        self,
        event: Event,
        slot: Slot,
        member: identity.Member,
        community: identity.Community | None,
    ) -> None:
        speaker = await self.speaker(member, community)
        title = event.title
        if event.recurrence is not None:
            title = f"{event.title} ({day_text(speaker.locale, slot.starts_at, speaker.timezone)})"
        freed = speaker._("A seat freed up: you are now going to {title}.")
        await speaker.send(Reply.of(freed.format(title=title)))

    async def speaker(
        self, member: identity.Member, community: identity.Community | None
    ) -> JobContext:
        """How the bot writes to a member privately: as the dispatcher would answer them."""
        return await JobContext.start(self.services).for_member(member, community)


def calendar_event(event: Event, slot: Slot) -> CalendarEvent:
    return CalendarEvent(
        event.title,
        slot.starts_at,
        end=slot.starts_at + timedelta(hours=2),
        location=event.place,
        description=event.description,
    )
