"""How each source's syncs went (`catalog_sync`) and when each book's copies were last read
from its source (`catalog_availability`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.store import Store
from bot.time.clock import utc_text

TELL_AFTER = timedelta(hours=1)  # a source failing this long is reported to moderators, once


@dataclass(frozen=True, slots=True)
class SyncState:
    source: str
    last_sync: datetime | None
    last_full: datetime | None
    failing_since: datetime | None
    last_error: str | None
    told: bool


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def sync_state(store: Store, source: str) -> SyncState:
    row = await store.fetchone(
        "SELECT last_sync, last_full, failing_since, last_error, told FROM catalog_sync"
        " WHERE source = ?",
        (source,),
    )
    if row is None:
        return SyncState(source, None, None, None, None, False)
    return SyncState(source, _when(row[0]), _when(row[1]), _when(row[2]), row[3], bool(row[4]))


async def succeeded(store: Store, source: str, now: datetime, *, full: bool) -> None:
    column = "last_full" if full else "last_sync"
    await store.execute(
        f"INSERT INTO catalog_sync (source, {column}) VALUES (?, ?)"
        f" ON CONFLICT (source) DO UPDATE SET {column} = excluded.{column},"
        " failing_since = NULL, last_error = NULL, told = 0",
        (source, utc_text(now)),
    )


async def failed(store: Store, source: str, now: datetime, error: str) -> bool:
    """Record a failure; True when moderators should now be told (once an outage)."""
    await store.execute(
        "INSERT INTO catalog_sync (source, failing_since, last_error) VALUES (?, ?, ?)"
        " ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error,"
        " failing_since = coalesce(failing_since, excluded.failing_since)",
        (source, utc_text(now), error[:500]),
    )
    told = await store.fetchval(
        "UPDATE catalog_sync SET told = 1 WHERE source = ? AND told = 0 AND failing_since <= ?"
        " RETURNING source",
        (source, utc_text(now - TELL_AFTER)),
    )
    return told is not None


async def full_token(store: Store, source: str) -> str | None:
    """Where an unfinished full reconciliation resumes; None: start afresh."""
    return await store.fetchval("SELECT full_token FROM catalog_sync WHERE source = ?", (source,))


async def start_full(store: Store, source: str) -> None:
    """Forget an unfinished reconciliation's progress."""
    async with store.transaction() as tx:
        await tx.execute("DELETE FROM catalog_sync_seen WHERE source = ?", (source,))
        await tx.execute("UPDATE catalog_sync SET full_token = NULL WHERE source = ?", (source,))


async def read_page(
    store: Store, source: str, source_ids: Iterable[str], token: str | None
) -> None:
    """A reconciliation read these records; the next page is `token`. One transaction."""
    async with store.transaction() as tx:
        await tx.executemany(
            "INSERT OR IGNORE INTO catalog_sync_seen (source, source_id) VALUES (?, ?)",
            [(source, source_id) for source_id in source_ids],
        )
        await tx.execute(
            "INSERT INTO catalog_sync (source, full_token) VALUES (?, ?)"
            " ON CONFLICT (source) DO UPDATE SET full_token = excluded.full_token",
            (source, token),
        )


async def seen(store: Store, source: str) -> list[str]:
    """The source ids a reconciliation has read so far."""
    rows = await store.fetchall(
        "SELECT source_id FROM catalog_sync_seen WHERE source = ?", (source,)
    )
    return [row[0] for row in rows]


async def unseen(store: Store, source: str) -> tuple[list[str], int]:
    """The source's books a finished reconciliation did not read, and how many it has."""
    rows = await store.fetchall(
        "SELECT source_id FROM books WHERE source = ? AND source_id NOT IN"
        " (SELECT source_id FROM catalog_sync_seen WHERE source = ?)",
        (source, source),
    )
    total = await store.fetchval("SELECT count(*) FROM books WHERE source = ?", (source,))
    return [row[0] for row in rows], int(total)


async def checked(store: Store, source: str, source_ids: Iterable[str], now: datetime) -> None:
    await store.executemany(
        "INSERT INTO catalog_availability (source, source_id, checked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (source, source_id) DO UPDATE SET checked_at = excluded.checked_at",
        [(source, source_id, utc_text(now)) for source_id in source_ids],
    )


async def checked_at(store: Store, source: str, source_id: str) -> datetime | None:
    return _when(
        await store.fetchval(
            "SELECT checked_at FROM catalog_availability WHERE source = ? AND source_id = ?",
            (source, source_id),
        )
    )


async def stalest(store: Store, source: str, limit: int) -> list[int]:
    """Books of `source` whose copies were never read, then those read longest ago."""
    rows = await store.fetchall(
        "SELECT books.id FROM books LEFT JOIN catalog_availability AS a"
        " ON a.source = books.source AND a.source_id = books.source_id"
        " WHERE books.source = ? ORDER BY a.checked_at IS NOT NULL, a.checked_at, books.id"
        " LIMIT ?",
        (source, limit),
    )
    return [row[0] for row in rows]


async def forget_removed(store: Store, source: str) -> None:
    """Drop the read times of books no longer in the catalog."""
    await store.execute(
        "DELETE FROM catalog_availability WHERE source = ? AND NOT EXISTS"
        " (SELECT 1 FROM books WHERE books.source = catalog_availability.source"
        " AND books.source_id = catalog_availability.source_id)",
        (source,),
    )
