"""The outbox's table: messages stored before they go to their platform (bot/api/outbox.py sends).

A row is 'waiting' until a sender takes it, 'sending' while the platform has it (one found so at
start was cut by a crash and is sent again), and deleted once the platform took it, together
with its send-once key turning 'sent' in one transaction, so a job's message is never both
delivered and sent again by the job. A row given up is kept 'failed' for a moderator to read.
What the rows hold (a destination, replies) is opaque here.

A row belongs to the process that stored it (``owner``, bot/storage/owners.py), which keeps it
in its queues; another takes it over (:meth:`OutboxTable.adopt`) only once that process stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.owners import left_behind
from bot.storage.store import Atomic, Store
from bot.time.clock import utc_text


@dataclass(frozen=True, slots=True)
class Queued:
    id: int
    platform: str
    destination: str
    replies: str
    attempts: int
    due_at: datetime
    cut: bool = False
    """Being sent when its process stopped: its outcome is unknown."""


_QUEUED = "id, platform, destination, replies, attempts, due_at, state"


def _queued(row: tuple) -> Queued:
    return Queued(
        row[0], row[1], row[2], row[3], row[4], datetime.fromisoformat(row[5]), row[6] == "sending"
    )


class OutboxTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(
        self,
        platform: str,
        destination: str,
        replies: str,
        now: datetime,
        key: str | None = None,
        *,
        sending: bool = False,
    ) -> int:
        """Store one message, waiting (or, with `sending`, going out right now); its id."""
        when = utc_text(now)
        state, attempts = ("sending", 1) if sending else ("waiting", 0)

        owner = self.store.owner

        def insert(db: Atomic) -> int:
            return int(
                db.fetchval(
                    "INSERT INTO outbox (platform, destination, replies, key, state, attempts,"
                    " created_at, due_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (platform, destination, replies, key, state, attempts, when, when, owner),
                )
            )

        return await self.store.atomically(insert)

    async def sending(self, message_id: int) -> None:
        """The message goes to its platform now: a crash from here on leaves its outcome unknown."""
        await self.store.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?",
            (message_id,),
        )

    async def delivered(self, message_ids: list[int]) -> None:
        """The platform took them: forget them, and mark their send-once keys sent."""

        def forget(db: Atomic) -> None:
            marks = ",".join("?" * len(message_ids))
            keys = db.fetchall(
                f"DELETE FROM outbox WHERE id IN ({marks}) RETURNING key", tuple(message_ids)
            )
            for (key,) in keys:
                if key is not None:
                    db.execute("UPDATE sent_keys SET state = 'sent' WHERE key = ?", (key,))

        await self.store.atomically(forget)

    async def forget(self, message_id: int) -> None:
        """Not sent, and not to be: its sender deals with the failure (bot/api/outbox.py)."""
        await self.store.execute("DELETE FROM outbox WHERE id = ?", (message_id,))

    async def retry(self, message_id: int, due: datetime, error: str) -> None:
        await self.store.execute(
            "UPDATE outbox SET state = 'waiting', due_at = ?, error = ? WHERE id = ?",
            (utc_text(due), error[:500], message_id),
        )

    async def give_up(self, message_id: int, error: str) -> None:
        """Kept as 'failed'; its send-once key stays taken (the job does not send it again)."""
        await self.store.execute(
            "UPDATE outbox SET state = 'failed', error = ? WHERE id = ?",
            (error[:500], message_id),
        )

    async def adopt(self, platform: str) -> list[Queued]:
        """Take over what waits for `platform` in the queues of processes that stopped (at
        start: the last run's), oldest first, with what they were sending (its outcome unknown:
        it goes again). What a live process holds stays its."""
        held, params = await left_behind(
            self.store, "outbox", "platform = ? AND state IN ('waiting', 'sending')", (platform,)
        )
        rows = await self.store.fetchall(
            f"UPDATE outbox SET owner = ? WHERE {held} RETURNING {_QUEUED}",
            (self.store.owner, *params),
        )
        return sorted((_queued(tuple(row)) for row in rows), key=lambda queued: queued.id)
