"""The durable inbox: updates stored before the platform is told they arrived.

A platform that re-sends what was not confirmed (Telegram's getUpdates offset) loses nothing when
the process dies, as long as each update is stored before the confirmation goes out and marked
done only once it was handled. :meth:`Inbox.take` stores a batch and returns only the updates not
seen before (a re-sent one is not handled twice); :meth:`Inbox.unfinished` gives, at start, those
stored but not finished, to be handled once.

Handled once means taking effect once. The replies a handler produced are kept with its update
(:meth:`Inbox.answered`) before they are sent, so one taken up again after a crash is answered
from there (:meth:`Inbox.answer`) rather than run again. A command cut before that runs again;
a write that must not happen twice (a second reminder) goes through :func:`once`, which keeps
its result with the update in the write's own transaction and gives it back the second time.

Processes sharing a database share the inbox: an update is handled by the process that stored
it first (``owner``); :meth:`Inbox.unfinished` takes over only those of processes that stopped
(bot/storage/owners.py), so a process starting while others run leaves their updates alone.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.storage.owners import left_behind
from bot.storage.store import Atomic, Params, Store
from bot.time.clock import Clock, utc_text

T = TypeVar("T")

KEEP = timedelta(days=2)
"""How long finished updates are kept: longer than any platform re-sends an update."""


class Inbox:
    def __init__(self, store: Store, clock: Clock, platform: str) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self._marks: list[tuple[str, Params]] = []
        self._writing = asyncio.Lock()

    async def take(
        self,
        updates: Sequence[tuple[str, dict[str, Any]]],
        *,
        also: Sequence[tuple[str, Params]] = (),
        left: bool = False,
    ) -> list[str]:
        """Store a batch (update id, payload) with one statement; the ids new to the inbox.

        One statement, not a transaction: a stored update is skipped by the conflict on its
        key, so no other process's take has to wait (on PostgreSQL every transaction takes one
        lock for the whole database, and webhook workers each store every update they get).
        `also`: statements written in the same transaction (then there is one). `left`: the
        updates are a stopped process's (salvaged after a crash), taken up by
        :meth:`unfinished` like the others."""
        if not updates:
            return []
        now = utc_text(self.clock.now())
        owner = None if left else self.store.owner
        batch = list(dict(updates).items())  # an update listed twice is stored once
        rows = ", ".join("(?, ?, ?, ?, ?)" for _ in batch)
        insert = (
            f"INSERT INTO inbox (platform, update_id, payload, received_at, owner) VALUES {rows}"
            " ON CONFLICT (platform, update_id) DO NOTHING RETURNING update_id"
        )
        values = tuple(
            value
            for update_id, payload in batch
            for value in (self.platform, update_id, json.dumps(payload), now, owner)
        )
        if also:
            async with self.store.transaction() as tx:
                stored = await tx.fetchall(insert, values)
                for statement, params in also:
                    await tx.execute(statement, params)
        else:
            stored = await self.store.fetchall(insert, values)
        new = {row[0] for row in stored}
        return [update_id for update_id, _ in batch if update_id in new]

    async def unfinished(self) -> list[tuple[str, dict[str, Any]]]:
        """Updates stored but not finished by a process that stopped while handling them (at
        start, the last run), taken over by this one, in the order they arrived."""
        held, params = await left_behind(
            self.store, "inbox", "platform = ? AND state = 'pending'", (self.platform,)
        )
        rows = await self.store.fetchall(
            f"UPDATE inbox SET owner = ? WHERE {held} RETURNING update_id, payload, received_at",
            (self.store.owner, *params),
        )
        rows.sort(key=lambda row: (row[2], _number(row[0])))
        return [(row[0], json.loads(row[1])) for row in rows]

    async def received(self, update_id: str) -> datetime | None:
        """When an update was stored."""
        found = await self.store.fetchval(
            "SELECT received_at FROM inbox WHERE platform = ? AND update_id = ?",
            (self.platform, update_id),
        )
        return datetime.fromisoformat(found) if found else None

    async def finish(self, update_id: str, *, skipped: bool = False) -> None:
        """Mark an update handled (or skipped)."""
        await self._mark(
            "UPDATE inbox SET state = ?, finished_at = ? WHERE platform = ? AND update_id = ?",
            (
                "skipped" if skipped else "done",
                utc_text(self.clock.now()),
                self.platform,
                update_id,
            ),
        )

    async def answered(self, update_id: str, answer: str) -> None:
        """Keep the replies (bot/api/wire.py) an update's handler produced, before they go out."""
        await self._mark(
            "UPDATE inbox SET answer = ? WHERE platform = ? AND update_id = ?",
            (answer, self.platform, update_id),
        )

    async def answer(self, update_id: str) -> str | None:
        """The replies kept for an update, when its handler had finished."""
        return await self.store.fetchval(
            "SELECT answer FROM inbox WHERE platform = ? AND update_id = ?",
            (self.platform, update_id),
        )

    async def _mark(self, sql: str, params: Params) -> None:
        """Write one mark; it is written once this returns. Marks made while one is being
        written are written together next, in one transaction: under a burst the inbox costs
        one commit per batch, not one per update, and when idle a mark is written at once."""
        self._marks.append((sql, params))
        async with self._writing:
            if not self._marks:
                return  # written by the mark before us
            marks, self._marks = self._marks, []

            def write(db: Atomic) -> None:
                for statement, values in marks:
                    db.execute(statement, values)

            await self.store.atomically(write)

    async def prune(self) -> int:
        """Forget finished updates older than `KEEP`; how many."""
        rows = await self.store.fetchall(
            "DELETE FROM inbox WHERE platform = ? AND state != 'pending' AND finished_at < ?"
            " RETURNING update_id",
            (self.platform, utc_text(self.clock.now() - KEEP)),
        )
        return len(rows)


def _number(update_id: str) -> tuple[int, str]:
    """An update id's place in its order (Telegram's are numbers; others sort as text after)."""
    return (int(update_id), "") if update_id.isdigit() else (0, update_id)


async def once(
    store: Store, platform: str, update_id: str, name: str, work: Callable[[Atomic], T]
) -> T:
    """Run `work` (one transaction) once for an update in the inbox: run again for it (the
    update taken up after a crash), its first result (JSON: an id, a list) comes back instead.
    `name` tells apart the writes one command makes."""

    def guarded(db: Atomic) -> T:
        kept = db.fetchval(
            "SELECT result FROM update_effects WHERE platform = ? AND update_id = ? AND name = ?",
            (platform, update_id, name),
        )
        if kept is not None:
            return json.loads(kept)  # type: ignore[no-any-return]
        result = work(db)
        db.execute(
            "INSERT INTO update_effects (platform, update_id, name, result) VALUES (?, ?, ?, ?)",
            (platform, update_id, name, json.dumps(result)),
        )
        return result

    return await store.atomically(guarded)
