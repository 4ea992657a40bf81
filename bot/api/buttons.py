"""What a button carries: its command itself when it fits the platform's limit, else a stored key.

Telegram allows 64 bytes of callback data, Discord 100 characters of custom_id. Data starts with a
letter: ``c`` runs the command and lets its answer replace the message, ``s`` runs it and leaves
the message standing (Choice.keep), ``k`` names a row of button_keys. Keys live in the database,
so a button pressed after a restart still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.store import Store

TELEGRAM_LIMIT = 64  # bytes of callback_data


@dataclass(frozen=True, slots=True)
class Pressed:
    command: str
    keep: bool
    community_id: str | None = None


async def encode(
    store: Store,
    command: str,
    *,
    keep: bool,
    now: datetime,
    community_id: str | None = None,
    limit: int = TELEGRAM_LIMIT,
) -> str:
    """Button data of at most `limit` bytes for this command."""
    data = ("s" if keep else "c") + command
    if community_id is None and len(data.encode()) <= limit:
        return data
    key = await store.fetchval(
        """
        INSERT INTO button_keys (command, keep, community_id, created_at)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (command, keep, community_id) DO UPDATE SET created_at = excluded.created_at
        RETURNING id
        """,
        (command, int(keep), community_id or "", now.isoformat()),
    )
    return f"k{key}"


async def decode(store: Store, data: str | None) -> Pressed | None:
    if not data:
        return None
    kind, rest = data[0], data[1:]
    if kind in "cs":
        return Pressed(rest, keep=kind == "s")
    if kind == "k" and rest.isdigit():
        row = await store.fetchone(
            "SELECT command, keep, community_id FROM button_keys WHERE id = ?", (int(rest),)
        )
        if row is not None:
            return Pressed(row["command"], bool(row["keep"]), row["community_id"] or None)
    return None
