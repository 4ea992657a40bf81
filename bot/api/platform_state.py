"""Small values an adapter keeps between runs (the digest of Discord's synced slash commands, its
connection state)."""

from __future__ import annotations

import json

from bot.storage.store import Store
from bot.time.clock import Clock, utc_text


async def recall(store: Store, platform: str, key: str) -> str | None:
    value = await store.fetchval(
        "SELECT value FROM platform_state WHERE platform = ? AND key = ?", (platform, key)
    )
    return None if value is None else str(value)


async def keep(store: Store, platform: str, key: str, value: str) -> None:
    await store.execute(
        "INSERT OR REPLACE INTO platform_state (platform, key, value) VALUES (?, ?, ?)",
        (platform, key, value),
    )


CONNECTION = "connection"


async def record_connection(store: Store, clock: Clock, platform: str, state: str) -> None:
    """The platform's connection state since now ("connected", "unreachable", "stopped"), for
    `pustaka status`, which reads it from another process."""
    value = json.dumps({"state": state, "since": utc_text(clock.now())})
    await keep(store, platform, CONNECTION, value)
