"""Announcements (/announce): a moderator's post to every home of the community — now, at a
time or repeating — with a picture, a link button and a Discord role mention, edited and deleted
everywhere at once."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.announce.commands import AnnounceFeature


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.serve(AnnounceFeature)
