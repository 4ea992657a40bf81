"""The same store on PostgreSQL, through an asyncpg connection pool (``[database] url``).

Statements arrive in the SQLite subset features write and are translated once each
(bot/storage/dialect.py). Differences a caller could notice are smoothed here:

- rows are read by index or by column name, like sqlite3's; ``sum``/``avg`` results come back
  as int or float rather than Decimal;
- a parameter of the "wrong" Python type (an int for a TEXT column, as SQLite accepts) is
  converted to the column's type, learnt from the prepared statement, instead of failing;
- ``execute`` of an INSERT into a table with an ``INTEGER PRIMARY KEY`` returns the new id, which
  is SQLite's rowid: the largest + 1 (`ROWID_FUNCTION`);
- `transaction()` holds an advisory lock for its whole life, so transactions run one at a
  time across every process, as SQLite's BEGIN IMMEDIATE does; single statements do not wait;
- `atomically(work)` runs `work` on a worker thread whose statements go to one connection in
  one transaction on the event loop;
- the schema versions live in ``schema_versions``; migrations run under an advisory lock, so
  several processes starting together migrate once;
- a connection of its own holds the process's owner lock while the store is open, which tells
  the other processes it runs (bot/storage/owners.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg

from bot.storage.dialect import Translated, Untranslatable, fts_query, split_statements, translate
from bot.storage.folding import removed
from bot.storage.owners import OWNERS_LOCK
from bot.storage.store import (
    _SET_VERSION,
    CORE,
    Atomic,
    Column,
    Conflict,
    Migration,
    Params,
    Queries,
    SchemaTooNewError,
    Store,
    StoreError,
    Transaction,
    migrations,
)

log = logging.getLogger("pustaka.store")
T = TypeVar("T")

TRANSACTIONS_LOCK = 0x70757374616B61  # "pustaka": every store.transaction() takes it
MIGRATIONS_LOCK = TRANSACTIONS_LOCK + 1
POOL_SIZE = 10
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)


ROWID_FUNCTION = """
CREATE OR REPLACE FUNCTION pustaka_rowid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_id BIGINT;
BEGIN
    IF to_jsonb(NEW) ->> TG_ARGV[0] IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_NAME));
        EXECUTE format('SELECT coalesce(max(%I), 0) + 1 FROM %I', TG_ARGV[0], TG_TABLE_NAME)
            INTO next_id;
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], next_id));
    END IF;
    RETURN NEW;
