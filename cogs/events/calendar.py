"""Events as iCalendar (RFC 5545) for members' calendar apps: `/event ics` and
`pustaka calendar export`.

A one-off event is written in UTC. A series is written in the community's timezone (TZID, with
its VTIMEZONE) so calendar apps repeat it at the same local time; cancelled occurrences are
EXDATEs and an UNTIL is given in UTC as the standard asks.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, vRecur
from icalendar import Event as CalendarEntry

from bot import __version__
from bot.api import identity
from bot.config import Config
from bot.storage.store import Store
from bot.time.recurrence import join_rule
from cogs.events.planning import slots
from cogs.events.store import Event, EventStore

LENGTH = timedelta(hours=2)  # events have no end time; calendars and Discord get two hours


@dataclass(frozen=True, slots=True)
class Entry:
    event: Event
    tz: ZoneInfo
    skips: frozenset[str]


def calendar_file(entries: list[Entry], now: datetime, name: str = "Pustaka") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//Pustaka//Pustaka {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_entry(entry, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _entry(entry: Entry, now: datetime) -> CalendarEntry:
    event, tz = entry.event, entry.tz
    made = CalendarEntry()
    made.add("uid", f"event-{event.id}-{event.community_id}@pustaka")
    made.add("dtstamp", now.astimezone(UTC))
    made.add("summary", event.title)
    recurrence = event.recurrence
    if recurrence is None:
        made.add("dtstart", event.starts_at.astimezone(UTC))
        made.add("dtend", event.starts_at.astimezone(UTC) + LENGTH)
    else:
        start = recurrence.start.replace(tzinfo=tz)
        made.add("dtstart", start)
        made.add("dtend", start + LENGTH)
        parts = recurrence.parts
        if "UNTIL" in parts:
            until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S").replace(tzinfo=tz)
            parts["UNTIL"] = until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        made.add("rrule", vRecur.from_ical(join_rule(parts)))
        for key in sorted(entry.skips):
            skipped = recurrence.on(date.fromisoformat(key), tz)
            if skipped is not None:
                made.add("exdate", skipped.starts_at.astimezone(tz))
    if event.place:
        made.add("location", event.place)
    if event.description:
        made.add("description", event.description)
    return made


async def entries(store: Store, default_tz: ZoneInfo, now: datetime) -> list[Entry]:
    """Every saved event with an occurrence still ahead, in every community."""
    events = EventStore(store)
    found = []
    for event in await events.scheduled(now):
        community = await identity.community(store, event.community_id)
        tz = identity.resolve_timezone(community, default_tz)
        skips = frozenset(await events.skips(event.id))
        if next(slots(event, tz, now, skips), None) is not None:
            found.append(Entry(event, tz, skips))
    return found


async def export_calendar(
    store: Store, config: Config, path: Path, now: datetime | None = None
) -> int:
    """Write every upcoming event to `path`; returns how many."""
    now = now or datetime.now(UTC)
    found = await entries(store, config.bot.tz, now)
    await asyncio.to_thread(path.write_bytes, calendar_file(found, now, config.bot.name))
    return len(found)
