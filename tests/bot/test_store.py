from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot import store as store_module
from bot.store import SchemaTooNewError, Store, StoreError, latest_version, migrations

# Rows valid from a given schema version on, to check migrations keep data.
ROWS_BY_VERSION = {
    1: [
        "INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
        " VALUES ('telegram', '42', 'Sari', '2026-01-01T00:00:00+00:00',"
        " '2026-01-01T00:00:00+00:00')",
        "INSERT INTO communities (platform, platform_id, name, created_at)"
        " VALUES ('discord', '7', 'Klub Baca', '2026-01-01T00:00:00+00:00')",
    ],
    2: [
        "INSERT INTO command_usage (at, platform, command, outcome)"
        " VALUES ('2026-01-01T00:00:00+00:00', 'console', 'help', 'ok')",
    ],
    3: [
        "INSERT INTO button_keys (command, keep, created_at)"
        " VALUES ('/lang en', 0, '2026-01-01T00:00:00+00:00')",
        "INSERT INTO polls (platform, poll_id, channel_id, commands, created_at)"
        " VALUES ('telegram', 'p1', '-100', '[\"/answer 1\"]', '2026-01-01T00:00:00+00:00')",
        "INSERT INTO platform_state (platform, key, value) VALUES ('discord', 'k', 'v')",
    ],
}


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()


async def test_fresh_database_is_ready(tmp_path: Path) -> None:
    """A new file gets the latest schema, WAL, foreign keys and a busy timeout."""
    store = await Store.open(tmp_path / "sub" / "p.db")
    try:
        assert await store.schema_version() == latest_version() >= 2
        assert await store.fetchval("PRAGMA journal_mode") == "wal"
        assert await store.fetchval("PRAGMA foreign_keys") == 1
        assert await store.fetchval("PRAGMA busy_timeout") == 5000
    finally:
        await store.close()


@pytest.mark.parametrize("start", range(latest_version()))
async def test_migrating_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    """A database at any earlier version upgrades to the same schema and keeps its rows."""
    fresh = tmp_path / "fresh.db"
    await (await Store.open(fresh)).close()
    old = tmp_path / "old.db"
    store = await Store.open(old, target_version=start)
    assert await store.schema_version() == start
    inserted = [sql for version in range(1, start + 1) for sql in ROWS_BY_VERSION[version]]
    for sql in inserted:
        await store.execute(sql)
    await store.close()
    store = await Store.open(old)
    try:
        assert await store.schema_version() == latest_version()
        if start >= 1:
            assert await store.fetchval("SELECT display_name FROM members") == "Sari"
    finally:
        await store.close()
    assert schema(old) == schema(fresh)


def test_every_version_has_rows_to_check() -> None:
    """Each migration has sample rows in this test, so new ones are tested too."""
    assert set(ROWS_BY_VERSION) == {version for version, _, _ in migrations()}


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    """A database from a newer Pustaka is refused with both versions named, and left alone."""
    path = tmp_path / "p.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {latest_version() + 5}")
    with pytest.raises(SchemaTooNewError) as raised:
        await Store.open(path)
    assert str(latest_version() + 5) in str(raised.value)
    assert f"({latest_version()})" in str(raised.value)
    assert schema(path) == []


async def test_failed_migration_keeps_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails half-way leaves no half-made tables and the old version."""
    good = migrations()
    broken = (len(good) + 1, "broken", "CREATE TABLE half (x);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(store_module, "migrations", lambda: [*good, broken])
    path = tmp_path / "p.db"
    with pytest.raises(StoreError, match="broken"):
        await Store.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(good)
        assert "half" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}


async def test_migrations_must_not_have_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Migration files numbered with a gap are refused."""

    class File:
        def __init__(self, name: str) -> None:
            self.name = name

        def read_text(self, encoding: str) -> str:
            return ""

    class Folder:
        def iterdir(self):
            return [File("0001_a.sql"), File("0003_c.sql")]

    monkeypatch.setattr(store_module.resources, "files", lambda package: Folder())
    with pytest.raises(StoreError, match="without gaps"):
        migrations()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    """Nothing written inside a failed transaction remains."""
    store = await Store.open(tmp_path / "p.db")
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as tx:
                await tx.execute(ROWS_BY_VERSION[1][0])
                raise RuntimeError("stop")
        assert await store.fetchval("SELECT count(*) FROM members") == 0
    finally:
        await store.close()


async def test_other_tasks_wait_for_a_transaction(tmp_path: Path) -> None:
    """A statement from another task lands after the transaction, never inside it."""
    store = await Store.open(tmp_path / "p.db")
    order: list[str] = []
    entered = asyncio.Event()

    async def in_transaction() -> None:
        async with store.transaction() as tx:
            entered.set()
            await asyncio.sleep(0.05)
            await tx.execute(ROWS_BY_VERSION[2][0])
            order.append("transaction")
            raise RuntimeError("rolled back")

    async def outside() -> None:
        await entered.wait()
        await store.execute(ROWS_BY_VERSION[2][0].replace("'help'", "'about'"))
        order.append("outside")

    try:
        results = await asyncio.gather(in_transaction(), outside(), return_exceptions=True)
        assert isinstance(results[0], RuntimeError)
        assert order == ["transaction", "outside"]
        commands = await store.fetchall("SELECT command FROM command_usage")
        assert [row[0] for row in commands] == ["about"]
    finally:
        await store.close()


async def test_close_waits_for_the_running_transaction(tmp_path: Path) -> None:
    """Closing while a transaction runs lets it commit first; closing twice is harmless."""
    path = tmp_path / "p.db"
    store = await Store.open(path)
    entered = asyncio.Event()

    async def write() -> None:
        async with store.transaction() as tx:
            entered.set()
            await asyncio.sleep(0.05)
            await tx.execute(ROWS_BY_VERSION[1][0])

    writer = asyncio.create_task(write())
    await entered.wait()
    await store.close()
    await store.close()
    await writer
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 1
