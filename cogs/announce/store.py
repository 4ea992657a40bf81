"""The announcements table and the messages each post became on its platform."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.api.context import Destination, Once
from bot.storage.store import Atomic, Store
from bot.time.recurrence import Recurrence

ONCE = "once"
"""The occurrence of an announcement that goes out one time (now or at its time)."""
OPEN = ("draft", "scheduled")


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    community_id: int
    author_id: int
    channel: Destination
    body: str
    image_name: str | None
    image: bytes | None
    link_label: str | None
    link_url: str | None
    mention: str | None
    mention_in: int | None
    state: str
    rule: str | None
    start: datetime | None
    """Scheduled: the first (or only) time, naive, in the community's wall-clock time."""
    revision: int

    @property
    def recurrence(self) -> Recurrence | None:
        return Recurrence(self.rule, self.start) if self.rule and self.start else None


@dataclass(frozen=True, slots=True)
class Posted:
    occurrence: str
    home: Destination
    community_id: int
    message_ids: tuple[str, ...]


_COLUMNS = (
    "id, community_id, author_id, channel, body, image_name, image, link_label, link_url,"
    " mention, mention_in, state, rule, start, revision"
)


def _announcement(row: Any) -> Announcement:
    return Announcement(
        id=row[0],
        community_id=row[1],
        author_id=row[2],
        channel=Destination.from_key(row[3]),
        body=row[4],
        image_name=row[5],
        image=bytes(row[6]) if row[6] is not None else None,
        link_label=row[7],
        link_url=row[8],
        mention=row[9],
        mention_in=row[10],
        state=row[11],
        rule=row[12],
        start=datetime.fromisoformat(row[13]) if row[13] else None,
        revision=row[14],
    )


class Announcements:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(
        self,
        community_id: int,
        author_id: int,
        channel: Destination,
        body: str,
        image: tuple[str, bytes] | None,
        now: datetime,
        *,
        once: Once | None = None,
    ) -> Announcement:
        """A new draft; through `once`, a command handled again after a crash gets the draft
        it made the first time."""
        values = (
            community_id,
            author_id,
            channel.key(),
            body,
            image[0] if image else None,
            image[1] if image else None,
            now.isoformat(),
        )

        def insert(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "INSERT INTO announcements"
                    " (community_id, author_id, channel, body, image_name, image, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    values,
                )
            )

        new_id = await once("announcement", insert) if once else await self.store.atomically(insert)
        found = await self.get(int(new_id))
        assert found is not None
        return found

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self.store.fetchone(
            f"SELECT {_COLUMNS} FROM announcements WHERE id = ?", (announcement_id,)
        )
        return _announcement(row) if row else None

    async def of_circle(
        self, circle: tuple[int, ...], states: tuple[str, ...]
    ) -> list[Announcement]:
        if not circle:
            return []
        among = ",".join("?" * len(circle))
        kinds = ",".join("?" * len(states))
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS} FROM announcements WHERE community_id IN ({among})"
            f" AND state IN ({kinds}) ORDER BY id DESC LIMIT 20",
            (*circle, *states),
        )
        return [_announcement(row) for row in rows]

    async def scheduled(self) -> list[Announcement]:
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS} FROM announcements WHERE state = 'scheduled'"
        )
        return [_announcement(row) for row in rows]

    async def change(self, announcement_id: int, **values: Any) -> Announcement:
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self.store.execute(
            f"UPDATE announcements SET {assignments} WHERE id = ?",
            (*values.values(), announcement_id),
        )
        found = await self.get(announcement_id)
        assert found is not None
        return found

    async def take_up(self, announcement_id: int, *, once: Once | None = None) -> int | None:
        """Mark a draft or scheduled announcement posted now: its new revision, or None when it
        was neither. Through `once`, a Post handled again after a crash gets the revision the
        first one gave."""

        def take(db: Atomic) -> int | None:
            revision = db.fetchval(
                "UPDATE announcements SET state = 'posted', rule = NULL, revision = revision + 1"
                " WHERE id = ? AND state IN ('draft', 'scheduled') RETURNING revision",
                (announcement_id,),
            )
            return None if revision is None else int(revision)

        return await once("post", take) if once else await self.store.atomically(take)

    async def schedule(
        self,
        announcement_id: int,
        rule: str | None,
        start: datetime,
        *,
        once: Once | None = None,
    ) -> Announcement:
        """Scheduled at `start` (naive, wall-clock), repeating by `rule`; a new revision.
        Through `once`, a Schedule handled again after a crash changes nothing more."""

        def change(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "UPDATE announcements SET state = 'scheduled', rule = ?, start = ?,"
                    " revision = revision + 1 WHERE id = ? RETURNING revision",
                    (rule, start.isoformat(), announcement_id),
                )
            )

        await once("schedule", change) if once else await self.store.atomically(change)
        found = await self.get(announcement_id)
        assert found is not None
        return found

    async def record(
        self,
        announcement: Announcement,
        occurrence: str,
        home: Destination,
        community_id: int,
        message_ids: list[str],
        now: datetime,
    ) -> None:
        await self.store.execute(
            "INSERT OR REPLACE INTO announcement_posts"
            " (announcement_id, occurrence, home, community_id, message_ids, posted_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                announcement.id,
                occurrence,
                home.key(),
                community_id,
                json.dumps(message_ids),
                now.isoformat(),
            ),
        )

    async def posted(self, announcement_id: int, occurrence: str | None = None) -> list[Posted]:
        """The messages still standing, oldest first (of one occurrence, or of all)."""
        sql = (
            "SELECT occurrence, home, community_id, message_ids FROM announcement_posts"
            " WHERE announcement_id = ? AND deleted = 0"
        )
        params: tuple[Any, ...] = (announcement_id,)
        if occurrence is not None:
            sql += " AND occurrence = ?"
            params += (occurrence,)
        rows = await self.store.fetchall(sql + " ORDER BY posted_at", params)
        return [
            Posted(row[0], Destination.from_key(row[1]), row[2], tuple(json.loads(row[3])))
            for row in rows
        ]

    async def forget_post(self, announcement_id: int, posted: Posted) -> None:
        await self.store.execute(
            "UPDATE announcement_posts SET deleted = 1"
            " WHERE announcement_id = ? AND occurrence = ? AND home = ?",
            (announcement_id, posted.occurrence, posted.home.key()),
        )
