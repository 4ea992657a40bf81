from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.scheduler import Job, Scheduler
from bot.store import Store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "s.db")
    yield store
    await store.close()


class Outbox:
    """A reminder handler whose sending path refuses duplicates, as real ones must."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.sent: list[str] = []

    async def __call__(self, job: Job) -> None:
        if await self.scheduler.first_time(f"{job.key}:member"):
            self.sent.append(job.payload["text"])


async def settle(clock: FakeClock, seconds: float) -> None:
    for _ in range(10):
        await asyncio.sleep(0)
    await clock.advance(seconds)
    for _ in range(20):
        await asyncio.sleep(0.001)


async def test_jobs_run_in_due_order_with_one_task(store: Store) -> None:
    """Jobs run when due, earliest first; a job scheduled while sleeping wakes the loop."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("reminder", outbox)
    now = clock.now()
    await scheduler.schedule("reminder", "b", now + timedelta(seconds=60), {"text": "second"})
    await scheduler.schedule("reminder", "a", now + timedelta(seconds=30), {"text": "first"})
    running = asyncio.create_task(scheduler.run())
    try:
        await settle(clock, 29)
        assert outbox.sent == []
        await settle(clock, 1)
        assert outbox.sent == ["first"]
        await scheduler.schedule(
            "reminder", "c", clock.now() + timedelta(seconds=5), {"text": "new"}
        )
        await settle(clock, 5)
        assert outbox.sent == ["first", "new"]
        await settle(clock, 30)
        assert outbox.sent == ["first", "new", "second"]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_scheduling_the_same_key_twice_changes_nothing(store: Store) -> None:
    """An idempotency key: the second schedule is refused and the first stays."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    due = clock.now() + timedelta(hours=1)
    assert await scheduler.schedule("reminder", "event-1:24h", due, {"text": "x"})
    assert not await scheduler.schedule("reminder", "event-1:24h", due + timedelta(hours=1))
    assert await store.fetchval("SELECT count(*) FROM jobs") == 1
    with pytest.raises(ValueError):
        await scheduler.schedule("reminder", "naive", due.replace(tzinfo=None))


async def test_crash_mid_job_neither_loses_nor_repeats(tmp_path: Path) -> None:
    """A job interrupted after sending runs again at start, and its message is not sent twice."""
    clock = FakeClock()
    store = await Store.open(tmp_path / "s.db")
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("reminder", outbox)
    await scheduler.schedule("reminder", "sent-then-crash", clock.now(), {"text": "once"})
    await scheduler.schedule("reminder", "crash-before-send", clock.now(), {"text": "also"})
    claimed = await scheduler._next_due()  # claimed, performed, then the process dies
    assert claimed is not None
    await outbox(claimed)
    second = await scheduler._next_due()  # claimed, and the process dies before sending
    assert second is not None
    await store.close()

    store = await Store.open(tmp_path / "s.db")
    try:
        restarted = Scheduler(store, clock)
        outbox.scheduler = restarted  # the same member's inbox, seen from the new process
        restarted.handle("reminder", outbox)
        await restarted.recover()
        assert await restarted.run_due() == 2
        assert sorted(outbox.sent) == ["also", "once"]
        states = await store.fetchall("SELECT state FROM jobs")
        assert {row[0] for row in states} == {"done"}
    finally:
        await store.close()


async def test_downtime_grace_period(store: Store) -> None:
    """At start, a job 30 minutes late still runs; one 2 hours late is marked missed."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock, grace=timedelta(hours=1))
    outbox = Outbox(scheduler)
    scheduler.handle("reminder", outbox)
    await scheduler.schedule("reminder", "late", clock.now() - timedelta(minutes=30), {"text": "a"})
    await scheduler.schedule("reminder", "old", clock.now() - timedelta(hours=2), {"text": "b"})
    await scheduler.recover()
    await scheduler.run_due()
    assert outbox.sent == ["a"]
    assert await store.fetchval("SELECT state FROM jobs WHERE key = 'old'") == "missed"


async def test_failing_job_is_retried_then_marked_failed(store: Store) -> None:
    """A handler that raises is retried a minute later, and marked failed after three tries."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    tries = []

    async def broken(job: Job) -> None:
        tries.append(clock.now())
        raise RuntimeError("platform down")

    scheduler.handle("reminder", broken)
    await scheduler.schedule("reminder", "k", clock.now())
    for _ in range(4):
        await scheduler.run_due()
        await clock.advance(60)
    assert len(tries) == 3
    assert await store.fetchval("SELECT state FROM jobs") == "failed"
    assert "platform down" in await store.fetchval("SELECT error FROM jobs")


async def test_cancel_by_key_prefix(store: Store) -> None:
    """Cancelling an event's reminders leaves other jobs alone."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("reminder", outbox)
    for key in ("event-1:24h", "event-1:1h", "event-2:1h"):
        await scheduler.schedule("reminder", key, clock.now(), {"text": key})
    assert await scheduler.cancel("event-1:") == 2
    await scheduler.run_due()
    assert outbox.sent == ["event-2:1h"]
