"""`pustaka status`: what a running bot is doing, read from its database by another process.

Each platform's connection state (kept by its adapter), the updates stored but not yet handled
(the inbox), the messages not yet taken by their platform (the outbox), the scheduled work
(overdue jobs mean the bot is down or behind) and how each catalog source's syncs went
([[catalog.sources]]). The database is opened read-only: asking never changes or locks anything.
A SQLite file is read with sqlite3, a PostgreSQL database ([database] url) with one asyncpg
connection on a thread of its own (the caller may be running an event loop).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bot.storage.dialect import translate
from bot.storage.store import is_postgres_url
from bot.time.clock import utc_text

Rows = Callable[..., list[tuple]]
"""``rows(sql, *params)``: a statement's rows, or none when a table an older database does not
have yet is missing."""


def report(database: Path | str, now: datetime | None = None) -> list[str]:
    """The status lines; raises FileNotFoundError when there is no database yet."""
    now = now or datetime.now(UTC)
    if is_postgres_url(database):
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(_from_postgres, str(database), now).result()
    assert isinstance(database, Path)
    if not database.exists():
        raise FileNotFoundError(database)
    with sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True) as db:
        return _lines(lambda sql, *params: _rows(db, sql, *params), now)


def _lines(rows: Rows, now: datetime) -> list[str]:
    lines = [f"{platform}: {state}" for platform, state in _connections(rows)]
    if not lines:
        lines.append("platforms: none has connected yet")
    return lines + _inbox(rows) + _outbox(rows) + _jobs(rows, now) + _catalog_sources(rows)


def _from_postgres(url: str, now: datetime) -> list[str]:
    loop = asyncio.new_event_loop()
    try:
        conn = loop.run_until_complete(
            asyncpg.connect(url, server_settings={"default_transaction_read_only": "on"})
        )
    except asyncpg.InvalidCatalogNameError as error:
        loop.close()
        raise FileNotFoundError(url) from error
    if loop.run_until_complete(conn.fetchval("SELECT to_regclass('schema_versions')")) is None:
        loop.run_until_complete(conn.close())
        loop.close()
        raise FileNotFoundError(url)  # the bot never opened it: it has no tables yet

    def rows(sql: str, *params: object) -> list[tuple]:
        try:
            found = loop.run_until_complete(conn.fetch(translate(sql).sql, *params))
        except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
            return []
        return [tuple(row) for row in found]

    try:
        return _lines(rows, now)
    finally:
        loop.run_until_complete(conn.close())
        loop.close()


def _catalog_sources(rows: Rows) -> list[str]:
    lines = []
    for source, last_sync, last_full, failing_since, error in rows(
        "SELECT source, last_sync, last_full, failing_since, last_error FROM catalog_sync"
        " ORDER BY source",
    ):
        line = f"catalog source {source}: "
        line += f"last sync {_when(last_sync)}" if last_sync else "never synced"
        line += f", last full reconciliation {_when(last_full)}" if last_full else ""
        if failing_since:
            line += f"; failing since {_when(failing_since)}: {error}"
        lines.append(line)
    return lines


def _connections(rows: Rows) -> list[tuple[str, str]]:
    found = []
    for platform, value in rows(
        "SELECT platform, value FROM platform_state WHERE key = 'connection' ORDER BY platform"
    ):
        known = json.loads(value)
        found.append((platform, f"{known['state']} since {_when(known['since'])}"))
    return found


def _inbox(rows: Rows) -> list[str]:
    found = rows(
        "SELECT platform, count(*), min(received_at) FROM inbox WHERE state = 'pending'"
        " GROUP BY platform ORDER BY platform",
    )
    if not found:
        return ["inbox: nothing waiting"]
    return [
        f"inbox: {count} {platform} updates waiting, the oldest since {_when(oldest)}"
        for platform, count, oldest in found
    ]


def _outbox(rows: Rows) -> list[str]:
    found = rows(
        "SELECT platform, sum(state != 'failed'), min(CASE WHEN state != 'failed' THEN created_at"
        " END), sum(state = 'failed') FROM outbox GROUP BY platform ORDER BY platform",
    )
    lines = []
    for platform, waiting, oldest, failed in found:
        line = f"outbox: {waiting} {platform} messages waiting"
        if oldest:
            line += f", the oldest since {_when(oldest)}"
        if failed:
            line += f"; {failed} given up (see the log)"
        lines.append(line)
    return lines or ["outbox: nothing waiting"]


def _jobs(rows: Rows, now: datetime) -> list[str]:
    due = utc_text(now)
    [(pending, next_due)] = rows(
        "SELECT count(*), min(due_at) FROM jobs WHERE state = 'pending'"
    ) or [(0, None)]
    overdue_sql = "SELECT count(*), min(due_at) FROM jobs WHERE state = 'pending' AND due_at <= ?"
    # a job a moderator paused (/calendar pause) is held, not behind; older databases have none
    [(overdue, oldest)] = (
        rows(overdue_sql + " AND paused = 0", due) or rows(overdue_sql, due) or [(0, None)]
    )
    line = f"scheduled: {pending} jobs waiting"
    if next_due:
        line += f", the next at {_when(next_due)}"
    if overdue:
        line += f"; {overdue} overdue, the oldest since {_when(oldest)}"
    return [line]


def _rows(db: sqlite3.Connection, sql: str, *params: object) -> list[tuple]:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # a table an older database does not have yet
        return []


def _when(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
