"""The bot's database: `Store` is the interface every feature uses, `SQLiteStore` the default
engine (here, through aiosqlite) and PostgresStore the other (bot/storage/postgres.py, chosen by a
``postgresql://`` URL in ``[database] url``). What follows describes SQLite.

WAL mode, foreign keys on and a busy timeout. The schema comes in packages: the core's tables from
the numbered SQL files in bot/storage/migrations/ (``NNNN_name.sql``) and each feature's from its
own folder's migrations/ (declared in its setup()). Each package is versioned on its own, in the
``schema_versions`` table; a migration runs in one transaction together with its new version, so
a failed one leaves the previous version intact. A database, or one package of it, written by a
newer Pustaka is refused before anything is written.

Before feature packages (Pustaka 0.1, ``PRAGMA user_version`` 1 to 11) one chain held every table.
Such a database is upgraded in place: a migration file that says ``-- legacy: N`` on its first
line is the part of old migration N it now holds, so it counts as applied where N was; from then
on ``user_version`` is `LAYOUT` and the versions are in ``schema_versions``.

One connection is shared by every task. Statements are serialised with a lock; a transaction holds
the lock for its whole life, so other tasks' statements never land inside it, they wait for it.
Inside ``async with store.transaction() as tx`` use ``tx``'s methods: the store's own would wait
for the lock the transaction holds, so they raise StoreError instead of hanging.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite

from bot.storage.folding import fold

log = logging.getLogger("pustaka.store")

Params = Sequence[Any] | Mapping[str, Any]
T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"(\d{4})_(\w+?)(?:\.(postgresql))?\.sql")


class StoreError(Exception):
    """A database problem explained in one line."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer Pustaka."""


class Conflict(StoreError, sqlite3.IntegrityError):
    """A write the database refused by a constraint: a row with the same unique key exists, a
    reference points at no row, or a CHECK failed. Raised by both engines: features catch this,
    never asyncpg's errors. (It is also a sqlite3.IntegrityError only so that code written before
    it keeps working; new code names Conflict.)"""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table, as `Store.tables` describes it on either engine."""

    name: str
    nullable: bool
    """It may hold NULL: neither NOT NULL nor part of the primary key."""
    primary_key: bool
    references: str | None = None
    """The table its foreign key points at, if it has one."""


class Atomic(Protocol):
    """The statements of ``store.atomically(work)``: plain calls, one transaction."""

    def execute(self, sql: str, params: Params = ()) -> int: ...

    def fetchone(self, sql: str, params: Params = ()) -> Any: ...

    def fetchall(self, sql: str, params: Params = ()) -> list[Any]: ...

    def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any: ...


CORE = "core"
CORE_FOLDER = Path(__file__).resolve().parent / "migrations"
LAYOUT = 12
"""``PRAGMA user_version`` of a database whose versions are kept per package."""
SINGLE_CHAIN = "(single chain)"
"""The row of ``schema_versions`` that remembers an upgraded database's old single-chain
version, for features whose tables it already holds and that are loaded later."""
_SET_VERSION = (
    "INSERT INTO schema_versions VALUES (?, ?)"
    " ON CONFLICT (package) DO UPDATE SET version = excluded.version"
)
_LEGACY = re.compile(r"--\s*legacy:\s*(\d+)")


@dataclass(frozen=True, slots=True)
class Migration:
    package: str
    version: int
    name: str
    sql: str
    legacy: int | None = None
    """The old single-chain migration whose tables this one holds, if any."""
    postgresql: str | None = None
    """Its own text for PostgreSQL, where translating `sql` would not be honest."""

    @property
    def label(self) -> str:
        return f"{self.package} {self.version:04d}_{self.name}"


def read_migrations(folder: Path, package: str) -> list[Migration]:
    """Every migration in `folder`, in order; versions run 1..N without gaps. A file
    ``NNNN_name.postgresql.sql`` beside ``NNNN_name.sql`` is that migration on PostgreSQL."""
    found: dict[int, Migration] = {}
    own: dict[int, str] = {}
    numbers: list[int] = []
    entries = sorted(folder.iterdir()) if folder.is_dir() else ()
    for entry in entries:
        if not entry.name.endswith(".sql") or entry.name.startswith("."):
            continue
        match = _MIGRATION_NAME.fullmatch(entry.name)
        if match is None:
            raise StoreError(f"migration file {entry} is not named NNNN_name.sql")
        sql = entry.read_text(encoding="utf-8")
        if match[3]:
            own[int(match[1])] = sql
            continue
        legacy = _LEGACY.match(sql)
        numbers.append(int(match[1]))
        found[int(match[1])] = Migration(
            package, int(match[1]), match[2], sql, int(legacy[1]) if legacy else None
        )
    for version, sql in own.items():
        if version not in found:
            raise StoreError(
                f"{folder}: a PostgreSQL file for migration {version} has no SQLite one"
            )
        found[version] = replace(found[version], postgresql=sql)
    versions = sorted(numbers)
    if versions != list(range(1, len(numbers) + 1)):
        raise StoreError(
            f"{package} migrations must be numbered 1..N without gaps, found {versions}"
        )
    return [found[v] for v in versions]


def migrations() -> list[Migration]:
    """The core's migrations."""
    return read_migrations(CORE_FOLDER, CORE)


