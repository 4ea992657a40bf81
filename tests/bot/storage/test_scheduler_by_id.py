"""A moderator acts on one scheduled job by its id: pause, resume, move, cancel; and the jobs
still ahead are listed for a circle of communities."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage.scheduler import Scheduler
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.bot.storage.test_scheduler import Outbox, settle
from tests.databases import target


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(target(tmp_path / "s.db"))
    yield store
    await store.close()


async def job_id(scheduler: Scheduler, key: str) -> int:
    found = await scheduler.store.fetchval("SELECT id FROM jobs WHERE key = ?", (key,))
    assert isinstance(found, int)
    return found


async def test_a_paused_job_does_not_run_until_resumed(store: Store) -> None:
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("post", outbox)
    await scheduler.schedule("post", "a", clock.now() + timedelta(minutes=1), {"text": "a"})
    paused = await job_id(scheduler, "a")
    assert await scheduler.pause(paused)
    running = asyncio.create_task(scheduler.run())
    try:
        await settle(clock, 3600)
        assert outbox.sent == []
        job = await scheduler.job(paused)
        assert job is not None and job.paused and job.state == "pending"
        assert await scheduler.resume(paused)
        await settle(clock, 0, lambda: outbox.sent == ["a"])
        assert not await scheduler.pause(paused)  # done: nothing to pause any more
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_a_paused_job_is_not_missed_at_start(store: Store) -> None:
    """Down past its grace while paused, a job stays paused instead of being marked missed."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    await scheduler.schedule("post", "a", clock.now() + timedelta(minutes=1), {"text": "a"})
    await scheduler.pause(await job_id(scheduler, "a"))
    await clock.advance(3 * 3600)
    await scheduler.recover()
    assert await scheduler.state("a") == "pending"


async def test_move_and_cancel_one_job(store: Store) -> None:
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("post", outbox)
    now = clock.now()
    await scheduler.schedule("post", "early", now + timedelta(minutes=1), {"text": "early"})
    await scheduler.schedule("post", "late", now + timedelta(minutes=2), {"text": "late"})
    await scheduler.schedule("post", "gone", now + timedelta(minutes=3), {"text": "gone"})
    assert await scheduler.move(await job_id(scheduler, "early"), now + timedelta(minutes=10))
    assert await scheduler.cancel_job(await job_id(scheduler, "gone"))
    assert not await scheduler.cancel_job(await job_id(scheduler, "gone"))
    running = asyncio.create_task(scheduler.run())
    try:
        await settle(clock, 300, lambda: outbox.sent == ["late"])
        await settle(clock, 600, lambda: outbox.sent == ["late", "early"])
        assert "gone" not in outbox.sent
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_upcoming_lists_a_circles_jobs_in_time_order(store: Store) -> None:
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    now = clock.now()
    await scheduler.schedule("post", "ours-late", now + timedelta(days=3), {"community": 1})
    await scheduler.schedule("post", "ours-early", now + timedelta(days=1), {"community": 2})
    await scheduler.schedule("post", "theirs", now + timedelta(days=1), {"community": 3})
    await scheduler.schedule("post", "unnamed", now + timedelta(days=2), {"event": 9})
    await scheduler.schedule("other", "other-kind", now + timedelta(days=1), {"community": 1})
    await scheduler.schedule("post", "too-far", now + timedelta(days=30), {"community": 1})
    await scheduler.schedule("post", "cancelled", now + timedelta(days=1), {"community": 1})
    await scheduler.cancel_job(await job_id(scheduler, "cancelled"))
    listed = await scheduler.upcoming(now + timedelta(days=14), {"post"}, (1, 2))
    assert [job.key for job in listed] == ["ours-early", "unnamed", "ours-late"]
