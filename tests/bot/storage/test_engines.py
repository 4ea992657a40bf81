"""The store's promises on whichever engine the suite runs on: SQLite in `make test`, PostgreSQL
in `make test-postgres` (tests/databases.py). Features rely on exactly these."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage.scheduler import Job, Scheduler
from bot.storage.store import Atomic, Conflict, Store
from bot.time.clock import FakeClock
from tests.databases import target

NOW = "2026-01-01T00:00:00+00:00"
MEMBER = (
    "INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
    " VALUES (?, ?, ?, ?, ?)"
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(target(tmp_path / "s.db"))
    yield store
    await store.close()


async def test_rows_read_by_index_by_name_and_unpacked(store: Store) -> None:
    new_id = await store.execute(MEMBER, ("telegram", "42", "Sari", NOW, NOW))
    assert new_id > 0
    row = await store.fetchone(
        "SELECT id, display_name FROM members WHERE platform_id = ?", ("42",)
    )
    assert row is not None
    assert row[0] == row["id"] == new_id
    assert row["display_name"] == "Sari"
    member_id, name = row
    assert (member_id, name) == (new_id, "Sari")
    assert dict(zip(row.keys(), row, strict=True)) == {"id": new_id, "display_name": "Sari"}


async def test_sums_and_counts_are_plain_numbers(store: Store) -> None:
    for number in range(1, 4):
        await store.execute(MEMBER, ("telegram", str(number), "", NOW, NOW))
    total, count = await store.fetchone("SELECT sum(id), count(*) FROM members")
    assert (total, count) == (6, 3)
    assert type(total) is int and type(count) is int


async def test_each_insert_returns_its_own_new_id(store: Store) -> None:
    first = await store.execute(MEMBER, ("telegram", "1", "", NOW, NOW))
    second = await store.execute(MEMBER, ("telegram", "2", "", NOW, NOW))
    assert second == first + 1


async def test_a_new_id_is_the_largest_plus_one(store: Store) -> None:
    """SQLite's rowid on both engines: after ids given explicitly (as the catalog import gives
    them) the next is past them, and the number of a deleted last row is used again (a
    discarded draft leaves no gap in what members see)."""
    await store.execute(
        "INSERT INTO members (id, platform, platform_id, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (10, "telegram", "10", NOW, NOW),
    )
    assert await store.execute(MEMBER, ("telegram", "11", "", NOW, NOW)) == 11
    await store.execute("DELETE FROM members WHERE id = ?", (11,))
    assert await store.execute(MEMBER, ("telegram", "12", "", NOW, NOW)) == 11


async def test_a_duplicate_is_a_conflict_and_changes_nothing(store: Store) -> None:
    await store.execute(MEMBER, ("discord", "7", "Budi", NOW, NOW))
    with pytest.raises(Conflict):
        await store.execute(MEMBER, ("discord", "7", "Another", NOW, NOW))
    with pytest.raises(Conflict):
        async with store.transaction() as tx:
            await tx.execute(MEMBER, ("discord", "8", "Rolled back", NOW, NOW))
            await tx.execute(MEMBER, ("discord", "7", "Again", NOW, NOW))
    names = await store.fetchall("SELECT display_name FROM members ORDER BY id")
    assert [row[0] for row in names] == ["Budi"]


async def test_insert_or_ignore_and_or_replace(store: Store) -> None:
    sql = "INSERT OR IGNORE INTO platform_state (platform, key, value) VALUES (?, ?, ?)"
    await store.execute(sql, ("telegram", "offset", "1"))
    await store.execute(sql, ("telegram", "offset", "2"))
    assert await store.fetchval("SELECT value FROM platform_state") == "1"
    await store.executemany(
        "INSERT OR REPLACE INTO platform_state (platform, key, value) VALUES (?, ?, ?)",
        [("telegram", "offset", "3"), ("discord", "hash", "abc")],
    )
    rows = await store.fetchall("SELECT platform, value FROM platform_state ORDER BY platform")
    assert [tuple(row) for row in rows] == [("discord", "abc"), ("telegram", "3")]


async def test_a_number_given_for_a_text_column_is_stored_as_text(store: Store) -> None:
    """SQLite takes what it is given; features rely on that for platform ids."""
    await store.execute(MEMBER, ("telegram", 12345, "", NOW, NOW))
    assert await store.fetchval(
        "SELECT platform_id FROM members WHERE platform_id = ?", (12345,)
    ) == ("12345")


async def test_atomically_commits_all_or_nothing(store: Store) -> None:
    def work(db: Atomic) -> int:
        new_id = db.fetchval(MEMBER + " RETURNING id", ("console", "a", "", NOW, NOW))
        db.execute(MEMBER, ("console", "b", "", NOW, NOW))
        return int(new_id)

    first = await store.atomically(work)
    assert await store.fetchval("SELECT count(*) FROM members") == 2

    def failing(db: Atomic) -> None:
        db.execute(MEMBER, ("console", "c", "", NOW, NOW))
        db.execute(MEMBER, ("console", "a", "", NOW, NOW))  # a duplicate: all of it undone

    with pytest.raises(Conflict):
        await store.atomically(failing)
    assert await store.fetchval("SELECT count(*) FROM members") == 2
    assert await store.fetchval("SELECT platform_id FROM members WHERE id = ?", (first,)) == "a"


async def test_two_schedulers_on_one_database_run_each_job_once(tmp_path: Path) -> None:
    """Two processes' schedulers (two stores on one database) claim a burst of due jobs at the
    same time: every job runs exactly once (PostgreSQL: FOR UPDATE SKIP LOCKED)."""
    clock = FakeClock()
    stores = [await Store.open(target(tmp_path / "shared.db")) for _ in range(2)]
    ran: Counter[str] = Counter()
    by_process: Counter[int] = Counter()
    try:
        schedulers = [Scheduler(s, clock) for s in stores]
        for number, scheduler in enumerate(schedulers):

            async def remind(job: Job, number: int = number) -> None:
                ran[job.key] += 1
                by_process[number] += 1
                await asyncio.sleep(0.001)

            scheduler.handle("reminder", remind)
        due = clock.now() + timedelta(minutes=1)
        keys = [f"reminder-{i:04d}" for i in range(1000)]
        for key in keys:
            await schedulers[0].schedule("reminder", key, due)
        await clock.advance(120)
        counts = await asyncio.gather(*(s.run_due() for s in schedulers))
        assert sum(counts) == len(keys)
        assert sorted(ran) == keys
        assert set(ran.values()) == {1}
        if stores[0].dialect == "postgresql":
            assert min(by_process.values()) > 0  # both processes did part of the burst
        states = await stores[1].fetchall("SELECT state, count(*) FROM jobs GROUP BY state")
        assert [tuple(row) for row in states] == [("done", 1000)]
    finally:
        for s in stores:
            await s.close()
