"""``pustaka db migrate --to postgresql://…``: an existing SQLite database copied into PostgreSQL.

Both are opened through the store, so each is first migrated to this Pustaka's schema with every
feature's tables; the PostgreSQL database must hold no rows yet. Tables are copied referenced
first (their foreign keys followed), in batches, ids kept (and each identity moved past them);
the full-text index is built again from the books, not copied (SQLite's FTS5 tables are its own
format). Then every table is verified: the same number of rows, and the same checksum — a sum of
each row's hash, so the order rows come back in does not matter; values are compared as text,
which is how SQLite's loose types and PostgreSQL's strict ones agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.folding import folded
from bot.storage.store import Migration, Store, StoreError

BATCH = 2000
_NOT_COPIED = ("sqlite_", "books_fts", "books_vocab")
_SKIPPED = {"schema_versions"}
_INDEXED = ", ".join(folded(column) for column in ("title", "authors", "subjects", "description"))
_IN_USE = ("members", "communities", "books", "jobs")
"""Tables a database in use has rows in: the PostgreSQL database must have none."""


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    rows: int
    checksum: str


def row_hash(row: Iterable[Any]) -> int:
    text = "\x1f".join("\x00" if value is None else _text(value) for value in row)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


async def tables_in_order(source: Store) -> list[str]:
    """The SQLite database's tables, each after the tables it references."""
    names = [
        row[0]
        for row in await source.fetchall(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
        )
        if not row[0].startswith(_NOT_COPIED) and row[0] not in _SKIPPED
    ]
    needs: dict[str, set[str]] = {}
    for name in names:
        rows = await source.fetchall(f"SELECT \"table\" FROM pragma_foreign_key_list('{name}')")
        needs[name] = {row[0] for row in rows if row[0] != name and row[0] in names}
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, wanted in needs.items() if wanted <= set(ordered))
        if not ready:
            raise StoreError(f"the tables {sorted(needs)} reference one another in a circle")
        ordered.extend(ready)
        for name in ready:
            del needs[name]
    return ordered


async def _columns(target: Store, table: str) -> list[str]:
    rows = await target.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
        " AND table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in rows]


async def checksum(store: Store, table: str, columns: Sequence[str]) -> tuple[int, str]:
    """Rows and the order-independent checksum of `columns` of `table`."""
    total, count, offset = 0, 0, 0
    listed = ", ".join(columns)
    while True:
        rows = await store.fetchall(
            f"SELECT {listed} FROM {table} ORDER BY {listed} LIMIT ? OFFSET ?", (BATCH, offset)
        )
        for row in rows:
            total = (total + row_hash(row)) % (1 << 64)
        count += len(rows)
        offset += len(rows)
        if len(rows) < BATCH:
            return count, f"{total:016x}"


async def copy_database(
    source_path: Path,
    url: str,
    packages: Iterable[Sequence[Migration]],
    progress: Callable[[str], None] = lambda line: None,
) -> list[Copied]:
    """Copy the SQLite file at `source_path` (it must exist) into the empty PostgreSQL database
    at `url`."""
    chains = list(packages)
    source = await Store.open(source_path, packages=chains)
    try:
        target = await Store.open(url, packages=chains)
    except BaseException:
        await source.close()
        raise
    try:
        if source.dialect != "sqlite" or target.dialect != "postgresql":
            raise StoreError("the copy goes from a SQLite file to a postgresql:// URL")
        tables = await tables_in_order(source)
        for table in _IN_USE:
            if await target.fetchval(f"SELECT 1 FROM {table} LIMIT 1"):
                raise StoreError(
                    f"the PostgreSQL database already has rows (in {table}): copy into an empty one"
                )
        async with target.transaction() as tx:  # rows its migrations wrote, such as counters
            for table in reversed(tables):
                await tx.execute(f"DELETE FROM {table}")
        copied = []
        for table in tables:
            columns = await _columns(target, table)
            have = {row[1] for row in await source.fetchall(f"PRAGMA table_info({table})")}
            columns = [c for c in columns if c in have]
            await _copy_table(source, target, table, columns)
            rows, sum_source = await checksum(source, table, columns)
            check_rows, sum_target = await checksum(target, table, columns)
            if (rows, sum_source) != (check_rows, sum_target):
                raise StoreError(
                    f"{table}: {rows} rows (checksum {sum_source}) in SQLite but {check_rows}"
                    f" (checksum {sum_target}) in PostgreSQL"
                )
            copied.append(Copied(table, rows, sum_source))
            progress(f"{table}: {rows} rows, checksum {sum_source}")
        await target.execute(
            "INSERT INTO books_fts (rowid, title, authors, subjects, description)"
            f" SELECT id, {_INDEXED} FROM books"
        )
        return copied
    finally:
        await source.close()
        await target.close()


async def _copy_table(source: Store, target: Store, table: str, columns: list[str]) -> None:
    listed = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {table} ({listed}) VALUES ({marks})"
    offset = 0
    while True:
        rows = await source.fetchall(
            f"SELECT {listed} FROM {table} ORDER BY rowid LIMIT ? OFFSET ?"
            if await _has_rowid(source, table)
            else f"SELECT {listed} FROM {table} ORDER BY {listed} LIMIT ? OFFSET ?",
            (BATCH, offset),
        )
        if rows:
            async with target.transaction() as tx:
                await tx.executemany(insert, [tuple(row) for row in rows])
        offset += len(rows)
        if len(rows) < BATCH:
            return


async def _has_rowid(source: Store, table: str) -> bool:
    sql = await source.fetchval("SELECT sql FROM sqlite_schema WHERE name = ?", (table,))
    return "WITHOUT ROWID" not in (sql or "").upper()
