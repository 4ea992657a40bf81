"""Small values an adapter keeps between runs (the digest of Discord's synced slash commands)."""

from __future__ import annotations

from bot.storage.store import Store


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