END $$
"""
"""SQLite's ``INTEGER PRIMARY KEY`` (the rowid) without a value given: the largest + 1, so a
deleted last row's number is used again (a discarded draft leaves no gap), as SQLite does. Each
such table has a trigger calling this (bot/storage/dialect.py); the advisory lock, held until
the transaction ends, keeps two processes from taking one number."""


SQLITE_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION pustaka_time(value text, modifiers text[]) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET TimeZone = 'UTC' AS $$
DECLARE
    moment timestamp := value::timestamptz AT TIME ZONE 'UTC';
    modifier text;
    parts text[];
BEGIN
    FOREACH modifier IN ARRAY modifiers LOOP
        modifier := lower(btrim(modifier));
        parts := regexp_match(
            modifier, '^([+-]?[0-9]+(\.[0-9]+)?) *(second|minute|hour|day|month|year)s?$');
        IF parts IS NOT NULL THEN
            moment := moment + (parts[1] || ' ' || parts[3])::interval;
        ELSIF modifier ~ '^weekday [0-6]$' THEN
            moment := moment + (substr(modifier, 9)::int - extract(dow FROM moment)::int + 7) % 7
                * interval '1 day';
        ELSIF modifier IN ('start of day', 'start of month', 'start of year') THEN
            moment := date_trunc(substr(modifier, 10), moment);
        ELSE
            RAISE EXCEPTION 'the date modifier ''%'' is not supported on PostgreSQL', modifier;
        END IF;
    END LOOP;
    RETURN moment;
END $$;

CREATE OR REPLACE FUNCTION date(value text, VARIADIC modifiers text[] DEFAULT '{}') RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT to_char(pustaka_time(value, modifiers), 'YYYY-MM-DD') $$;

CREATE OR REPLACE FUNCTION strftime(format text, value text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    moment timestamp := pustaka_time(value, modifiers);
    result text := '';
    piece text;
    i int := 1;
BEGIN
    WHILE i <= length(format) LOOP
        piece := substr(format, i, 1);
        IF piece = '%' THEN
            i := i + 1;
            piece := CASE substr(format, i, 1)
                WHEN 'Y' THEN to_char(moment, 'YYYY') WHEN 'm' THEN to_char(moment, 'MM')
                WHEN 'd' THEN to_char(moment, 'DD') WHEN 'H' THEN to_char(moment, 'HH24')
                WHEN 'M' THEN to_char(moment, 'MI') WHEN 'S' THEN to_char(moment, 'SS')
                WHEN 'f' THEN to_char(moment, 'SS.MS') WHEN 'j' THEN to_char(moment, 'DDD')
                WHEN 'w' THEN extract(dow FROM moment)::int::text
                WHEN 's' THEN extract(epoch FROM moment)::bigint::text WHEN '%' THEN '%'
            END;
            IF piece IS NULL THEN
                RAISE EXCEPTION 'strftime: %%% is not supported on PostgreSQL',
                    substr(format, i, 1);
            END IF;
        END IF;
        result := result || piece;
        i := i + 1;
    END LOOP;
    RETURN result;
END $$;

CREATE OR REPLACE FUNCTION pustaka_count_true(total bigint, value boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN value IS NULL THEN total ELSE coalesce(total, 0) + value::int END $$;

CREATE OR REPLACE AGGREGATE sum(boolean) (
    SFUNC = pustaka_count_true, STYPE = bigint, COMBINEFUNC = int8pl, PARALLEL = SAFE
);
"""
"""SQLite's functions features use that PostgreSQL lacks or has otherwise. ``sum(a = b)``:
SQLite's comparisons are numbers, so summing one counts the rows where it holds (NULL when no
row has a value, as SQLite's sum). ``date(time, modifier, …)`` and ``strftime(format, time,
modifier, …)`` for the subset features write: a time as text (ISO 8601, UTC unless it says its
offset); the modifiers ``±N seconds|minutes|hours|days|months|years``, ``weekday N`` and
``start of day|month|year``; the formats ``%Y %m %d %H %M %S %f %j %w %s %%``. Anything else
raises rather than answer differently. (Months are added as PostgreSQL does: 31 January + 1
month is 28 February, where SQLite says 3 March.)"""


def fold_function() -> str:
    """SQLite's store registers bot/storage/folding.py's `fold` as an SQL function; this is the
    same in SQL: the spacing accents removed, the compatibility decomposition's marks removed,
    composed again."""
    accents, marks = removed()
    return (
        "CREATE OR REPLACE FUNCTION fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT"
        " PARALLEL SAFE AS $$ SELECT CASE WHEN octet_length($1) = length($1) THEN $1 ELSE"
        f" normalize(translate(normalize(translate($1, '{accents}', ''), NFKD), '{marks}', ''),"
        " NFC) END $$"
    )


