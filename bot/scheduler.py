"""The durable scheduler: work due at a time, kept in SQLite so a restart loses nothing.

Features register a handler for a kind of job and schedule jobs with an idempotency key
(scheduling the same key again changes nothing). One task sleeps until the next due job — there
is no task or timer per job — claims it (pending → running), runs its handler, and marks it done.

After a crash at any point: a job left running is run again at start, and the handler's sending
path refuses a message it already sent (:meth:`Scheduler.first_time`), so a member gets neither a
duplicate nor a gap. Jobs that fell due while the bot was down run at start when they are at most
`grace` late, otherwise they are marked missed and logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.clock import utc_text as _utc
from bot.store import Store

log = logging.getLogger("pustaka.scheduler")

GRACE = timedelta(hours=1)
RETRY_AFTER = timedelta(minutes=1)
ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    due_at: datetime
    attempts: int


Handler = Callable[[Job], Awaitable[None]]


class Scheduler:
    def __init__(self, store: Store, clock: Clock, *, grace: timedelta = GRACE) -> None:
        self.store = store
        self.clock = clock
        self.grace = grace
        self._handlers: dict[str, Handler] = {}
        self._wake = asyncio.Event()

    def handle(self, kind: str, handler: Handler) -> None:
        """Run `handler` for every due job of this kind (register before the scheduler runs)."""
        self._handlers[kind] = handler

    async def schedule(
        self, kind: str, key: str, due: datetime, payload: dict[str, Any] | None = None
    ) -> bool:
        """Add a job; False when a job with this key exists already (nothing changes)."""
        if due.tzinfo is None:
            raise ValueError("a due time must carry its timezone")
        added = await self.store.fetchval(
            "INSERT INTO jobs (kind, key, payload, due_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING RETURNING id",
            (kind, key, json.dumps(payload or {}), _utc(due)),
        )
        self._wake.set()
        return added is not None

    async def cancel(self, key_prefix: str) -> int:
        """Cancel pending jobs whose key starts with `key_prefix`; returns how many."""
        rows = await self.store.fetchall(
            "UPDATE jobs SET state = 'cancelled' WHERE state = 'pending' AND key >= ? AND key < ?"
            " RETURNING id",
            (key_prefix, key_prefix + "\U0010ffff"),
        )
        self._wake.set()
        return len(rows)

    async def first_time(self, key: str) -> bool:
        """True the first time a message key is seen: the sending path's guard against repeats."""
        added = await self.store.fetchval(
            "INSERT INTO sent_keys (key, sent_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
            " RETURNING key",
            (key, _utc(self.clock.now())),
        )
        return added is not None

    async def recover(self) -> None:
        """At start: jobs interrupted mid-run run again; jobs too late are marked missed."""
        await self.store.execute("UPDATE jobs SET state = 'pending' WHERE state = 'running'")
        late = await self.store.fetchall(
            "UPDATE jobs SET state = 'missed', finished_at = ? WHERE state = 'pending'"
            " AND due_at < ? RETURNING kind, key, due_at",
            (_utc(self.clock.now()), _utc(self.clock.now() - self.grace)),
        )
        for kind, key, due_at in late:
            log.warning(
                "missed %s job %s: it was due at %s, while the bot was down", kind, key, due_at
            )

    async def run(self) -> None:
        """Perform due jobs for ever (cancel the task to stop)."""
        await self.recover()
        while True:
            job = await self._next_due()
            if job is None:
                await self._sleep_until(await self._next_time())
                continue
            await self._perform(job)

    async def run_due(self) -> int:
        """Perform every job due now; returns how many ran (for tests and the console)."""
        count = 0
        while (job := await self._next_due()) is not None:
            await self._perform(job)
            count += 1
        return count

    async def _next_time(self) -> datetime | None:
        due = await self.store.fetchval("SELECT min(due_at) FROM jobs WHERE state = 'pending'")
        return datetime.fromisoformat(due) if due else None

    async def _sleep_until(self, when: datetime | None) -> None:
        self._wake.clear()
        waiter = asyncio.ensure_future(self._wake.wait())
        sleeps: list[asyncio.Future[Any]] = [waiter]
        if when is not None:
            seconds = (when - self.clock.now()).total_seconds()
            sleeps.append(asyncio.ensure_future(self.clock.sleep(seconds)))
        try:
            await asyncio.wait(sleeps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in sleeps:
                future.cancel()

    async def _next_due(self) -> Job | None:
        """Claim the earliest job that is due (pending → running), if any."""
        row = await self.store.fetchone(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1"
            " WHERE id = (SELECT id FROM jobs WHERE state = 'pending' AND due_at <= ?"
            "             ORDER BY due_at, id LIMIT 1)"
            " RETURNING id, kind, key, payload, due_at, attempts",
            (_utc(self.clock.now()),),
        )
        if row is None:
            return None
        return Job(
            row[0], row[1], row[2], json.loads(row[3]), datetime.fromisoformat(row[4]), row[5]
        )

    async def _perform(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for {job.kind!r} jobs")
            await handler(job)
        except asyncio.CancelledError:
            await self.store.execute("UPDATE jobs SET state = 'pending' WHERE id = ?", (job.id,))
            raise
        except Exception as error:
            log.exception("%s job %s failed (attempt %d)", job.kind, job.key, job.attempts)
            if job.attempts < ATTEMPTS:
                retry = _utc(self.clock.now() + RETRY_AFTER)
                await self.store.execute(
                    "UPDATE jobs SET state = 'pending', due_at = ?, error = ? WHERE id = ?",
                    (retry, str(error)[:500], job.id),
                )
            else:
                await self.store.execute(
                    "UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                    (_utc(self.clock.now()), str(error)[:500], job.id),
                )
            return
        await self.store.execute(
            "UPDATE jobs SET state = 'done', finished_at = ? WHERE id = ?",
            (_utc(self.clock.now()), job.id),
        )
