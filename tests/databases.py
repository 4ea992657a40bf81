"""Which engine the tests run on: SQLite files by default, PostgreSQL under `make test-postgres`.

``PUSTAKA_TEST_POSTGRES`` (set by tests/postgres.py) is a server's URL; then each test gets a
fresh database of its own (the autouse fixture in tests/conftest.py), which `write_config` puts
in ``[database] url`` and `target` hands to tests that open a store themselves.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg

SERVER = os.environ.get("PUSTAKA_TEST_POSTGRES", "")
_current: list[str] = []
_created: list[str] = []


def on_postgres() -> bool:
    return bool(SERVER)


def _run(sql: str) -> None:
    async def work() -> None:
        conn = await asyncpg.connect(SERVER)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work()).result()


_TEMPLATE = "pustaka_template"
_template_ready: list[bool] = []


def _url(name: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + name


def _template() -> str:
    """A database with every package's tables, made once a run: each test's database is a copy
    of it (CREATE DATABASE … TEMPLATE), which is much faster than migrating again."""
    if not _template_ready:
        from bot.process.features import discover
        from bot.storage.store import Store

        async def migrate() -> None:
            store = await Store.open(_url(_TEMPLATE), packages=[p.migrations for p in discover()])
            await store.close()

        _run(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)")
        _run(f"CREATE DATABASE {_TEMPLATE}")
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, migrate()).result()
        _template_ready.append(True)
    return _TEMPLATE


def create(*, empty: bool = False) -> str:
    """A new database on the test server, with every package's tables (or none); its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    _run(f"CREATE DATABASE {name}" + ("" if empty else f" TEMPLATE {_template()}"))
    _created.append(name)
    return _url(name)


def drop_all() -> None:
    while _created:
        _run(f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)")


def begin_test() -> None:
    _current[:] = [create()]


def end_test() -> None:
    _current.clear()
    drop_all()


def current_url() -> str | None:
    """This test's PostgreSQL database, or None on SQLite."""
    return _current[0] if _current else None


def target(path: Path) -> Path | str:
    """What a test passes to ``Store.open``: `path` on SQLite; on PostgreSQL, this test's
    database for the first file it names, a new database for each other file."""
    if not SERVER:
        return path
    key = str(path)
    if key not in _by_path:
        _by_path[key] = current_url() if not _by_path else create()
    return _by_path[key]


_by_path: dict[str, str] = {}


def never_opened(path: Path) -> None:
    """On PostgreSQL, `target(path)` is a database without tables, as one the bot never
    opened (a missing file on SQLite)."""
    if SERVER:
        _by_path[str(path)] = create(empty=True)


def reset_targets() -> None:
    _by_path.clear()


def rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run one statement (SQLite's SQL) on the database a test's config names for `path`, from
    plain code and outside the bot's store: sqlite3 on SQLite, asyncpg on PostgreSQL."""
    found = target(path)
    if isinstance(found, Path):
        with sqlite3.connect(found) as db:
            return [tuple(row) for row in db.execute(sql, params).fetchall()]
    from bot.storage.dialect import translate

    async def work() -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(found)
        try:
            return [tuple(r) for r in await conn.fetch(translate(sql).sql, *params)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result()