class Row(tuple):  # type: ignore[type-arg]
    """A result row: by index, by column name, unpacked, or as ``dict(zip(row.keys(), row))``."""

    _names: dict[str, int]

    def __new__(cls, record: asyncpg.Record) -> Row:
        row = super().__new__(cls, (_plain(value) for value in record.values()))
        row._names = {name: i for i, name in enumerate(record.keys())}
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names[key])
            except KeyError:
                raise IndexError(f"no column named {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _coerce(value: Any, type_name: str) -> Any:
    """SQLite stores what it is given; PostgreSQL wants the column's own type."""
    if value is None:
        return None
    if type_name in ("text", "varchar", "bpchar", "name", "unknown"):
        if isinstance(value, bool):
            return str(int(value))
        return value if isinstance(value, str) else str(value)
    if type_name in ("int2", "int4", "int8"):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return int(value) if isinstance(value, bool) else value
    if type_name in ("float4", "float8", "numeric"):
        return float(value) if isinstance(value, (int, str)) else value
    if type_name == "bool" and isinstance(value, int):
        return bool(value)
    return value


class _Statements(Queries):
    """The query methods over one connection (a transaction's) or the pool (the store's)."""

    dialect = "postgresql"
    shared = True

    _owner: PostgresStore

    async def _conn_run(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        raise NotImplementedError

    async def _call(self, sql: str, params: Params, method: str) -> Any:
        if isinstance(params, Mapping):
            raise StoreError("named parameters are not supported on PostgreSQL; use ?")
        store = self._owner
        translated = store._translate(sql)
        args = list(params)
        for index in translated.fts_params:
            args[index] = fts_query(str(args[index]))

        async def work(conn: asyncpg.Connection) -> Any:
            types = store._param_types.get(translated.sql)
            if types is None:
                try:
                    return await getattr(conn, method)(translated.sql, *args)
                except (asyncpg.DataError, TypeError) as error:
                    if "invalid input for query argument" not in str(error):
                        raise
                    types = await store._learn_param_types(conn, translated.sql)
            fixed = [_coerce(v, t) for v, t in zip(args, types, strict=False)]
            return await getattr(conn, method)(translated.sql, *fixed)

        try:
            result = await self._conn_run(work)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise Conflict(str(error)) from error
        if method == "fetch":
            return [Row(r) for r in result]
        if method == "fetchrow":
            return None if result is None else Row(result)
        return result

    async def execute(self, sql: str, params: Params = ()) -> int:
        column = self._owner._returns_id(sql)
        if column is not None:
            new_id = await self._call(
                f"{sql.rstrip().rstrip(';')} RETURNING {column}", params, "fetchval"
            )
            return int(new_id or 0)
        await self._call(sql, params, "execute")
        return 0

    async def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> None:
        store = self._owner
        translated = store._translate(sql)
        rows = [list(p) for p in seq_of_params]
        if not rows:
            return
        for row in rows:
            for index in translated.fts_params:
                row[index] = fts_query(str(row[index]))

        async def work(conn: asyncpg.Connection) -> None:
            types = store._param_types.get(translated.sql)
            if types is None:
                try:
                    await conn.executemany(translated.sql, rows)
                    return
                except (asyncpg.DataError, TypeError) as error:
                    if "invalid input for query argument" not in str(error):
                        raise
                    types = await store._learn_param_types(conn, translated.sql)
            fixed = [[_coerce(v, t) for v, t in zip(r, types, strict=False)] for r in rows]
            await conn.executemany(translated.sql, fixed)

        try:
            await self._conn_run(work)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise Conflict(str(error)) from error

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self._call(sql, params, "fetchrow")

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._call(sql, params, "fetch")


class PostgresTransaction(_Statements, Transaction):
    def __init__(self, owner: PostgresStore, conn: asyncpg.Connection) -> None:
        self._owner = owner
        self._conn = conn
        self._active = True

    async def _conn_run(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        if not self._active:
            raise StoreError("this transaction has already ended; start a new one")
        return await work(self._conn)


class _ThreadAtomic:
    """`Atomic` for a worker thread: each statement runs on the event loop, in the transaction."""

    def __init__(self, tx: PostgresTransaction, loop: asyncio.AbstractEventLoop) -> None:
        self._tx = tx
        self._loop = loop

    def _wait(self, work: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()  # type: ignore[arg-type]

    def execute(self, sql: str, params: Params = ()) -> int:
        return self._wait(self._tx.execute(sql, params))

    def fetchone(self, sql: str, params: Params = ()) -> Any:
        return self._wait(self._tx.fetchone(sql, params))

    def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        return self._wait(self._tx.fetchall(sql, params))

    def fetchval(self, sql: str, params: Params = (), default: Any = None) -> Any:
        return self._wait(self._tx.fetchval(sql, params, default))


class PostgresStore(_Statements, Store):
    """The PostgreSQL database; see the module's docstring. Create it with ``Store.open(url)``."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._owner = self
        self.url = url
        self.path = None
        self._closed = False
        self._translations: dict[str, Translated] = {}
        self._param_types: dict[str, list[str]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}
        self._rowids: dict[str, str] = {}
        self._in_transaction: set[asyncio.Task[Any]] = set()
        self._life: asyncio.Task[None] | None = None
        self._life_conn: asyncpg.Connection | None = None

    @classmethod
    async def open(  # type: ignore[override]
        cls,
        path: str,
        *,
        migrate: bool = True,
        target_version: int | None = None,
        packages: Iterable[Sequence[Migration]] = (),
    ) -> PostgresStore:
        url = path
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise StoreError(f"cannot connect to the database {_safe(url)}: {error}") from error
        store = cls(pool, url)
        chains = {CORE: migrations()}
        for chain in packages:
            if chain:
                chains[chain[0].package] = list(chain)
        try:
            async with pool.acquire() as conn:
                await conn.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK)
                try:
                    await _prepare_database(conn)
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_versions ("
                        " package TEXT PRIMARY KEY, version BIGINT NOT NULL)"
                    )
                    versions = await store._versions(conn)
                    for package, chain in chains.items():
                        if versions.get(package, 0) > len(chain):
                            raise SchemaTooNewError(
                                f"the database's {package} tables are at version"
                                f" {versions[package]}, newer than this Pustaka knows"
                                f" ({len(chain)}); upgrade Pustaka or restore a backup"
                            )
                    if migrate:
                        await store._migrate(conn, chains, versions, target_version)
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATIONS_LOCK)
            await store._learn_schema()
            await store._hold_owner_lock()
        except BaseException:
            await store._let_go()
            await pool.close()
            raise
        return store

    async def _hold_owner_lock(self) -> None:
        """Take a number no live process holds and hold its lock on a connection of its own
        until the store closes (bot/storage/owners.py)."""
        conn = await asyncpg.connect(self.url)
        try:
            while True:
                number = random.randint(1, 2**31 - 1)
                if await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", OWNERS_LOCK, number):
                    break
        except BaseException:
            await conn.close()
            raise
        self.owner = number
        self._life_conn = conn
        self._life = asyncio.create_task(_hold(conn), name="pustaka-owner-lock")

    async def _let_go(self) -> None:
        """Close the owner lock's connection: the others see this process stopped."""
        if self._life is not None:
            self._life.cancel()
            await asyncio.gather(self._life, return_exceptions=True)
        if self._life_conn is not None and not self._life_conn.is_closed():
            # Let go of the lock first, so that it is gone when this returns (the server drops
            # it only as the connection's backend exits, a moment after the close).
            with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                await self._life_conn.execute("SELECT pg_advisory_unlock_all()")
            await self._life_conn.close()

    async def live_owners(self) -> set[int]:
        rows = await self._pool.fetch(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = $1::bigint::oid AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            OWNERS_LOCK,
        )
        return {int(row[0]) for row in rows}

    @staticmethod
    async def _versions(conn: asyncpg.Connection) -> dict[str, int]:
        rows = await conn.fetch("SELECT package, version FROM schema_versions")
        return {row[0]: int(row[1]) for row in rows}

    async def versions(self) -> dict[str, int]:
        async with self._pool.acquire() as conn:
            return await self._versions(conn)

    async def _migrate(
        self,
        conn: asyncpg.Connection,
        chains: Mapping[str, Sequence[Migration]],
        versions: dict[str, int],
        target: int | None,
    ) -> None:
        core = chains[CORE]
        target = len(core) if target is None else target
        if not 0 <= target <= len(core):
            raise StoreError(f"no schema version {target}: this Pustaka knows 0 to {len(core)}")
        for package, chain in chains.items():
            current = versions.get(package, 0)
            end = target if package == CORE else len(chain)
            for migration in chain:
                if current < migration.version <= end:
                    await self._apply(conn, migration)
                    log.info(
                        "database migrated to version %d (%s)", migration.version, migration.label
                    )

    async def _apply(self, conn: asyncpg.Connection, migration: Migration) -> None:
        script = migration.postgresql or migration.sql
        try:
            async with conn.transaction():
                for statement in split_statements(script):
                    if migration.postgresql:
                        await conn.execute(statement)
                        continue
                    translated = translate(statement)
                    for sql in (translated.sql, *translated.after):
                        await conn.execute(sql)
                await conn.execute(
                    translate(_SET_VERSION).sql, migration.package, migration.version
                )
        except (asyncpg.PostgresError, Untranslatable) as error:
            raise StoreError(f"migration {migration.label} failed: {error}") from error

    async def _learn_schema(self) -> None:
        """Primary keys (for INSERT OR REPLACE) and the tables whose ``id`` is an identity."""
        async with self._pool.acquire() as conn:
            keys = await conn.fetch(_PRIMARY_KEYS)
            rowids = await conn.fetch(
                "SELECT c.relname, t.tgargs FROM pg_trigger AS t JOIN pg_class AS c"
                " ON c.oid = t.tgrelid WHERE t.tgname LIKE 'pustaka_rowid%'"
                " AND c.relnamespace = current_schema()::regnamespace"
            )
        self._keys = {}
        for table, column in keys:
            self._keys[table] = (*self._keys.get(table, ()), column)
        self._rowids = {row[0]: bytes(row[1]).split(b"\x00")[0].decode() for row in rowids}
        self._translations.clear()

    async def tables(self) -> dict[str, tuple[Column, ...]]:
        """Read from information_schema (and pg_constraint for foreign keys), this schema's
        tables only."""
        async with self._pool.acquire() as conn:
            columns = await conn.fetch(
                "SELECT c.table_name, c.column_name, c.is_nullable = 'YES'"
                " FROM information_schema.columns c JOIN information_schema.tables t"
                " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                " ORDER BY c.table_name, c.ordinal_position"
            )
            keys = await conn.fetch(_PRIMARY_KEYS)
            references = await conn.fetch(
                "SELECT owner.relname, a.attname, target.relname FROM pg_constraint k"
                " JOIN pg_class owner ON owner.oid = k.conrelid"
                " JOIN pg_class target ON target.oid = k.confrelid"
                " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)"
                " WHERE k.contype = 'f' AND owner.relnamespace = current_schema()::regnamespace"
            )
        primary = {(table, column) for table, column in keys}
        target = {(table, column): to for table, column, to in references}
        found: dict[str, tuple[Column, ...]] = {}
        for table, name, nullable in columns:
            column = Column(name, nullable, (table, name) in primary, target.get((table, name)))
            found[table] = (*found.get(table, ()), column)
        return found

    async def _learn_param_types(self, conn: asyncpg.Connection, sql: str) -> list[str]:
        """The parameters' types of a statement that was given other Python types: from now
        on its values are converted before they are sent."""
        statement = await conn.prepare(sql)
        types = [t.name for t in statement.get_parameters()]
        if len(self._param_types) < 10_000:
            self._param_types[sql] = types
        return types

    def _translate(self, sql: str) -> Translated:
        found = self._translations.get(sql)
        if found is None:
            try:
                found = translate(sql, self._keys.get)
            except Untranslatable as error:
                raise StoreError(str(error)) from error
            if len(self._translations) < 10_000:
                self._translations[sql] = found
        return found

    def _returns_id(self, sql: str) -> str | None:
        """The rowid column when `sql` is an INSERT whose new id `execute` should return."""
        match = _INSERT.match(sql) or re.match(r"^\s*INSERT\s+OR\s+\w+\s+INTO\s+(\w+)", sql, re.I)
        if match is None or _RETURNING.search(sql):
            return None
        return self._rowids.get(match[1])

    def _refuse_inside_own_transaction(self, what: str) -> None:
        if asyncio.current_task() in self._in_transaction:
            raise StoreError(
                f"{what} inside this task's own store.transaction() would wait for ever;"
                " use the transaction's methods"
            )

    async def _conn_run(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        self._refuse_inside_own_transaction("a store statement")
        if self._closed:
            raise StoreError("the database is closed")
        async with self._pool.acquire() as conn:
            return await work(conn)

    @asynccontextmanager  # type: ignore[override]
    async def transaction(self) -> AsyncIterator[Transaction]:
        self._refuse_inside_own_transaction("store.transaction()")
        if self._closed:
            raise StoreError("the database is closed")
        task = asyncio.current_task()
        async with self._pool.acquire() as conn:
            tx = PostgresTransaction(self, conn)
            if task is not None:
                self._in_transaction.add(task)
            try:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", TRANSACTIONS_LOCK)
                    yield tx
                    tx._active = False
            except asyncpg.IntegrityConstraintViolationError as error:
                raise Conflict(str(error)) from error
            finally:
                tx._active = False
                self._in_transaction.discard(task)  # type: ignore[arg-type]

    async def atomically(self, work: Callable[[Atomic], T]) -> T:
        loop = asyncio.get_running_loop()
        async with self.transaction() as tx:
            assert isinstance(tx, PostgresTransaction)
            working = asyncio.ensure_future(asyncio.to_thread(work, _ThreadAtomic(tx, loop)))
            try:
                return await asyncio.shield(working)
            except asyncio.CancelledError:
                # The work goes on in its thread, on this transaction's connection: it must
                # end before the transaction is rolled back, else the two collide on the
                # connection and the cancellation is lost in the error that follows.
                with contextlib.suppress(Exception):
                    await working
                raise

    async def close(self) -> None:
        if self._closed:
            return
        self._refuse_inside_own_transaction("store.close()")
        self._closed = True
        await self._let_go()
        try:
            await asyncio.wait_for(self._pool.close(), timeout=10)
        except TimeoutError:
            log.warning("PostgreSQL connections still busy after 10 s; closing them")
            self._pool.terminate()


_PRIMARY_KEYS = (
    "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
    " JOIN information_schema.key_column_usage kcu"
    " ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name"
    " AND kcu.table_schema = tc.table_schema"
    " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()"
    " ORDER BY tc.table_name, kcu.ordinal_position"
)
"""(table, column) of this schema's primary keys, a key's columns in their order."""


async def _prepare_database(conn: asyncpg.Connection) -> None:
    """What SQLite has built in: the NOCASE collation (``x = ? COLLATE NOCASE``), here an ICU
    collation that ignores case (and, unlike SQLite's, not only ASCII letters' case); and the
    rowid's next value (`ROWID_FUNCTION`); the date functions (`SQLITE_FUNCTIONS`) and the
    catalog's ``fold`` (`fold_function`)."""
    await conn.execute(ROWID_FUNCTION)
    await conn.execute(SQLITE_FUNCTIONS)
    await conn.execute(fold_function())
    exists = await conn.fetchval(
        "SELECT 1 FROM pg_collation WHERE collname = 'nocase'"
        " AND collnamespace = current_schema()::regnamespace"
    )
    if not exists:
        await conn.execute(
            "CREATE COLLATION IF NOT EXISTS nocase"
            " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
        )


async def _hold(conn: asyncpg.Connection) -> None:
    """Watch the owner lock's connection until cancelled (the store closes). Should it end
    (the server restarted, the network dropped), the others see this process stopped and take
    its work back: logged, since from then on a job may run twice."""
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _: lost.set())
    await lost.wait()
    log.error(
        "the connection holding this process's owner lock ended: other processes take back"
        " its work, and what it is doing may be done twice"
    )


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)
