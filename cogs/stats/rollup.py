"""Rolling the core's command_usage up into the stats tables (migrations/0001_stats.sql).

A year of a busy community is millions of usage rows; /stats must answer within a second, so it
never reads them. Each catch-up folds the rows written since the last one into hourly counts per
command and weekly rows per member, a chunk of rows per transaction so the bot's other work is
never held up for long. /stats catches up before it reads (a few rows), a job every hour and
each start catch up the rest.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage.store import Atomic, Store

CHUNK = 5_000
"""Usage rows folded in per transaction: about 25 ms each, a tenth of a second on a loaded
machine, which other commands wait for (20,000 made them wait half a second under load)."""


def _shift(tz: ZoneInfo, now: datetime) -> str:
    """The community's offset from UTC as an SQLite modifier, e.g. '+420 minutes'."""
    offset = now.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"{minutes:+d} minutes"


def _offsets(db: Atomic, default: ZoneInfo, now: datetime) -> dict[int, str]:
    found: dict[int, str] = {}
    for community_id, name in db.fetchall("SELECT id, timezone FROM communities"):
        try:
            tz = ZoneInfo(name) if name else default
        except (ValueError, KeyError):
            tz = default
        found[community_id] = _shift(tz, now)
    return found


def _fold(db: Atomic, after: int, upto: int, offsets: dict[int, str]) -> None:
    communities = [
        row[0]
        for row in db.fetchall(
            "SELECT DISTINCT community_id FROM command_usage"
            " WHERE id > ? AND id <= ? AND community_id IS NOT NULL",
            (after, upto),
        )
    ]
    for community_id in communities:
        shift = offsets.get(community_id, "+0 minutes")
        db.execute(
            "INSERT INTO stats_hours (community_id, hour, command, uses)"
            " SELECT community_id, strftime('%Y-%m-%dT%H', at, ?3), command, count(*)"
            " FROM command_usage WHERE id > ?1 AND id <= ?2 AND community_id = ?4"
            " GROUP BY 1, 2, 3"
            " ON CONFLICT (community_id, hour, command) DO UPDATE SET uses = uses + excluded.uses",
            (after, upto, shift, community_id),
        )
        db.execute(
            "INSERT INTO stats_member_weeks (community_id, week, member_id, uses)"
            " SELECT community_id, date(at, ?3, 'weekday 0', '-6 days'), member_id, count(*)"
            " FROM command_usage WHERE id > ?1 AND id <= ?2 AND community_id = ?4"
            " AND member_id IS NOT NULL"
            " GROUP BY 1, 2, 3"
            " ON CONFLICT (community_id, week, member_id) DO UPDATE"
            " SET uses = uses + excluded.uses",
            (after, upto, shift, community_id),
        )
        db.execute(
            "INSERT INTO stats_members (community_id, member_id, first_week, last_week)"
            " SELECT community_id, member_id, min(week), max(week) FROM"
            " (SELECT community_id, member_id, date(at, ?3, 'weekday 0', '-6 days') AS week"
            "  FROM command_usage WHERE id > ?1 AND id <= ?2 AND community_id = ?4"
            "  AND member_id IS NOT NULL)"
            " GROUP BY community_id, member_id"
            " ON CONFLICT (community_id, member_id) DO UPDATE SET first_week = CASE"
            " WHEN excluded.first_week < first_week THEN excluded.first_week ELSE first_week END,"
            " last_week = CASE WHEN excluded.last_week > last_week THEN excluded.last_week"
            " ELSE last_week END",
            (after, upto, shift, community_id),
        )
    db.execute(
        "INSERT INTO stats_rollup (id, last_id) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id",
        (upto,),
    )


async def catch_up(
    store: Store,
    default: ZoneInfo,
    now: datetime,
    *,
    chunk: int = CHUNK,
    most: int | None = None,
) -> int:
    """Fold the usage rows not yet rolled up, oldest first (at most `most` of them); returns
    how many rows were read."""
    done = 0
    while most is None or done < most:
        size = chunk if most is None else min(chunk, most - done)

        def step(db: Atomic, size: int = size) -> int:
            after = db.fetchval("SELECT last_id FROM stats_rollup WHERE id = 1", default=0)
            last = db.fetchval("SELECT max(id) FROM command_usage") or 0
            upto = min(last, after + size)
            if upto <= after:
                return 0
            _fold(db, after, upto, _offsets(db, default, now))
            return upto - after

        folded = await store.atomically(step)
        if not folded:
            break
        done += folded
    return done


async def backlog(store: Store) -> int:
    """Usage rows written but not rolled up yet."""
    last = await store.fetchval("SELECT max(id) FROM command_usage", default=0) or 0
    after = await store.fetchval("SELECT last_id FROM stats_rollup WHERE id = 1", default=0) or 0
    return max(0, last - after)


async def forget_member_weeks(store: Store, before: str) -> int:
    """Drop the weekly rows of members (who used the bot when) of weeks before `before` (a
    date): /stats never reads them, and they name members."""
    return await store.execute("DELETE FROM stats_member_weeks WHERE week < ?", (before,))