def latest_version() -> int:
    """The core schema version this Pustaka creates: the number of its last migration."""
    return len(migrations())


def _held_by_single_chain(chain: Sequence[Migration], legacy: int) -> int:
    """The last of `chain`'s migrations an old single-chain database at `legacy` already holds."""
    return max((m.version for m in chain if m.legacy and m.legacy <= legacy), default=0)


# aiosqlite runs each call on its own thread and waits for it; the execute → fetch → close of a
# cursor are three such trips. These helpers make one trip a statement, which matters because
# every message costs the dispatcher about a dozen statements (measured in bench/quiz_burst.py).
# They use aiosqlite's internal queue (`_execute`, `_conn`); the version range in pyproject.toml
# is pinned, and every test goes through them.


def _run_statement(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return cursor.lastrowid or 0
    finally:
        cursor.close()


def _first_row(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _in_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


async def _execute(db: aiosqlite.Connection, sql: str, params: Params) -> int:
    return await db._execute(_run_statement, db._conn, sql, params)


async def _fetchone(db: aiosqlite.Connection, sql: str, params: Params) -> aiosqlite.Row | None:
    return await db._execute(_first_row, db._conn, sql, params)


async def _fetchall(db: aiosqlite.Connection, sql: str, params: Params) -> list[aiosqlite.Row]:
    return list(await db.execute_fetchall(sql, params))


class Queries:
    """The query methods of a store and of a transaction, on either engine."""

    dialect = ""
    """"sqlite" or "postgresql": for the few core statements written for each engine."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the new row's id after an INSERT into a table with an
        ``id INTEGER PRIMARY KEY`` (else a number not to rely on)."""
        raise NotImplementedError

    async def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> None:
        """Run one statement once for each set of parameters."""
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        """The first row of the result, or None. A row is read by index or by column name."""
        raise NotImplementedError

    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of the result."""
        raise NotImplementedError

    async def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        """The first column of the first row, or ``default`` when there is no row."""
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]


class Transaction(Queries):
    """Statements inside ``async with store.transaction() as tx``."""


class Store(Queries):
    """The database: SQLite (`SQLiteStore`, the default) or PostgreSQL (bot/storage/postgres.py).

    Open it with ``Store.open(path_or_url)``; every other method behaves the same on both."""

    owner: int = 0
    """This process's number, marking the shared work it holds (bot/storage/owners.py)."""
    shared = False
    """Whether other processes may use the database at the same time (PostgreSQL)."""

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        target_version: int | None = None,
        packages: Iterable[Sequence[Migration]] = (),
    ) -> Store:
        """A ``postgresql://`` URL opens PostgreSQL, anything else is a SQLite file (or
        ``:memory:``); then the core and each feature package's tables are migrated."""
        if is_postgres_url(path):
            from bot.storage.postgres import PostgresStore

            return await PostgresStore.open(
                str(path), migrate=migrate, target_version=target_version, packages=packages
            )
        return await SQLiteStore.open(
            path, migrate=migrate, target_version=target_version, packages=packages
        )

    async def versions(self) -> dict[str, int]:
        """Each package's schema version."""
        raise NotImplementedError

    async def schema_version(self, package: str = CORE) -> int:
        """The last migration applied of `package` (the core's by default); 0 for none."""
        return (await self.versions()).get(package, 0)

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """BEGIN … COMMIT, or ROLLBACK (and re-raise) when the block raises. Transactions run
        one at a time on both engines (SQLite's BEGIN IMMEDIATE; an advisory lock on
        PostgreSQL), so read-then-write code inside one is safe."""
        raise NotImplementedError

    async def atomically(self, work: Callable[[Atomic], T]) -> T:
        """Run plain (not async) statements in one transaction: for the few hot paths run on
        every message, where a trip to the database a statement would cost more than the
        statements. `work` must not block on anything but the database."""
        raise NotImplementedError

    async def tables(self) -> dict[str, tuple[Column, ...]]:
        """Every table with its columns, in their order: for code that checks the schema
        itself (which columns hold a member, /privacy), written once for both engines."""
        raise NotImplementedError

    async def close(self) -> None:
        """Wait for running work and close. Safe to call twice."""
        raise NotImplementedError

    async def live_owners(self) -> set[int]:
        """The numbers of the processes using the database now (bot/storage/owners.py): on
        SQLite only this one, since one process uses a file."""
        return {self.owner}


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class _SQLiteAtomic:
    """`Atomic` over the sqlite3 connection, on aiosqlite's thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Params = ()) -> int:
        return _run_statement(self._conn, sql, params)

    def fetchone(self, sql: str, params: Params = ()) -> Any:
        return _first_row(self._conn, sql, params)

    def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        row = self.fetchone(sql, params)
        return default if row is None else row[0]


class _SQLiteQueries(Queries):
    """The query methods shared by the SQLite store and its transactions."""

    dialect = "sqlite"

    _db: aiosqlite.Connection

    async def _run(self, work: Callable[[], Awaitable[T]]) -> T:
        raise NotImplementedError

    async def _checked(self, work: Callable[[], Awaitable[T]]) -> T:
        try:
            return await self._run(work)
        except sqlite3.IntegrityError as error:
            raise Conflict(str(error)) from error

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._checked(lambda: _execute(self._db, sql, params))

    async def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> None:
        await self._checked(lambda: self._db.executemany(sql, seq_of_params))

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        return await self._checked(lambda: _fetchone(self._db, sql, params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return await self._checked(lambda: _fetchall(self._db, sql, params))


class SQLiteTransaction(_SQLiteQueries, Transaction):
    """Statements inside ``async with store.transaction()``; the store's lock is already held."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._active = True

    async def _run(self, work: Callable[[], Awaitable[T]]) -> T:
        if not self._active:
            raise StoreError("this transaction has already ended; start a new one")
        return await work()


class SQLiteStore(_SQLiteQueries, Store):
    """The SQLite database; see the module's docstring. Create it with ``Store.open``."""

    def __init__(self, db: aiosqlite.Connection, path: Path | None) -> None:
        self._db = db
        self.path = path
        self.owner = random.randint(1, 2**31 - 1)
        self._lock = asyncio.Lock()
        self._closed = False
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction(), if any

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        target_version: int | None = None,
        packages: Iterable[Sequence[Migration]] = (),
    ) -> SQLiteStore:
        """Connect, refuse a database from a newer Pustaka, then migrate the core (up to
        target_version) and each feature package's tables (`packages`, each one's migrations)."""
        memory = str(path) == ":memory:"
        file = None if memory else Path(path)
        if file is not None:
            if file.is_dir():
                raise StoreError(f"{file} is a folder, not a database file")
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder for the database {file}: {error}"
                ) from error
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the database {path}: {error}") from error
        db.row_factory = aiosqlite.Row
        await db.create_function("fold", 1, fold, deterministic=True)
        store = cls(db, file)
        chains = {CORE: migrations()}
        for chain in packages:
            if chain:
                chains[chain[0].package] = list(chain)
        try:
            await db.execute("PRAGMA busy_timeout = 5000")
            await db.execute("PRAGMA foreign_keys = ON")
            # Check before anything writes to the file: a newer database is left as it was.
            versions = await store._check_not_newer(chains)
            if not memory:
                mode = await store.fetchval("PRAGMA journal_mode = WAL")
                if mode != "wal":
                    log.warning("database %s cannot use WAL mode; it stays in %s", path, mode)
            await db.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await store._migrate(chains, versions, target_version)
        except sqlite3.Error as error:
            await db.close()
            raise StoreError(f"cannot use the database {path}: {error}") from error
        except BaseException:
            await db.close()
            raise
        return store

    async def versions(self) -> dict[str, int]:
        """Each package's schema version (an old single-chain database: its old version, under
        `SINGLE_CHAIN`)."""
        layout = int(await self.fetchval("PRAGMA user_version"))
        if layout < LAYOUT:
            return {SINGLE_CHAIN: layout} if layout else {}
        rows = await self.fetchall("SELECT package, version FROM schema_versions")
        return {package: version for package, version in rows}

    async def _check_not_newer(self, chains: Mapping[str, Sequence[Migration]]) -> dict[str, int]:
        layout = int(await self.fetchval("PRAGMA user_version"))
        if layout > LAYOUT:
            raise SchemaTooNewError(
                f"database schema version {layout} is newer than this Pustaka knows"
                f" ({LAYOUT}); upgrade Pustaka or restore a backup"
            )
        versions = await self.versions()
        for package, chain in chains.items():
            if versions.get(package, 0) > len(chain):
                raise SchemaTooNewError(
                    f"the database's {package} tables are at version {versions[package]}, newer"
                    f" than this Pustaka knows ({len(chain)}); upgrade Pustaka or restore a backup"
                )
        return versions

    async def _migrate(
        self,
        chains: Mapping[str, Sequence[Migration]],
        versions: dict[str, int],
        target: int | None,
    ) -> None:
        core = chains[CORE]
        target = len(core) if target is None else target
        if not 0 <= target <= len(core):
            raise StoreError(f"no schema version {target}: this Pustaka knows 0 to {len(core)}")
        if int(await self.fetchval("PRAGMA user_version")) < LAYOUT:
            versions = await self._adopt_single_chain(versions.get(SINGLE_CHAIN, 0), core)
        legacy = versions.get(SINGLE_CHAIN, 0)
        for package, chain in chains.items():
            current = versions.get(package)
            if current is None and legacy:
                # Tables an upgraded single-chain database already holds.
                current = max(
                    (m.version for m in chain if m.legacy and m.legacy <= legacy), default=0
                )
                if current:
                    await self._set_version(package, current)
            end = target if package == CORE else len(chain)
            for migration in chain:
                if (current or 0) < migration.version <= end:
                    await self._apply(migration)
                    log.info(
                        "database migrated to version %d (%s)", migration.version, migration.label
                    )

    async def _adopt_single_chain(self, legacy: int, core: Sequence[Migration]) -> dict[str, int]:
        """Move the versions into ``schema_versions``: the core's from the legacy marks."""
        core_version = _held_by_single_chain(core, legacy)
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_versions ("
                " package TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID"
            )
            rows = [(CORE, core_version)] + ([(SINGLE_CHAIN, legacy)] if legacy else [])
            await tx.executemany("INSERT INTO schema_versions VALUES (?, ?)", rows)
            await tx.execute(f"PRAGMA user_version = {LAYOUT}")
        if legacy:
            log.info("database from before feature packages (version %d) upgraded in place", legacy)
        return dict(rows)

    async def _set_version(self, package: str, version: int) -> None:
        await self.execute(
            _SET_VERSION,
            (package, version),
        )

    async def _apply(self, migration: Migration) -> None:
        # Foreign keys are off while a migration runs, so that rebuilding a table (create a new
        # one, copy, drop the old, rename) does not cascade deletes into the tables referencing
        # it; foreign_key_check then verifies the result before it is committed.
        async with self._lock:
            await self._db.execute("PRAGMA foreign_keys = OFF")
            try:
                await self._db.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n;")
                broken = await _fetchall(self._db, "PRAGMA foreign_key_check", ())
                if broken:
                    raise StoreError(
                        f"migration {migration.label} failed: it leaves {len(broken)} rows"
                        f" pointing at missing rows (first in table {broken[0][0]})"
                    )
                await _execute(
                    self._db,
                    _SET_VERSION,
                    (migration.package, migration.version),
                )
                await self._db.execute("COMMIT")
            except Exception as error:
                await self._rollback()
                if isinstance(error, StoreError):
                    raise
                raise StoreError(f"migration {migration.label} failed: {error}") from error
            except BaseException:
                await self._rollback()
                raise
            finally:
                await self._db.execute("PRAGMA foreign_keys = ON")

    async def _rollback(self) -> None:
        # Queued behind any statement still running, so it also undoes a BEGIN whose caller was
        # cancelled. SQLite may already have rolled back by itself (some errors do that).
        try:
            await self._db.execute("ROLLBACK")
        except sqlite3.Error as error:
            if "no transaction is active" not in str(error):
                log.warning("rollback failed: %s", error)

    def _refuse_inside_own_transaction(self, what: str) -> None:
        if self._owner is not None and self._owner is asyncio.current_task():
            raise StoreError(
                f"{what} inside this task's own store.transaction() would wait for ever;"
                " use the transaction's methods"
            )

    async def _run(self, work: Callable[[], Awaitable[T]]) -> T:
        self._refuse_inside_own_transaction("a store statement")
        async with self._lock:
            if self._closed:
                raise StoreError("the database is closed")
            return await work()

    @asynccontextmanager  # type: ignore[override]
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK (and re-raise) when the block raises.

        Holds the store's lock throughout: other tasks' statements wait until it ends.
        """
        self._refuse_inside_own_transaction("store.transaction()")
        async with self._lock:
            if self._closed:
                raise StoreError("the database is closed")
            tx = SQLiteTransaction(self._db)
            self._owner = asyncio.current_task()
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                yield tx
                tx._active = False
                await self._db.execute("COMMIT")
            except sqlite3.IntegrityError as error:
                await self._rollback()  # a deferred foreign key at COMMIT
                raise Conflict(str(error)) from error
            except BaseException:
                # Also when COMMIT fails (e.g. a deferred foreign key): never leave the
                # transaction open for the next task's statements to land in.
                await self._rollback()
                raise
            finally:
                tx._active = False
                self._owner = None

    async def atomically(self, work: Callable[[Atomic], T]) -> T:
        """One trip to the database thread for the whole of `work` (see `Store.atomically`)."""
        return await self._checked(
            lambda: self._db._execute(
                _in_transaction, self._db._conn, lambda conn: work(_SQLiteAtomic(conn))
            )
        )

    async def tables(self) -> dict[str, tuple[Column, ...]]:
        """Read from ``sqlite_master`` and each table's PRAGMAs (its own tables left out)."""

        def read(db: Atomic) -> dict[str, tuple[Column, ...]]:
            found = {}
            names = db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            for (table,) in names:
                references = {
                    row[3]: row[2] for row in db.fetchall(f"PRAGMA foreign_key_list('{table}')")
                }
                found[table] = tuple(
                    Column(name, not not_null and not key, bool(key), references.get(name))
                    for _, name, _, not_null, _, key in db.fetchall(f"PRAGMA table_info('{table}')")
                )
            return found

        return await self.atomically(read)

    async def close(self) -> None:
        """Wait for a running transaction, optimise, close. Safe to call twice."""
        if self._closed:
            return
        self._refuse_inside_own_transaction("store.close()")
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                # Bounded, as SQLite advises: an unbounded first ANALYZE after a bulk import made
                # the bot's peak memory grow with the catalog (96 MB at 100,000 titles).
                await self._db.execute("PRAGMA analysis_limit = 400")
                await self._db.execute("PRAGMA optimize")
            except sqlite3.Error as error:
                log.warning("PRAGMA optimize failed while closing the database: %s", error)
            finally:
                await self._db.close()
