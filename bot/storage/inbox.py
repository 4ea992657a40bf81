"""The durable inbox: updates stored before the platform is told they arrived.

A platform that re-sends what was not confirmed (Telegram's getUpdates offset) loses nothing when
the process dies, as long as each update is stored before the confirmation goes out and marked
done only once it was handled. :meth:`Inbox.take` stores a batch and returns only the updates not
seen before (a re-sent one is not handled twice); :meth:`Inbox.unfinished` gives, at start, those
stored but not finished, to be handled once.
"""

from __future__ import annotations

import asyncio
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
        self._finished: list[tuple[str, str]] = []
        self._writing = asyncio.Lock()

    async def take(self, updates: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
        """Store a batch (update id, payload) in one transaction; the ids new to the inbox."""
        if not updates:
            return []
        now = utc_text(self.clock.now())
        ids = [update_id for update_id, _ in updates]
        marks = ", ".join("?" * len(ids))
        async with self.store.transaction() as tx:
            known = {
                row[0]
                for row in await tx.fetchall(
                    f"SELECT update_id FROM inbox WHERE platform = ? AND update_id IN ({marks})",
                    (self.platform, *ids),
                )
            }
            new = [(i, payload) for i, payload in updates if i not in known]
            await tx.executemany(
                "INSERT INTO inbox (platform, update_id, payload, received_at) VALUES (?, ?, ?, ?)",
                [(self.platform, i, json.dumps(payload), now) for i, payload in new],
            )
        return [i for i, _ in new]

    async def unfinished(self) -> list[tuple[str, dict[str, Any]]]:
        """Updates stored but not finished (the process stopped while handling them)."""
        rows = await self.store.fetchall(
            "SELECT update_id, payload FROM inbox WHERE platform = ? AND state = 'pending'"
            " ORDER BY received_at, CAST(update_id AS INTEGER)",
            (self.platform,),
        )
        return [(update_id, json.loads(payload)) for update_id, payload in rows]

    async def finish(self, update_id: str, *, skipped: bool = False) -> None:
        """Mark an update handled (or skipped). Marks made while one is being written are
        written together next, in one transaction: under a burst the inbox costs one commit
        per batch, not one per update, and when idle a mark is written at once."""
        self._finished.append((update_id, "skipped" if skipped else "done"))
        async with self._writing:
            if not self._finished:
                return  # written by the mark before us
            marks, self._finished = self._finished, []
            now = utc_text(self.clock.now())
            async with self.store.transaction() as tx:
                await tx.executemany(
                    "UPDATE inbox SET state = ?, finished_at = ?"
                    " WHERE platform = ? AND update_id = ?",
                    [(state, now, self.platform, update_id) for update_id, state in marks],
                )

    async def prune(self) -> int:
        """Forget finished updates older than `KEEP`; how many."""
        rows = await self.store.fetchall(
            "DELETE FROM inbox WHERE platform = ? AND state != 'pending' AND finished_at < ?"
            " RETURNING update_id",
            (self.platform, utc_text(self.clock.now() - KEEP)),
        )
        return len(rows)
