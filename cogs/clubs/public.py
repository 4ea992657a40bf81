"""What the reading clubs feature offers other features: the only module of it they may import.

- `club_progress`: each active club of a circle of linked communities with the book it reads
  and how far its members are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.store import Store

__all__ = ["ClubProgress", "club_progress"]


@dataclass(frozen=True, slots=True)
class ClubProgress:
    name: str
    title: str
    """The book the club reads now."""
    members: int
    finished: int
    """Members who finished the book."""
    average: float
    """How far the members are on average, 0 to 1 (members with no progress count as 0)."""


async def club_progress(store: Store, circle: Sequence[int]) -> list[ClubProgress]:
    """The circle's active clubs reading a book, in the order they were created."""
    marks = ",".join("?" * len(circle))
    rows = await store.fetchall(
        f"""
        SELECT c.name, r.title,
               (SELECT count(*) FROM club_members cm WHERE cm.club_id = c.id),
               (SELECT count(*) FROM club_progress p WHERE p.reading_id = r.id
                  AND p.fraction >= 1),
               (SELECT coalesce(sum(p.fraction), 0) FROM club_progress p
                  JOIN club_members cm ON cm.club_id = c.id AND cm.member_id = p.member_id
                  WHERE p.reading_id = r.id)
        FROM clubs c
        JOIN club_readings r ON r.club_id = c.id AND r.state = 'reading'
        WHERE c.community_id IN ({marks}) AND c.state = 'active'
        ORDER BY c.id, r.id
        """,
        tuple(circle),
    )
    return [
        ClubProgress(row[0], row[1], row[2], row[3], row[4] / row[2] if row[2] else 0.0)
        for row in rows
    ]
