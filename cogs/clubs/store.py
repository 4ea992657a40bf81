"""Clubs, their readings, members, progress and votes in SQLite (bot/storage/migrations/0010)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.api.context import Once
from bot.storage.store import Atomic, Store
from bot.time.clock import utc_text as _utc
from cogs.clubs.plan import Plan, make_plan


@dataclass(frozen=True, slots=True)
class Club:
    id: int
    community_id: int
    name: str
    home: str
    hashtag: str
    created_by: int | None
    created_at: datetime
    state: str
    finished_at: datetime | None
    meeting_rule: str | None
    meeting_start: str | None


@dataclass(frozen=True, slots=True)
class Reading:
    id: int
    club_id: int
    book_id: int | None
    title: str
    byline: str
    starts_at: datetime
    weeks: int
    unit: str
    pages: int | None
    chapters: int | None
    revision: int
    state: str
    finished_at: datetime | None
    vote_id: int | None

    @property
    def counts(self) -> dict[str, int | None]:
        return {"pages": self.pages, "chapters": self.chapters, "percent": 100}

    @property
    def plan(self) -> Plan:
        total = self.counts[self.unit] or 100
        return make_plan(self.starts_at, self.weeks, self.unit, total)


@dataclass(frozen=True, slots=True)
class Progress:
    member_id: int
    name: str
    fraction: float
    unit: str
    value: int
    note: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Vote:
    id: int
    club_id: int
    closes_at: datetime
    state: str
    winner: int | None


@dataclass(frozen=True, slots=True)
class Option:
    position: int
    book_id: int | None
    title: str
    byline: str


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _club(row: Any) -> Club:
    return Club(
        row["id"],
        row["community_id"],
        row["name"],
        row["home"],
        row["hashtag"],
        row["created_by"],
        datetime.fromisoformat(row["created_at"]),
        row["state"],
        _time(row["finished_at"]),
        row["meeting_rule"],
        row["meeting_start"],
    )


def _reading(row: Any) -> Reading:
    return Reading(
        row["id"],
        row["club_id"],
        row["book_id"],
        row["title"],
        row["byline"],
        datetime.fromisoformat(row["starts_at"]),
        row["weeks"],
        row["unit"],
        row["pages"],
        row["chapters"],
        row["revision"],
        row["state"],
        _time(row["finished_at"]),
        row["vote_id"],
    )


@dataclass(frozen=True, slots=True)
class NewReading:
    """A book a club starts reading (its first, or one chosen later): its plan is made from
    these."""

    book_id: int | None
    title: str
    byline: str
    starts_at: datetime
    weeks: int
    pages: int | None
    vote_id: int | None = None


def _insert_reading(db: Atomic, club_id: int, reading: NewReading) -> int:
    return int(
        db.fetchval(
            "INSERT INTO club_readings (club_id, book_id, title, byline, starts_at, weeks,"
            " unit, pages, vote_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                club_id,
                reading.book_id,
                reading.title,
                reading.byline,
                _utc(reading.starts_at),
                reading.weeks,
                "pages" if reading.pages else "percent",
                reading.pages,
                reading.vote_id,
            ),
        )
    )


class ClubStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Clubs -------------------------------------------------------------------------------------

    async def create(
        self,
        community_id: int,
        circle: Sequence[int],
        name: str,
        member_id: int,
        now: datetime,
        first: NewReading,
        *,
        once: Once | None = None,
    ) -> tuple[int, int] | None:
        """A new active club with its first reading and its creator as a member, in one
        transaction: the club's and the reading's ids; None when an active club of the circle
        has the name. Through `once`, a command handled again after a crash gets the club it
        made the first time."""
        among = ", ".join("?" * len(circle)) or "NULL"

        def insert(db: Atomic) -> list[int] | None:
            taken = db.fetchval(
                f"SELECT 1 FROM clubs WHERE community_id IN ({among}) AND state = 'active'"
                " AND name_key = ?",
                (*circle, name.casefold()),
            )
            club_id = None
            if not taken:
                club_id = db.fetchval(
                    "INSERT INTO clubs (community_id, name, name_key, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                    (community_id, name, name.casefold(), member_id, _utc(now)),
                )
            if club_id is None:
                return None
            reading_id = _insert_reading(db, club_id, first)
            db.execute(
                "INSERT INTO club_members (club_id, member_id, joined_at) VALUES (?, ?, ?)",
                (club_id, member_id, _utc(now)),
            )
            return [club_id, reading_id]

        made = await once("club", insert) if once else await self.store.atomically(insert)
        return (int(made[0]), int(made[1])) if made else None

    async def set_home(self, club_id: int, home: str, hashtag: str) -> None:
        await self.store.execute(
            "UPDATE clubs SET home = ?, hashtag = ? WHERE id = ?", (home, hashtag, club_id)
        )

    async def remove(self, club_id: int) -> None:
        """Undo a club whose home could not be opened."""
        await self.store.execute("DELETE FROM clubs WHERE id = ?", (club_id,))

    async def get(self, club_id: int) -> Club | None:
        row = await self.store.fetchone("SELECT * FROM clubs WHERE id = ?", (club_id,))
        return _club(row) if row else None

    async def clubs(self, circle: Sequence[int], *, active_only: bool = True) -> list[Club]:
        """The clubs of a circle of linked communities (made on any of them)."""
        state = "AND state = 'active'" if active_only else ""
        rows = await self.store.fetchall(
            f"SELECT * FROM clubs WHERE community_id IN ({', '.join('?' * len(circle))})"
            f" {state} ORDER BY state, id",
            tuple(circle),
        )
        return [_club(row) for row in rows]

    async def active(self) -> list[Club]:
        rows = await self.store.fetchall("SELECT * FROM clubs WHERE state = 'active'")
        return [_club(row) for row in rows]

    async def finish(self, club_id: int, now: datetime) -> None:
        await self.store.execute(
            "UPDATE clubs SET state = 'finished', finished_at = ? WHERE id = ?",
            (_utc(now), club_id),
        )

    async def set_meeting(self, club_id: int, rule: str | None, start: str | None) -> None:
        await self.store.execute(
            "UPDATE clubs SET meeting_rule = ?, meeting_start = ? WHERE id = ?",
            (rule, start, club_id),
        )

    # Members -----------------------------------------------------------------------------------

    async def join(self, club_id: int, member_id: int, now: datetime) -> bool:
        """False when the member was in the club already."""
        added = await self.store.fetchval(
            "INSERT INTO club_members (club_id, member_id, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING member_id",
            (club_id, member_id, _utc(now)),
        )
        return added is not None

    async def leave(self, club_id: int, member_id: int) -> bool:
        """False when the member was not in the club."""
        gone = await self.store.fetchval(
            "DELETE FROM club_members WHERE club_id = ? AND member_id = ? RETURNING member_id",
            (club_id, member_id),
        )
        return gone is not None

    async def is_member(self, club_id: int, member_id: int) -> bool:
        found = await self.store.fetchval(
            "SELECT 1 FROM club_members WHERE club_id = ? AND member_id = ?", (club_id, member_id)
        )
        return found is not None

    async def member_names(self, club_id: int) -> list[tuple[int, str]]:
        rows = await self.store.fetchall(
            "SELECT m.id, m.display_name FROM club_members c JOIN members m ON m.id = c.member_id"
            " WHERE c.club_id = ? ORDER BY c.joined_at, m.id",
            (club_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def clubs_of(self, member_id: int, circle: Sequence[int]) -> list[Club]:
        rows = await self.store.fetchall(
            "SELECT c.* FROM clubs c JOIN club_members m ON m.club_id = c.id"
            f" WHERE m.member_id = ? AND c.community_id IN ({', '.join('?' * len(circle))})"
            " AND c.state = 'active' ORDER BY c.id",
            (member_id, *circle),
        )
        return [_club(row) for row in rows]

    async def member_count(self, club_id: int) -> int:
        return int(
            await self.store.fetchval(
                "SELECT count(*) FROM club_members WHERE club_id = ?", (club_id,)
            )
        )

    # Readings ----------------------------------------------------------------------------------

    async def start_reading(self, club_id: int, first: NewReading) -> int:
        return int(await self.store.atomically(lambda db: _insert_reading(db, club_id, first)))

    async def reading(self, reading_id: int) -> Reading | None:
        row = await self.store.fetchone("SELECT * FROM club_readings WHERE id = ?", (reading_id,))
        return _reading(row) if row else None

    async def current(self, club_id: int) -> Reading | None:
        row = await self.store.fetchone(
            "SELECT * FROM club_readings WHERE club_id = ? AND state = 'reading'"
            " ORDER BY id DESC LIMIT 1",
            (club_id,),
        )
        return _reading(row) if row else None

    async def readings(self, club_id: int) -> list[Reading]:
        rows = await self.store.fetchall(
            "SELECT * FROM club_readings WHERE club_id = ? ORDER BY id", (club_id,)
        )
        return [_reading(row) for row in rows]

    async def finish_reading(self, reading_id: int, now: datetime) -> None:
        await self.store.execute(
            "UPDATE club_readings SET state = 'finished', finished_at = ? WHERE id = ?",
            (_utc(now), reading_id),
        )

    async def replan(self, reading_id: int, unit: str, count: int) -> int:
        """Count the book in `unit` now; returns the plan's new revision."""
        column = "pages" if unit == "pages" else "chapters"
        return int(
            await self.store.fetchval(
                f"UPDATE club_readings SET unit = ?, {column} = ?, revision = revision + 1"
                " WHERE id = ? RETURNING revision",
                (unit, count, reading_id),
            )
        )

    async def set_prompt(self, reading_id: int, section: int, text: str) -> None:
        await self.store.execute(
            "INSERT INTO club_prompts (reading_id, section, text) VALUES (?, ?, ?)"
            " ON CONFLICT (reading_id, section) DO UPDATE SET text = excluded.text",
            (reading_id, section, text),
        )

    async def own_prompt(self, reading_id: int, section: int) -> str | None:
        return await self.store.fetchval(
            "SELECT text FROM club_prompts WHERE reading_id = ? AND section = ?",
            (reading_id, section),
        )

    # Progress ----------------------------------------------------------------------------------

    async def record(
        self,
        reading_id: int,
        member_id: int,
        fraction: float,
        unit: str,
        value: int,
        note: str,
        now: datetime,
    ) -> None:
        await self.store.execute(
            "INSERT INTO club_progress (reading_id, member_id, fraction, unit, value, note,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (reading_id, member_id) DO UPDATE SET fraction = excluded.fraction,"
            " unit = excluded.unit, value = excluded.value, note = excluded.note,"
            " updated_at = excluded.updated_at",
            (reading_id, member_id, fraction, unit, value, note, _utc(now)),
        )

    async def progress(self, reading_id: int) -> list[Progress]:
        """Everyone's place, furthest first; at the same place, who got there first."""
        rows = await self.store.fetchall(
            "SELECT p.member_id, m.display_name, p.fraction, p.unit, p.value, p.note,"
            " p.updated_at FROM club_progress p JOIN members m ON m.id = p.member_id"
            " WHERE p.reading_id = ? ORDER BY p.fraction DESC, p.updated_at, m.display_name",
            (reading_id,),
        )
        return [
            Progress(row[0], row[1], row[2], row[3], row[4], row[5], datetime.fromisoformat(row[6]))
            for row in rows
        ]

    async def finished_count(self, reading_id: int) -> int:
        return int(
            await self.store.fetchval(
                "SELECT count(*) FROM club_progress WHERE reading_id = ? AND fraction >= 1",
                (reading_id,),
            )
        )

    # Votes -------------------------------------------------------------------------------------

    async def open_vote(
        self,
        club_id: int,
        options: list[tuple[int | None, str, str]],
        closes_at: datetime,
        member_id: int,
        now: datetime,
        *,
        once: Once | None = None,
    ) -> tuple[int | None, int | None]:
        """Open a vote: its id and None; or None and the id of the vote already open in the
        club. Through `once`, a command handled again after a crash gets the vote it opened."""

        def open_(db: Atomic) -> list[int | None]:
            already = db.fetchval(
                "SELECT id FROM club_votes WHERE club_id = ? AND state = 'open'", (club_id,)
            )
            if already is not None:
                return [None, int(already)]
            vote_id = int(
                db.fetchval(
                    "INSERT INTO club_votes (club_id, closes_at, created_by, created_at)"
                    " VALUES (?, ?, ?, ?) RETURNING id",
                    (club_id, _utc(closes_at), member_id, _utc(now)),
                )
            )
            for position, (book_id, title, byline) in enumerate(options, 1):
                db.execute(
                    "INSERT INTO club_vote_options (vote_id, position, book_id, title, byline)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (vote_id, position, book_id, title, byline),
                )
            return [vote_id, None]

        made = await once("vote", open_) if once else await self.store.atomically(open_)
        return made[0], made[1]

    async def vote(self, vote_id: int) -> Vote | None:
        row = await self.store.fetchone(
            "SELECT id, club_id, closes_at, state, winner FROM club_votes WHERE id = ?", (vote_id,)
        )
        if row is None:
            return None
        return Vote(row[0], row[1], datetime.fromisoformat(row[2]), row[3], row[4])

    async def open_vote_of(self, club_id: int) -> Vote | None:
        vote_id = await self.store.fetchval(
            "SELECT id FROM club_votes WHERE club_id = ? AND state = 'open'", (club_id,)
        )
        return await self.vote(vote_id) if vote_id else None

    async def options(self, vote_id: int) -> list[Option]:
        rows = await self.store.fetchall(
            "SELECT position, book_id, title, byline FROM club_vote_options WHERE vote_id = ?"
            " ORDER BY position",
            (vote_id,),
        )
        return [Option(row[0], row[1], row[2], row[3]) for row in rows]

    async def cast(self, vote_id: int, member_id: int, position: int, now: datetime) -> None:
        await self.store.execute(
            "INSERT INTO club_ballots (vote_id, member_id, position, cast_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (vote_id, member_id) DO UPDATE SET position = excluded.position,"
            " cast_at = excluded.cast_at",
            (vote_id, member_id, position, _utc(now)),
        )

    async def tally(self, vote_id: int) -> dict[int, int]:
        rows = await self.store.fetchall(
            "SELECT position, count(*) FROM club_ballots WHERE vote_id = ? GROUP BY position",
            (vote_id,),
        )
        return {row[0]: row[1] for row in rows}

    async def close_vote(self, vote_id: int, state: str, winner: int | None) -> bool:
        """False when the vote was no longer open (closed already)."""
        closed = await self.store.fetchval(
            "UPDATE club_votes SET state = ?, winner = ? WHERE id = ? AND state = 'open'"
            " RETURNING id",
            (state, winner, vote_id),
        )
        return closed is not None

    # Settings ----------------------------------------------------------------------------------

    async def members_create(self, community_id: int) -> bool:
        found = await self.store.fetchval(
            "SELECT members_create FROM club_settings WHERE community_id = ?", (community_id,)
        )
        return bool(found)

    async def set_members_create(self, community_id: int, allowed: bool) -> None:
        await self.store.execute(
            "INSERT INTO club_settings (community_id, members_create) VALUES (?, ?)"
            " ON CONFLICT (community_id) DO UPDATE SET members_create = excluded.members_create",
            (community_id, int(allowed)),
        )
