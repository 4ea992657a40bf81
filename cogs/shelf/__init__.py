"""Members' shelves: what they want to read, are reading and have read; ratings and reviews;
book suggestions to the community with upvotes."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.shelf.commands import ShelfFeature


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.serve(ShelfFeature)
