from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.backup import backup_database
from bot.storage.store import Store, StoreError, latest_version

INSERT = "INSERT INTO command_usage (at, platform, command, outcome) VALUES (?, 'console', ?, 'ok')"


def make_database(path: Path, value: int = 1) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (?)", (value,))
    db.close()


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
                        INSERT, (f"2026-01-01T00:00:{count % 60:02d}+00:00", "x" * 200)
                    )
            if count >= 2000:
                ready.set()
            await asyncio.sleep(0)
        return count

    writer = asyncio.create_task(keep_writing())
    try:
        await ready.wait()
        written = await asyncio.to_thread(backup_database, source, copy, pages=4, sleep=0.001)
    finally:
        stop.set()
        total = await writer
        await store.close()
    assert written == copy
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            db.execute("SELECT version FROM schema_versions WHERE package = 'core'").fetchone()[0]
            == latest_version()
        )
        rows = db.execute("SELECT count(*) FROM command_usage").fetchone()[0]
    db.close()
    assert 2000 <= rows <= total
    assert rows % 20 == 0  # whole transactions only


async def test_backup_is_one_self_contained_file(tmp_path: Path) -> None:
    """The copy of the bot's WAL database needs no -wal file beside it and opens as usual."""
    source, copy = tmp_path / "p.db", tmp_path / "backups" / "b.db"
    copy.parent.mkdir()
    store = await Store.open(source)
    await store.execute(INSERT, ("2026-01-01T00:00:00+00:00", "help"))
    backup_database(source, copy)  # the bot is still running: its last write sits in the WAL
    await store.close()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["b.db"]
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT command FROM command_usage").fetchall() == [("help",)]
    db.close()
    restored = await Store.open(copy)
    try:
        assert await restored.schema_version() == latest_version()
    finally:
        await restored.close()


def test_backup_replaces_an_older_backup(tmp_path: Path) -> None:
    """Writing a backup over an old one replaces it and leaves no temporary file."""
    source, copy = tmp_path / "p.db", tmp_path / "backup.db"
    make_database(source)
    copy.write_bytes(b"an old backup")
    backup_database(source, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "p.db"]


def test_failed_backup_keeps_the_older_backup(tmp_path: Path) -> None:
    """When the copy fails, the previous backup is still there and no temporary file is left."""
    source, copy = tmp_path / "p.db", tmp_path / "backup.db"
    source.write_bytes(b"this is not a database " * 200)
    copy.write_bytes(b"an old backup")
    with pytest.raises(StoreError, match="backup of .*p.db failed"):
        backup_database(source, copy)
    assert copy.read_bytes() == b"an old backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "p.db"]


def test_backup_into_a_folder_uses_the_database_name(tmp_path: Path) -> None:
    """Giving a folder as destination writes the copy into it under the database's name."""
    source, folder = tmp_path / "p.db", tmp_path / "backups"
    folder.mkdir()
    make_database(source, value=7)
    written = backup_database(source, folder)
    assert written == folder / "p.db"
    with sqlite3.connect(written) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(7,)]
    db.close()


@pytest.mark.parametrize(
    ("make_args", "words"),
    [
        (lambda d: (d / "missing.db", d / "b.db"), "no database at .*missing.db"),
        (lambda d: (d / "p.db", d / "p.db"), "over the database itself"),
        (lambda d: (d / "p.db", d), "over the database itself"),
        (lambda d: (d / "p.db", d / "no" / "dir" / "b.db"), "no directory"),
    ],
)
def test_backup_mistakes_are_clear(tmp_path: Path, make_args, words: str) -> None:
    """A missing source, the source as target, or a missing folder: one clear message."""
    make_database(tmp_path / "p.db")
    source, destination = make_args(tmp_path)
    with pytest.raises(StoreError, match=words):
        backup_database(source, destination)
    assert not (tmp_path / "missing.db").exists()
    with sqlite3.connect(tmp_path / "p.db") as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]
    db.close()


def test_backup_is_the_database_as_it_was_when_it_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes made during a long backup neither restart it nor end up half in the copy."""
    source, copy = tmp_path / "p.db", tmp_path / "backup.db"
    with sqlite3.connect(source, isolation_level=None) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 500)
    db.close()
    bot = sqlite3.connect(source, isolation_level=None)  # the bot, writing on
    steps: list[int] = []
    real_connect = sqlite3.connect

    class Source:
        """The backup's source connection, with the bot writing after each backup step."""

        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def __getattr__(self, name: str):
            return getattr(self.connection, name)

        def backup(self, target: sqlite3.Connection, **kwargs) -> None:
            def progress(status: int, remaining: int, total: int) -> None:
                steps.append(remaining)
                if len(steps) <= 50:  # bounded, so a backup that restarts fails instead of hangs
                    bot.execute("INSERT INTO t VALUES ('new')")

            self.connection.backup(target, progress=progress, **kwargs)

    def connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        return Source(connection) if kwargs.get("uri") else connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    try:
        backup_database(source, copy, pages=10)
    finally:
        monkeypatch.undo()
        bot.close()
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 500
    db.close()
    assert steps == sorted(steps, reverse=True)  # never started over
