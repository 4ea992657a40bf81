"""What the stats feature offers other features: the only module of it they may import.

- `busiest_hour` and `busiest_slot`: when a circle of linked communities is most active, the
  default time for a post a moderator schedules without one.
- `Responded`, the event a feature publishes when a member responds to something it posted
  (a button pressed, an RSVP, a vote, a reply): /stats shows which posts and series drew
  responses. Presses on and replies to posts a feature marks `tracked` (series posts,
  announcements) come from the core instead (bot/api/posts.py `PostResponse`).
- `InsightWanted`, the event /stats and `pustaka report stats` publish to ask every feature for
  its part of the statistics; a handler returns a list of `Insight` tables (quiz participation,
  RSVPs per event, club progress, unmet demand …). Stats sits below the features that use it,
  so it reads them only through this event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.api.context import Context
from bot.api.posts import PRESS, REPLY
from bot.storage.store import Store

__all__ = [
    "PRESS",
    "REPLY",
    "RSVP",
    "VOTE",
    "Insight",
    "InsightWanted",
    "Responded",
    "Slot",
    "busiest_hour",
    "busiest_slot",
    "next_in_slot",
]

RECENT_DAYS = 90
RSVP, VOTE = "rsvp", "vote"
"""With PRESS and REPLY (bot/api/posts.py, which the core counts on tracked posts), the kinds
of a response."""


@dataclass(frozen=True, slots=True)
class Responded:
    """A member (`ctx`) responded to a post of the feature that publishes this: `kind` is one of
    PRESS, RSVP, VOTE, REPLY; `post` names the post as members saw it ("Bedah Buku, Kamis 8
    Januari"); `series` the series it belongs to (a repeating event, a club), or ""."""

    ctx: Context
    post: str
    kind: str
    series: str = ""


@dataclass(frozen=True, slots=True)
class InsightWanted:
    """Statistics for `circle` between `since` and `until` (aware) are being made."""

    store: Store
    circle: tuple[int, ...]
    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class Insight:
    """One table of /stats. `title` and `columns` are message ids (``N_``), translated by stats;
    `rows` hold values (names, titles, numbers); `chart` is the column drawn as bars."""

    key: str
    """Stable and short: the report's CSV names its rows with it."""
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float, ...], ...]
    chart: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    weekday: int
    """Monday is 0."""
    hour: int


async def _counts(
    store: Store, circle: Sequence[int], now: datetime, tz: ZoneInfo, days: int
) -> list[tuple[int, int, int]]:
    since = (now.astimezone(tz) - timedelta(days=days)).strftime("%Y-%m-%dT%H")
    marks = ",".join("?" * len(circle))
    rows = await store.fetchall(
        "SELECT (CAST(strftime('%w', substr(hour, 1, 10)) AS INTEGER) + 6) % 7,"
        " CAST(substr(hour, 12, 2) AS INTEGER), sum(uses) FROM"
        f" (SELECT hour, sum(uses) AS uses FROM stats_hours WHERE community_id IN ({marks})"
        "  AND hour >= ? GROUP BY hour) GROUP BY 1, 2",
        (*circle, since),
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def busiest_hour(
    store: Store, circle: Sequence[int], now: datetime, tz: ZoneInfo, *, days: int = RECENT_DAYS
) -> int | None:
    """The hour of the day (0-23, the circle's wall clock) members used the bot most in the last
    `days` days; None before anyone has."""
    totals: dict[int, int] = {}
    for _, hour, uses in await _counts(store, circle, now, tz, days):
        totals[hour] = totals.get(hour, 0) + uses
    if not totals:
        return None
    return min(totals, key=lambda hour: (-totals[hour], hour))


async def busiest_slot(
    store: Store, circle: Sequence[int], now: datetime, tz: ZoneInfo, *, days: int = RECENT_DAYS
) -> Slot | None:
    """The weekday and hour members used the bot most in the last `days` days."""
    counts = await _counts(store, circle, now, tz, days)
    if not counts:
        return None
    weekday, hour, _ = min(counts, key=lambda row: (-row[2], row[0], row[1]))
    return Slot(weekday, hour)


def next_in_slot(slot: Slot, now: datetime, tz: ZoneInfo) -> datetime:
    """The first start of `slot` (its weekday at its full hour, wall clock) after `now`."""
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=(slot.weekday - local.weekday()) % 7)
    moment = datetime.combine(day, time(slot.hour), tzinfo=tz)
    if moment <= local:
        moment += timedelta(days=7)
    return moment.astimezone(now.tzinfo)
