"""The bot's one SQLite database, through aiosqlite.

WAL mode, foreign keys on and a busy timeout. The schema comes from the numbered SQL files in
bot/migrations/, applied at start, each in its own transaction with its version written to
``PRAGMA user_version`` in the same transaction, so a failed migration leaves the previous version
intact. A database written by a newer Pustaka is refused rather than touched.

One connection is shared by every task. Statements are serialised with a lock; a transaction holds
the lock for its whole life, so other tasks' statements never land inside it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger("pustaka.store")

Params = Sequence[Any] | Mapping[str, Any]
_MIGRATION_NAME = re.compile(r"(\d{4})_(\w+)\.sql")


class StoreError(Exception):
    """A database problem explained in one line."""


class SchemaTooNewError(StoreError):
    pass


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration, in order; versions run 1..N without gaps."""
    found = []
    for entry in resources.files("bot.migrations").iterdir():
        match = _MIGRATION_NAME.fullmatch(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


def latest_version() -> int:
    return len(migrations())


class _Queries:
    """The query methods shared by the store and a transaction."""

    _db: aiosqlite.Connection

    async def execute(self, sql: str, params: Params = ()) -> int | None:
        """Run one statement; the new row's id for an INSERT."""
        async with self._lock_for_statement():
            cursor = await self._db.execute(sql, params)
            lastrowid = cursor.lastrowid
            await cursor.close()
            return lastrowid

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._lock_for_statement():
            await self._db.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._lock_for_statement():
            cursor = await self._db.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._lock_for_statement():
            cursor = await self._db.execute(sql, params)
            rows = await cursor.fetchall()
            await cursor.close()
            return list(rows)

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]

    def _lock_for_statement(self) -> Any:
        raise NotImplementedError


class _NoLock:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


class Transaction(_Queries):
    """Statements inside ``async with store.transaction()``; the store's lock is already held."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    def _lock_for_statement(self) -> _NoLock:
        return _NoLock()


class Store(_Queries):
    def __init__(self, db: aiosqlite.Connection, path: Path | None) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()
        self._closed = False

    def _lock_for_statement(self) -> asyncio.Lock:
        return self._lock

    @classmethod
    async def open(
        cls, path: Path | str, *, migrate: bool = True, target_version: int | None = None
    ) -> Store:
        memory = str(path) == ":memory:"
        file = None if memory else Path(path)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except Exception as error:
            raise StoreError(f"cannot open the database {path}: {error}") from error
        db.row_factory = aiosqlite.Row
        store = cls(db, file)
        try:
            if not memory:
                await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 5000")
            await db.execute("PRAGMA synchronous = NORMAL")
            await store._check_version()
            if migrate:
                await store._migrate(target_version)
        except BaseException:
            await db.close()
            raise
        return store

    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version"))

    async def _check_version(self) -> None:
        current, latest = await self.schema_version(), latest_version()
        if current > latest:
            raise SchemaTooNewError(
                f"database schema version {current} is newer than this Pustaka knows ({latest});"
                " upgrade Pustaka or restore a backup"
            )

    async def _migrate(self, target: int | None) -> None:
        current = await self.schema_version()
        for version, name, sql in migrations():
            if version <= current or (target is not None and version > target):
                continue
            async with self._lock:
                try:
                    await self._db.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;"
                    )
                except Exception as error:
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise StoreError(f"migration {version:04d}_{name} failed: {error}") from error
            log.info("database migrated to version %d (%s)", version, name)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def close(self) -> None:
        """Wait for a running transaction, optimise, close. Safe to call twice."""
        if self._closed:
            return
        async with self._lock:
            self._closed = True
            try:
                await self._db.execute("PRAGMA optimize")
            finally:
                await self._db.close()
