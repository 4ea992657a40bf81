"""Events and RSVPs in SQLite, with the waiting list kept in arrival order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import utc_text as _utc
from bot.identity import Member
from bot.store import Store


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    community_id: int
    destination: str
    title: str
    starts_at: datetime
    place: str
    description: str
    capacity: int | None
    state: str
    platform_event_id: str | None


_MEMBER = "m.id, m.platform, m.platform_id, m.display_name, m.locale, m.platform_locale"


class EventStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(
        self,
        community_id: int,
        destination: str,
        title: str,
        starts: datetime,
        place: str,
        description: str,
        capacity: int | None,
        member_id: int,
        now: datetime,
    ) -> int:
        return int(
            await self.store.fetchval(
                "INSERT INTO events (community_id, destination, title, starts_at, place,"
                " description, capacity, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    community_id,
                    destination,
                    title,
                    _utc(starts),
                    place,
                    description,
                    capacity,
                    member_id,
                    _utc(now),
                ),
            )
        )

    async def get(self, event_id: int) -> Event | None:
        row = await self.store.fetchone(
            "SELECT id, community_id, destination, title, starts_at, place, description,"
            " capacity, state, platform_event_id FROM events WHERE id = ?",
            (event_id,),
        )
        return _event(row) if row else None

    async def upcoming(self, community_id: int, now: datetime, limit: int = 10) -> list[Event]:
        rows = await self.store.fetchall(
            "SELECT id, community_id, destination, title, starts_at, place, description,"
            " capacity, state, platform_event_id FROM events"
            " WHERE community_id = ? AND state = 'scheduled' AND starts_at > ?"
            " ORDER BY starts_at LIMIT ?",
            (community_id, _utc(now), limit),
        )
        return [_event(row) for row in rows]

    async def set_state(self, event_id: int, state: str) -> None:
        await self.store.execute("UPDATE events SET state = ? WHERE id = ?", (state, event_id))

    async def set_platform_id(self, event_id: int, platform_id: str) -> None:
        await self.store.execute(
            "UPDATE events SET platform_event_id = ? WHERE id = ?", (platform_id, event_id)
        )

    async def counts(self, event_id: int) -> dict[str, int]:
        rows = await self.store.fetchall(
            "SELECT answer, count(*) FROM rsvps WHERE event_id = ? GROUP BY answer", (event_id,)
        )
        return {row[0]: row[1] for row in rows}

    async def answer(
        self, event: Event, member_id: int, answer: str, now: datetime
    ) -> tuple[str, Member | None]:
        """Record an answer; returns what was recorded ("waiting" when full) and a member
        promoted from the waiting list by a seat this answer freed, if any."""
        async with self.store.transaction() as tx:
            before = await tx.fetchval(
                "SELECT answer FROM rsvps WHERE event_id = ? AND member_id = ?",
                (event.id, member_id),
            )
            recorded = answer
            if answer == "going" and before not in ("going",) and event.capacity is not None:
                going = await tx.fetchval(
                    "SELECT count(*) FROM rsvps WHERE event_id = ? AND answer = 'going'",
                    (event.id,),
                )
                if going >= event.capacity:
                    recorded = "waiting"
            if recorded == "waiting" and before == "waiting":
                return recorded, None  # keep the original place in the queue
            await tx.execute(
                "INSERT INTO rsvps (event_id, member_id, answer, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (event_id, member_id) DO UPDATE SET answer = excluded.answer,"
                " at = excluded.at",
                (event.id, member_id, recorded, _utc(now)),
            )
            promoted = None
            if before == "going" and recorded != "going":
                row = await tx.fetchone(
                    f"SELECT {_MEMBER} FROM rsvps r JOIN members m ON m.id = r.member_id"
                    " WHERE r.event_id = ? AND r.answer = 'waiting' ORDER BY r.at, r.member_id"
                    " LIMIT 1",
                    (event.id,),
                )
                if row is not None:
                    promoted = Member(*row)
                    await tx.execute(
                        "UPDATE rsvps SET answer = 'going' WHERE event_id = ? AND member_id = ?",
                        (event.id, promoted.id),
                    )
        return recorded, promoted

    async def members(
        self, event_id: int, answers: tuple[str, ...], *, reminders_only: bool = False
    ) -> list[Member]:
        marks = ",".join("?" * len(answers))
        optout = (
            " AND m.id NOT IN (SELECT member_id FROM reminder_optouts)" if reminders_only else ""
        )
        rows = await self.store.fetchall(
            f"SELECT {_MEMBER} FROM rsvps r JOIN members m ON m.id = r.member_id"
            f" WHERE r.event_id = ? AND r.answer IN ({marks}){optout} ORDER BY r.at",
            (event_id, *answers),
        )
        return [Member(*row) for row in rows]

    async def names(self, event_id: int, answer: str) -> list[str]:
        return [m.display_name for m in await self.members(event_id, (answer,))]

    async def set_optout(self, member_id: int, off: bool) -> None:
        if off:
            await self.store.execute(
                "INSERT OR IGNORE INTO reminder_optouts (member_id) VALUES (?)", (member_id,)
            )
        else:
            await self.store.execute(
                "DELETE FROM reminder_optouts WHERE member_id = ?", (member_id,)
            )


def _event(row: object) -> Event:
    values = list(row)  # type: ignore[call-overload]
    values[4] = datetime.fromisoformat(values[4])
    return Event(*values)
