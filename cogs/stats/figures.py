"""The numbers behind /stats and the report, read from the rolled-up tables with a few grouped
queries (never the usage rows themselves) and from the features' answers to `InsightWanted`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.api.commands import N_
from bot.api.events import Events
from bot.api.registry import Registry
from bot.storage.store import Store
from bot.time.clock import utc_text
from cogs.stats.public import Insight, InsightWanted


@dataclass(frozen=True, slots=True)
class Week:
    monday: date
    new: int
    returning: int

    @property
    def active(self) -> int:
        return self.new + self.returning


@dataclass(frozen=True, slots=True)
class Figures:
    days: int
    since: date
    until: date
    members: int
    """Members who used the bot in the weeks shown."""
    new_members: int
    uses: int
    weeks: tuple[Week, ...]
    features: tuple[tuple[str, int], ...]
    """(feature, uses), the most used first."""
    heat: tuple[tuple[int, ...], ...]
    """Uses by weekday (Monday first) and hour of the day, 7 rows of 24."""
    insights: tuple[Insight, ...]
    behind: int = 0
    """Uses not counted yet (a long history still being rolled up)."""

    @property
    def busiest(self) -> tuple[int, int] | None:
        """The weekday and hour with the most use (the earliest of equals)."""
        cells = [
            (count, day, hour)
            for day, row in enumerate(self.heat)
            for hour, count in enumerate(row)
            if count
        ]
        if not cells:
            return None
        _, day, hour = min(cells, key=lambda cell: (-cell[0], cell[1], cell[2]))
        return day, hour


MOST_LOOKED = 10
MOST_POSTS = 10


async def _responses(
    store: Store, circle: Sequence[int], since: datetime, until: datetime
) -> list[Insight]:
    marks = ",".join("?" * len(circle))
    span = (*circle, utc_text(since), utc_text(until + timedelta(microseconds=1)))
    where = f"community_id IN ({marks}) AND at >= ? AND at < ?"
    posts = await store.fetchall(
        "SELECT post, series, sum(kind = 'press'), sum(kind = 'rsvp'), sum(kind = 'vote'),"
        f" sum(kind = 'reply'), count(DISTINCT member_id) FROM stats_responses WHERE {where}"
        " GROUP BY post, series ORDER BY count(*) DESC, post LIMIT ?",
        (*span, MOST_POSTS),
    )
    series = await store.fetchall(
        "SELECT series, count(DISTINCT post), count(*), count(DISTINCT member_id)"
        f" FROM stats_responses WHERE {where} AND series != ''"
        " GROUP BY series ORDER BY count(*) DESC, series LIMIT ?",
        (*span, MOST_POSTS),
    )
    return [
        Insight(
            "responses_per_post",
            N_("Posts that drew responses"),
            (
                N_("Post name"),
                N_("Series"),
                N_("Presses"),
                N_("RSVPs"),
                N_("Votes"),
                N_("Replies"),
                N_("Members"),
            ),
            tuple(tuple(row) for row in posts),
            chart=6,
        ),
        Insight(
            "responses_per_series",
            N_("Responses per series"),
            (N_("Series"), N_("Posts"), N_("Responses"), N_("Members")),
            tuple(tuple(row) for row in series),
            chart=2,
        ),
    ]


def feature_names(registry: Registry) -> dict[str, str]:
    """Each command's feature, by the feature's description (a message id)."""
    return {c.name: c.feature.description or c.feature.name for c in registry.commands}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def gather(
    store: Store,
    events: Events,
    circle: Sequence[int],
    *,
    days: int,
    now: datetime,
    tz: ZoneInfo,
    features: Mapping[str, str],
    past: bool = False,
) -> Figures:
    """`circle`'s figures for the `days` days up to `now`: the present, or with `past` the end
    of a range that is over; `features` maps a command's name to its feature's (a command
    missing from it counts under its own name)."""
    local = now.astimezone(tz)
    # a past range ends a microsecond before midnight: it starts at a midnight too
    start = local - timedelta(days=days) + timedelta(microseconds=1)
    first_week = _monday(start.date()).isoformat()
    last_week = _monday(local.date()).isoformat()
    since_hour = start.strftime("%Y-%m-%dT%H")
    until_hour = local.strftime("%Y-%m-%dT%H")
    marks = ",".join("?" * len(circle))
    members = tuple(circle)

    active = await store.fetchall(
        f"SELECT week, count(DISTINCT member_id) FROM stats_member_weeks"
        f" WHERE community_id IN ({marks}) AND week >= ? AND week <= ?"
        " GROUP BY week ORDER BY week",
        (*members, first_week, last_week),
    )
    new = dict(
        await store.fetchall(
            "SELECT first, count(*) FROM (SELECT member_id, min(first_week) AS first"
            f" FROM stats_members WHERE community_id IN ({marks}) GROUP BY member_id)"
            " WHERE first >= ? AND first <= ? GROUP BY first",
            (*members, first_week, last_week),
        )
    )
    weeks = tuple(
        Week(date.fromisoformat(week), new.get(week, 0), count - new.get(week, 0))
        for week, count in active
    )
    if not past:  # up to now: one row a member
        total_members = await store.fetchval(
            f"SELECT count(DISTINCT member_id) FROM stats_members"
            f" WHERE community_id IN ({marks}) AND last_week >= ?",
            (*members, first_week),
            default=0,
        )
    else:  # a past range: who was active in its weeks
        total_members = await store.fetchval(
            f"SELECT count(DISTINCT member_id) FROM stats_member_weeks"
            f" WHERE community_id IN ({marks}) AND week >= ? AND week <= ?",
            (*members, first_week, last_week),
            default=0,
        )

    by_feature: dict[str, int] = {}
    for command, uses in await store.fetchall(
        f"SELECT command, sum(uses) FROM stats_hours WHERE community_id IN ({marks})"
        " AND hour >= ? AND hour <= ? GROUP BY command",
        (*members, since_hour, until_hour),
    ):
        name = features.get(command, command)
        by_feature[name] = by_feature.get(name, 0) + uses

    heat = [[0] * 24 for _ in range(7)]
    for day, hour, uses in await store.fetchall(
        "SELECT (CAST(strftime('%w', substr(hour, 1, 10)) AS INTEGER) + 6) % 7,"
        " CAST(substr(hour, 12, 2) AS INTEGER), sum(uses) FROM"
        f" (SELECT hour, sum(uses) AS uses FROM stats_hours WHERE community_id IN ({marks})"
        "  AND hour >= ? AND hour <= ? GROUP BY hour) GROUP BY 1, 2",
        (*members, since_hour, until_hour),
    ):
        heat[day][hour] = uses

    looked = await store.fetchall(
        f"SELECT b.title, sum(l.looks) FROM stats_books_looked l JOIN books b ON b.id = l.book_id"
        f" WHERE l.community_id IN ({marks}) AND l.day >= ? AND l.day <= ?"
        " GROUP BY b.id ORDER BY 2 DESC, b.title LIMIT ?",
        (*members, start.date().isoformat(), local.date().isoformat(), MOST_LOOKED),
    )
    insights = [*await _responses(store, members, start, now)]
    insights += [
        Insight(
            "books_looked_up",
            N_("Books most looked up"),
            (N_("Title"), N_("Looks")),
            tuple((title, looks) for title, looks in looked),
            chart=1,
        )
    ]
    # [since, until): what happened at this very moment counts too
    until = now + timedelta(microseconds=1)
    for answer in await events.publish(InsightWanted(store, members, start, until)):
        insights.extend(answer)

    return Figures(
        days=days,
        since=start.date(),
        until=local.date(),
        members=total_members,
        new_members=sum(week.new for week in weeks),
        uses=sum(by_feature.values()),
        weeks=weeks,
        features=tuple(sorted(by_feature.items(), key=lambda item: (-item[1], item[0]))),
        heat=tuple(tuple(row) for row in heat),
        insights=tuple(insights),
    )
