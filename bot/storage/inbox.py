"""The durable inbox: updates stored before the platform is told they arrived.

A platform that re-sends what was not confirmed (Telegram's getUpdates offset) loses nothing when
the process dies, as long as each update is stored before the confirmation goes out and marked
done only once it was handled. :meth:`Inbox.take` stores a batch and returns only the updates not
seen before (a re-sent one is not handled twice); :meth:`Inbox.unfinished` gives, at start, those
stored but not finished, to be handled once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.storage.store import Store
from bot.time.clock import Clock, utc_text

KEEP = timedelta(days=2)
"""How long finished updates are kept: longer than any platform re-sends an update."""


class Inbox:
    def __init__(self, store: Store, clock: Clock, platform: str) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform

    async def take(self, updates: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
        """Store a batch (update id, payload) in one transaction; the ids new to the inbox."""
        if not updates:
            return []
        now = utc_text(self.clock.now())
        new = []
        async with self.store.transaction() as tx:
            for update_id, payload in updates:
                added = await tx.fetchval(
                    "INSERT INTO inbox (platform, update_id, payload, received_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING update_id",
                    (self.platform, update_id, json.dumps(payload), now),
                )
                if added is not None:
                    new.append(update_id)
        return new

    async def unfinished(self) -> list[tuple[str, dict[str, Any]]]:
        """Updates stored but not finished (the process stopped while handling them)."""
        rows = await self.store.fetchall(
            "SELECT update_id, payload FROM inbox WHERE platform = ? AND state = 'pending'"
            " ORDER BY received_at, CAST(update_id AS INTEGER)",
            (self.platform,),
        )
        return [(update_id, json.loads(payload)) for update_id, payload in rows]

    async def finish(self, update_id: str, *, skipped: bool = False) -> None:
        await self.store.execute(
            "UPDATE inbox SET state = ?, finished_at = ? WHERE platform = ? AND update_id = ?",
            (
                "skipped" if skipped else "done",
                utc_text(self.clock.now()),
                self.platform,
                update_id,
            ),
        )

    async def depth(self) -> int:
        return await self.store.fetchval(
            "SELECT count(*) FROM inbox WHERE platform = ? AND state = 'pending'",
            (self.platform,),
        )

    async def prune(self) -> int:
        """Forget finished updates older than `KEEP`; how many."""
        rows = await self.store.fetchall(
            "DELETE FROM inbox WHERE platform = ? AND state != 'pending' AND finished_at < ?"
            " RETURNING update_id",
            (self.platform, utc_text(self.clock.now() - KEEP)),
        )
        return len(rows)
