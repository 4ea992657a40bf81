"""Two processes on one PostgreSQL database (two stores here): what one holds is taken back by
the other only once it stopped (bot/storage/owners.py) — its jobs, the message it was sending,
its outbox and the update it was handling."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.inbox import Inbox
from bot.storage.outbox import OutboxTable
from bot.storage.scheduler import Scheduler
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.databases import on_postgres, target

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="only PostgreSQL is shared by several processes"
)


async def test_a_live_process_keeps_its_work_and_a_stopped_ones_is_taken_back(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    first = await Store.open(target(tmp_path / "s.db"))
    second = await Store.open(target(tmp_path / "s.db"))
    try:
        assert first.owner != second.owner
        assert {first.owner, second.owner} <= await second.live_owners()
        running = Scheduler(first, clock)
        for key in ("reminder-1", "reminder-2"):
            await running.schedule("reminder", key, clock.now())
        assert len(await running._claim(10)) == 2
        sending = asyncio.Event()

        async def send() -> bool:
            sending.set()
            await asyncio.Event().wait()  # the platform has the message; no answer yet
            return True

        cut = asyncio.create_task(running.send_once("reminder-1:member", send))
        await sending.wait()
        await Inbox(first, clock, "telegram").take([("41", {"update_id": 41})])
        await OutboxTable(first).add("telegram", "telegram:5001", "[]", clock.now())

        # The second process starts while the first runs: it takes nothing of the first's.
        starting = Scheduler(second, clock)
        await starting.recover()
        inbox, outbox = Inbox(second, clock, "telegram"), OutboxTable(second)
        assert await inbox.unfinished() == []
        assert await outbox.adopt("telegram") == []
        assert await starting.run_due() == 0
        assert await second.fetchval("SELECT count(*) FROM jobs WHERE state = 'running'") == 2
        assert await starting.was_sent("reminder-1:member")

        # The first stops (its connection, and with it its lock, gone): all of it is taken back.
        cut.cancel()
        await asyncio.gather(cut, return_exceptions=True)
        await first.close()
        assert first.owner not in await second.live_owners()
        assert await starting.take_back() == 2
        assert not await starting.was_sent("reminder-1:member")  # cut mid-send: it goes again
        assert [update_id for update_id, _ in await inbox.unfinished()] == ["41"]
        assert [queued.destination for queued in await outbox.adopt("telegram")] == [
            "telegram:5001"
        ]
        # Once: a third look finds nothing left.
        assert await starting.take_back() == 0
        assert await inbox.unfinished() == []
        assert await outbox.adopt("telegram") == []
    finally:
        await first.close()
        await second.close()
