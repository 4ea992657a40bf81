"""Which occurrences an event has, and the reminder jobs for them.

Reminders are jobs in the durable scheduler, keyed ``event:<id>:r<revision>:<occurrence>:<m>m``.
Planning is idempotent (the same keys again change nothing), so it runs at every start and when a
series rolls on; planning *anew* (times, offsets or the timezone changed) cancels the event's
pending jobs and takes the next revision, because the scheduler keeps every key it has seen.

A series is planned only as far as needed: at each occurrence a roll job plans the reminders due
until the occurrence after the next, however far the offsets (at most 30 days) reach ahead; so a
roll that runs late (the bot was down) loses no reminder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from bot.api import identity
from bot.api.services import Services
from cogs.events.store import Event, EventStore

REMINDER = "event-reminder"
ROLL = "event-roll"
SHARE = "event-share"


@dataclass(frozen=True, slots=True)
class Slot:
    """One occurrence: `key` is its local date for a series, '' for a one-off event."""

    key: str
    starts_at: datetime


def slots(
    event: Event, tz: ZoneInfo, after: datetime, skips: set[str] | frozenset[str] = frozenset()
) -> Iterator[Slot]:
    """The event's occurrences starting after `after`, cancelled ones left out."""
    recurrence = event.recurrence
    if recurrence is None:
        if event.starts_at > after:
            yield Slot("", event.starts_at)
        return
    for occurrence in recurrence.after(after, tz):
        if occurrence.key not in skips:
            yield Slot(occurrence.key, occurrence.starts_at)


def slot_on(event: Event, occurrence: str, tz: ZoneInfo) -> Slot | None:
    """The occurrence named `occurrence` ('' for a one-off event), if the event has it."""
    recurrence = event.recurrence
    if recurrence is None:
        return Slot("", event.starts_at) if occurrence == "" else None
    if not occurrence:
        return None
    found = recurrence.on(date.fromisoformat(occurrence), tz)
    return Slot(found.key, found.starts_at) if found else None


class Planner:
    def __init__(self, services: Services, events: EventStore) -> None:
        self.services = services
        self.events = events

    async def timezone(self, community_id: int) -> ZoneInfo:
        community = await identity.community(self.services.store, community_id)
        return identity.resolve_timezone(community, self.services.config.bot.tz)

    async def next_slot(self, event: Event, after: datetime | None = None) -> Slot | None:
        tz = await self.timezone(event.community_id)
        skips = await self.events.skips(event.id)
        return next(slots(event, tz, after or self.services.clock.now(), skips), None)

    async def plan(self, event: Event, *, anew: bool = False) -> bool:
        """Schedule the reminders (and, for a series, the next roll) still ahead; False when
        the event has no occurrence ahead."""
        scheduler = self.services.scheduler
        revision = event.revision
        if anew:
            await scheduler.cancel(f"event:{event.id}:")
            revision = await self.events.next_revision(event.id)
        if event.state != "scheduled":
            return False
        now = self.services.clock.now()
        minutes = await self.events.reminder_minutes(event.community_id)
        tz = await self.timezone(event.community_id)
        upcoming = slots(event, tz, now, await self.events.skips(event.id))
        first = next(upcoming, None)
        if first is None:
            return False
        following = next(upcoming, None)
        horizon = (following or first).starts_at
        reach = timedelta(minutes=max(minutes))
        for slot in chain([first], [following] if following else [], upcoming):
            if slot.starts_at - reach > horizon:
                break
            for before in minutes:
                due = slot.starts_at - timedelta(minutes=before)
                if due > now:
                    await scheduler.schedule(
                        REMINDER,
                        f"event:{event.id}:r{revision}:{slot.key or 'once'}:{before}m",
                        due,
                        {
                            "event": event.id,
                            "occurrence": slot.key,
                            "minutes": before,
                            "community": event.community_id,
                        },
                    )
        if event.recurrence is not None:
            await scheduler.schedule(
                ROLL,
                f"event:{event.id}:r{revision}:roll:{first.key}",
                first.starts_at,
                {"event": event.id},
            )
        return True

    async def plan_all(self, community_id: int | None = None, *, anew: bool = False) -> int:
        """Plan every saved event still ahead (of one community); returns how many."""
        planned = 0
        for event in await self.events.scheduled(
            self.services.clock.now(), None if community_id is None else (community_id,)
        ):
            planned += await self.plan(event, anew=anew)
        return planned

    async def forget(self, event_id: int, occurrence: str | None = None) -> None:
        """Cancel the pending reminders of the event, or of one occurrence of it."""
        event = await self.events.get(event_id)
        if event is None:
            return
        if occurrence is None:
            await self.services.scheduler.cancel(f"event:{event_id}:")
        else:
            key = occurrence or "once"
            await self.services.scheduler.cancel(f"event:{event_id}:r{event.revision}:{key}:")
