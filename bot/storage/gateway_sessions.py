"""Gateway sessions kept for resuming after a crash.

Discord keeps a session resumable for a few minutes after its connection drops without a close
1000/1001 (a SIGKILL), and a RESUME replays every event after a given sequence number. A process
keeps, per shard, the session, its resume URL and a sequence number at or below every
interaction it received but had not stored yet; the next start resumes that session once and
stores what the crash cut (bot/adapters/discord/salvage.py). The number moves in the transaction
that stores an interaction (:func:`advance`), so it costs no write of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.owners import left_behind
from bot.storage.store import Params, Store


@dataclass(frozen=True)
class Session:
    shard: int
    session_id: str
    resume_url: str
    seq: int


async def opened(
    store: Store, platform: str, shard: int, session_id: str, resume_url: str, seq: int
) -> None:
    """A new session (READY) on a shard: it replaces the shard's last one."""
    await store.execute(
        "INSERT INTO gateway_sessions (platform, shard, session_id, resume_url, seq, owner)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, shard) DO UPDATE SET"
        " session_id = excluded.session_id, resume_url = excluded.resume_url,"
        " seq = excluded.seq, owner = excluded.owner",
        (platform, shard, session_id, resume_url, seq, store.owner),
    )


def advance(platform: str, shard: int, session_id: str, seq: int) -> tuple[str, Params]:
    """The statement moving a session's point forward (never back), for the transaction that
    stores an interaction."""
    return (
        "UPDATE gateway_sessions SET seq = ?"
        " WHERE platform = ? AND shard = ? AND session_id = ? AND seq < ?",
        (seq, platform, shard, session_id, seq),
    )


async def left(store: Store, platform: str, shards: list[int] | None = None) -> list[Session]:
    """The sessions of processes that stopped (on SQLite: every one this process did not
    open), on the given shards (None: all)."""
    held, params = await left_behind(store, "gateway_sessions", "platform = ?", (platform,))
    rows = await store.fetchall(
        f"SELECT shard, session_id, resume_url, seq FROM gateway_sessions WHERE {held}"
        " ORDER BY shard",
        params,
    )
    return [
        Session(int(row[0]), row[1], row[2], int(row[3]))
        for row in rows
        if shards is None or int(row[0]) in shards
    ]


async def ended(store: Store, platform: str, shard: int, session_id: str) -> None:
    """A session that can no longer be resumed (salvaged, invalidated, closed cleanly)."""
    await store.execute(
        "DELETE FROM gateway_sessions WHERE platform = ? AND shard = ? AND session_id = ?",
        (platform, shard, session_id),
    )


async def ended_own(store: Store, platform: str) -> None:
    """A clean stop closed this process's sessions (close 1000): nothing left to resume."""
    await store.execute(
        "DELETE FROM gateway_sessions WHERE platform = ? AND owner = ?", (platform, store.owner)
    )
