"""The events' part of /stats: RSVPs per event held or planned in the period."""

from __future__ import annotations

from bot.api.commands import N_
from bot.time.clock import utc_text
from cogs.stats.public import Insight, InsightWanted

MOST = 20


async def events_insight(event: InsightWanted) -> list[Insight]:
    marks = ",".join("?" * len(event.circle))
    rows = await event.store.fetchall(
        "SELECT e.title, substr(e.starts_at, 1, 10),"
        " sum(r.answer = 'going'), sum(r.answer = 'maybe'), sum(r.answer = 'waiting')"
        " FROM events e JOIN rsvps r ON r.event_id = e.id"
        f" WHERE e.community_id IN ({marks}) AND e.state != 'draft'"
        " AND r.at >= ? AND r.at < ?"
        " GROUP BY e.id ORDER BY sum(r.answer = 'going') DESC, e.starts_at LIMIT ?",
        (*event.circle, utc_text(event.since), utc_text(event.until), MOST),
    )
    return [
        Insight(
            "rsvps",
            N_("RSVPs per event"),
            (N_("Event"), N_("Date"), N_("Going"), N_("Maybe"), N_("Waiting list")),
            tuple(tuple(row) for row in rows),
            chart=2,
        )
    ]
