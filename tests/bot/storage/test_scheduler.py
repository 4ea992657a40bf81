from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage.scheduler import Job, Scheduler
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.databases import target


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(target(tmp_path / "s.db"))
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


async def eventually(condition: Callable[[], bool], within: float = 10.0) -> bool:
    """Whether `condition` came true within `within` seconds of real time."""
    for _ in range(int(within / 0.005)):
        if condition():
            return True
        await asyncio.sleep(0.005)
    return condition()


async def settle(
    clock: FakeClock, seconds: float, until: Callable[[], bool] = lambda: True
) -> None:
    """Let the scheduler go to sleep, move the clock, and wait for `until` to come true."""
    await eventually(lambda: clock.sleeping > 0, within=1.0)
    await clock.advance(seconds)
    assert await eventually(until), "the scheduler did not do what was due"
    for _ in range(10):
        await asyncio.sleep(0.001)  # time for anything wrongly run to show


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
        await settle(clock, 1, lambda: len(outbox.sent) == 1)
        assert outbox.sent == ["first"]
        await scheduler.schedule(
            "reminder", "c", clock.now() + timedelta(seconds=5), {"text": "new"}
        )
        await settle(clock, 5, lambda: len(outbox.sent) == 2)
        assert outbox.sent == ["first", "new"]
        await settle(clock, 30, lambda: len(outbox.sent) == 3)
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
    store = await Store.open(target(tmp_path / "s.db"))
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

    store = await Store.open(target(tmp_path / "s.db"))
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


async def test_a_send_cut_by_a_crash_is_sent_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The process dies after the message key was claimed but before the platform took the
    message: at the next start the message is sent (not skipped as "already sent"), once more
    at most, and the log says a member may have got it twice."""
    clock = FakeClock()
    store = await Store.open(target(tmp_path / "s.db"))
    scheduler = Scheduler(store, clock)
    delivered: list[str] = []
    dying = asyncio.Event()

    async def send_and_die() -> bool:
        dying.set()
        await asyncio.sleep(3600)  # the kill lands here: the send never finishes
        return True

    async def remind(job: Job) -> None:
        await scheduler.send_once(f"{job.key}:member", send_and_die)

    scheduler.handle("reminder", remind)
    await scheduler.schedule("reminder", "event-1:1h", clock.now(), {})
    running = asyncio.create_task(scheduler.run_due())
    await dying.wait()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await store.close()

    store = await Store.open(target(tmp_path / "s.db"))
    try:
        restarted = Scheduler(store, clock)

        async def send() -> bool:
            delivered.append("Bedah buku dalam 1 jam")
            return True

        async def remind_again(job: Job) -> None:
            await restarted.send_once(f"{job.key}:member", send)

        restarted.handle("reminder", remind_again)
        with caplog.at_level("WARNING", logger="pustaka.scheduler"):
            await restarted.recover()
        assert "messages being sent when the bot stopped: 1;" in caplog.text
        assert "event-1:1h:member" in caplog.text
        assert await restarted.run_due() == 1
        await clock.advance(3600)
        assert await restarted.run_due() == 0
        assert delivered == ["Bedah buku dalam 1 jam"]
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


async def test_a_burst_runs_once_in_due_order(store: Store) -> None:
    """450 reminders due at one instant (more than two claimed batches) each run once, in order."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    ran: list[str] = []

    async def remind(job: Job) -> None:
        ran.append(job.key)

    scheduler.handle("reminder", remind)
    instant = clock.now() + timedelta(minutes=5)
    keys = [f"event-{i:03d}:1h" for i in range(450)]
    for key in reversed(keys):  # ids in the opposite order of the keys
        await scheduler.schedule("reminder", key, instant)
    await scheduler.schedule("reminder", "early", instant - timedelta(seconds=1))
    running = asyncio.create_task(scheduler.run())
    try:
        await settle(clock, 300, lambda: len(ran) == 451)
        assert ran[0] == "early"
        assert ran[1:] == list(reversed(keys))  # same instant: in the order they were scheduled
        for _ in range(200):
            states = await store.fetchall("SELECT state, count(*) FROM jobs GROUP BY state")
            if [tuple(row) for row in states] == [("done", 451)]:
                break
            await asyncio.sleep(0.01)
        assert [tuple(row) for row in states] == [("done", 451)]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_stopping_mid_burst_leaves_the_rest_for_the_next_start(tmp_path: Path) -> None:
    """Stopped while the 5th of 10 due jobs runs: 4 are done, the rest run after the restart."""
    clock = FakeClock()
    store = await Store.open(target(tmp_path / "s.db"))
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    stuck = asyncio.Event()

    async def slow_fifth(job: Job) -> None:
        if job.payload["text"] == "4":
            stuck.set()
            await asyncio.Event().wait()  # the platform hangs; the bot is stopped meanwhile
        await outbox(job)

    scheduler.handle("reminder", slow_fifth)
    for i in range(10):
        await scheduler.schedule("reminder", f"k{i}", clock.now(), {"text": str(i)})
    running = asyncio.create_task(scheduler.run())
    await asyncio.wait_for(stuck.wait(), 5)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert outbox.sent == ["0", "1", "2", "3"]
    states = await store.fetchall("SELECT key, state FROM jobs ORDER BY id")
    assert [row[1] for row in states] == ["done"] * 4 + ["pending"] * 6
    await store.close()

    store = await Store.open(target(tmp_path / "s.db"))
    try:
        restarted = Scheduler(store, clock)
        outbox.scheduler = restarted
        restarted.handle("reminder", outbox)
        await restarted.recover()
        assert await restarted.run_due() == 6
        assert outbox.sent == [str(i) for i in range(10)]
    finally:
        await store.close()


