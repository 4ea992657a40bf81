"""Events and RSVPs in SQLite, with the waiting list kept in arrival order.

An events row is a one-off event or a whole series; RSVPs and cancelled occurrences are kept per
occurrence, named by its local date ('' for a one-off event).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.api.context import Once
from bot.api.identity import Member
from bot.storage.store import Atomic, Store, Transaction
from bot.time.clock import utc_text as _utc
from bot.time.recurrence import Recurrence


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
    rrule: str | None = None
    local_start: datetime | None = None
    revision: int = 0

    @property
    def recurrence(self) -> Recurrence | None:
        if self.rrule is None or self.local_start is None:
            return None
        return Recurrence(self.rrule, self.local_start)


_MEMBER = "m.id, m.platform, m.platform_id, m.display_name, m.locale, m.platform_locale"
_EVENT = (
    "id, community_id, destination, title, starts_at, place, description, capacity, state,"
    " platform_event_id, rrule, local_start, revision"
)
DEFAULT_REMINDERS = (1440, 60)  # minutes before an event, when a community has set none


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
        recurrence: Recurrence | None = None,
        *,
        once: Once | None = None,
    ) -> int:
        """A new draft's number; through `once`, a command handled again after a crash gets
        the draft it made the first time."""
        values = (
            community_id,
            destination,
            title,
            _utc(starts),
            place,
            description,
            capacity,
            member_id,
            _utc(now),
            recurrence.rule if recurrence else None,
            recurrence.start.isoformat() if recurrence else None,
        )

        def insert(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "INSERT INTO events (community_id, destination, title, starts_at, place,"
                    " description, capacity, created_by, created_at, rrule, local_start)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    values,
                )
            )

        return int(await once("event", insert) if once else await self.store.atomically(insert))

    async def save_draft(self, event_id: int, member_id: int, *, once: Once | None = None) -> bool:
        """Save the member's own draft; False when it is not a draft of theirs (a discarded
        draft's number goes to the next event created, so the Save and Cancel buttons left
        under another moderator's draft must not reach it). Through `once`, a Save handled
        again after a crash is told what the first one did."""

        def save(db: Atomic) -> bool:
            saved = db.fetchval(
                "UPDATE events SET state = 'scheduled'"
                " WHERE id = ? AND state = 'draft' AND created_by = ? RETURNING id",
                (event_id, member_id),
            )
            return saved is not None

        return bool(await once("saved", save) if once else await self.store.atomically(save))

    async def drop_draft(
        self, event_id: int, member_id: int, circle: Sequence[int], *, once: Once | None = None
    ) -> bool:
        """Forget the member's own draft, never saved, made in `circle`; False when there is
        no such draft. The next event created takes its number, so that the numbers members
        see do not skip. Through `once`, a Cancel handled again is told what the first did."""
        among = ", ".join("?" * len(circle)) or "NULL"

        def drop(db: Atomic) -> bool:
            dropped = db.fetchval(
                "DELETE FROM events WHERE id = ? AND state = 'draft' AND created_by = ?"
                f" AND community_id IN ({among}) RETURNING id",
                (event_id, member_id, *circle),
            )
            return dropped is not None

        return bool(await once("dropped", drop) if once else await self.store.atomically(drop))

    async def get(self, event_id: int) -> Event | None:
        row = await self.store.fetchone(f"SELECT {_EVENT} FROM events WHERE id = ?", (event_id,))
        return _event(row) if row else None

    async def get_many(self, event_ids: Collection[int]) -> dict[int, Event]:
        """The events with these ids that exist, by id (one query)."""
        if not event_ids:
            return {}
        marks = ",".join("?" * len(event_ids))
        rows = await self.store.fetchall(
            f"SELECT {_EVENT} FROM events WHERE id IN ({marks})", tuple(event_ids)
        )
        return {event.id: event for event in map(_event, rows)}

    async def scheduled(
        self, now: datetime, communities: Sequence[int] | None = None
    ) -> list[Event]:
        """Saved events that may still have an occurrence after `now`: one-off events still
        ahead and every series (whose next occurrence the caller works out); of `communities`
        (a circle of linked ones), else of all."""
        where, params = "", ()
        if communities is not None:
            where = f" AND community_id IN ({', '.join('?' * len(communities))})"
            params = tuple(communities)
        rows = await self.store.fetchall(
            f"SELECT {_EVENT} FROM events WHERE state = 'scheduled'"
            f" AND (rrule IS NOT NULL OR starts_at > ?){where} ORDER BY starts_at, id",
            (_utc(now), *params),
        )
        return [_event(row) for row in rows]

    async def change(self, event_id: int, **values: object) -> None:
        """Set columns of an event (names are this module's, never a member's)."""
        columns = ", ".join(f"{name} = ?" for name in values)
        converted = [
            _utc(v) if isinstance(v, datetime) and v.tzinfo else v for v in values.values()
        ]
        await self.store.execute(
            f"UPDATE events SET {columns} WHERE id = ?", (*converted, event_id)
        )

    async def next_revision(self, event_id: int) -> int:
        """A new revision for the event's reminder jobs (their keys carry it)."""
        return int(
            await self.store.fetchval(
                "UPDATE events SET revision = revision + 1 WHERE id = ? RETURNING revision",
                (event_id,),
            )
        )

    async def skips(self, event_id: int) -> set[str]:
        rows = await self.store.fetchall(
            "SELECT occurrence FROM event_skips WHERE event_id = ?", (event_id,)
        )
        return {row[0] for row in rows}

    async def skip(self, event_id: int, occurrence: str) -> None:
        await self.store.execute(
            "INSERT OR IGNORE INTO event_skips (event_id, occurrence) VALUES (?, ?)",
            (event_id, occurrence),
        )

    async def clear_skips(self, event_id: int, from_occurrence: str) -> None:
        await self.store.execute(
            "DELETE FROM event_skips WHERE event_id = ? AND occurrence >= ?",
            (event_id, from_occurrence),
        )

    async def answered(self, event_id: int, from_occurrence: str) -> list[str]:
        """Occurrences from this one on that have RSVPs, in order."""
        rows = await self.store.fetchall(
            "SELECT DISTINCT occurrence FROM rsvps WHERE event_id = ? AND occurrence >= ?"
            " ORDER BY occurrence",
            (event_id, from_occurrence),
        )
        return [row[0] for row in rows]

    async def move_answers(self, event_id: int, moves: dict[str, str], dropped: list[str]) -> None:
        """After a change of time: RSVPs follow their occurrence to its new date."""
        async with self.store.transaction() as tx:
            for old in dropped:
                await tx.execute(
                    "DELETE FROM rsvps WHERE event_id = ? AND occurrence = ?", (event_id, old)
                )
            for old, new in moves.items():
                await tx.execute(
                    "UPDATE rsvps SET occurrence = ? WHERE event_id = ? AND occurrence = ?",
                    ("~" + new, event_id, old),
                )
            await tx.execute(
                "UPDATE rsvps SET occurrence = substr(occurrence, 2)"
                " WHERE event_id = ? AND occurrence LIKE '~%'",
                (event_id,),
            )

    async def reminder_minutes(self, community_id: int) -> tuple[int, ...]:
        text = await self.store.fetchval(
            "SELECT reminder_minutes FROM event_settings WHERE community_id = ?",
            (community_id,),
        )
        return tuple(int(part) for part in text.split(",")) if text else DEFAULT_REMINDERS

    async def set_reminder_minutes(self, community_id: int, minutes: tuple[int, ...]) -> None:
        await self.store.execute(
            "INSERT INTO event_settings (community_id, reminder_minutes) VALUES (?, ?)"
            " ON CONFLICT (community_id)"
            " DO UPDATE SET reminder_minutes = excluded.reminder_minutes",
            (community_id, ",".join(map(str, minutes))),
        )

    async def set_state(self, event_id: int, state: str) -> None:
        await self.store.execute("UPDATE events SET state = ? WHERE id = ?", (state, event_id))

    async def set_platform_id(self, event_id: int, platform_id: str) -> None:
        await self.store.execute(
            "UPDATE events SET platform_event_id = ? WHERE id = ?", (platform_id, event_id)
        )

    async def counts(self, event_id: int, occurrence: str = "") -> dict[str, int]:
        rows = await self.store.fetchall(
            "SELECT answer, count(*) FROM rsvps WHERE event_id = ? AND occurrence = ?"
            " GROUP BY answer",
            (event_id, occurrence),
        )
        return {row[0]: row[1] for row in rows}

    async def answer(
        self, event: Event, occurrence: str, member_id: int, answer: str, now: datetime
    ) -> tuple[str, Member | None]:
        """Record an answer; returns what was recorded ("waiting" when full) and a member
        promoted from the waiting list by a seat this answer freed, if any."""
        key = (event.id, occurrence)
        async with self.store.transaction() as tx:
            before = await tx.fetchval(
                "SELECT answer FROM rsvps WHERE event_id = ? AND occurrence = ? AND member_id = ?",
                (*key, member_id),
            )
            recorded = answer
            if answer == "going" and before not in ("going",) and event.capacity is not None:
                going = await tx.fetchval(
                    "SELECT count(*) FROM rsvps WHERE event_id = ? AND occurrence = ?"
                    " AND answer = 'going'",
                    key,
                )
                if going >= event.capacity:
                    recorded = "waiting"
            if recorded == "waiting" and before == "waiting":
                return recorded, None  # keep the original place in the queue
            await tx.execute(
                "INSERT INTO rsvps (event_id, occurrence, member_id, answer, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, occurrence, member_id)"
                " DO UPDATE SET answer = excluded.answer, at = excluded.at",
                (*key, member_id, recorded, _utc(now)),
            )
            promoted = None
            if before == "going" and recorded != "going":
                promoted_list = await _promote(tx, event.id, occurrence, 1)
                promoted = promoted_list[0] if promoted_list else None
        return recorded, promoted

    async def promote(self, event: Event, occurrence: str) -> list[Member]:
        """Fill free seats from the waiting list (after the capacity grew)."""
        async with self.store.transaction() as tx:
            going = await tx.fetchval(
                "SELECT count(*) FROM rsvps WHERE event_id = ? AND occurrence = ?"
                " AND answer = 'going'",
                (event.id, occurrence),
            )
            free = (event.capacity - going) if event.capacity is not None else 1_000_000
            return await _promote(tx, event.id, occurrence, free) if free > 0 else []

    async def with_waiting_list(self) -> list[int]:
        """The scheduled events someone is waiting for a seat at."""
        rows = await self.store.fetchall(
            "SELECT DISTINCT r.event_id FROM rsvps r JOIN events e ON e.id = r.event_id"
            " WHERE r.answer = 'waiting' AND e.state = 'scheduled' ORDER BY r.event_id"
        )
        return [row[0] for row in rows]

    async def waiting_occurrences(self, event_id: int, from_occurrence: str) -> list[str]:
        rows = await self.store.fetchall(
            "SELECT DISTINCT occurrence FROM rsvps WHERE event_id = ? AND occurrence >= ?"
            " AND answer = 'waiting'",
            (event_id, from_occurrence),
        )
        return [row[0] for row in rows]

    async def members(
        self,
        event_id: int,
        answers: tuple[str, ...],
        *,
        occurrence: str = "",
        since: str | None = None,
        reminders_only: bool = False,
    ) -> list[Member]:
        """Members with these answers for one occurrence or, with `since`, for any occurrence
        from that one on (each member once)."""
        marks = ",".join("?" * len(answers))
        optout = (
            " AND m.id NOT IN (SELECT member_id FROM reminder_optouts)" if reminders_only else ""
        )
        which = "r.occurrence = ?" if since is None else "r.occurrence >= ?"
        rows = await self.store.fetchall(
            f"SELECT {_MEMBER}, min(r.at) AS first"
            " FROM rsvps r JOIN members m ON m.id = r.member_id"
            f" WHERE r.event_id = ? AND {which} AND r.answer IN ({marks}){optout}"
            " GROUP BY m.id ORDER BY first, m.id",
            (event_id, occurrence if since is None else since, *answers),
        )
        return [Member(*row[:6]) for row in rows]

    async def names(self, event_id: int, occurrence: str, answer: str) -> list[str]:
        found = await self.members(event_id, (answer,), occurrence=occurrence)
        return [member.display_name for member in found]


async def _promote(tx: Transaction, event_id: int, occurrence: str, seats: int) -> list[Member]:
    rows = await tx.fetchall(
        f"SELECT {_MEMBER} FROM rsvps r JOIN members m ON m.id = r.member_id"
        " WHERE r.event_id = ? AND r.occurrence = ? AND r.answer = 'waiting'"
        " ORDER BY r.at, r.member_id LIMIT ?",
        (event_id, occurrence, seats),
    )
    promoted = [Member(*row) for row in rows]
    for member in promoted:
        await tx.execute(
            "UPDATE rsvps SET answer = 'going' WHERE event_id = ? AND occurrence = ?"
            " AND member_id = ?",
            (event_id, occurrence, member.id),
        )
    return promoted


def _event(row: object) -> Event:
    values = list(row)  # type: ignore[call-overload]
    values[4] = datetime.fromisoformat(values[4])
    if values[11]:
        values[11] = datetime.fromisoformat(values[11])
    return Event(*values)
