"""The durable scheduler: work due at a time, kept in SQLite so a restart loses nothing.

Features register a handler for a kind of job and schedule jobs with an idempotency key
(scheduling the same key again changes nothing). One task sleeps until the next due job — there
is no task or timer per job — claims it (pending → running), runs its handler, and marks it done.
Jobs due together are claimed in batches of up to `BATCH` and marked done together once the
burst is over, so a thousand reminders due at the same instant cost a few statements rather than
two each (bench/scheduler.py). A job already claimed can no longer be cancelled; its handler checks
whether it still applies.

After a crash at any point: a job left running is run again at start, and the handler's sending
path refuses a message it already sent (:meth:`Scheduler.send_once`, which features reach through
:meth:`bot.api.jobs.JobContext.send_once`), so a member gets no duplicate, and a message cut
mid-send (its outcome unknown) is sent again, so no gap: at worst, logged, one duplicate.
Jobs that fell due while the bot was down run at start when they are at most `grace` late,
otherwise they are marked missed and logged.

Several processes may share a PostgreSQL database. A claimed job and a message key being sent
carry the number of the process that holds them, and only those of a process that stopped are
taken back (bot/storage/owners.py): at start, and on a shared database every
:data:`~bot.storage.owners.SWEEP` seconds while running, so the jobs a killed process was
running are run by another at once, and a starting process never takes a live one's. There a
sleeping scheduler also looks for due jobs at least every `SWEEP` seconds: a job another process
scheduled (and may not live to run) does not wake this one.

A moderator may act on one pending job by its id (/calendar): :meth:`Scheduler.pause` keeps it
pending but unclaimed (a paused job is neither run nor marked missed), :meth:`Scheduler.resume`,
:meth:`Scheduler.move` and :meth:`Scheduler.cancel_job`. Each acts only on a job still pending,
so one already claimed runs as it would have.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.owners import SWEEP, held_by, stopped
from bot.storage.store import Store
from bot.time.clock import Clock
from bot.time.clock import utc_text as _utc

log = logging.getLogger("pustaka.scheduler")

GRACE = timedelta(hours=1)
RETRY_AFTER = timedelta(minutes=1)
ATTEMPTS = 3
BATCH = 200  # jobs claimed with one statement
DONE_BATCH = 1000  # most jobs left running before they are marked done with one statement


class NotDelivered(Exception):
    """A message could not be handed to its platform; the job is retried."""


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    due_at: datetime
    attempts: int
    state: str = "running"
    paused: bool = False


Handler = Callable[[Job], Awaitable[None]]

_JOB = "id, kind, key, payload, due_at, attempts, state, paused"


def _job(row: Any) -> Job:
    return Job(
        row[0],
        row[1],
        row[2],
        json.loads(row[3]),
        datetime.fromisoformat(row[4]),
        row[5],
        row[6],
        bool(row[7]),
    )


class Scheduler:
    def __init__(self, store: Store, clock: Clock, *, grace: timedelta = GRACE) -> None:
        self.store = store
        self.clock = clock
        self.grace = grace
        self._handlers: dict[str, Handler] = {}
        self._wake = asyncio.Event()
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        """Perform no job until :meth:`release` (at start: until the platforms can deliver)."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

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

    async def send_once(self, key: str, send: Callable[[], Awaitable[bool]]) -> None:
        """Send a message at most once for `key`, and still send it when it did not go out:
        when `send` reports False (its platform was not running) or raises (the platform
        refused it), the key is released and :class:`NotDelivered` raised, so the job runs
        again after ``RETRY_AFTER`` (up to ``ATTEMPTS`` times). The key is marked sending
        until the platform took the message, so a crash in between sends it again at the next
        start (:meth:`recover`) instead of losing it."""
        claimed = await self.store.fetchval(
            "INSERT INTO sent_keys (key, sent_at, state, owner) VALUES (?, ?, 'sending', ?)"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            (key, _utc(self.clock.now()), self.store.owner),
        )
        if claimed is None:
            return
        try:
            sent = await send()
        except Exception as error:
            log.warning("%s was not delivered; it is tried again", key, exc_info=True)
            await self.store.execute("DELETE FROM sent_keys WHERE key = ?", (key,))
            raise NotDelivered(f"{key}: {error}") from error
        if not sent:
            await self.store.execute("DELETE FROM sent_keys WHERE key = ?", (key,))
            raise NotDelivered(f"{key}: the platform is not running; retried later")
        await self.store.execute("UPDATE sent_keys SET state = 'sent' WHERE key = ?", (key,))

    async def cancel(self, key_prefix: str) -> int:
        """Cancel pending jobs whose key starts with `key_prefix`; returns how many."""
        rows = await self.store.fetchall(
            "UPDATE jobs SET state = 'cancelled' WHERE state = 'pending' AND key >= ? AND key < ?"
            " RETURNING id",
            (key_prefix, key_prefix + "\U0010ffff"),
        )
        self._wake.set()
        return len(rows)

    async def job(self, job_id: int) -> Job | None:
        """The job with this id, in whatever state."""
        row = await self.store.fetchone(f"SELECT {_JOB} FROM jobs WHERE id = ?", (job_id,))
        return _job(row) if row else None

    async def state(self, key: str) -> str | None:
        """The state of the job with this key ('pending', 'done', …), None when never scheduled."""
        found = await self.store.fetchval("SELECT state FROM jobs WHERE key = ?", (key,))
        return str(found) if found is not None else None

    async def upcoming(
        self,
        until: datetime,
        kinds: Collection[str],
        communities: Collection[int] | None = None,
        since: datetime | None = None,
    ) -> list[Job]:
        """Pending jobs (paused ones too) of these kinds due before `until` (and from `since`
        on, when given), earliest first.

        With `communities`, a job whose payload names a ``community`` outside them is left out;
        one whose payload names none is kept (its owner decides whom it is for)."""
        if not kinds:
            return []
        marks = ",".join("?" * len(kinds))
        sql = (
            f"SELECT {_JOB} FROM jobs WHERE state = 'pending' AND due_at < ? AND kind IN ({marks})"
        )
        params: list[Any] = [_utc(until), *kinds]
        if since is not None:
            sql += " AND due_at >= ?"
            params.append(_utc(since))
        if communities is not None:
            among = ",".join("?" * len(communities)) or "NULL"
            sql += (
                " AND (json_extract(payload, '$.community') IS NULL"
                f" OR json_extract(payload, '$.community') IN ({among}))"
            )
            params += communities
        rows = await self.store.fetchall(sql + " ORDER BY due_at, id", tuple(params))
        return [_job(row) for row in rows]

    async def pause(self, job_id: int) -> bool:
        """Keep a pending job from running until :meth:`resume`; False when it is not pending."""
        return await self._change(job_id, "paused = 1")

    async def resume(self, job_id: int) -> bool:
        """Let a paused job run at its time again (at once when that has passed)."""
        changed = await self._change(job_id, "paused = 0")
        self._wake.set()
        return changed

    async def move(self, job_id: int, due: datetime) -> bool:
        """Give a pending job another time; False when it is no longer pending."""
        if due.tzinfo is None:
            raise ValueError("a due time must carry its timezone")
        changed = await self._change(job_id, "due_at = ?", _utc(due))
        self._wake.set()
        return changed

    async def cancel_job(self, job_id: int) -> bool:
        """Cancel one pending job (paused or not); False when it is no longer pending."""
        changed = await self._change(job_id, "state = 'cancelled'")
        self._wake.set()
        return changed

    async def _change(self, job_id: int, assignment: str, *values: Any) -> bool:
        found = await self.store.fetchval(
            f"UPDATE jobs SET {assignment} WHERE id = ? AND state = 'pending' RETURNING id",
            (*values, job_id),
        )
        return found is not None

    async def first_time(self, key: str) -> bool:
        """True the first time a message key is seen: the sending path's guard against repeats."""
        added = await self.store.fetchval(
            "INSERT INTO sent_keys (key, sent_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
            " RETURNING key",
            (key, _utc(self.clock.now())),
        )
        return added is not None

    async def was_sent(self, key: str) -> bool:
        """Whether the message with this key went out (or is going out right now)."""
        return await self.store.fetchval("SELECT 1 FROM sent_keys WHERE key = ?", (key,)) == 1

    async def recover(self) -> None:
        """At start: jobs interrupted mid-run run again, and so do the messages they were
        sending when the process died; jobs too late are marked missed."""
        await self.take_back()
        late = await self.store.fetchall(
            "UPDATE jobs SET state = 'missed', finished_at = ? WHERE state = 'pending'"
            " AND paused = 0 AND due_at < ? RETURNING kind, key, due_at",
            (_utc(self.clock.now()), _utc(self.clock.now() - self.grace)),
        )
        for kind, key, due_at in late:
            log.warning(
                "missed %s job %s: it was due at %s, while the bot was down", kind, key, due_at
            )

    async def take_back(self) -> int:
        """Jobs a stopped process was running run again, and the messages it was sending go
        again (those its outbox holds go from there); a live process's are left alone. Returns
        how many jobs were taken back."""
        # Who stopped is judged once, for the keys and the jobs; the keys go first: a job back
        # to pending may run at once elsewhere, and would take a key still marked sending as
        # sent (its message, cut, would be lost).
        gone = await stopped(
            self.store,
            ("sent_keys", "state = 'sending'", ()),
            ("jobs", "state = 'running'", ()),
        )
        sending = f"state = 'sending' AND {held_by(gone)}"
        # A message the outbox holds goes out from there (bot/api/outbox.py): not sent again.
        await self.store.execute(
            f"UPDATE sent_keys SET state = 'sent' WHERE {sending}"
            " AND key IN (SELECT key FROM outbox WHERE key IS NOT NULL)",
            gone,
        )
        cut = await self.store.fetchall(
            f"DELETE FROM sent_keys WHERE {sending} RETURNING key", gone
        )
        if cut:
            log.warning(
                "messages being sent when the bot stopped: %d; they are sent again, so a member"
                " may get one of them twice: %s",
                len(cut),
                ", ".join(row[0] for row in cut[:5]) + (" …" if len(cut) > 5 else ""),
            )
        jobs = await self.store.fetchall(
            "UPDATE jobs SET state = 'pending', owner = NULL"
            f" WHERE state = 'running' AND {held_by(gone)} RETURNING id",
            gone,
        )
        if jobs:
            self._wake.set()
        if jobs and self.store.shared:
            log.warning("%d jobs of a process that stopped are run again here", len(jobs))
        return len(jobs)

    async def _take_back_forever(self) -> None:
        """On a shared database: take back a stopped process's jobs soon after it stopped."""
        while True:
            await asyncio.sleep(SWEEP)
            try:
                await self.take_back()
            except Exception:
                log.exception("could not look for the jobs of a stopped process")

    async def run(self, *, recovered: bool = False) -> None:
        """Perform due jobs for ever (cancel the task to stop); `recovered` when the caller ran
        :meth:`recover` already (the app does, before it serves, so that what was late is judged
        by the time of the start, not by when this task first gets to run)."""
        if not recovered:
            await self.recover()
        done: list[int] = []
        sweeping = (
            asyncio.create_task(self._take_back_forever(), name="scheduler-take-back")
            if self.store.shared
            else None
        )
        try:
            while True:
                await self._open.wait()
                jobs = await self._claim(BATCH)
                await self._perform_all(jobs, done)
                if done and (len(jobs) < BATCH or len(done) >= DONE_BATCH):
                    await self._mark_done(done)
                if not jobs:
                    # Cleared before the next time is read: a job scheduled while it is being
                    # read (another connection, on PostgreSQL) still wakes the loop.
                    self._wake.clear()
                    await self._sleep_until(await self._next_time())
        finally:
            if sweeping is not None:
                sweeping.cancel()
                await asyncio.gather(sweeping, return_exceptions=True)
            await self._mark_done(done)

    async def run_due(self) -> int:
        """Perform every job due now; returns how many ran (for tests and the console)."""
        count = 0
        while jobs := await self._claim(BATCH):
            done: list[int] = []
            try:
                await self._perform_all(jobs, done)
            finally:
                await self._mark_done(done)
            count += len(jobs)
        return count

    async def _next_time(self) -> datetime | None:
        due = await self.store.fetchval(
            "SELECT min(due_at) FROM jobs WHERE state = 'pending' AND paused = 0"
        )
        return datetime.fromisoformat(due) if due else None

    async def _sleep_until(self, when: datetime | None) -> None:
        waiter = asyncio.ensure_future(self._wake.wait())
        sleeps: list[asyncio.Future[Any]] = [waiter]
        if self.store.shared:  # in real time: other processes' jobs keep no test's clock
            sleeps.append(asyncio.ensure_future(asyncio.sleep(SWEEP)))
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
        jobs = await self._claim(1)
        return jobs[0] if jobs else None

    async def _claim(self, limit: int) -> list[Job]:
        """Claim up to `limit` due jobs, earliest first (pending → running).

        Several processes may share a PostgreSQL database: there the due rows are locked as they
        are chosen and rows another process is claiming are skipped, so no two processes claim
        one job (SQLite runs one write at a time, so the plain statement is enough)."""
        if self.store.dialect == "postgresql":
            # Materialized: evaluated once (as an IN subquery it may run again per row, and
            # with SKIP LOCKED each run finds other rows).
            sql = (
                "WITH due AS MATERIALIZED (SELECT id FROM jobs WHERE state = 'pending'"
                " AND paused = 0 AND due_at <= ? ORDER BY due_at, id LIMIT ?"
                " FOR UPDATE SKIP LOCKED)"
                " UPDATE jobs SET state = 'running', attempts = attempts + 1, owner = ? FROM due"
                " WHERE jobs.id = due.id"
                " RETURNING jobs.id, kind, key, payload, due_at, attempts"
            )
            params: tuple[Any, ...] = (_utc(self.clock.now()), limit, self.store.owner)
        else:
            sql = (
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, owner = ?"
                " WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND paused = 0"
                "              AND due_at <= ?"
                "              ORDER BY due_at, id LIMIT ?)"
                " RETURNING id, kind, key, payload, due_at, attempts"
            )
            params = (self.store.owner, _utc(self.clock.now()), limit)
        rows = await self.store.fetchall(sql, params)
        jobs = [
            Job(row[0], row[1], row[2], json.loads(row[3]), datetime.fromisoformat(row[4]), row[5])
            for row in rows
        ]
        jobs.sort(key=lambda job: (job.due_at, job.id))
        return jobs

    async def _perform_all(self, jobs: list[Job], done: list[int]) -> None:
        """Run claimed jobs in order, adding those that succeeded to `done`.

        When the task is cancelled, the job being run and those not yet started go back to
        pending: the next start runs them (the sending path refuses what was already sent).
        """
        waiting = deque(jobs)
        try:
            while waiting:
                if await self._perform(waiting[0]):
                    done.append(waiting[0].id)
                waiting.popleft()
        except asyncio.CancelledError:
            await self._set_state([job.id for job in waiting], "pending")
            raise

    async def _mark_done(self, ids: list[int]) -> None:
        await self._set_state(ids, "done", _utc(self.clock.now()))
        ids.clear()

    async def _set_state(self, ids: list[int], state: str, finished: str | None = None) -> None:
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        await self.store.execute(
            f"UPDATE jobs SET state = ?, finished_at = ? WHERE id IN ({marks})",
            (state, finished, *ids),
        )

    async def _perform(self, job: Job) -> bool:
        """Run one job's handler; False when it failed (then it is retried later or failed)."""
        handler = self._handlers.get(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for {job.kind!r} jobs")
            await handler(job)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # stopping: the error came of the cancellation, which must not be lost
                raise asyncio.CancelledError from error
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
            return False
        return True
