"""One community on several platforms: /community link, join, show, unlink and home."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.community.commands import Communities


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # stores nothing about members
    package.serve(Communities)