async def test_held_until_released(store: Store) -> None:
    """A held scheduler performs nothing, even what is overdue, until it is released."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    outbox = Outbox(scheduler)
    scheduler.handle("reminder", outbox)
    await scheduler.schedule(
        "reminder", "overdue", clock.now() - timedelta(minutes=5), {"text": "a"}
    )
    scheduler.hold()
    running = asyncio.create_task(scheduler.run())
    try:
        await clock.advance(60)
        assert not await eventually(lambda: bool(outbox.sent), within=0.3)
        scheduler.release()
        assert await eventually(lambda: bool(outbox.sent))
        assert outbox.sent == ["a"]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_send_once_waits_for_a_platform_that_is_not_running(store: Store) -> None:
    """A reminder whose platform is down is not lost: the job runs again a minute later and the
    member gets the message then, once."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    delivered: list[str] = []
    platform_up = False

    async def send() -> bool:
        if platform_up:
            delivered.append("Bedah buku dalam 1 jam")
        return platform_up

    async def remind(job: Job) -> None:
        await scheduler.send_once(f"{job.key}:member", send)

    scheduler.handle("reminder", remind)
    await scheduler.schedule("reminder", "event-1:1h", clock.now(), {})
    assert await scheduler.run_due() == 1
    assert delivered == []
    await clock.advance(30)
    assert await scheduler.run_due() == 0  # retried after a minute, not at once
    platform_up = True
    await clock.advance(31)
    assert await scheduler.run_due() == 1
    await clock.advance(3600)
    assert await scheduler.run_due() == 0
    assert delivered == ["Bedah buku dalam 1 jam"]
    assert await store.fetchval("SELECT state FROM jobs WHERE key = 'event-1:1h'") == "done"


async def test_send_once_retries_a_message_the_platform_refused(store: Store) -> None:
    """A send that raises (the platform refused it for now) is not marked sent: the job's next
    run sends it, once."""
    clock = FakeClock()
    scheduler = Scheduler(store, clock)
    delivered: list[str] = []
    refusals = [RuntimeError("Forbidden: bot was blocked by the user")]

    async def send() -> bool:
        if refusals:
            raise refusals.pop()
        delivered.append("Bedah buku dalam 1 jam")
        return True

    async def remind(job: Job) -> None:
        await scheduler.send_once(f"{job.key}:member", send)

    scheduler.handle("reminder", remind)
    await scheduler.schedule("reminder", "event-1:1h", clock.now(), {})
    assert await scheduler.run_due() == 1
    assert delivered == []
    await clock.advance(61)
    assert await scheduler.run_due() == 1
    await clock.advance(3600)
    assert await scheduler.run_due() == 0
    assert delivered == ["Bedah buku dalam 1 jam"]
    assert await store.fetchval("SELECT state FROM jobs WHERE key = 'event-1:1h'") == "done"
