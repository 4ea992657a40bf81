"""Where a community's series are posted."""

from __future__ import annotations

from bot.api.context import Destination
from bot.storage.store import Store


async def homes(store: Store, community_id: int, switched_on_in: Destination) -> list[Destination]:
    """Every home of the community's circle; until communities can be linked, the channel the
    series was switched on in."""
    return [switched_on_in]
