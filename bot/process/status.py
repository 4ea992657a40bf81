"""`pustaka status`: what a running bot is doing, read from its database by another process.

Each platform's connection state (kept by its adapter), the updates stored but not yet handled
(the inbox), the messages not yet taken by their platform (the outbox), the scheduled work
(overdue jobs mean the bot is down or behind) and how each catalog source's syncs went
([[catalog.sources]]). The database is opened read-only: asking never changes or locks anything.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.time.clock import utc_text


def report(database: Path, now: datetime | None = None) -> list[str]:
    """The status lines; raises FileNotFoundError when there is no database yet."""
    if not database.exists():
        raise FileNotFoundError(database)
    now = now or datetime.now(UTC)
    with sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True) as db:
        lines = [f"{platform}: {state}" for platform, state in _connections(db)]
        if not lines:
            lines.append("platforms: none has connected yet")
        lines += _inbox(db)
        lines += _outbox(db)
        lines += _jobs(db, now)
        lines += _catalog_sources(db)
    return lines


def _catalog_sources(db: sqlite3.Connection) -> list[str]:
    lines = []
    for source, last_sync, last_full, failing_since, error in _rows(
        db,
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


def _connections(db: sqlite3.Connection) -> list[tuple[str, str]]:
    found = []
    for platform, value in _rows(
        db, "SELECT platform, value FROM platform_state WHERE key = 'connection' ORDER BY platform"
    ):
        known = json.loads(value)
        found.append((platform, f"{known['state']} since {_when(known['since'])}"))
    return found


def _inbox(db: sqlite3.Connection) -> list[str]:
    rows = _rows(
        db,
        "SELECT platform, count(*), min(received_at) FROM inbox WHERE state = 'pending'"
        " GROUP BY platform ORDER BY platform",
    )
    if not rows:
        return ["inbox: nothing waiting"]
    return [
        f"inbox: {count} {platform} updates waiting, the oldest since {_when(oldest)}"
        for platform, count, oldest in rows
    ]


def _outbox(db: sqlite3.Connection) -> list[str]:
    rows = _rows(
        db,
        "SELECT platform, sum(state != 'failed'), min(CASE WHEN state != 'failed' THEN created_at"
        " END), sum(state = 'failed') FROM outbox GROUP BY platform ORDER BY platform",
    )
    lines = []
    for platform, waiting, oldest, failed in rows:
        line = f"outbox: {waiting} {platform} messages waiting"
        if oldest:
            line += f", the oldest since {_when(oldest)}"
        if failed:
            line += f"; {failed} given up (see the log)"
        lines.append(line)
    return lines or ["outbox: nothing waiting"]


def _jobs(db: sqlite3.Connection, now: datetime) -> list[str]:
    due = utc_text(now)
    [(pending, next_due)] = _rows(
        db, "SELECT count(*), min(due_at) FROM jobs WHERE state = 'pending'"
    ) or [(0, None)]
    overdue_sql = "SELECT count(*), min(due_at) FROM jobs WHERE state = 'pending' AND due_at <= ?"
    # a job a moderator paused (/calendar pause) is held, not behind; older databases have none
    [(overdue, oldest)] = (
        _rows(db, overdue_sql + " AND paused = 0", due)
        or _rows(db, overdue_sql, due)
        or [(0, None)]
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
