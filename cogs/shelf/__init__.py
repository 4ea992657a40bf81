"""Members' shelves: what they want to read, are reading and have read; ratings and reviews;
book suggestions to the community with upvotes."""

from __future__ import annotations

from bot.api.services import Services
from cogs.shelf.commands import ShelfFeature


def setup(services: Services) -> ShelfFeature:
    return ShelfFeature(services)
