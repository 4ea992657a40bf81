"""Members' shelves, ratings and suggestions in SQLite (tables of migration 0009)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.store import Atomic, Store

Once = Callable[[str, Callable[[Atomic], Any]], Awaitable[Any]]
"""`Context.once`: a write done once per command a member sent."""

STATUSES = ("want", "reading", "read")


@dataclass(frozen=True, slots=True)
class ShelfEntry:
    book_id: int
    title: str
    status: str
    stars: int | None


@dataclass(frozen=True, slots=True)
class Rating:
    stars: int
    review: str
    name: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    book_id: int
    title: str
    member_id: int
    name: str
    note: str
    votes: int
    author: str  # the book's first author, "" when unknown


class ShelfStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def put(self, member_id: int, book_id: int, status: str, now: datetime) -> str | None:
        """Put a book on the member's shelf; returns the status it had before, if any."""
        async with self.store.transaction() as tx:
            before = await tx.fetchval(
                "SELECT status FROM shelf WHERE member_id = ? AND book_id = ?",
                (member_id, book_id),
            )
            await tx.execute(
                "INSERT INTO shelf (member_id, book_id, status, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (member_id, book_id) DO UPDATE SET"
                " status = excluded.status, updated_at = excluded.updated_at",
                (member_id, book_id, status, now.isoformat()),
            )
        return before

    async def shelf(self, member_id: int, limit: int = 30) -> list[ShelfEntry]:
        rows = await self.store.fetchall(
            """
            SELECT s.book_id, b.title, s.status, r.stars
            FROM shelf AS s
            JOIN books AS b ON b.id = s.book_id
            LEFT JOIN ratings AS r ON r.member_id = s.member_id AND r.book_id = s.book_id
            WHERE s.member_id = ?
            ORDER BY s.updated_at DESC, s.book_id DESC
            LIMIT ?
            """,
            (member_id, limit),
        )
        return [ShelfEntry(*row) for row in rows]

    async def rate(
        self, member_id: int, book_id: int, stars: int, review: str, now: datetime
    ) -> None:
        """Rate a book (again); a rated book is on the shelf as read, unless the member is still
        reading it (a rating given half-way does not finish the book)."""
        stamp = now.isoformat()
        async with self.store.transaction() as tx:
            await tx.execute(
                "INSERT INTO ratings (member_id, book_id, stars, review, rated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id, book_id) DO UPDATE SET"
                " stars = excluded.stars, rated_at = excluded.rated_at,"
                " review = CASE WHEN excluded.review = '' THEN ratings.review"
                " ELSE excluded.review END",
                (member_id, book_id, stars, review, stamp),
            )
            await tx.execute(
                "INSERT INTO shelf (member_id, book_id, status, updated_at)"
                " VALUES (?, ?, 'read', ?) ON CONFLICT (member_id, book_id) DO UPDATE SET"
                " status = 'read', updated_at = excluded.updated_at"
                " WHERE shelf.status != 'reading'",
                (member_id, book_id, stamp),
            )

    async def rating_summary(self, book_id: int) -> tuple[int, float]:
        """How many members rated the book and their average stars."""
        row = await self.store.fetchone(
            "SELECT count(*), coalesce(avg(stars), 0) FROM ratings WHERE book_id = ?", (book_id,)
        )
        assert row is not None
        return int(row[0]), float(row[1])

    async def reviews(self, book_id: int, limit: int = 3) -> list[Rating]:
        rows = await self.store.fetchall(
            "SELECT r.stars, r.review, m.display_name FROM ratings AS r"
            " JOIN members AS m ON m.id = r.member_id"
            " WHERE r.book_id = ? AND r.review != '' ORDER BY r.rated_at DESC LIMIT ?",
            (book_id, limit),
        )
        return [Rating(*row) for row in rows]

    async def suggest(
        self,
        community_id: int,
        member_id: int,
        book_id: int,
        note: str,
        now: datetime,
        *,
        once: Once | None = None,
    ) -> int:
        """A new suggestion's number; through `once`, a command handled again after a crash
        gets the one it made the first time."""

        def insert(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "INSERT INTO suggestions (community_id, member_id, book_id, note, created_at)"
                    " VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (community_id, member_id, book_id, note, now.isoformat()),
                )
            )

        return int(
            await once("suggestion", insert) if once else await self.store.atomically(insert)
        )

    async def suggestion(self, suggestion_id: int, circle: Sequence[int]) -> Suggestion | None:
        """A suggestion made in a circle of linked communities."""
        found = await self._suggestions(
            f"s.id = ? AND s.community_id IN {_in(circle)}", (suggestion_id, *circle), 1
        )
        return found[0] if found else None

    async def vote(self, suggestion_id: int, member_id: int, now: datetime) -> bool:
        """Upvote; False when the member had already voted for it."""
        async with self.store.transaction() as tx:
            if await tx.fetchval(
                "SELECT 1 FROM suggestion_votes WHERE suggestion_id = ? AND member_id = ?",
                (suggestion_id, member_id),
            ):
                return False
            await tx.execute(
                "INSERT INTO suggestion_votes (suggestion_id, member_id, voted_at)"
                " VALUES (?, ?, ?)",
                (suggestion_id, member_id, now.isoformat()),
            )
        return True

    async def top(
        self, circle: Sequence[int], since: datetime, until: datetime, limit: int = 5
    ) -> list[Suggestion]:
        return await self._suggestions(
            f"s.community_id IN {_in(circle)} AND s.created_at >= ? AND s.created_at < ?",
            (*circle, since.isoformat(), until.isoformat()),
            limit,
        )

    async def _suggestions(self, where: str, params: tuple, limit: int) -> list[Suggestion]:
        rows = await self.store.fetchall(
            f"""
            SELECT s.id, s.book_id, b.title, s.member_id, m.display_name, s.note,
                   (SELECT count(*) FROM suggestion_votes AS v WHERE v.suggestion_id = s.id)
                       AS votes,
                   coalesce(json_extract(b.authors, '$[0]'), '')
            FROM suggestions AS s
            JOIN books AS b ON b.id = s.book_id
            JOIN members AS m ON m.id = s.member_id
            WHERE {where}
            ORDER BY votes DESC, s.created_at, s.id
            LIMIT ?
            """,
            (*params, limit),
        )
        return [Suggestion(*row) for row in rows]


def _in(ids: Sequence[int]) -> str:
    return "(" + ", ".join("?" * len(ids)) + ")"
