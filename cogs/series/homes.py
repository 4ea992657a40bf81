"""Where a community's series are posted."""

from __future__ import annotations

from bot.api import community
from bot.api.context import Destination
from bot.storage.store import Store


async def homes(store: Store, community_id: int, switched_on_in: Destination) -> list[Destination]:
    """Every home of the community's circle (bot/api/community.py); while the community itself
    has no home set (/community home), the channel the series was switched on in stands in."""
    found = await community.homes(store, community_id)
    if await community.home(store, community_id) is None and switched_on_in not in found:
        found.insert(0, switched_on_in)
    return found
