from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.backup import backup_database
from bot.store import Store, StoreError, latest_version


async def test_backup_during_writes_is_consistent(tmp_path: Path) -> None:
    """A backup taken while the bot keeps writing passes integrity_check and keeps the version."""
    source, copy = tmp_path / "p.db", tmp_path / "backup.db"
    store = await Store.open(source)
    stop, ready = asyncio.Event(), asyncio.Event()

    async def keep_writing() -> int:
        count = 0
        while not stop.is_set():
            async with store.transaction() as tx:
                for _ in range(20):
                    count += 1
                    await tx.execute(
                        "INSERT INTO command_usage (at, platform, command, outcome)"
                        " VALUES (?, 'console', ?, 'ok')",
                        (f"2026-01-01T00:00:{count % 60:02d}+00:00", "x" * 200),
                    )
            if count >= 2000:
                ready.set()
            await asyncio.sleep(0)
        return count

    writer = asyncio.create_task(keep_writing())
    try:
        await ready.wait()
        await asyncio.to_thread(backup_database, source, copy, pages=4, sleep=0.001)
    finally:
        stop.set()
        written = await writer
        await store.close()
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        rows = db.execute("SELECT count(*) FROM command_usage").fetchone()[0]
    assert 2000 <= rows <= written
    assert rows % 20 == 0  # whole transactions only


def test_backup_replaces_an_older_backup(tmp_path: Path) -> None:
    """Writing a backup over an old one replaces it and leaves no temporary file."""
    source, copy = tmp_path / "p.db", tmp_path / "backup.db"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
    copy.write_bytes(b"an old backup")
    backup_database(source, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "p.db"]


@pytest.mark.parametrize(
    ("make_args", "words"),
    [
        (lambda d: (d / "missing.db", d / "b.db"), "no database"),
        (lambda d: (d / "p.db", d / "p.db"), "over the database itself"),
        (lambda d: (d / "p.db", d / "no" / "dir" / "b.db"), "no directory"),
    ],
)
def test_backup_mistakes_are_clear(tmp_path: Path, make_args, words: str) -> None:
    """A missing source, the source as target, or a missing folder: one clear message."""
    with sqlite3.connect(tmp_path / "p.db") as db:
        db.execute("CREATE TABLE t (x)")
    source, destination = make_args(tmp_path)
    with pytest.raises(StoreError, match=words):
        backup_database(source, destination)
    assert not (tmp_path / "missing.db").exists()
