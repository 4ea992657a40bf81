"""Where a community's series are posted."""

from __future__ import annotations

from bot.api import community
from bot.api.context import Destination
from bot.storage.store import Store


async def homes(
    store: Store, community_id: int, switched_on_in: Destination
) -> list[tuple[int, Destination]]:
    """Every home of the community's circle with the community it belongs to, in circle order
    (bot/api/community.py); while the community itself has no home set (/community home), the
    channel the series was switched on in stands in for it."""
    found: list[tuple[int, Destination]] = []
    for member in await community.circle(store, community_id):
        where = await community.home(store, member)
        if where is None and member == community_id:
            where = switched_on_in
        if where is not None:
            found.append((member, where))
    return found
