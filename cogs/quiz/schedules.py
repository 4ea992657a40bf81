"""Quizzes scheduled to start by themselves (/quiz schedule), kept in quiz_schedules; each
occurrence is a job in the durable scheduler keyed by the schedule and the occurrence's time.

A series keeps its next two occurrences scheduled (planned again after each one runs and at
every start), so cancelling or moving one occurrence from /calendar leaves the series going."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from bot.api.context import Once
from bot.storage.scheduler import Scheduler
from bot.storage.store import Atomic, Store
from bot.time.clock import utc_text
from bot.time.recurrence import Recurrence

SCHEDULED = "quiz-scheduled"
AHEAD = 2  # occurrences of a series kept scheduled
LOOK = 20  # occurrences looked at to find them (past ones cancelled from /calendar)


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    community_id: int
    destination: str
    pack_key: str
    pack_title: str
    questions: int
    seconds: int
    starts_at: datetime
    rrule: str | None
    local_start: datetime | None
    said: str
    created_by: int | None
    state: str

    @property
    def recurrence(self) -> Recurrence | None:
        if self.rrule is None or self.local_start is None:
            return None
        return Recurrence(self.rrule, self.local_start)

    def times(self, after: datetime, tz: ZoneInfo) -> Iterator[datetime]:
        """Its times after `after` (UTC), in order."""
        recurrence = self.recurrence
        if recurrence is None:
            if self.starts_at > after:
                yield self.starts_at
            return
        for occurrence in recurrence.after(after, tz):
            yield occurrence.starts_at

    def key(self, occurrence: datetime) -> str:
        return f"quiz-schedule:{self.id}:{utc_text(occurrence)}"


_SCHEDULE = (
    "id, community_id, destination, pack_key, pack_title, questions, seconds, starts_at,"
    " rrule, local_start, said, created_by, state"
)


def _schedule(row: tuple) -> Schedule:  # type: ignore[type-arg]
    values = list(row)
    values[7] = datetime.fromisoformat(values[7])
    values[9] = datetime.fromisoformat(values[9]) if values[9] else None
    return Schedule(*values)


class ScheduleStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(
        self,
        *,
        community_id: int,
        destination: str,
        pack_key: str,
        pack_title: str,
        questions: int,
        seconds: int,
        starts_at: datetime,
        recurrence: Recurrence | None,
        said: str,
        created_by: int,
        now: datetime,
        once: Once | None = None,
    ) -> Schedule:
        """A new schedule; through `once`, a command handled again after a crash gets the one
        it made the first time."""
        values = (
            community_id,
            destination,
            pack_key,
            pack_title,
            questions,
            seconds,
            utc_text(starts_at),
            recurrence.rule if recurrence else None,
            recurrence.start.isoformat() if recurrence else None,
            said,
            created_by,
            utc_text(now),
        )

        def insert(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "INSERT INTO quiz_schedules (community_id, destination, pack_key, pack_title,"
                    " questions, seconds, starts_at, rrule, local_start, said, created_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    values,
                )
            )

        made = await once("schedule", insert) if once else await self.store.atomically(insert)
        found = await self.get(int(made))
        assert found is not None
        return found

    async def get(self, schedule_id: int) -> Schedule | None:
        row = await self.store.fetchone(
            f"SELECT {_SCHEDULE} FROM quiz_schedules WHERE id = ?", (schedule_id,)
        )
        return _schedule(row) if row else None

    async def get_many(self, schedule_ids: Collection[int]) -> dict[int, Schedule]:
        """The schedules with these ids that exist, by id (one query)."""
        if not schedule_ids:
            return {}
        marks = ",".join("?" * len(schedule_ids))
        rows = await self.store.fetchall(
            f"SELECT {_SCHEDULE} FROM quiz_schedules WHERE id IN ({marks})", tuple(schedule_ids)
        )
        return {schedule.id: schedule for schedule in map(_schedule, rows)}

    async def active(self, community_id: int | None = None) -> list[Schedule]:
        sql = f"SELECT {_SCHEDULE} FROM quiz_schedules WHERE state = 'active'"
        params: tuple[int, ...] = ()
        if community_id is not None:
            sql += " AND community_id = ?"
            params = (community_id,)
        return [_schedule(row) for row in await self.store.fetchall(sql + " ORDER BY id", params)]

    async def cancel(self, schedule_id: int) -> bool:
        found = await self.store.fetchval(
            "UPDATE quiz_schedules SET state = 'cancelled' WHERE id = ? AND state = 'active'"
            " RETURNING id",
            (schedule_id,),
        )
        return found is not None


async def plan(scheduler: Scheduler, schedule: Schedule, now: datetime, tz: ZoneInfo) -> None:
    """Keep the next occurrence (two of a series) scheduled; idempotent."""
    live = 0
    for occurrence in islice(schedule.times(now, tz), LOOK):
        key = schedule.key(occurrence)
        state = await scheduler.state(key)
        if state is None:
            await scheduler.schedule(
                SCHEDULED,
                key,
                occurrence,
                {
                    "schedule": schedule.id,
                    "community": schedule.community_id,
                    "occurrence": utc_text(occurrence),
                },
            )
            live += 1
        elif state in ("pending", "running"):
            live += 1
        if live >= AHEAD:
            return
